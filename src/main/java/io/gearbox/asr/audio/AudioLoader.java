package io.gearbox.asr.audio;

import java.time.Duration;
import java.util.Objects;

/**
 * Turns an uploaded file into mono samples at the model's rate.
 *
 * <p>Steps: choose the decoder from the media type and the magic bytes (see
 * {@link MediaTypes}), decode while mixing channels down by averaging, reject audio
 * longer than {@code maxDuration} (from the header before decoding where the format
 * declares its length, and always before resampling), then resample to
 * {@code targetSampleRate} with {@link Resampler}.
 *
 * <p>Every failure is an {@link AudioException}. Decoder libraries can throw anything on
 * crafted input; those exceptions (and errors such as {@link StackOverflowError}) are
 * caught here, once, and reported as {@link InvalidAudioException}. A
 * {@link LinkageError} is not caught: it means a broken deployment, not a bad upload.
 *
 * <p>Thread-safe and stateless: one instance serves concurrent requests. Decoding is
 * CPU-bound and blocking; callers on an event loop must move it to a worker.
 */
public final class AudioLoader {

	private final int targetSampleRate;

	private final DecodeLimits limits;

	/**
	 * @param targetSampleRate the rate of the returned samples in Hz, 8000 to 48000
	 * @param maxDuration the longest accepted audio, positive
	 * @throws IllegalArgumentException for a rate outside 8 to 48 kHz or a non-positive
	 * duration
	 */
	public AudioLoader(int targetSampleRate, Duration maxDuration) {
		Objects.requireNonNull(maxDuration, "maxDuration");
		if (targetSampleRate < DecodeLimits.MIN_SAMPLE_RATE || targetSampleRate > DecodeLimits.MAX_SAMPLE_RATE) {
			throw new IllegalArgumentException("targetSampleRate must be between " + DecodeLimits.MIN_SAMPLE_RATE
					+ " and " + DecodeLimits.MAX_SAMPLE_RATE + " Hz, was " + targetSampleRate);
		}
		if (maxDuration.isNegative() || maxDuration.isZero()) {
			throw new IllegalArgumentException("maxDuration must be positive, was " + maxDuration);
		}
		this.targetSampleRate = targetSampleRate;
		this.limits = new DecodeLimits(maxDuration);
	}

	/**
	 * Decodes any supported container/codec, mixes channels down to mono and resamples to
	 * the target rate.
	 * @param data the uploaded bytes
	 * @param mediaType the declared media type with its parameters; {@code null} or
	 * {@code application/octet-stream} to recognise the format from its magic bytes
	 * (RIFF/WAVE, fLaC, OggS, ID3 or an MPEG frame sync)
	 * @return mono samples at the target rate
	 * @throws UnsupportedAudioException for a media type, container, codec or sample rate
	 * that is not supported
	 * @throws InvalidAudioException for empty, corrupt or truncated-header input, or
	 * audio with no samples
	 * @throws AudioTooLongException for audio longer than the maximum duration
	 */
	public PcmAudio load(byte[] data, String mediaType) {
		if (data == null || data.length == 0) {
			throw new InvalidAudioException("Audio is empty");
		}
		MediaTypes.Selection selection = MediaTypes.select(mediaType, data);
		DecodedAudio decoded = decode(selection.decoder(), data);
		float[] samples = decoded.samples();
		if (samples.length == 0) {
			throw new InvalidAudioException("Audio contains no samples");
		}
		this.limits.checkDeclaredFrames(samples.length, decoded.sampleRate());
		float[] resampled = (decoded.sampleRate() == this.targetSampleRate) ? samples
				: Resampler.resample(samples, decoded.sampleRate(), this.targetSampleRate);
		return new PcmAudio(resampled, this.targetSampleRate, selection.format().label(), decoded.sampleRate(),
				decoded.channels());
	}

	private DecodedAudio decode(Decoder decoder, byte[] data) {
		try {
			return decoder.decode(data, this.limits);
		}
		catch (AudioException ex) {
			throw ex;
		}
		catch (LinkageError ex) {
			throw ex;
		}
		catch (RuntimeException | Error ex) {
			throw new InvalidAudioException("Audio could not be decoded", ex);
		}
	}

}
