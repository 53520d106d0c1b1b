package io.gearbox.asr.audio;

/**
 * MPEG audio frame headers, read here to find where a real MP3 stream starts.
 *
 * <p>An 11-bit sync word occurs by chance about once every 2 KB of random bytes, and the
 * MP3 decoder will happily decode a chance match as noise. A frame is trusted only when
 * the next frame header follows exactly where its length says it ends, or the frame ends
 * the data, which is how robust demuxers synchronise too.
 */
final class MpegFrames {

	private static final int[][] BITRATES_MPEG1 = {
			{ 0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448 },
			{ 0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384 },
			{ 0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320 } };

	private static final int[][] BITRATES_MPEG2 = {
			{ 0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256 },
			{ 0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160 },
			{ 0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160 } };

	private static final int[] RATES_MPEG1 = { 44100, 48000, 32000 };

	private MpegFrames() {
	}

	/**
	 * Length in bytes of the frame whose header starts at {@code offset}, or -1 when there
	 * is no valid header there. Free-format frames (bitrate index 0) count as invalid: their
	 * length cannot be known from the header.
	 */
	static int frameLength(byte[] data, int offset) {
		if (offset < 0 || data.length - offset < 4) {
			return -1;
		}
		int b1 = Bytes.u8(data, offset + 1);
		int b2 = Bytes.u8(data, offset + 2);
		if (Bytes.u8(data, offset) != 0xFF || (b1 & 0xE0) != 0xE0) {
			return -1;
		}
		int version = (b1 >> 3) & 0x3;
		int layerBits = (b1 >> 1) & 0x3;
		int bitrateIndex = (b2 >> 4) & 0xF;
		int rateIndex = (b2 >> 2) & 0x3;
		if (version == 1 || layerBits == 0 || bitrateIndex == 0 || bitrateIndex == 0xF || rateIndex == 3) {
			return -1;
		}
		boolean mpeg1 = version == 3;
		int layer = 4 - layerBits;
		int bitrate = (mpeg1 ? BITRATES_MPEG1 : BITRATES_MPEG2)[layer - 1][bitrateIndex] * 1000;
		int rate = RATES_MPEG1[rateIndex] >> ((version == 3) ? 0 : (version == 2) ? 1 : 2);
		int padding = (b2 >> 1) & 0x1;
		if (layer == 1) {
			return (12 * bitrate / rate + padding) * 4;
		}
		int slotsPerSecond = (layer == 3 && !mpeg1) ? 72 : 144;
		return slotsPerSecond * bitrate / rate + padding;
	}

	/**
	 * Offset of the first frame at or after {@code from} that is followed by a frame of the
	 * same version, layer and rate (or that ends exactly at the end of the data); -1 when
	 * there is none.
	 */
	static int findFirstFrame(byte[] data, int from) {
		for (int offset = Math.max(0, from); offset <= data.length - 4; offset++) {
			int length = frameLength(data, offset);
			if (length <= 0) {
				continue;
			}
			int next = offset + length;
			if (next == data.length || (frameLength(data, next) > 0 && sameStream(data, offset, next))) {
				return offset;
			}
		}
		return -1;
	}

	private static boolean sameStream(byte[] data, int first, int second) {
		boolean versionAndLayer = (data[first + 1] & 0xFE) == (data[second + 1] & 0xFE);
		boolean rate = (data[first + 2] & 0x0C) == (data[second + 2] & 0x0C);
		return versionAndLayer && rate;
	}

}
