package io.gearbox.asr.audio;

import java.io.ByteArrayInputStream;

import javazoom.jl.decoder.Bitstream;
import javazoom.jl.decoder.BitstreamException;
import javazoom.jl.decoder.DecoderException;
import javazoom.jl.decoder.Header;
import javazoom.jl.decoder.SampleBuffer;

/**
 * Decodes MPEG-1/2/2.5 audio layers I to III with JLayer ({@code javazoom:jlayer}).
 *
 * <p>ID3v2 tags are skipped here (see {@link Id3}) and decoding starts at the first frame
 * that a second frame confirms (see {@link MpegFrames}). The first frame fixes the rate, the
 * channel count and the layer; later "frames" that disagree are false syncs inside junk
 * and are skipped. The first header's estimate of the total length (from a Xing/Info
 * frame count, or from the bitrate) rejects clearly over-long files before decoding;
 * the {@link MonoBuffer} cap is exact. A stream that breaks after some good frames keeps
 * what was decoded, like a truncated WAV.
 */
final class Mp3Decoder implements Decoder {

	/** Headroom over the estimate before rejecting early, since the estimate counts tags and padding. */
	private static final double ESTIMATE_SLACK = 1.05;

	@Override
	public DecodedAudio decode(byte[] data, DecodeLimits limits) {
		int start = MpegFrames.findFirstFrame(data, Id3.endOfTags(data));
		if (start < 0) {
			throw new InvalidAudioException("No MP3 audio frames found");
		}
		Bitstream bitstream = new Bitstream(new ByteArrayInputStream(data, start, data.length - start));
		javazoom.jl.decoder.Decoder decoder = new javazoom.jl.decoder.Decoder();
		MonoBuffer out = null;
		int sampleRate = 0;
		int channels = 0;
		int layer = 0;
		while (true) {
			Header header;
			try {
				header = bitstream.readFrame();
			}
			catch (BitstreamException ex) {
				if (out == null) {
					throw new InvalidAudioException("MP3 stream could not be decoded", ex);
				}
				break;
			}
			if (header == null) {
				break;
			}
			int frameChannels = (header.mode() == Header.SINGLE_CHANNEL) ? 1 : 2;
			if (out == null) {
				sampleRate = header.frequency();
				channels = frameChannels;
				layer = header.layer();
				DecodeLimits.checkSampleRate(sampleRate);
				double estimatedFrames = header.total_ms(data.length - start) / 1000.0 * sampleRate;
				if (estimatedFrames > limits.maxFrames(sampleRate) * ESTIMATE_SLACK) {
					throw limits.tooLong();
				}
				out = limits.newBuffer(sampleRate, (long) estimatedFrames);
			}
			else if (header.frequency() != sampleRate || frameChannels != channels || header.layer() != layer) {
				bitstream.closeFrame();
				continue;
			}
			SampleBuffer buffer;
			try {
				buffer = (SampleBuffer) decoder.decodeFrame(header, bitstream);
			}
			catch (DecoderException | RuntimeException ex) {
				if (out.size() == 0) {
					throw new InvalidAudioException("MP3 stream could not be decoded", ex);
				}
				break;
			}
			short[] pcm = buffer.getBuffer();
			int length = Math.min(buffer.getBufferLength(), pcm.length);
			float scale = 1f / (32768f * channels);
			for (int i = 0; i + channels <= length; i += channels) {
				int sum = 0;
				for (int channel = 0; channel < channels; channel++) {
					sum += pcm[i + channel];
				}
				out.add(sum * scale);
			}
			bitstream.closeFrame();
		}
		if (out == null) {
			throw new InvalidAudioException("No MP3 audio frames found");
		}
		return new DecodedAudio(out.toArray(), sampleRate, channels);
	}

}
