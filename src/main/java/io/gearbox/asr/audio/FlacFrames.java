package io.gearbox.asr.audio;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Decodes the audio frames of a FLAC stream (RFC 9639, sections 9 and 10) and mixes their channels down to mono.
 *
 * <p>Written here rather than taken from a library because the one pure-Java FLAC decoder on Maven Central,
 * jFLAC 1.5.2 (2014), reads its residuals bit by bit: decoding the development set's uploads took 0.00059 s per
 * second of audio, 23% of a whole recognition request at full depth, against 0.00025-0.00027 with this decoder
 * ({@code ExitBenchmark}'s "decoding the upload" row, before and after; command in the model card), and
 * 0.00022-0.00024 since a Rice code is read from one 64-bit window and the LPC loop is unrolled. jFLAC also
 * loops forever on some corrupt input and prints to standard output. This decoder reads 64 bits at a time, so a
 * Rice code costs a few instructions; {@code FlacDecodingTests} checks it against jFLAC, sample for sample, on
 * files of every layout the encoders here write.
 *
 * <p>Strict by design: a frame is decoded only when its header checksum (CRC-8) and frame checksum (CRC-16) match
 * and it agrees with STREAMINFO on channels and sample size. Decoding stops at the first frame that does not, at
 * the end of the data, or once STREAMINFO's total length is reached, and keeps every sample decoded before; there
 * is no search for the next frame, so no input makes the decoder do more than a bounded amount of work per byte.
 */
final class FlacFrames {

	private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

	private static final int[] CRC8 = crcTable(0x07, 8);

	private static final int[] CRC16 = crcTable(0x8005, 16);

	private static final int LEFT_SIDE = 8;

	private static final int SIDE_RIGHT = 9;

	private static final int MID_SIDE = 10;

	/** LPC orders up to this one (flac -8's largest; most encoders' default is 8) take the unrolled loop. */
	private static final int UNROLLED_ORDER = 12;

	private final byte[] data;

	private final int channels;

	private final int bitsPerSample;

	private final long endBits;

	private long position;

	private int[][] channelSamples = new int[0][];

	/**
	 * @param data the whole upload
	 * @param audioStart the offset of the first frame, just after the metadata blocks
	 * @param channels channels, from STREAMINFO
	 * @param bitsPerSample bits per sample, 4 to 24, from STREAMINFO
	 */
	FlacFrames(byte[] data, int audioStart, int channels, int bitsPerSample) {
		this.data = data;
		this.channels = channels;
		this.bitsPerSample = bitsPerSample;
		this.endBits = (long) data.length * 8;
		this.position = (long) audioStart * 8;
	}

	/**
	 * Decodes frames into {@code out}, each sample the mean of its channels, until the stream ends, a frame is
	 * corrupt or {@code totalFrames} samples (when not 0) have been decoded.
	 */
	void decodeInto(MonoBuffer out, long totalFrames) {
		float scale = 1f / ((1 << (this.bitsPerSample - 1)) * (float) this.channels);
		while ((totalFrames == 0 || out.size() < totalFrames) && this.position < this.endBits) {
			int blockSize;
			try {
				blockSize = frame();
			}
			catch (Corrupt ex) {
				return;
			}
			if (blockSize < 0) {
				return;
			}
			for (int i = 0; i < blockSize; i++) {
				long sum = 0;
				for (int c = 0; c < this.channels; c++) {
					sum += this.channelSamples[c][i];
				}
				out.add(sum * scale);
			}
		}
	}

	/**
	 * Decodes one frame into {@link #channelSamples}.
	 * @return its block size, or {@code -1} when its header or checksum says it is not a valid frame
	 */
	private int frame() {
		int frameStart = (int) (this.position >>> 3);
		if (bits(15) != 0x7FFC) { // sync code 0b11111111111110 and the reserved bit 0
			return -1;
		}
		bits(1); // blocking strategy: fixed or variable, the same to a decoder
		int blockSizeCode = bits(4);
		int sampleRateCode = bits(4);
		int assignment = bits(4);
		int sampleSizeCode = bits(3);
		if (bits(1) != 0 || blockSizeCode == 0 || sampleRateCode == 15 || assignment > MID_SIDE
				|| sampleSizeCode == 3) {
			return -1;
		}
		skipCodedNumber();
		int blockSize = switch (blockSizeCode) {
			case 1 -> 192;
			case 2, 3, 4, 5 -> 576 << (blockSizeCode - 2);
			case 6 -> bits(8) + 1;
			case 7 -> bits(16) + 1;
			default -> 256 << (blockSizeCode - 8);
		};
		switch (sampleRateCode) { // the rate comes from STREAMINFO; these only need skipping
			case 12 -> bits(8);
			case 13, 14 -> bits(16);
			default -> {
			}
		}
		int headerEnd = (int) (this.position >>> 3);
		if (bits(8) != crc(CRC8, 8, frameStart, headerEnd)) {
			return -1;
		}
		int frameChannels = (assignment < LEFT_SIDE) ? assignment + 1 : 2;
		int sampleSize = switch (sampleSizeCode) {
			case 0 -> this.bitsPerSample;
			case 1 -> 8;
			case 2 -> 12;
			case 4 -> 16;
			case 5 -> 20;
			case 6 -> 24;
			default -> 32;
		};
		if (frameChannels != this.channels || sampleSize != this.bitsPerSample) {
			return -1;
		}
		if (this.channelSamples.length != this.channels || this.channelSamples[0].length < blockSize) {
			this.channelSamples = new int[this.channels][Math.max(blockSize, 4096)];
		}
		for (int c = 0; c < this.channels; c++) {
			boolean side = (assignment == LEFT_SIDE && c == 1) || (assignment == SIDE_RIGHT && c == 0)
					|| (assignment == MID_SIDE && c == 1);
			subframe(this.channelSamples[c], blockSize, sampleSize + (side ? 1 : 0));
		}
		this.position = (this.position + 7) & ~7L; // zero padding to the byte
		int frameEnd = (int) (this.position >>> 3);
		if (bits(16) != crc(CRC16, 16, frameStart, frameEnd)) {
			return -1;
		}
		decorrelate(assignment, blockSize);
		return blockSize;
	}

	private void decorrelate(int assignment, int blockSize) {
		if (assignment < LEFT_SIDE) {
			return;
		}
		int[] a = this.channelSamples[0];
		int[] b = this.channelSamples[1];
		for (int i = 0; i < blockSize; i++) {
			switch (assignment) {
				case LEFT_SIDE -> b[i] = a[i] - b[i];
				case SIDE_RIGHT -> a[i] = a[i] + b[i];
				default -> {
					int mid = (a[i] << 1) | (b[i] & 1);
					int side = b[i];
					a[i] = (mid + side) >> 1;
					b[i] = (mid - side) >> 1;
				}
			}
		}
	}

	private void subframe(int[] out, int blockSize, int sampleSize) {
		if (bits(1) != 0) {
			throw Corrupt.INSTANCE;
		}
		int type = bits(6);
		int wasted = 0;
		if (bits(1) == 1) {
			wasted = unary() + 1;
			if (wasted >= sampleSize) {
				throw Corrupt.INSTANCE;
			}
		}
		int size = sampleSize - wasted;
		if (type == 0) {
			Arrays.fill(out, 0, blockSize, signed(size));
		}
		else if (type == 1) {
			for (int i = 0; i < blockSize; i++) {
				out[i] = signed(size);
			}
		}
		else if (type >= 8 && type <= 12) {
			fixed(out, blockSize, size, type - 8);
		}
		else if (type >= 32) {
			lpc(out, blockSize, size, type - 31);
		}
		else {
			throw Corrupt.INSTANCE;
		}
		if (wasted > 0) {
			for (int i = 0; i < blockSize; i++) {
				out[i] <<= wasted;
			}
		}
	}

	private void fixed(int[] out, int blockSize, int size, int order) {
		if (order > blockSize) {
			throw Corrupt.INSTANCE;
		}
		for (int i = 0; i < order; i++) {
			out[i] = signed(size);
		}
		residual(out, blockSize, order);
		switch (order) {
			case 1 -> {
				for (int i = 1; i < blockSize; i++) {
					out[i] += out[i - 1];
				}
			}
			case 2 -> {
				for (int i = 2; i < blockSize; i++) {
					out[i] += 2 * out[i - 1] - out[i - 2];
				}
			}
			case 3 -> {
				for (int i = 3; i < blockSize; i++) {
					out[i] += 3 * (out[i - 1] - out[i - 2]) + out[i - 3];
				}
			}
			case 4 -> {
				for (int i = 4; i < blockSize; i++) {
					out[i] += 4 * (out[i - 1] + out[i - 3]) - 6 * out[i - 2] - out[i - 4];
				}
			}
			default -> {
			}
		}
	}

	private void lpc(int[] out, int blockSize, int size, int order) {
		if (order > blockSize) {
			throw Corrupt.INSTANCE;
		}
		for (int i = 0; i < order; i++) {
			out[i] = signed(size);
		}
		int precision = bits(4) + 1;
		int shift = signed(5);
		if (precision == 16 || shift < 0) {
			throw Corrupt.INSTANCE;
		}
		int[] coefficients = new int[order];
		for (int j = 0; j < order; j++) {
			coefficients[j] = signed(precision);
		}
		residual(out, blockSize, order);
		// 32-bit sums where no sum can overflow them (libFLAC's rule), as for 16-bit speech; 64-bit otherwise
		if (size + precision + (32 - Integer.numberOfLeadingZeros(order)) <= 32) {
			boolean unrolled = order <= UNROLLED_ORDER && blockSize > UNROLLED_ORDER;
			for (int i = order; i < (unrolled ? UNROLLED_ORDER : blockSize); i++) {
				int sum = 0;
				for (int j = 0; j < order; j++) {
					sum += coefficients[j] * out[i - 1 - j];
				}
				out[i] += sum >> shift;
			}
			if (unrolled) {
				predictUnrolled(out, blockSize, Arrays.copyOf(coefficients, UNROLLED_ORDER), shift);
			}
			return;
		}
		for (int i = order; i < blockSize; i++) {
			long sum = 0;
			for (int j = 0; j < order; j++) {
				sum += (long) coefficients[j] * out[i - 1 - j];
			}
			out[i] += (int) (sum >> shift);
		}
	}

	/**
	 * The 32-bit prediction from sample {@value #UNROLLED_ORDER} on, with the coefficients padded with zeros to
	 * {@value #UNROLLED_ORDER}: written out, because the loop over a variable order cost 35% of the decoding
	 * (libFLAC unrolls it the same way). A zero coefficient adds nothing, so the sums are the same.
	 */
	private static void predictUnrolled(int[] out, int blockSize, int[] c, int shift) {
		int c0 = c[0], c1 = c[1], c2 = c[2], c3 = c[3], c4 = c[4], c5 = c[5];
		int c6 = c[6], c7 = c[7], c8 = c[8], c9 = c[9], c10 = c[10], c11 = c[11];
		for (int i = UNROLLED_ORDER; i < blockSize; i++) {
			int sum = c0 * out[i - 1] + c1 * out[i - 2] + c2 * out[i - 3] + c3 * out[i - 4] + c4 * out[i - 5]
					+ c5 * out[i - 6] + c6 * out[i - 7] + c7 * out[i - 8] + c8 * out[i - 9] + c9 * out[i - 10]
					+ c10 * out[i - 11] + c11 * out[i - 12];
			out[i] += sum >> shift;
		}
	}

	/** Reads the partitioned Rice residual of a predicted subframe into {@code out[order..blockSize)}. */
	private void residual(int[] out, int blockSize, int order) {
		int method = bits(2);
		if (method > 1) {
			throw Corrupt.INSTANCE;
		}
		int parameterBits = (method == 0) ? 4 : 5;
		int escape = (1 << parameterBits) - 1;
		int partitionOrder = bits(4);
		int partitionSize = blockSize >>> partitionOrder;
		if ((partitionSize << partitionOrder) != blockSize || partitionSize < order) {
			throw Corrupt.INSTANCE;
		}
		int i = order;
		for (int partition = 0; partition < (1 << partitionOrder); partition++) {
			int end = (partition + 1) * partitionSize;
			int parameter = bits(parameterBits);
			if (parameter == escape) {
				int size = bits(5);
				for (; i < end; i++) {
					out[i] = (size == 0) ? 0 : signed(size);
				}
				continue;
			}
			for (; i < end; i++) {
				long window = peek();
				int zeros = Long.numberOfLeadingZeros(window);
				long folded;
				if (zeros + 1 + parameter <= 57) { // the whole code lies in the bits just read: the common case
					folded = ((long) zeros << parameter) | ((window << zeros << 1) >>> 1 >>> (63 - parameter));
					advance(zeros + 1 + parameter);
				}
				else {
					long quotient = unary();
					folded = (quotient << parameter) | (parameter == 0 ? 0 : bits(parameter));
				}
				out[i] = (int) ((folded >>> 1) ^ -(folded & 1));
			}
		}
	}

	/** Skips the frame or sample number, coded like UTF-8 in 1 to 7 bytes. */
	private void skipCodedNumber() {
		int first = bits(8);
		int extra = (first < 0x80) ? 0 : Integer.numberOfLeadingZeros(~first << 24) - 1;
		if ((first >= 0x80 && extra == 0) || extra > 6) { // 10xxxxxx continues a number, 11111111 is no length
			throw Corrupt.INSTANCE;
		}
		for (int i = 0; i < extra; i++) {
			if ((bits(8) & 0xC0) != 0x80) {
				throw Corrupt.INSTANCE;
			}
		}
	}

	/** The next {@code n} bits (0 to 32) as a two's complement number. */
	private int signed(int n) {
		if (n == 0) {
			return 0;
		}
		long value = peek() >> (64 - n);
		advance(n);
		return (int) value;
	}

	/** The next {@code n} bits (1 to 32), unsigned. */
	private int bits(int n) {
		long value = peek() >>> (64 - n);
		advance(n);
		return (int) value;
	}

	/** Counts zero bits up to the next one bit and consumes them and it. */
	private int unary() {
		int zeros = 0;
		while (true) {
			long window = peek();
			if (window != 0) {
				int run = Long.numberOfLeadingZeros(window);
				advance(run + 1);
				return zeros + run;
			}
			// at least 57 of the 64 bits came from the data (or lie past its end, which advance() rejects)
			advance(56);
			zeros += 56;
		}
	}

	private void advance(int n) {
		this.position += n;
		if (this.position > this.endBits) {
			throw Corrupt.INSTANCE;
		}
	}

	/** The 64 bits from the current position, at least the first 57 of them read; past the end reads zeros. */
	private long peek() {
		int index = (int) (this.position >>> 3);
		int offset = (int) (this.position & 7);
		long word;
		if (index + 8 <= this.data.length) {
			word = (long) LONG_BE.get(this.data, index);
		}
		else {
			word = 0;
			for (int i = 0; i < 8; i++) {
				word = (word << 8) | ((index + i < this.data.length) ? (this.data[index + i] & 0xFF) : 0);
			}
		}
		return word << offset;
	}

	private int crc(int[] table, int width, int from, int to) {
		int crc = 0;
		int mask = (1 << width) - 1;
		for (int i = from; i < to; i++) {
			crc = ((crc << 8) ^ table[((crc >>> (width - 8)) ^ this.data[i]) & 0xFF]) & mask;
		}
		return crc;
	}

	private static int[] crcTable(int polynomial, int width) {
		int[] table = new int[256];
		int top = 1 << (width - 1);
		int mask = (1 << width) - 1;
		for (int b = 0; b < 256; b++) {
			int crc = b << (width - 8);
			for (int bit = 0; bit < 8; bit++) {
				crc = ((crc & top) != 0) ? ((crc << 1) ^ polynomial) : (crc << 1);
			}
			table[b] = crc & mask;
		}
		return table;
	}

	/** A frame that cannot be decoded; cheap to throw, as corrupt input may throw it once per upload. */
	private static final class Corrupt extends RuntimeException {

		private static final long serialVersionUID = 1L;

		static final Corrupt INSTANCE = new Corrupt();

		private Corrupt() {
			super("corrupt FLAC frame", null, false, false);
		}

	}

}
