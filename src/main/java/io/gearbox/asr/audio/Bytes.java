package io.gearbox.asr.audio;

import java.nio.charset.StandardCharsets;

/**
 * Bounds-checked little helpers for reading headers out of a byte array.
 */
final class Bytes {

	private Bytes() {
	}

	static boolean startsWith(byte[] data, int offset, String ascii) {
		byte[] expected = ascii.getBytes(StandardCharsets.ISO_8859_1);
		if (offset < 0 || data.length - offset < expected.length) {
			return false;
		}
		for (int i = 0; i < expected.length; i++) {
			if (data[offset + i] != expected[i]) {
				return false;
			}
		}
		return true;
	}

	static int u8(byte[] data, int offset) {
		return data[offset] & 0xFF;
	}

	static int u16le(byte[] data, int offset) {
		return (data[offset] & 0xFF) | (data[offset + 1] & 0xFF) << 8;
	}

	static long u32le(byte[] data, int offset) {
		return (u16le(data, offset) | (long) u16le(data, offset + 2) << 16) & 0xFFFFFFFFL;
	}

	static long s64le(byte[] data, int offset) {
		return u32le(data, offset) | u32le(data, offset + 4) << 32;
	}

	static long u32be(byte[] data, int offset) {
		return ((long) Bytes.u8(data, offset) << 24) | u24be(data, offset + 1);
	}

	static int u24be(byte[] data, int offset) {
		return (data[offset] & 0xFF) << 16 | (data[offset + 1] & 0xFF) << 8 | (data[offset + 2] & 0xFF);
	}

}
