package io.gearbox.asr.audio;

/**
 * Decodes headerless {@code audio/L16} (RFC 2586, RFC 3551 section 4.5.11): signed
 * 16-bit big-endian samples, channels interleaved. The rate and channel count come from
 * the media type. A trailing partial frame is dropped.
 */
final class L16Decoder implements Decoder {

	private final int sampleRate;

	private final int channels;

	L16Decoder(int sampleRate, int channels) {
		this.sampleRate = sampleRate;
		this.channels = channels;
	}

	@Override
	public DecodedAudio decode(byte[] data, DecodeLimits limits) {
		int frameBytes = 2 * this.channels;
		int frames = data.length / frameBytes;
		limits.checkDeclaredFrames(frames, this.sampleRate);
		float[] samples = new float[frames];
		float scale = 1f / (32768f * this.channels);
		int position = 0;
		for (int frame = 0; frame < frames; frame++) {
			int sum = 0;
			for (int channel = 0; channel < this.channels; channel++) {
				sum += (short) ((data[position] & 0xFF) << 8 | (data[position + 1] & 0xFF));
				position += 2;
			}
			samples[frame] = sum * scale;
		}
		return new DecodedAudio(samples, this.sampleRate, this.channels);
	}

}
