package io.gearbox.asr.audio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.within;

class L16DecodingTests {

	private final AudioLoader loader = new AudioLoader(16_000, Duration.ofMinutes(10));

	@Test
	void readsSignedSixteenBitBigEndianSamples() {
		byte[] data = { 0x40, 0x00, (byte) 0xC0, 0x00, 0x7F, (byte) 0xFF, (byte) 0x80, 0x00 };

		PcmAudio audio = this.loader.load(data, "audio/L16; rate=16000");

		assertThat(audio.sourceFormat()).isEqualTo("l16");
		assertThat(audio.samples()).containsExactly(0.5f, -0.5f, 32767 / 32768f, -1f);
	}

	@Test
	void decodesAToneAtTheDeclaredRate() {
		float[] tone = Signals.sine(440, 0.5, 16_000, 8000);

		PcmAudio audio = this.loader.load(bigEndian(tone), "audio/l16;rate=16000");

		assertThat(audio.durationSeconds()).isEqualTo(0.5);
		WavDecodingTests.assertSamplesClose(audio.samples(), tone, 0.00004);
	}

	@Test
	void mixesInterleavedChannelsDownAndResamples() {
		float[] left = Signals.sine(440, 0.5, 8000, 8000);
		float[] right = Signals.sine(1000, 0.5, 8000, 8000);

		PcmAudio audio = this.loader.load(bigEndian(WavFiles.interleave(left, right)),
				"audio/L16; rate=\"8000\"; channels=2");

		assertThat(audio.sourceSampleRate()).isEqualTo(8000);
		assertThat(audio.sourceChannels()).isEqualTo(2);
		assertThat(audio.samples()).hasSize(16_000);
		assertThat(Signals.amplitudeAt(audio.samples(), 16_000, 440)).isCloseTo(0.25, within(0.005));
		assertThat(Signals.amplitudeAt(audio.samples(), 16_000, 1000)).isCloseTo(0.25, within(0.005));
	}

	@Test
	void dropsATrailingPartialFrame() {
		assertThat(this.loader.load(new byte[5], "audio/L16; rate=16000").samples()).hasSize(2);
		assertThat(this.loader.load(new byte[7], "audio/L16; rate=16000; channels=2").samples()).hasSize(1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "audio/L16", "audio/L16; channels=1", "audio/L16; rate=", "audio/L16; rate=abc",
			"audio/L16; rate=-8000", "audio/L16; rate=0", "audio/L16; rate=96000", "audio/L16; rate=99999999999",
			"audio/L16; rate=16000; channels=0", "audio/L16; rate=16000; channels=1000" })
	void rejectsAMissingOrUnusableParameterAsUnsupported(String mediaType) {
		assertThatExceptionOfType(UnsupportedAudioException.class)
			.isThrownBy(() -> this.loader.load(new byte[64], mediaType));
	}

	@Test
	void rejectsLessThanOneFrameAsInvalid() {
		assertThatExceptionOfType(InvalidAudioException.class)
			.isThrownBy(() -> this.loader.load(new byte[1], "audio/L16; rate=16000"));
	}

	private static byte[] bigEndian(float[] samples) {
		ByteBuffer buffer = ByteBuffer.allocate(samples.length * 2).order(ByteOrder.BIG_ENDIAN);
		for (float s : samples) {
			buffer.putShort((short) Math.max(-32768, Math.min(32767, Math.round(s * 32768))));
		}
		return buffer.array();
	}

}
