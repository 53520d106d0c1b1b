// The microphone's audio-thread end: mixes the input down to mono, resamples it from the context's rate (the
// device's, 48 kHz on most machines) to the service's 16 kHz and posts it as chunks of 16-bit little-endian PCM
// (pcm_s16le, what /v1/stream's config names), with the chunk's RMS and peak level for the meter.
//
// Messages posted: {type: "chunk", pcm: ArrayBuffer (transferred), samples, rms, peak} with levels in [0, 1] of
// full scale; {type: "flushed"} after a {type: "flush"} from the page, once the unfilled last chunk is posted.

import { Resampler } from './resampler.js';

class PcmCaptureProcessor extends AudioWorkletProcessor {
  /**
   * @param {{processorOptions: {targetRate: number, chunkSamples: number}}} options the output rate in Hz and the
   *     chunk size in output samples (1600 at 16 kHz: 100 ms)
   */
  constructor(options) {
    super();
    const { targetRate, chunkSamples } = options.processorOptions;
    // `sampleRate` is the AudioWorkletGlobalScope's: the context's rate.
    this.resampler = new Resampler(sampleRate, targetRate);
    this.chunk = new Int16Array(chunkSamples);
    this.filled = 0;
    this.sumSquares = 0;
    this.peak = 0;
    this.running = true;
    this.port.onmessage = (event) => {
      if (event.data && event.data.type === 'flush') {
        this.post();
        this.running = false;
        this.port.postMessage({ type: 'flushed' });
      }
    };
  }

  process(inputs) {
    if (!this.running) {
      return false;
    }
    const channels = inputs[0];
    if (channels === undefined || channels.length === 0) {
      return true; // no input connected yet
    }
    const frames = channels[0].length;
    const mono = new Float32Array(frames);
    for (const channel of channels) {
      for (let i = 0; i < frames; i++) {
        mono[i] += channel[i] / channels.length;
      }
    }
    for (const sample of this.resampler.process(mono)) {
      const clipped = Math.max(-1, Math.min(1, sample));
      this.sumSquares += clipped * clipped;
      this.peak = Math.max(this.peak, Math.abs(clipped));
      this.chunk[this.filled++] = Math.round(clipped < 0 ? clipped * 32768 : clipped * 32767);
      if (this.filled === this.chunk.length) {
        this.post();
      }
    }
    return true;
  }

  post() {
    if (this.filled === 0) {
      return;
    }
    // Little-endian whatever the platform's byte order (an Int16Array's buffer would be in the platform's).
    const pcm = new ArrayBuffer(this.filled * 2);
    const view = new DataView(pcm);
    for (let i = 0; i < this.filled; i++) {
      view.setInt16(2 * i, this.chunk[i], true);
    }
    this.port.postMessage({
      type: 'chunk',
      pcm,
      samples: this.filled,
      rms: Math.sqrt(this.sumSquares / this.filled),
      peak: this.peak,
    }, [pcm]);
    this.filled = 0;
    this.sumSquares = 0;
    this.peak = 0;
  }
}

registerProcessor('pcm-capture', PcmCaptureProcessor);
