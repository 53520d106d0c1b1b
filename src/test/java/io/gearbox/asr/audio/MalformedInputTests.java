package io.gearbox.asr.audio;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Junk, empty, truncated and corrupted input: only {@link AudioException}s come out,
 * quickly, with messages fit for a client.
 */
class MalformedInputTests {

	private static final String[] FIXTURES = { "tone-440hz-16k-mono.flac", "two-tones-22k05-stereo-24bit.flac",
			"speech-16k-stereo-c8.flac", "speech-16k-mono-wasted-bits.flac",
			"tone-440hz-22k05-mono-id3.mp3", "two-tones-44k1-stereo.mp3", "tone-440hz-44k1-stereo.ogg",
			"tone-440hz-8k-mono.ogg" };

	private final AudioLoader loader = new AudioLoader(16_000, Duration.ofMinutes(10));

	private PrintStream standardOutput;

	@ParameterizedTest
	@ValueSource(strings = { "audio/wav", "audio/flac", "audio/mpeg", "audio/ogg", "audio/L16; rate=16000" })
	void rejectsEmptyData(String mediaType) {
		assertThatExceptionOfType(InvalidAudioException.class).isThrownBy(() -> this.loader.load(new byte[0], mediaType))
			.withMessage("Audio is empty");
		assertThatExceptionOfType(InvalidAudioException.class).isThrownBy(() -> this.loader.load(null, mediaType));
	}

	@ParameterizedTest
	@ValueSource(strings = { "audio/wav", "audio/flac", "audio/mpeg", "audio/ogg" })
	void rejectsJunkDeclaredAsAudioAsInvalid(String mediaType) {
		for (int seed = 0; seed < 20; seed++) {
			byte[] junk = new byte[4096];
			new Random(seed).nextBytes(junk);
			junk[0] = 0;

			assertThatExceptionOfType(InvalidAudioException.class).isThrownBy(() -> this.loader.load(junk, mediaType));
		}
	}

	@Test
	void rejectsJunkWithoutATypeAsUnsupported() {
		byte[] junk = new byte[4096];
		new Random(7).nextBytes(junk);
		junk[0] = 0;

		assertThatExceptionOfType(UnsupportedAudioException.class).isThrownBy(() -> this.loader.load(junk, null));
	}

	@Test
	void rejectsHeadersWithNothingAfterThem() {
		assertInvalid(WavFiles.ascii("fLaC"), "audio/flac");
		assertInvalid(WavFiles.ascii("OggS"), "audio/ogg");
		assertInvalid(WavFiles.ascii("ID3"), "audio/mpeg");
		assertInvalid(WavFiles.ascii("RIFF"), null);
		assertInvalid(new byte[] { (byte) 0xFF, (byte) 0xFB, (byte) 0x90, 0x64 }, null);
	}

	@Test
	void rejectsFlacWhoseStreamInfoIsCutShort() {
		byte[] flac = Signals.resource("tone-440hz-16k-mono.flac");

		assertInvalid(Arrays.copyOf(flac, 20), "audio/flac");
		assertInvalid(Arrays.copyOf(flac, 42), "audio/flac");
	}

	@Test
	void rejectsFlacWithoutAudioFrames() {
		byte[] flac = Signals.resource("tone-440hz-16k-mono.flac");
		int audioStart = endOfFlacMetadata(flac);

		assertInvalid(Arrays.copyOf(flac, audioStart), "audio/flac");
	}

	@Test
	void rejectsFlacMetadataBlocksThatDeclareMoreThanTheFileHolds() {
		byte[] flac = Signals.resource("tone-440hz-16k-mono.flac").clone();
		int second = 4 + 4 + 34;
		flac[second] = (byte) ((flac[second] & 0x80) | 6);
		flac[second + 1] = (byte) 0xFF;
		flac[second + 2] = (byte) 0xFF;
		flac[second + 3] = (byte) 0xFF;

		assertThatExceptionOfType(InvalidAudioException.class).isThrownBy(() -> this.loader.load(flac, "audio/flac"))
			.withMessage("FLAC metadata is truncated");
	}

	@Test
	void rejectsAnId3TagThatDeclaresMoreThanTheFileHolds() {
		byte[] tag = { 'I', 'D', '3', 4, 0, 0, 0x7F, 0x7F, 0x7F, 0x7F, 1, 2, 3 };

		assertThatExceptionOfType(InvalidAudioException.class).isThrownBy(() -> this.loader.load(tag, null))
			.withMessage("No MP3 audio frames found");
	}

	@Test
	void keepsWhatWasDecodedBeforeACompressedStreamIsCutOff() {
		byte[] flac = Signals.resource("tone-440hz-16k-mono.flac");
		byte[] mp3 = Signals.resource("two-tones-44k1-stereo.mp3");

		// The FLAC fixture has two frames of 4096 samples; the first survives.
		assertThat(this.loader.load(Arrays.copyOf(flac, flac.length * 3 / 4), "audio/flac").samples()).hasSize(4096);
		assertThat(this.loader.load(Arrays.copyOf(mp3, mp3.length / 2), "audio/mpeg").durationSeconds())
			.isBetween(0.1, 0.4);	}

	@Test
	void rejectsOggVorbisCutInsideItsHeaders() {
		byte[] ogg = Signals.resource("tone-440hz-44k1-stereo.ogg");

		assertThatExceptionOfType(InvalidAudioException.class)
			.isThrownBy(() -> this.loader.load(Arrays.copyOf(ogg, 2000), "audio/ogg"))
			.withMessage("Ogg Vorbis headers are truncated");
	}

	@Test
	void neverFailsOtherwiseOnTruncatedFixtures() {
		assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
			for (String fixture : FIXTURES) {
				byte[] data = Signals.resource(fixture);
				for (int length = 1; length < data.length; length += Math.max(1, length / 4)) {
					loadExpectingOnlyAudioExceptions(Arrays.copyOf(data, length), fixture + " cut at " + length);
				}
			}
		});
	}

	@Test
	void neverFailsOtherwiseOnCorruptedFixtures() {
		Random random = new Random(42);
		assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
			for (String fixture : FIXTURES) {
				byte[] original = Signals.resource(fixture);
				for (int round = 0; round < 150; round++) {
					byte[] data = original.clone();
					int flips = 1 + random.nextInt(16);
					// Headers are where decoders trust sizes, so corrupt them more often.
					int span = (round % 2 == 0) ? Math.min(200, data.length) : data.length;
					for (int i = 0; i < flips; i++) {
						data[random.nextInt(span)] = (byte) random.nextInt(256);
					}
					loadExpectingOnlyAudioExceptions(data, fixture + " round " + round);
				}
			}
		});
	}

	@Test
	void neverFailsOtherwiseOnCorruptedWavHeaders() {
		byte[] original = WavFiles.riff(
				WavFiles.chunk("fmt ", WavFiles.extensibleFmt(WavFiles.PCM, 2, 16_000, 16, 16)),
				WavFiles.chunk("LIST", new byte[9]),
				WavFiles.chunk("data", WavFiles.encode(Signals.sine(440, 0.5, 16_000, 800), WavFiles.Sample.S16)));
		Random random = new Random(3);
		assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
			for (int round = 0; round < 2000; round++) {
				byte[] data = original.clone();
				for (int i = 0; i < 1 + random.nextInt(4); i++) {
					data[random.nextInt(100)] = (byte) random.nextInt(256);
				}
				loadExpectingOnlyAudioExceptions(data, "wav round " + round);
			}
		});
	}

	@Test
	void throwsCheapExceptionsWithClientSafeMessages() {
		byte[] corrupt = Signals.resource("tone-440hz-44k1-stereo.ogg").clone();
		Arrays.fill(corrupt, 60, 200, (byte) 0x55);

		Throwable thrown = catchAudioException(() -> this.loader.load(corrupt, "audio/ogg"));

		assertThat(thrown.getStackTrace()).isEmpty();
		assertThat(thrown.getMessage()).doesNotContain("jcraft", "jflac", "javazoom", "Exception", ".java", "\\")
					.doesNotContainPattern("(/[\\w.-]+){2,}");
	}

	/**
	 * Decoder libraries may print to standard output on corrupt input; keep the fuzzing
	 * tests' output readable. Surefire runs this class on one thread.
	 */
	@BeforeEach
	void silenceStandardOutput() {
		this.standardOutput = System.out;
		System.setOut(new PrintStream(OutputStream.nullOutputStream()));
	}

	@AfterEach
	void restoreStandardOutput() {
		System.setOut(this.standardOutput);
	}

	private void loadExpectingOnlyAudioExceptions(byte[] data, String description) {
		for (String mediaType : new String[] { null, "audio/flac", "audio/mpeg", "audio/ogg" }) {
			try {
				PcmAudio audio = this.loader.load(data, mediaType);
				assertThat(audio.samples()).as(description).isNotEmpty();
			}
			catch (AudioException ex) {
				assertThat(ex.getMessage()).as(description)
					.doesNotContain("jcraft", "jflac", "javazoom", "Exception", ".java", "\\")
					.doesNotContainPattern("(/[\\w.-]+){2,}")
					.isNotBlank();
			}
			catch (Throwable ex) {
				fail(description + " (" + mediaType + ") threw " + ex, ex);
			}
		}
	}

	private static Throwable catchAudioException(Runnable action) {
		try {
			action.run();
		}
		catch (AudioException ex) {
			return ex;
		}
		return fail("expected an AudioException");
	}

	private void assertInvalid(byte[] data, String mediaType) {
		assertThatExceptionOfType(InvalidAudioException.class).isThrownBy(() -> this.loader.load(data, mediaType));
	}

	static int endOfFlacMetadata(byte[] flac) {
		int position = 4;
		boolean last = false;
		while (!last) {
			last = (flac[position] & 0x80) != 0;
			int length = ((flac[position + 1] & 0xFF) << 16) | ((flac[position + 2] & 0xFF) << 8)
					| (flac[position + 3] & 0xFF);
			position += 4 + length;
		}
		return position;
	}

}
