// A streaming sample-rate converter for mono Float32 audio: windowed-sinc (Blackman) low-pass interpolation at
// the output's instants, with every phase's taps computed once.
//
// Hand-written because the audio graph offers no portable resampler: an AudioContext opened at 16 kHz resamples
// in Chrome, but Firefox refuses to connect a microphone running at another rate to it, and OfflineAudioContext
// works on whole buffers, not on a live stream. Used by pcm-worklet.js and checked by PageEndToEndTests
// (a tone in the speech band passes at unit gain, one above the output's Nyquist frequency is removed).

/** Zero-crossings of the sinc on each side of the centre, counted at the lower of the two rates. */
const ZERO_CROSSINGS = 24;

/** The cutoff as a fraction of the lower rate's Nyquist frequency: room for the filter's transition band. */
const ROLLOFF = 0.9;

/** Above this many distinct phases (rates with no small common divisor) the taps are computed per sample. */
const MAX_TABLE_PHASES = 1024;

function gcd(a, b) {
  while (b !== 0) {
    [a, b] = [b, a % b];
  }
  return a;
}

function sinc(x) {
  if (x === 0) {
    return 1;
  }
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

/**
 * Converts a stream of samples at `inputRate` (Hz) to `outputRate` (Hz). Output sample n lies at input time
 * n * inputRate / outputRate; it is the input low-passed below ROLLOFF times the lower rate's Nyquist frequency,
 * so downsampling does not fold the band above the new Nyquist frequency into speech. The filter is centred, so
 * the output lags the input by `latencySeconds`. Not safe for concurrent use; one instance per stream.
 */
export class Resampler {
  /**
   * @param {number} inputRate samples per second of the input, a positive integer
   * @param {number} outputRate samples per second of the output, a positive integer
   */
  constructor(inputRate, outputRate) {
    if (!Number.isInteger(inputRate) || !Number.isInteger(outputRate) || inputRate <= 0 || outputRate <= 0) {
      throw new RangeError(`sample rates must be positive integers, got ${inputRate} and ${outputRate}`);
    }
    const divisor = gcd(inputRate, outputRate);
    // Each output sample advances the input by step = p / q samples: an integer part and a phase in [0, q).
    this.p = inputRate / divisor;
    this.q = outputRate / divisor;
    // Cutoff in cycles per input sample.
    this.cutoff = 0.5 * ROLLOFF * Math.min(1, outputRate / inputRate);
    // Half-width of the kernel in input samples: ZERO_CROSSINGS of the sinc at the cutoff.
    this.half = Math.ceil(ZERO_CROSSINGS / (2 * this.cutoff));
    this.taps = 2 * this.half;
    this.table = this.q <= MAX_TABLE_PHASES ? this.buildTable() : null;
    // Input that later outputs still need, and the next output's place in it: the integer part `index` and the
    // fraction `phase / q`. The stream starts with `half - 1` samples of silence, what the first output (at the
    // first input sample) needs before it.
    this.history = new Float32Array(this.half - 1);
    this.index = this.half - 1;
    this.phase = 0;
    this.latencySeconds = this.half / inputRate;
  }

  /** @returns {Float32Array} the taps for output instants `phase / q` of an input sample after `index` */
  kernel(phase) {
    const taps = new Float32Array(this.taps);
    const fraction = phase / this.q;
    let sum = 0;
    for (let k = 0; k < this.taps; k++) {
      // Input sample (index - half + 1 + k) lies t input samples from the output's instant.
      const t = k - this.half + 1 - fraction;
      const w = t / this.half; // in [-1, 1]
      if (Math.abs(w) >= 1) {
        taps[k] = 0;
        continue;
      }
      const blackman = 0.42 + 0.5 * Math.cos(Math.PI * w) + 0.08 * Math.cos(2 * Math.PI * w);
      taps[k] = 2 * this.cutoff * sinc(2 * this.cutoff * t) * blackman;
      sum += taps[k];
    }
    // Unit gain at 0 Hz for every phase, so that a constant stays constant whatever the instant.
    for (let k = 0; k < this.taps; k++) {
      taps[k] /= sum;
    }
    return taps;
  }

  buildTable() {
    const table = [];
    for (let phase = 0; phase < this.q; phase++) {
      table.push(this.kernel(phase));
    }
    return table;
  }

  /**
   * @param {Float32Array} input the next samples of the stream, at the input rate
   * @returns {Float32Array} every output sample whose window of input is now complete
   */
  process(input) {
    const history = new Float32Array(this.history.length + input.length);
    history.set(this.history);
    history.set(input, this.history.length);
    const capacity = Math.ceil((history.length - this.index) * this.q / this.p) + 1;
    const output = new Float32Array(Math.max(0, capacity));
    let produced = 0;
    // The output at `index` + phase/q needs input samples index - half + 1 ... index + half.
    while (this.index + this.half < history.length) {
      const taps = this.table !== null ? this.table[this.phase] : this.kernel(this.phase);
      const first = this.index - this.half + 1;
      let sum = 0;
      for (let k = 0; k < this.taps; k++) {
        sum += history[first + k] * taps[k];
      }
      output[produced++] = sum;
      this.phase += this.p;
      this.index += Math.floor(this.phase / this.q);
      this.phase %= this.q;
    }
    // Keep what later outputs still need.
    const keepFrom = Math.min(this.index - this.half + 1, history.length);
    this.history = history.slice(keepFrom);
    this.index -= keepFrom;
    return output.subarray(0, produced);
  }
}
