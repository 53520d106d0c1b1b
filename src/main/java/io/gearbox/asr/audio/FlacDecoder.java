package io.gearbox.asr.audio;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;

import org.jflac.ChannelData;
import org.jflac.FLACDecoder;
import org.jflac.FrameListener;
import org.jflac.frame.Frame;
import org.jflac.metadata.Metadata;

/**
 * Decodes FLAC with jFLAC ({@code org.jflac:jflac-codec}).
 *
 * <p>The metadata blocks are walked here, not by jFLAC: every block length is checked
 * against the upload before anything is allocated (jFLAC would allocate what a PICTURE
 * block declares), STREAMINFO gives the rate, channels and total length so that an
 * over-long file is rejected before decoding, and the decoder is fed STREAMINFO followed
 * by the audio frames only. Frames are read one at a time so the duration cap also holds
 * when STREAMINFO leaves the length unknown (0) or understates it.
 *
 * <p>Known wart: on some corrupt residuals jFLAC 1.5.2 prints a debug line to standard
 * output. Valid files do not trigger it; a crafted upload can, once per bad partition.
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
		return decodeFrames(data, streamInfo, position, sampleRate, channels, bitsPerSample, totalFrames, limits);
	}

	private static DecodedAudio decodeFrames(byte[] data, int streamInfo, int audioStart, int sampleRate,
			int channels, int bitsPerSample, long totalFrames, DecodeLimits limits) {
		byte[] header = new byte[4 + 4 + STREAMINFO_LENGTH];
		System.arraycopy("fLaC".getBytes(StandardCharsets.ISO_8859_1), 0, header, 0, 4);
		header[4] = (byte) (0x80 | STREAMINFO);
		header[7] = STREAMINFO_LENGTH;
		System.arraycopy(data, streamInfo, header, 8, STREAMINFO_LENGTH);
		InputStream stream = new SequenceInputStream(new ByteArrayInputStream(header),
				new ByteArrayInputStream(data, audioStart, data.length - audioStart));
		FLACDecoder decoder = new FLACDecoder(stream);
		decoder.addFrameListener(new ErrorBudget(decoder, data.length));
		MonoBuffer out = limits.newBuffer(sampleRate, totalFrames);
		float scale = 1f / ((1 << (bitsPerSample - 1)) * (float) channels);
		try {
			decoder.readMetadata();
			Frame frame;
			while ((totalFrames == 0 || out.size() < totalFrames) && (frame = decoder.readNextFrame()) != null) {
				if (frame.header.channels != channels) {
					continue;
				}
				ChannelData[] channelData = decoder.getChannelData();
				for (int i = 0; i < frame.header.blockSize; i++) {
					long sum = 0;
					for (int channel = 0; channel < channels; channel++) {
						sum += channelData[channel].getOutput()[i];
					}
					out.add(sum * scale);
				}
			}
		}
		catch (IOException | Stuck ex) {
			if (out.size() == 0) {
				throw new InvalidAudioException("FLAC stream could not be decoded", ex);
			}
			// A stream cut short or corrupt keeps the frames decoded so far, as WAV does.
		}
		return new DecodedAudio(out.toArray(), sampleRate, channels);
	}

	/**
	 * Stops jFLAC when it stops making progress. After a bad frame header its
	 * {@code readNextFrame} retries in a loop, and once it believes every declared sample
	 * was decoded it retries without reading, forever. Every failed attempt is reported
	 * to the frame listeners first, so a listener can end the loop: when two reports come
	 * from the same stream position, or when there are more than the input could hold.
	 */
	private static final class ErrorBudget implements FrameListener {

		private final FLACDecoder decoder;

		private final int maxErrors;

		private long lastPosition = -1;

		private int errors;

		ErrorBudget(FLACDecoder decoder, int inputLength) {
			this.decoder = decoder;
			this.maxErrors = 1_000 + inputLength / 64;
		}

		@Override
		public void processError(String message) {
			long position = this.decoder.getTotalBytesRead();
			if (position == this.lastPosition || ++this.errors > this.maxErrors) {
				throw new Stuck();
			}
			this.lastPosition = position;
		}

		@Override
		public void processMetadata(Metadata metadata) {
		}

		@Override
		public void processFrame(Frame frame) {
		}

	}

	private static final class Stuck extends RuntimeException {

		private static final long serialVersionUID = 1L;

		Stuck() {
			super("FLAC decoder made no progress", null, false, false);
		}

	}

}
