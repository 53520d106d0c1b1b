package io.gearbox.asr.audio;

/**
 * Finds where audio starts after ID3v2 tags. MP3 files (and some FLAC files) may start
 * with one or more tags; we skip them ourselves instead of letting the MP3 decoder read
 * them, because it allocates whatever size the tag header declares (up to 256 MB).
 */
final class Id3 {

	private static final int HEADER_LENGTH = 10;

	private Id3() {
	}

	/**
	 * Offset of the first byte after the ID3v2 tags at the start of {@code data}; 0 when
	 * there are none, {@code data.length} when a tag claims to run past the end.
	 */
	static int endOfTags(byte[] data) {
		int offset = 0;
		while (Bytes.startsWith(data, offset, "ID3") && data.length - offset >= HEADER_LENGTH) {
			int flags = Bytes.u8(data, offset + 5);
			long size = synchsafe(data, offset + 6);
			if (size < 0) {
				return offset;
			}
			long end = offset + HEADER_LENGTH + size + (((flags & 0x10) != 0) ? HEADER_LENGTH : 0);
			if (end >= data.length) {
				return data.length;
			}
			offset = (int) end;
		}
		return offset;
	}

	/** A 28-bit size stored as four 7-bit bytes, or -1 when a byte has its top bit set. */
	private static long synchsafe(byte[] data, int offset) {
		long size = 0;
		for (int i = 0; i < 4; i++) {
			int b = Bytes.u8(data, offset + i);
			if ((b & 0x80) != 0) {
				return -1;
			}
			size = (size << 7) | b;
		}
		return size;
	}

}
