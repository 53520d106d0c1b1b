package io.gearbox.asr.audio;

import java.util.Locale;

/**
 * Decodes RIFF/WAVE (and RF64) files: integer PCM of 8 (unsigned) to 32 bits, IEEE float
 * of 32 and 64 bits, A-law and mu-law, plain or as WAVE_FORMAT_EXTENSIBLE, any channel
 * count.
 *
 * <p>Written by hand rather than on {@code javax.sound.sampled.AudioSystem}, which rejects
 * 64-bit float and float WAVE_FORMAT_EXTENSIBLE, loses its place after odd-sized chunks
 * (their pad byte), fails on the data size 0 or 0xFFFFFFFF that streaming recorders
 * write, and would not let us check the duration before decoding. A WAV parser is a
 * few dozen lines; every branch is covered by generated files in the tests.
 *
 * <p>Leniency, on purpose: unknown chunks are skipped; a data size of 0 or 0xFFFFFFFF, or
 * one larger than what was uploaded, means "read to the end"; a trailing partial frame is
 * dropped. The declared block align is ignored and computed from channels and bits.
 */
final class WavDecoder implements Decoder {

	private static final int FORMAT_PCM = 0x0001;

	private static final int FORMAT_IEEE_FLOAT = 0x0003;

	private static final int FORMAT_ALAW = 0x0006;

	private static final int FORMAT_MULAW = 0x0007;

	private static final int FORMAT_EXTENSIBLE = 0xFFFE;

	/** Bytes 2 to 15 of every KSDATAFORMAT_SUBTYPE_* GUID that wraps a plain format code. */
	private static final byte[] SUBFORMAT_GUID_TAIL = { 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00, 0x00,
			(byte) 0xAA, 0x00, 0x38, (byte) 0x9B, 0x71 };

	private static final long STREAMED_SIZE = 0xFFFFFFFFL;

	private static final float[] ALAW = new float[256];

	private static final float[] MULAW = new float[256];

	static {
		for (int i = 0; i < 256; i++) {
			ALAW[i] = alawToLinear(i) / 32768f;
			MULAW[i] = mulawToLinear(i) / 32768f;
		}
	}

	private enum Encoding {

		PCM_U8(1), PCM_S16(2), PCM_S24(3), PCM_S32(4), FLOAT32(4), FLOAT64(8), ALAW(1), MULAW(1);

		private final int bytes;

		Encoding(int bytes) {
			this.bytes = bytes;
		}

	}

	private record Format(Encoding encoding, int channels, int sampleRate) {
	}

	@Override
	public DecodedAudio decode(byte[] data, DecodeLimits limits) {
		if (data.length < 12) {
			throw new InvalidAudioException("WAV header is truncated");
		}
		boolean rf64 = Bytes.startsWith(data, 0, "RF64");
		if (!(rf64 || Bytes.startsWith(data, 0, "RIFF")) || !Bytes.startsWith(data, 8, "WAVE")) {
			throw new InvalidAudioException("Not a RIFF/WAVE file");
		}
		Format format = null;
		long rf64DataSize = -1;
		int position = 12;
		while (data.length - position >= 8) {
			long size = Bytes.u32le(data, position + 4);
			int body = position + 8;
			long available = data.length - body;
			if (Bytes.startsWith(data, position, "fmt ")) {
				if (size < 16 || size > available) {
					throw new InvalidAudioException("WAV fmt chunk is truncated");
				}
				format = parseFormat(data, body, (int) size);
			}
			else if (rf64 && Bytes.startsWith(data, position, "ds64") && size >= 16 && available >= 16) {
				rf64DataSize = Bytes.s64le(data, body + 8);
			}
			else if (Bytes.startsWith(data, position, "data")) {
				if (format == null) {
					throw new InvalidAudioException("WAV data chunk comes before the fmt chunk");
				}
				long length = (rf64 && size == STREAMED_SIZE && rf64DataSize >= 0) ? rf64DataSize : size;
				if (length == 0 || length == STREAMED_SIZE || length > available || length < 0) {
					length = available;
				}
				return decodeSamples(data, body, length, format, limits);
			}
			long next = body + size + (size & 1);
			if (next > data.length) {
				break;
			}
			position = (int) next;
		}
		throw new InvalidAudioException((format == null) ? "WAV file has no fmt chunk" : "WAV file has no data chunk");
	}

	private static Format parseFormat(byte[] data, int body, int size) {
		int tag = Bytes.u16le(data, body);
		int channels = Bytes.u16le(data, body + 2);
		long sampleRate = Bytes.u32le(data, body + 4);
		int bits = Bytes.u16le(data, body + 14);
		if (tag == FORMAT_EXTENSIBLE) {
			if (size < 40) {
				throw new InvalidAudioException("WAV extensible fmt chunk is truncated");
			}
			for (int i = 0; i < SUBFORMAT_GUID_TAIL.length; i++) {
				if (data[body + 26 + i] != SUBFORMAT_GUID_TAIL[i]) {
					throw new UnsupportedAudioException("WAV extensible subformat is not supported");
				}
			}
			tag = Bytes.u16le(data, body + 24);
		}
		DecodeLimits.checkChannels(channels);
		DecodeLimits.checkSampleRate(sampleRate);
		return new Format(encoding(tag, bits), channels, (int) sampleRate);
	}

	private static Encoding encoding(int tag, int bits) {
		switch (tag) {
			case FORMAT_PCM:
				if (bits == 0 || bits > 32) {
					throw new InvalidAudioException("WAV header declares an invalid sample size");
				}
				// Samples narrower than their container (12 in 16, 20 in 24) are left-justified,
				// so reading the whole container gives the right scale.
				return switch ((bits + 7) / 8) {
					case 1 -> Encoding.PCM_U8;
					case 2 -> Encoding.PCM_S16;
					case 3 -> Encoding.PCM_S24;
					default -> Encoding.PCM_S32;
				};
			case FORMAT_IEEE_FLOAT:
				if (bits == 32) {
					return Encoding.FLOAT32;
				}
				if (bits == 64) {
					return Encoding.FLOAT64;
				}
				throw new UnsupportedAudioException("WAV float samples must be 32 or 64 bits");
			case FORMAT_ALAW:
			case FORMAT_MULAW:
				if (bits != 8) {
					throw new UnsupportedAudioException("WAV A-law and mu-law samples must be 8 bits");
				}
				return (tag == FORMAT_ALAW) ? Encoding.ALAW : Encoding.MULAW;
			default:
				throw new UnsupportedAudioException(String.format(Locale.ROOT,
						"WAV codec 0x%04X is not supported; use PCM, IEEE float, A-law or mu-law", tag));
		}
	}

	private static DecodedAudio decodeSamples(byte[] data, int offset, long length, Format format,
			DecodeLimits limits) {
		int channels = format.channels();
		int frameBytes = channels * format.encoding().bytes;
		long frames = length / frameBytes;
		limits.checkDeclaredFrames(frames, format.sampleRate());
		float[] samples = new float[(int) frames];
		Encoding encoding = format.encoding();
		float scale = 1f / channels;
		int position = offset;
		for (int frame = 0; frame < samples.length; frame++) {
			float sum = 0f;
			for (int channel = 0; channel < channels; channel++) {
				sum += sample(data, position, encoding);
				position += encoding.bytes;
			}
			float mono = sum * scale;
			samples[frame] = Float.isFinite(mono) ? mono : 0f;
		}
		return new DecodedAudio(samples, format.sampleRate(), channels);
	}

	private static float sample(byte[] data, int offset, Encoding encoding) {
		return switch (encoding) {
			case PCM_U8 -> ((data[offset] & 0xFF) - 128) / 128f;
			case PCM_S16 -> (short) Bytes.u16le(data, offset) / 32768f;
			case PCM_S24 -> ((Bytes.u16le(data, offset) | data[offset + 2] << 16)) / 8388608f;
			case PCM_S32 -> (int) Bytes.u32le(data, offset) / 2147483648f;
			case FLOAT32 -> Float.intBitsToFloat((int) Bytes.u32le(data, offset));
			case FLOAT64 -> (float) Double.longBitsToDouble(Bytes.s64le(data, offset));
			case ALAW -> ALAW[data[offset] & 0xFF];
			case MULAW -> MULAW[data[offset] & 0xFF];
		};
	}

	/** ITU-T G.711 A-law to 16-bit linear. */
	private static int alawToLinear(int alaw) {
		int value = alaw ^ 0x55;
		int exponent = (value >> 4) & 0x07;
		int mantissa = value & 0x0F;
		int magnitude = (exponent == 0) ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
		return ((value & 0x80) != 0) ? magnitude : -magnitude;
	}

	/** ITU-T G.711 mu-law to 16-bit linear. */
	private static int mulawToLinear(int mulaw) {
		int value = ~mulaw & 0xFF;
		int exponent = (value >> 4) & 0x07;
		int mantissa = value & 0x0F;
		int magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
		return ((value & 0x80) != 0) ? -magnitude : magnitude;
	}

}
