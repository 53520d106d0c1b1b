package io.gearbox.asr.audio;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class MediaTypeTests {

	private final AudioLoader loader = new AudioLoader(16_000, Duration.ofMinutes(10));

	private final byte[] wav = WavFiles.pcm16(16_000, 1, Signals.sine(440, 0.5, 16_000, 1600));

	@ParameterizedTest
	@ValueSource(strings = { "audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave", "AUDIO/WAV",
			"audio/wav; codecs=1", " audio/Wave ;charset=x" })
	void acceptsEveryWavMediaType(String mediaType) {
		assertThat(this.loader.load(this.wav, mediaType).sourceFormat()).isEqualTo("wav");
	}

	@ParameterizedTest
	@NullAndEmptySource
	@ValueSource(strings = { "application/octet-stream", "multipart/form-data; boundary=x",
			"application/x-www-form-urlencoded", "  " })
	void recognisesTheFormatFromMagicBytesWhenTheTypeSaysNothing(String mediaType) {
		assertThat(this.loader.load(this.wav, mediaType).sourceFormat()).isEqualTo("wav");
		assertThat(this.loader.load(Signals.resource("tone-440hz-16k-mono.flac"), mediaType).sourceFormat())
			.isEqualTo("flac");
		assertThat(this.loader.load(Signals.resource("tone-440hz-44k1-stereo.ogg"), mediaType).sourceFormat())
			.isEqualTo("ogg-vorbis");
		assertThat(this.loader.load(Signals.resource("two-tones-44k1-stereo.mp3"), mediaType).sourceFormat())
			.isEqualTo("mp3");
	}

	@Test
	void trustsUnambiguousMagicBytesOverAMislabelledAudioType() {
		assertThat(this.loader.load(this.wav, "audio/mpeg").sourceFormat()).isEqualTo("wav");
		assertThat(this.loader.load(Signals.resource("tone-440hz-16k-mono.flac"), "audio/ogg").sourceFormat())
			.isEqualTo("flac");
		assertThat(this.loader.load(Signals.resource("tone-440hz-22k05-mono-id3.mp3"), "audio/wav").sourceFormat())
			.isEqualTo("mp3");
	}

	@Test
	void findsMp3FramesThatDoNotStartTheFileWhenTheTypeSaysMpeg() {
		byte[] mp3 = Signals.resource("two-tones-44k1-stereo.mp3");
		byte[] prefixed = new byte[100 + mp3.length];
		System.arraycopy(mp3, 0, prefixed, 100, mp3.length);

		assertThat(this.loader.load(prefixed, "audio/mpeg").sourceSampleRate()).isEqualTo(44_100);
		assertThatExceptionOfType(UnsupportedAudioException.class).isThrownBy(() -> this.loader.load(prefixed, null));
	}

	@ParameterizedTest
	@ValueSource(strings = { "text/plain", "image/png", "application/json", "audio/aac", "audio/webm", "video/mp4",
			"nonsense" })
	void rejectsTypesThatAreNotSupportedAudioEvenWhenTheBytesAre(String mediaType) {
		assertThatExceptionOfType(UnsupportedAudioException.class).isThrownBy(() -> this.loader.load(this.wav, mediaType))
			.withMessageContaining("not supported");
	}

	@Test
	void echoesOnlyWellFormedMediaTypesInMessages() {
		assertThatExceptionOfType(UnsupportedAudioException.class)
			.isThrownBy(() -> this.loader.load(this.wav, "image/png"))
			.withMessageStartingWith("Media type image/png is not supported");
		assertThatExceptionOfType(UnsupportedAudioException.class)
			.isThrownBy(() -> this.loader.load(this.wav, "x/<script>alert(1)</script>"))
			.withMessageNotContaining("<script>");
	}

	@Test
	void rejectsUnrecognisedBytesWithoutATypeAsUnsupported() {
		byte[] text = WavFiles.ascii("hello, this is not audio at all");

		assertThatExceptionOfType(UnsupportedAudioException.class).isThrownBy(() -> this.loader.load(text, null))
			.withMessageContaining("Could not recognise the audio format");
	}

	@Test
	void rejectsOggOpusAsUnsupported() {
		assertThatExceptionOfType(UnsupportedAudioException.class)
			.isThrownBy(() -> this.loader.load(oggPage("OpusHead\u0001\u0001"), "audio/ogg"))
			.withMessageContaining("Opus");
		assertThatExceptionOfType(UnsupportedAudioException.class)
			.isThrownBy(() -> this.loader.load(oggPage("\u007fFLAC\u0001\u0000"), null));
	}

	/** One Ogg page holding one packet; the CRC is not filled in, the codec check comes first. */
	private static byte[] oggPage(String packet) {
		byte[] body = WavFiles.ascii(packet + "\u0000".repeat(19));
		byte[] page = new byte[28 + body.length];
		System.arraycopy(WavFiles.ascii("OggS"), 0, page, 0, 4);
		page[5] = 0x02;
		page[26] = 1;
		page[27] = (byte) body.length;
		System.arraycopy(body, 0, page, 28, body.length);
		return page;
	}

}
