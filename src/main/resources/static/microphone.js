// The microphone's page end: opens the device, runs pcm-worklet.js on its audio and hands each 100 ms chunk of
// 16 kHz pcm_s16le to a callback, closing the device and the audio context deterministically on stop.

/** The service's sample rate in Hz (the model's; /v1/models says it). */
export const TARGET_RATE = 16000;

/** Chunk length in seconds: about what a person notices as delay, and few enough messages per second. */
export const CHUNK_SECONDS = 0.1;

/**
 * An open microphone. `open` asks for the device; every chunk goes to `onChunk({pcm, samples, rms, peak})` (pcm an
 * ArrayBuffer of little-endian 16-bit samples at `rate` Hz, levels in [0, 1] of full scale); `stop` posts the last,
 * shorter chunk, then releases the device.
 */
export class Microphone {
  /**
   * @param {(chunk: {pcm: ArrayBuffer, samples: number, rms: number, peak: number}) => void} onChunk
   * @param {number} rate the output's sample rate in Hz
   */
  constructor(onChunk, rate = TARGET_RATE) {
    this.onChunk = onChunk;
    this.rate = rate;
    this.context = null;
    this.stream = null;
    this.node = null;
  }

  /** Opens the device (the browser asks the user) and starts capturing; rejects when it is refused or absent. */
  async open() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      throw new Error('This browser gives no microphone access here (it needs https or localhost).');
    }
    try {
      // At the device's own rate: the worklet resamples (see resampler.js for why not the context). The context
      // and the worklet are ready before the device opens, so that no speech is lost while they start.
      this.context = new AudioContext();
      await this.context.audioWorklet.addModule(new URL('./pcm-worklet.js', import.meta.url));
      this.node = new AudioWorkletNode(this.context, 'pcm-capture', {
        numberOfInputs: 1,
        numberOfOutputs: 1,
        outputChannelCount: [1],
        processorOptions: { targetRate: this.rate, chunkSamples: Math.round(this.rate * CHUNK_SECONDS) },
      });
      this.node.port.onmessage = (event) => {
        if (event.data.type === 'chunk') {
          this.onChunk(event.data);
        } else if (event.data.type === 'flushed' && this.flushed) {
          this.flushed();
        }
      };
      // The node writes silence; joining it to the destination keeps the graph pulling it in every browser.
      this.node.connect(this.context.destination);
      await this.context.resume();
      this.stream = await navigator.mediaDevices.getUserMedia({
        // The model was trained on unprocessed speech: no echo cancelling, noise suppression or gain riding.
        audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false },
      });
      this.context.createMediaStreamSource(this.stream).connect(this.node);
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  /** @returns {number} the device's sample rate in Hz, once open */
  get deviceRate() {
    return this.context ? this.context.sampleRate : 0;
  }

  /** Posts the audio not yet posted, then releases the device and the audio context. */
  async stop() {
    if (this.node) {
      await new Promise((resolve) => {
        this.flushed = resolve;
        this.node.port.postMessage({ type: 'flush' });
      });
    }
    await this.close();
  }

  async close() {
    if (this.stream) {
      for (const track of this.stream.getTracks()) {
        track.stop();
      }
      this.stream = null;
    }
    if (this.node) {
      this.node.port.onmessage = null;
      this.node.disconnect();
      this.node = null;
    }
    if (this.context) {
      const context = this.context;
      this.context = null;
      await context.close();
    }
  }
}
