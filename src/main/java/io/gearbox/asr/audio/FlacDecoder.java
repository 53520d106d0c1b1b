package io.gearbox.asr.audio;

/**
 * Decodes FLAC: walks the metadata blocks, then hands the audio frames to {@link FlacFrames}.
 *
 * <p>Every metadata block length is checked against the upload, and nothing is allocated
 * from what a block declares. STREAMINFO gives the rate, channels, sample size and total
 * length, so that an over-long file is rejected before decoding; the samples go into a
 * {@link MonoBuffer}, so the duration cap also holds when STREAMINFO leaves the length
 * unknown (0) or understates it.
 */
final class FlacDecoder implements Decoder {

	private static final int STREAMINFO = 0;

	private static final int STREAMINFO_LENGTH = 34;

	private static final int INVALID_BLOCK_TYPE = 127;

	@Override
	public DecodedAudio decode(byte[] data, DecodeLimits limits) {
		int start = Id3.endOfTags(data);
		if (!Bytes.startsWith(data, start, "fLaC")) {
			throw new InvalidAudioException("Not a FLAC stream");
		}
		int position = start + 4;
		int streamInfo = -1;
		boolean last = false;
		while (!last) {
			if (data.length - position < 4) {
				throw new InvalidAudioException("FLAC metadata is truncated");
			}
			int header = Bytes.u8(data, position);
			last = (header & 0x80) != 0;
			int type = header & 0x7F;
			int length = Bytes.u24be(data, position + 1);
			if (type == INVALID_BLOCK_TYPE || (streamInfo < 0) != (type == STREAMINFO)) {
				throw new InvalidAudioException("FLAC metadata is corrupt");
			}
			if (length > data.length - position - 4) {
				throw new InvalidAudioException("FLAC metadata is truncated");
			}
			if (type == STREAMINFO) {
				if (length != STREAMINFO_LENGTH) {
					throw new InvalidAudioException("FLAC metadata is corrupt");
				}
				streamInfo = position + 4;
			}
			position += 4 + length;
		}
		int sampleRate = (Bytes.u24be(data, streamInfo + 10) >>> 4);
		int channels = ((Bytes.u8(data, streamInfo + 12) >>> 1) & 0x07) + 1;
		int bitsPerSample = (((Bytes.u8(data, streamInfo + 12) & 0x01) << 4) | (Bytes.u8(data, streamInfo + 13) >>> 4))
				+ 1;
		long totalFrames = ((long) (Bytes.u8(data, streamInfo + 13) & 0x0F) << 32) | Bytes.u32be(data, streamInfo + 14);
		DecodeLimits.checkSampleRate(sampleRate);
		if (bitsPerSample < 4 || bitsPerSample > 24) {
			throw new UnsupportedAudioException("FLAC with " + bitsPerSample + "-bit samples is not supported");
		}
		limits.checkDeclaredFrames(totalFrames, sampleRate);
		return decodeFrames(data, position, sampleRate, channels, bitsPerSample, totalFrames, limits);
	}

	private static DecodedAudio decodeFrames(byte[] data, int audioStart, int sampleRate, int channels,
			int bitsPerSample, long totalFrames, DecodeLimits limits) {
		MonoBuffer out = limits.newBuffer(sampleRate, totalFrames);
		new FlacFrames(data, audioStart, channels, bitsPerSample).decodeInto(out, totalFrames);
		if (out.size() == 0) {
			throw new InvalidAudioException("FLAC stream could not be decoded");
		}
		// A stream cut short or corrupt keeps the frames decoded before, as WAV does.
		return new DecodedAudio(out.toArray(), sampleRate, channels);
	}

}
