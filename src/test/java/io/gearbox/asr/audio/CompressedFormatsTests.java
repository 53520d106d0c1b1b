package io.gearbox.asr.audio;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * FLAC, MP3 and Ogg Vorbis, decoded from the committed fixtures (see
 * src/test/resources/audio/README.md): rate, channels, duration and where the energy is.
 */
class CompressedFormatsTests {

	private static final int RATE = 16_000;

	private final AudioLoader loader = new AudioLoader(RATE, Duration.ofMinutes(10));

	@Test
	void decodesSixteenBitMonoFlacLosslessly() {
		PcmAudio audio = this.loader.load(Signals.resource("tone-440hz-16k-mono.flac"), "audio/flac");

		assertThat(audio.sourceFormat()).isEqualTo("flac");
		assertThat(audio.sourceSampleRate()).isEqualTo(16_000);
		assertThat(audio.sourceChannels()).isEqualTo(1);
		assertThat(audio.samples()).hasSize(8000);
		// Exact 16-bit values, as the reference decoder (sox) reads them.
		assertThat(pcm16(audio.samples(), 0, 4)).containsExactly(275, 2769, 5576, 8098);
		assertThat(pcm16(audio.samples(), 4000, 4)).containsExactly(-1, 2817, 5551, 8118);
		assertThat(pcm16(audio.samples(), 7996, 4)).containsExactly(-10461, -8098, -5575, -2770);
		assertThat(Signals.amplitudeAt(audio.samples(), RATE, 440)).isCloseTo(0.5, within(0.005));
	}

	@Test
	void decodesTwentyFourBitStereoFlacMixedDownAndResampled() {
		PcmAudio audio = this.loader.load(Signals.resource("two-tones-22k05-stereo-24bit.flac"), "audio/x-flac");

		assertThat(audio.sourceSampleRate()).isEqualTo(22_050);
		assertThat(audio.sourceChannels()).isEqualTo(2);
		assertThat(audio.sampleRate()).isEqualTo(RATE);
		assertThat(audio.durationSeconds()).isCloseTo(0.3, within(1.0 / RATE));
		assertTones(audio, 0.25, 0.25);
	}

	@Test
	void decodesMpeg2MonoMp3AfterItsId3Tag() {
		byte[] mp3 = Signals.resource("tone-440hz-22k05-mono-id3.mp3");
		assertThat(new String(mp3, 0, 3, java.nio.charset.StandardCharsets.ISO_8859_1)).isEqualTo("ID3");

		PcmAudio audio = this.loader.load(mp3, "audio/mpeg");

		assertThat(audio.sourceFormat()).isEqualTo("mp3");
		assertThat(audio.sourceSampleRate()).isEqualTo(22_050);
		assertThat(audio.sourceChannels()).isEqualTo(1);
		// The encoder and decoder delays add up to a few frames of silence; the decoder keeps them.
		assertThat(audio.durationSeconds()).isBetween(0.5, 0.65);
		assertThat(Signals.amplitudeAt(audio.samples(), RATE, 440)).isCloseTo(0.5, within(0.05));
		assertThat(Signals.amplitudeAt(audio.samples(), RATE, 1000)).isLessThan(0.02);
	}

	@Test
	void decodesMpeg1StereoMp3MixedDown() {
		PcmAudio audio = this.loader.load(Signals.resource("two-tones-44k1-stereo.mp3"), "audio/mp3");

		assertThat(audio.sourceSampleRate()).isEqualTo(44_100);
		assertThat(audio.sourceChannels()).isEqualTo(2);
		assertThat(audio.durationSeconds()).isBetween(0.5, 0.6);
		assertTones(audio, 0.25, 0.25);
	}

	@Test
	void decodesStereoOggVorbis() {
		PcmAudio audio = this.loader.load(Signals.resource("tone-440hz-44k1-stereo.ogg"), "audio/ogg");

		assertThat(audio.sourceFormat()).isEqualTo("ogg-vorbis");
		assertThat(audio.sourceSampleRate()).isEqualTo(44_100);
		assertThat(audio.sourceChannels()).isEqualTo(2);
		assertThat(audio.durationSeconds()).isCloseTo(0.5, within(0.03));
		assertTones(audio, 0.5, 0.0);
	}

	@Test
	void decodesEightKilohertzOggVorbisAndUpsamplesIt() {
		PcmAudio audio = this.loader.load(Signals.resource("tone-440hz-8k-mono.ogg"), "application/ogg");

		assertThat(audio.sourceSampleRate()).isEqualTo(8000);
		assertThat(audio.sourceChannels()).isEqualTo(1);
		assertThat(audio.sampleRate()).isEqualTo(RATE);
		assertThat(audio.durationSeconds()).isCloseTo(0.5, within(0.03));
		assertTones(audio, 0.5, 0.0);
	}

	@Test
	void recognisesEveryFixtureWithoutAMediaType() {
		assertThat(this.loader.load(Signals.resource("tone-440hz-16k-mono.flac"), null).sourceFormat()).isEqualTo("flac");
		assertThat(this.loader.load(Signals.resource("tone-440hz-22k05-mono-id3.mp3"), null).sourceFormat())
			.isEqualTo("mp3");
		assertThat(this.loader.load(Signals.resource("two-tones-44k1-stereo.mp3"), "application/octet-stream")
			.sourceFormat()).isEqualTo("mp3");
		assertThat(this.loader.load(Signals.resource("tone-440hz-8k-mono.ogg"), "application/octet-stream")
			.sourceFormat()).isEqualTo("ogg-vorbis");
	}

	@Test
	void decodesFlacBehindAnId3Tag() {
		byte[] flac = Signals.resource("tone-440hz-16k-mono.flac");
		byte[] tagged = new byte[20 + flac.length];
		System.arraycopy(WavFiles.ascii("ID3"), 0, tagged, 0, 3);
		tagged[3] = 4;
		tagged[9] = 10;
		System.arraycopy(flac, 0, tagged, 20, flac.length);

		PcmAudio audio = this.loader.load(tagged, null);

		assertThat(audio.sourceFormat()).isEqualTo("flac");
		assertThat(audio.samples()).hasSize(8000);
	}

	private static int[] pcm16(float[] samples, int from, int count) {
		int[] values = new int[count];
		for (int i = 0; i < count; i++) {
			values[i] = Math.round(samples[from + i] * 32768);
		}
		return values;
	}

	/** 440 Hz and 1 kHz at the given amplitudes, and nothing at 700 Hz. */
	private static void assertTones(PcmAudio audio, double at440, double at1000) {
		float[] samples = audio.samples();
		assertThat(Signals.amplitudeAt(samples, audio.sampleRate(), 440)).isCloseTo(at440, within(0.03));
		assertThat(Signals.amplitudeAt(samples, audio.sampleRate(), 1000)).isCloseTo(at1000, within(0.03));
		assertThat(Signals.amplitudeAt(samples, audio.sampleRate(), 700)).isLessThan(0.01);
	}

}
