/**
 * Log-mel filterbank features, computed exactly as the training recipe computes them (see
 * {@code models/MANIFEST.md}, "Features, exactly").
 *
 * <p>Contract, for mono samples in [-1, 1] at {@link io.gearbox.asr.features.FeatureConfig#sampleRate()}:
 * <ol>
 * <li>frame {@code i} covers samples {@code [i * frameShift, i * frameShift + frameLength)}; there are
 * {@code 1 + (N - frameLength) / frameShift} frames when {@code N >= frameLength}, else none (no centring,
 * padding, dithering, DC removal or pre-emphasis);</li>
 * <li>periodic Hann window {@code w[n] = 0.5 - 0.5 cos(2 pi n / frameLength)};</li>
 * <li>the windowed frame zero-padded at the end to {@code fftSize}, real FFT, power {@code re^2 + im^2} of bins
 * {@code 0 .. fftSize / 2};</li>
 * <li>HTK mel filterbank without area normalisation (torchaudio {@code melscale_fbanks(norm=None,
 * mel_scale="htk")}) between {@code lowFreq} and {@code highFreq};</li>
 * <li>{@code ln(energy + logOffset)}.</li>
 * </ol>
 * Arithmetic is done in {@code double}; results are returned as {@code float[frames][numMelBins]}.
 * Normalisation is not done here: it lives inside the ONNX graph. Padding short audio up to the model's
 * minimum number of frames is the caller's job.
 *
 * <p>Nothing in this package depends on Spring, Reactor or ONNX Runtime.
 */
package io.gearbox.asr.features;
