package io.gearbox.asr.audio;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

/**
 * Builds WAV files byte by byte, so every variant the decoder supports (and many it must
 * reject) can be generated in the tests.
 */
final class WavFiles {

	static final int PCM = 0x0001;

	static final int IEEE_FLOAT = 0x0003;

	static final int ALAW = 0x0006;

	static final int MULAW = 0x0007;

	static final int EXTENSIBLE = 0xFFFE;

	private WavFiles() {
	}

	/** A canonical WAV file: fmt then data, sizes all correct. */
	static byte[] wav(int formatTag, int channels, int sampleRate, int bitsPerSample, byte[] samples) {
		return riff(chunk("fmt ", fmt(formatTag, channels, sampleRate, bitsPerSample)), chunk("data", samples));
	}

	/** Interleaved 16-bit PCM, the most common case. */
	static byte[] pcm16(int sampleRate, int channels, float[] interleaved) {
		return wav(PCM, channels, sampleRate, 16, encode(interleaved, Sample.S16));
	}

	static byte[] riff(byte[]... chunks) {
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		body.writeBytes(ascii("WAVE"));
		for (byte[] chunk : chunks) {
			body.writeBytes(chunk);
		}
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.writeBytes(ascii("RIFF"));
		out.writeBytes(le32(body.size()));
		out.writeBytes(body.toByteArray());
		return out.toByteArray();
	}

	/** A chunk with its true size, padded to an even length as RIFF requires. */
	static byte[] chunk(String id, byte[] body) {
		return chunk(id, body.length & 0xFFFFFFFFL, body);
	}

	/** A chunk that declares {@code declaredSize} whatever its body holds. */
	static byte[] chunk(String id, long declaredSize, byte[] body) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.writeBytes(ascii(id));
		out.writeBytes(le32(declaredSize));
		out.writeBytes(body);
		if ((body.length & 1) != 0) {
			out.write(0);
		}
		return out.toByteArray();
	}

	static byte[] fmt(int formatTag, int channels, int sampleRate, int bitsPerSample) {
		ByteBuffer fmt = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
		int blockAlign = channels * ((bitsPerSample + 7) / 8);
		fmt.putShort((short) formatTag).putShort((short) channels).putInt(sampleRate).putInt(sampleRate * blockAlign)
			.putShort((short) blockAlign).putShort((short) bitsPerSample);
		return fmt.array();
	}

	/** A WAVE_FORMAT_EXTENSIBLE fmt body whose subformat GUID wraps {@code subformat}. */
	static byte[] extensibleFmt(int subformat, int channels, int sampleRate, int containerBits, int validBits) {
		ByteBuffer fmt = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
		int blockAlign = channels * (containerBits / 8);
		fmt.putShort((short) EXTENSIBLE).putShort((short) channels).putInt(sampleRate).putInt(sampleRate * blockAlign)
			.putShort((short) blockAlign).putShort((short) containerBits);
		fmt.putShort((short) 22).putShort((short) validBits).putInt((1 << Math.min(channels, 18)) - 1);
		fmt.putShort((short) subformat).putShort((short) 0);
		fmt.put(new byte[] { 0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00, 0x00, (byte) 0xAA, 0x00, 0x38, (byte) 0x9B,
				0x71 });
		return fmt.array();
	}

	enum Sample {

		U8, S16, S24, S32, S24_IN_32, F32, F64, ALAW, MULAW

	}

	/** Encodes samples in [-1, 1) the way a WAV writer would. */
	static byte[] encode(float[] samples, Sample sample) {
		ByteBuffer out;
		switch (sample) {
			case ALAW:
			case MULAW:
				return companded(samples, sample == Sample.ALAW ? AudioFormat.Encoding.ALAW : AudioFormat.Encoding.ULAW);
			case U8:
				out = ByteBuffer.allocate(samples.length);
				for (float s : samples) {
					out.put((byte) (clamp(Math.round(s * 128), -128, 127) + 128));
				}
				return out.array();
			case S16:
				out = ByteBuffer.allocate(samples.length * 2).order(ByteOrder.LITTLE_ENDIAN);
				for (float s : samples) {
					out.putShort((short) clamp(Math.round(s * 32768), -32768, 32767));
				}
				return out.array();
			case S24:
				out = ByteBuffer.allocate(samples.length * 3).order(ByteOrder.LITTLE_ENDIAN);
				for (float s : samples) {
					int v = clamp(Math.round(s * 8388608), -8388608, 8388607);
					out.put((byte) v).put((byte) (v >> 8)).put((byte) (v >> 16));
				}
				return out.array();
			case S24_IN_32:
				out = ByteBuffer.allocate(samples.length * 4).order(ByteOrder.LITTLE_ENDIAN);
				for (float s : samples) {
					out.putInt(clamp(Math.round(s * 8388608), -8388608, 8388607) << 8);
				}
				return out.array();
			case S32:
				out = ByteBuffer.allocate(samples.length * 4).order(ByteOrder.LITTLE_ENDIAN);
				for (float s : samples) {
					out.putInt((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, Math.round(s * 2147483648.0))));
				}
				return out.array();
			case F32:
				out = ByteBuffer.allocate(samples.length * 4).order(ByteOrder.LITTLE_ENDIAN);
				for (float s : samples) {
					out.putFloat(s);
				}
				return out.array();
			case F64:
				out = ByteBuffer.allocate(samples.length * 8).order(ByteOrder.LITTLE_ENDIAN);
				for (float s : samples) {
					out.putDouble(s);
				}
				return out.array();
			default:
				throw new IllegalArgumentException(sample.name());
		}
	}

	/** G.711 by the JDK's own codec, an implementation independent of the one under test. */
	private static byte[] companded(float[] samples, AudioFormat.Encoding encoding) {
		byte[] pcm = encode(samples, Sample.S16);
		AudioFormat source = new AudioFormat(16000, 16, 1, true, false);
		AudioFormat target = new AudioFormat(encoding, 16000, 8, 1, 1, 16000, false);
		try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(pcm), source, samples.length);
				AudioInputStream converted = AudioSystem.getAudioInputStream(target, in)) {
			return converted.readAllBytes();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Interleaves equal-length channels. */
	static float[] interleave(float[]... channels) {
		float[] out = new float[channels.length * channels[0].length];
		for (int i = 0; i < channels[0].length; i++) {
			for (int c = 0; c < channels.length; c++) {
				out[i * channels.length + c] = channels[c][i];
			}
		}
		return out;
	}

	static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.ISO_8859_1);
	}

	static byte[] le32(long value) {
		return new byte[] { (byte) value, (byte) (value >> 8), (byte) (value >> 16), (byte) (value >> 24) };
	}

	private static int clamp(int value, int min, int max) {
		return Math.max(min, Math.min(max, value));
	}

}
