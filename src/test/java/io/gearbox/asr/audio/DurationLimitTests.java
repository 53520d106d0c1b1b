package io.gearbox.asr.audio;

import java.time.Duration;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class DurationLimitTests {

	private final AudioLoader loader = new AudioLoader(16_000, Duration.ofMillis(300));

	@Test
	void acceptsAudioExactlyAtTheLimit() {
		byte[] wav = WavFiles.pcm16(16_000, 1, new float[4800]);

		assertThat(this.loader.load(wav, "audio/wav").durationSeconds()).isEqualTo(0.3);
	}

	@Test
	void rejectsWavOneSampleOverTheLimit() {
		byte[] wav = WavFiles.pcm16(16_000, 1, new float[4801]);

		assertThatExceptionOfType(AudioTooLongException.class).isThrownBy(() -> this.loader.load(wav, "audio/wav"))
			.withMessage("Audio is longer than the maximum of 0.300 s")
			.satisfies((ex) -> assertThat(ex.getMaxDuration()).isEqualTo(Duration.ofMillis(300)));
	}

	@Test
	void measuresTheLimitAtTheSourceRate() {
		byte[] wav = WavFiles.pcm16(48_000, 2, new float[2 * 14_401]);

		assertThatExceptionOfType(AudioTooLongException.class).isThrownBy(() -> this.loader.load(wav, null));
		assertThat(this.loader.load(WavFiles.pcm16(48_000, 2, new float[2 * 14_400]), null).samples()).hasSize(4800);
	}

	@Test
	void rejectsAStreamedWavThatRunsOverTheLimit() {
		byte[] wav = WavFiles.riff(WavFiles.chunk("fmt ", WavFiles.fmt(WavFiles.PCM, 1, 8000, 8)),
				WavFiles.chunk("data", 0, new byte[8000]));

		assertThatExceptionOfType(AudioTooLongException.class).isThrownBy(() -> this.loader.load(wav, "audio/wav"));
	}

	@Test
	void rejectsLongAudioL16() {
		assertThatExceptionOfType(AudioTooLongException.class)
			.isThrownBy(() -> this.loader.load(new byte[2 * 8001], "audio/L16; rate=16000"));
	}

	@Test
	void rejectsLongFlacMp3AndOggVorbis() {
		assertTooLong("tone-440hz-16k-mono.flac");
		assertTooLong("two-tones-22k05-stereo-24bit.flac");
		assertTooLong("tone-440hz-22k05-mono-id3.mp3");
		assertTooLong("two-tones-44k1-stereo.mp3");
		assertTooLong("tone-440hz-44k1-stereo.ogg");
		assertTooLong("tone-440hz-8k-mono.ogg");
	}

	@Test
	void trustsTheFlacStreamInfoLengthBeforeDecodingAnyFrame() {
		byte[] flac = Signals.resource("tone-440hz-16k-mono.flac");
		byte[] headerOnly = Arrays.copyOf(flac, MalformedInputTests.endOfFlacMetadata(flac));

		assertThatExceptionOfType(AudioTooLongException.class)
			.isThrownBy(() -> this.loader.load(headerOnly, "audio/flac"));
	}

	@Test
	void stillStopsAFlacStreamThatDoesNotDeclareItsLength() {
		byte[] flac = Signals.resource("tone-440hz-16k-mono.flac").clone();
		int streamInfo = 8;
		flac[streamInfo + 13] &= (byte) 0xF0;
		Arrays.fill(flac, streamInfo + 14, streamInfo + 18, (byte) 0);

		assertThatExceptionOfType(AudioTooLongException.class).isThrownBy(() -> this.loader.load(flac, "audio/flac"));
		assertThat(new AudioLoader(16_000, Duration.ofSeconds(1)).load(flac, "audio/flac").samples()).hasSize(8000);
	}

	@Test
	void trustsTheLastOggGranulePositionBeforeDecodingAnyAudio() {
		byte[] ogg = Signals.resource("tone-440hz-44k1-stereo.ogg").clone();
		int lastPage = 3932;
		assertThat(new String(ogg, lastPage, 4, java.nio.charset.StandardCharsets.ISO_8859_1)).isEqualTo("OggS");
		// Claim an hour at 44.1 kHz; the page CRC no longer matches, so no audio packet is decoded.
		long hour = 44_100L * 3600;
		for (int i = 0; i < 8; i++) {
			ogg[lastPage + 6 + i] = (byte) (hour >>> (8 * i));
		}

		AudioLoader generous = new AudioLoader(16_000, Duration.ofMinutes(10));
		assertThatExceptionOfType(AudioTooLongException.class).isThrownBy(() -> generous.load(ogg, "audio/ogg"));
	}

	private static void assertTooLong(String fixture) {
		AudioLoader loader = new AudioLoader(16_000, Duration.ofMillis(250));
		assertThatExceptionOfType(AudioTooLongException.class)
			.isThrownBy(() -> loader.load(Signals.resource(fixture), null));
	}

}
