package io.gearbox.asr.audio;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

class AudioLoaderTests {

	@Test
	void rejectsATargetRateOutsideEightToFortyEightKilohertz() {
		assertThatIllegalArgumentException().isThrownBy(() -> new AudioLoader(7999, Duration.ofMinutes(1)))
			.withMessageContaining("7999");
		assertThatIllegalArgumentException().isThrownBy(() -> new AudioLoader(48_001, Duration.ofMinutes(1)));
	}

	@Test
	void rejectsANonPositiveMaximumDuration() {
		assertThatIllegalArgumentException().isThrownBy(() -> new AudioLoader(16_000, Duration.ZERO));
		assertThatIllegalArgumentException().isThrownBy(() -> new AudioLoader(16_000, Duration.ofSeconds(-1)));
		assertThatNullPointerException().isThrownBy(() -> new AudioLoader(16_000, null));
	}

	@Test
	void acceptsAHugeMaximumDuration() {
		AudioLoader loader = new AudioLoader(16_000, Duration.ofDays(365_000));

		assertThat(loader.load(WavFiles.pcm16(16_000, 1, new float[160]), null).samples()).hasSize(160);
	}

	@Test
	void resamplesToAnyTargetRate() {
		AudioLoader loader = new AudioLoader(8000, Duration.ofMinutes(1));

		PcmAudio audio = loader.load(WavFiles.pcm16(44_100, 1, Signals.sine(440, 0.5, 44_100, 44_100)), null);

		assertThat(audio.sampleRate()).isEqualTo(8000);
		assertThat(audio.samples()).hasSize(8000);
		assertThat(Signals.amplitudeAt(audio.samples(), 8000, 440)).isBetween(0.49, 0.51);
	}

	@Test
	void reportsDurationFromSampleCountAndRate() {
		PcmAudio audio = new PcmAudio(new float[24_000], 16_000, "wav", 48_000, 2);

		assertThat(audio.durationSeconds()).isEqualTo(1.5);
	}

	@Test
	void refusesAPcmAudioWithoutSamplesOrAPositiveRate() {
		assertThatNullPointerException().isThrownBy(() -> new PcmAudio(null, 16_000, "wav", 16_000, 1));
		assertThatIllegalArgumentException().isThrownBy(() -> new PcmAudio(new float[1], 0, "wav", 16_000, 1));
		assertThatIllegalArgumentException().isThrownBy(() -> new PcmAudio(new float[1], 16_000, "wav", 0, 1));
		assertThatIllegalArgumentException().isThrownBy(() -> new PcmAudio(new float[1], 16_000, "wav", 16_000, 0));
	}

	@Test
	void replacesNonFiniteFloatSamplesWithSilence() {
		float[] samples = { Float.NaN, Float.POSITIVE_INFINITY, 0.25f, Float.NEGATIVE_INFINITY };
		byte[] wav = WavFiles.wav(WavFiles.IEEE_FLOAT, 1, 16_000, 32, WavFiles.encode(samples, WavFiles.Sample.F32));

		PcmAudio audio = new AudioLoader(16_000, Duration.ofMinutes(1)).load(wav, null);

		assertThat(audio.samples()).containsExactly(0f, 0f, 0.25f, 0f);
	}

}
