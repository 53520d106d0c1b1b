package io.gearbox.asr.audio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

class ResamplerTests {

	@ParameterizedTest(name = "{1} Hz at {0} Hz to {2} Hz")
	@CsvSource({ "48000, 1000, 16000", "48000, 6500, 16000", "44100, 1000, 16000", "44100, 3000, 16000",
			"32000, 1000, 16000", "22050, 1000, 16000", "11025, 1000, 16000", "8000, 1000, 16000",
			"8000, 3500, 16000", "16000, 1000, 44100", "16001, 1000, 16000", "47999, 1000, 16000" })
	void keepsPassbandAmplitudeWithinATenthOfADecibel(int fromRate, double frequency, int toRate) {
		float[] input = Signals.sine(frequency, 0.5, fromRate, fromRate);

		float[] output = Resampler.resample(input, fromRate, toRate);

		double inputAmplitude = Signals.amplitudeAt(input, fromRate, frequency);
		double outputAmplitude = Signals.amplitudeAt(output, toRate, frequency);
		assertThat(Math.abs(Signals.decibels(outputAmplitude / inputAmplitude))).isLessThan(0.1);
	}

	@ParameterizedTest(name = "{1} Hz at {0} Hz to {2} Hz")
	@CsvSource({ "48000, 10000, 16000", "48000, 8500, 16000", "48000, 20000, 16000", "44100, 12000, 16000",
			"22050, 9000, 16000", "48000, 5000, 8000" })
	void attenuatesWhatWouldAliasByAtLeastSixtyDecibels(int fromRate, double frequency, int toRate) {
		float[] input = Signals.sine(frequency, 0.5, fromRate, fromRate);

		float[] output = Resampler.resample(input, fromRate, toRate);

		int margin = output.length / 10;
		double outputRms = Signals.rms(output, margin, output.length - margin);
		assertThat(Signals.decibels(outputRms / (0.5 / Math.sqrt(2)))).isLessThan(-60);
	}

	@Test
	void upsamplesWithoutImagesOfTheInputSpectrum() {
		float[] input = Signals.sine(1000, 0.5, 8000, 8000);

		float[] output = Resampler.resample(input, 8000, 16000);

		assertThat(Signals.amplitudeAt(output, 16000, 1000)).isCloseTo(0.5, within(0.005));
		assertThat(Signals.decibels(Signals.amplitudeAt(output, 16000, 7000) / 0.5)).isLessThan(-60);
	}

	@Test
	void keepsTheSignalInTimeWithoutDelay() {
		float[] input = new float[48000];
		input[24000] = 1f;

		float[] output = Resampler.resample(input, 48000, 16000);

		int peak = 0;
		for (int i = 1; i < output.length; i++) {
			if (output[i] > output[peak]) {
				peak = i;
			}
		}
		assertThat(peak).isEqualTo(8000);
	}

	@Test
	void keepsAConstantSignalConstant() {
		float[] input = new float[44100];
		java.util.Arrays.fill(input, 0.5f);

		float[] output = Resampler.resample(input, 44100, 16000);

		for (int i = 500; i < output.length - 500; i++) {
			assertThat(output[i]).isCloseTo(0.5f, within(1e-5f));
		}
	}

	@ParameterizedTest(name = "{0} samples from {1} Hz to {2} Hz")
	@CsvSource({ "48000, 48000, 16000", "1, 48000, 16000", "2, 48000, 16000", "44101, 44100, 16000",
			"22051, 22050, 16000", "11025, 11025, 16000", "7, 8000, 16000", "12345, 16000, 8000",
			"1000, 16001, 16000", "0, 44100, 16000" })
	void producesRoundedInputLengthTimesTheRateRatio(int length, int fromRate, int toRate) {
		float[] output = Resampler.resample(new float[length], fromRate, toRate);

		assertThat(output).hasSize((int) Math.round((double) length * toRate / fromRate));
	}

	@Test
	void returnsACopyWhenTheRatesMatch() {
		float[] input = Signals.sine(440, 0.5, 16000, 100);

		float[] output = Resampler.resample(input, 16000, 16000);

		assertThat(output).containsExactly(input).isNotSameAs(input);
	}

	@Test
	void rejectsNonPositiveRatesAndExtremeRatios() {
		float[] input = new float[10];
		assertThatIllegalArgumentException().isThrownBy(() -> Resampler.resample(input, 0, 16000));
		assertThatIllegalArgumentException().isThrownBy(() -> Resampler.resample(input, 16000, -1));
		assertThatIllegalArgumentException().isThrownBy(() -> Resampler.resample(input, 256000, 16000));
	}

}
