package io.gearbox.asr.audio;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.jflac.ChannelData;
import org.jflac.FLACDecoder;
import org.jflac.frame.Frame;
import org.jflac.metadata.StreamInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service's FLAC decoder ({@link FlacDecoder}, {@link FlacFrames}) against an independent one, jFLAC: the
 * same samples, bit for bit, on fixtures that between them use every subframe type the encoders write, all four
 * stereo decorrelations, wasted bits, 8, 16 and 24-bit samples and both LPC precisions (see
 * src/test/resources/audio/README.md), and on the development set the benchmarks send. Then what it does with a
 * damaged frame: it keeps the frames before and stops.
 */
class FlacDecodingTests {

	/** Samples per frame of {@code speech-16k-mono-c0.flac}: FLAC's compression level 0 writes blocks of 1152. */
	private static final int BLOCK = 1152;

	private final DecodeLimits limits = new DecodeLimits(Duration.ofMinutes(10));

	@ParameterizedTest
	@ValueSource(strings = { "speech-16k-mono-c0.flac", "speech-16k-mono-24bit-c8.flac", "speech-8k-mono-8bit.flac",
			"speech-16k-mono-wasted-bits.flac", "speech-16k-stereo-c8.flac", "tone-440hz-16k-mono.flac",
			"two-tones-22k05-stereo-24bit.flac" })
	void decodesEveryFixtureExactlyAsAnIndependentDecoderDoes(String fixture) throws IOException {
		byte[] flac = Signals.resource(fixture);

		DecodedAudio decoded = new FlacDecoder().decode(flac, this.limits);

		Reference reference = Reference.decode(flac);
		assertThat(decoded.sampleRate()).isEqualTo(reference.sampleRate());
		assertThat(decoded.channels()).isEqualTo(reference.channels());
		assertThat(decoded.samples()).hasSize(reference.samples().length).containsExactly(reference.samples());
	}

	@Test
	void decodesTheDevelopmentSetExactlyAsAnIndependentDecoderDoes() throws IOException {
		List<Path> files;
		try (Stream<Path> listing = Files.list(Path.of("models/gearbox-en/devset"))) {
			files = listing.filter((p) -> p.toString().endsWith(".flac")).sorted().toList();
		}
		assertThat(files).hasSizeGreaterThan(50);
		for (Path file : files) {
			byte[] flac = Files.readAllBytes(file);

			float[] samples = new FlacDecoder().decode(flac, this.limits).samples();

			assertThat(samples).as(file.toString()).containsExactly(Reference.decode(flac).samples());
		}
	}

	@Test
	void keepsTheFramesBeforeOneWhoseChecksumFails() throws IOException {
		byte[] flac = Signals.resource("speech-16k-mono-c0.flac");
		List<Integer> frames = Reference.frameStarts(flac);
		int second = frames.get(1);
		byte[] damaged = flac.clone();
		damaged[second + 40] ^= 0x10; // inside the second frame's first subframe

		float[] samples = new FlacDecoder().decode(damaged, this.limits).samples();

		assertThat(frames).hasSizeGreaterThan(2);
		assertThat(samples).containsExactly(Arrays.copyOf(Reference.decode(flac).samples(), BLOCK));
	}

	@Test
	void stopsAtAFrameHeaderWhoseChecksumFails() throws IOException {
		byte[] flac = Signals.resource("speech-16k-mono-c0.flac");
		int third = Reference.frameStarts(flac).get(2);
		byte[] damaged = flac.clone();
		damaged[third + 2] ^= 0x01; // the block size and rate byte, covered by the header's CRC-8

		assertThat(new FlacDecoder().decode(damaged, this.limits).samples())
			.containsExactly(Arrays.copyOf(Reference.decode(flac).samples(), 2 * BLOCK));
	}

	@Test
	void ignoresWhatFollowsTheLastFrame() throws IOException {
		byte[] flac = Signals.resource("speech-16k-mono-c0.flac");
		byte[] withTrailer = Arrays.copyOf(flac, flac.length + 128);
		System.arraycopy("TAG".getBytes(StandardCharsets.US_ASCII), 0, withTrailer, flac.length, 3);

		assertThat(new FlacDecoder().decode(withTrailer, this.limits).samples())
			.containsExactly(Reference.decode(flac).samples());
	}

	/** jFLAC's reading of a stream, mixed to mono as the service mixes: the channels' mean, scaled to [-1, 1). */
	record Reference(int sampleRate, int channels, float[] samples) {

		static Reference decode(byte[] flac) throws IOException {
			FLACDecoder decoder = new FLACDecoder(new ByteArrayInputStream(flac));
			StreamInfo info = decoder.readStreamInfo();
			int channels = info.getChannels();
			float scale = 1f / ((1 << (info.getBitsPerSample() - 1)) * (float) channels);
			List<Float> samples = new ArrayList<>();
			Frame frame;
			while ((frame = decoder.readNextFrame()) != null) {
				ChannelData[] data = decoder.getChannelData();
				for (int i = 0; i < frame.header.blockSize; i++) {
					long sum = 0;
					for (int c = 0; c < channels; c++) {
						sum += data[c].getOutput()[i];
					}
					samples.add(sum * scale);
				}
			}
			float[] out = new float[samples.size()];
			for (int i = 0; i < out.length; i++) {
				out[i] = samples.get(i);
			}
			return new Reference(info.getSampleRate(), channels, out);
		}

		/**
		 * Byte offsets of the full-length frames of a fixed-block-size stream: the first frame, then every frame
		 * sync whose next two header bytes (block size, rate, channels, sample size) match the first frame's.
		 */
		static List<Integer> frameStarts(byte[] flac) {
			int first = MalformedInputTests.endOfFlacMetadata(flac);
			List<Integer> starts = new ArrayList<>(List.of(first));
			for (int p = first + 1; p + 3 < flac.length; p++) {
				if (flac[p] == (byte) 0xFF && flac[p + 1] == (byte) 0xF8 && flac[p + 2] == flac[first + 2]
						&& flac[p + 3] == flac[first + 3]) {
					starts.add(p);
				}
			}
			return starts;
		}

	}

}
