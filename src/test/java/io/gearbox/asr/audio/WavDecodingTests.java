package io.gearbox.asr.audio;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.gearbox.asr.audio.WavFiles.Sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.within;

class WavDecodingTests {

	private static final int RATE = 16_000;

	private final AudioLoader loader = new AudioLoader(RATE, Duration.ofMinutes(10));

	private final float[] tone = Signals.sine(440, 0.5, RATE, 4000);

	@ParameterizedTest(name = "{0} in format 0x{1}, {2} bits")
	@CsvSource({ "U8, 1, 8, 0.0079", "S16, 1, 16, 0.00004", "S24, 1, 24, 0.0000002", "S32, 1, 32, 0.0000001",
			"F32, 3, 32, 0", "F64, 3, 64, 0.0000001", "ALAW, 6, 8, 0.016", "MULAW, 7, 8, 0.016" })
	void decodesEverySampleEncodingToTheOriginalSignal(Sample sample, int formatTag, int bits, double tolerance) {
		byte[] wav = WavFiles.wav(formatTag, 1, RATE, bits, WavFiles.encode(this.tone, sample));

		PcmAudio audio = this.loader.load(wav, "audio/wav");

		assertThat(audio.sourceFormat()).isEqualTo("wav");
		assertThat(audio.sourceSampleRate()).isEqualTo(RATE);
		assertThat(audio.sourceChannels()).isEqualTo(1);
		assertThat(audio.sampleRate()).isEqualTo(RATE);
		assertThat(audio.durationSeconds()).isEqualTo(0.25);
		assertSamplesClose(audio.samples(), this.tone, tolerance);
		assertThat(Signals.amplitudeAt(audio.samples(), RATE, 440)).isCloseTo(0.5, within(0.01));
	}

	@ParameterizedTest(name = "extensible {0}, {3} valid bits in {2}")
	@CsvSource({ "S16, 1, 16, 16, 0.00004", "S24_IN_32, 1, 32, 24, 0.0000002", "S24, 1, 24, 20, 0.0000002",
			"F32, 3, 32, 32, 0", "F64, 3, 64, 64, 0.0000001", "MULAW, 7, 8, 8, 0.016" })
	void decodesWaveFormatExtensibleBySubformat(Sample sample, int subformat, int containerBits, int validBits,
			double tolerance) {
		byte[] wav = WavFiles.riff(
				WavFiles.chunk("fmt ", WavFiles.extensibleFmt(subformat, 1, RATE, containerBits, validBits)),
				WavFiles.chunk("data", WavFiles.encode(this.tone, sample)));

		PcmAudio audio = this.loader.load(wav, "audio/wav");

		assertSamplesClose(audio.samples(), this.tone, tolerance);
	}

	@Test
	void decodesUnsignedEightBitSilenceAsZero() {
		byte[] silence = new byte[800];
		Arrays.fill(silence, (byte) 0x80);

		PcmAudio audio = this.loader.load(WavFiles.wav(WavFiles.PCM, 1, 8000, 8, silence), "audio/wav");

		assertThat(audio.sourceSampleRate()).isEqualTo(8000);
		assertThat(audio.samples()).hasSize(1600).containsOnly(0f);
	}

	@Test
	void mixesStereoDownByAveragingTheChannels() {
		float[] left = Signals.sine(440, 0.5, RATE, 4000);
		float[] right = Signals.sine(1000, 0.5, RATE, 4000);

		PcmAudio audio = this.loader.load(WavFiles.pcm16(RATE, 2, WavFiles.interleave(left, right)), "audio/wav");

		assertThat(audio.sourceChannels()).isEqualTo(2);
		assertThat(audio.samples()).hasSize(4000);
		assertThat(Signals.amplitudeAt(audio.samples(), RATE, 440)).isCloseTo(0.25, within(0.005));
		assertThat(Signals.amplitudeAt(audio.samples(), RATE, 1000)).isCloseTo(0.25, within(0.005));
	}

	@Test
	void cancelsOppositeChannelsWhenMixingDown() {
		float[] left = Signals.sine(440, 0.5, RATE, 1000);
		float[] right = new float[left.length];
		for (int i = 0; i < left.length; i++) {
			right[i] = -left[i];
		}

		PcmAudio audio = this.loader.load(WavFiles.wav(WavFiles.IEEE_FLOAT, 2, RATE, 32,
				WavFiles.encode(WavFiles.interleave(left, right), Sample.F32)), "audio/wav");

		assertThat(audio.samples()).containsOnly(0f);
	}

	@Test
	void mixesDownAnyChannelCount() {
		int channels = 6;
		float[][] constant = new float[channels][];
		for (int c = 0; c < channels; c++) {
			constant[c] = new float[100];
			Arrays.fill(constant[c], 0.1f * c);
		}
		byte[] wav = WavFiles.riff(
				WavFiles.chunk("fmt ", WavFiles.extensibleFmt(WavFiles.IEEE_FLOAT, channels, RATE, 32, 32)),
				WavFiles.chunk("data", WavFiles.encode(WavFiles.interleave(constant), Sample.F32)));

		PcmAudio audio = this.loader.load(wav, "audio/wav");

		assertThat(audio.sourceChannels()).isEqualTo(6);
		assertThat(audio.samples()).hasSize(100);
		for (float s : audio.samples()) {
			assertThat(s).isCloseTo(0.25f, within(1e-6f));
		}
	}

	@Test
	void skipsUnknownChunksAndTheirPadByte() {
		byte[] list = WavFiles.chunk("LIST", WavFiles.ascii("INFOISFT\u0005\u0000\u0000\u0000sox!\u0000"));
		byte[] odd = WavFiles.chunk("junk", new byte[] { 1, 2, 3 });
		byte[] wav = WavFiles.riff(odd, WavFiles.chunk("fmt ", WavFiles.fmt(WavFiles.PCM, 1, RATE, 16)), list,
				WavFiles.chunk("fact", new byte[] { 0x10 }), WavFiles.chunk("data", WavFiles.encode(this.tone, Sample.S16)),
				WavFiles.chunk("id3 ", new byte[7]));

		PcmAudio audio = this.loader.load(wav, "audio/wav");

		assertSamplesClose(audio.samples(), this.tone, 0.00004);
	}

	@ParameterizedTest(name = "declared data size {0}")
	@CsvSource({ "0", "4294967295" })
	void readsAStreamedDataChunkToTheEnd(long declaredSize) {
		byte[] wav = WavFiles.riff(WavFiles.chunk("fmt ", WavFiles.fmt(WavFiles.PCM, 1, RATE, 16)),
				WavFiles.chunk("data", declaredSize, WavFiles.encode(this.tone, Sample.S16)));

		PcmAudio audio = this.loader.load(wav, "audio/wav");

		assertSamplesClose(audio.samples(), this.tone, 0.00004);
	}

	@Test
	void readsAnRf64FileWhoseDataSizeIsInTheDs64Chunk() {
		byte[] data = WavFiles.encode(this.tone, Sample.S16);
		byte[] ds64 = new byte[28];
		java.nio.ByteBuffer.wrap(ds64).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(0).putLong(data.length);
		byte[] wav = WavFiles.riff(WavFiles.chunk("ds64", ds64), WavFiles.chunk("fmt ", WavFiles.fmt(WavFiles.PCM, 1, RATE, 16)),
				WavFiles.chunk("data", 0xFFFFFFFFL, data), WavFiles.chunk("LIST", new byte[12]));
		System.arraycopy(WavFiles.ascii("RF64"), 0, wav, 0, 4);

		PcmAudio audio = this.loader.load(wav, null);

		assertThat(audio.samples()).hasSize(this.tone.length);
	}

	@Test
	void keepsTheWholeFramesOfATruncatedDataChunk() {
		byte[] full = WavFiles.pcm16(RATE, 2, WavFiles.interleave(this.tone, this.tone));
		byte[] truncated = Arrays.copyOf(full, full.length - 1001);

		PcmAudio audio = this.loader.load(truncated, "audio/wav");

		assertThat(audio.samples()).hasSize(4000 - 251);
		assertSamplesClose(audio.samples(), Arrays.copyOf(this.tone, 4000 - 251), 0.00004);
	}

	@Test
	void resamplesToTheTargetRate() {
		float[] tone44 = Signals.sine(440, 0.5, 44_100, 44_100);

		PcmAudio audio = this.loader.load(WavFiles.pcm16(44_100, 2, WavFiles.interleave(tone44, tone44)), "audio/x-wav");

		assertThat(audio.sourceSampleRate()).isEqualTo(44_100);
		assertThat(audio.sampleRate()).isEqualTo(RATE);
		assertThat(audio.samples()).hasSize(RATE);
		assertThat(Signals.amplitudeAt(audio.samples(), RATE, 440)).isCloseTo(0.5, within(0.005));
	}

	@ParameterizedTest(name = "codec 0x{0}")
	@CsvSource({ "2, 4", "17, 4", "85, 0", "49, 0" })
	void rejectsCompressedWavCodecsAsUnsupported(int formatTag, int bits) {
		byte[] wav = WavFiles.wav(formatTag, 1, RATE, bits, new byte[256]);

		assertThatExceptionOfType(UnsupportedAudioException.class).isThrownBy(() -> this.loader.load(wav, "audio/wav"))
			.withMessageContaining("not supported");
	}

	@Test
	void rejectsAnExtensibleSubformatThatIsNotAPlainFormatCode() {
		byte[] fmt = WavFiles.extensibleFmt(WavFiles.PCM, 1, RATE, 16, 16);
		fmt[39] ^= 0x01;
		byte[] wav = WavFiles.riff(WavFiles.chunk("fmt ", fmt), WavFiles.chunk("data", new byte[64]));

		assertThatExceptionOfType(UnsupportedAudioException.class).isThrownBy(() -> this.loader.load(wav, "audio/wav"));
	}

	@ParameterizedTest(name = "float with {0} bits")
	@CsvSource({ "16", "24" })
	void rejectsFloatSamplesThatAreNeither32Nor64Bits(int bits) {
		byte[] wav = WavFiles.wav(WavFiles.IEEE_FLOAT, 1, RATE, bits, new byte[96]);

		assertThatExceptionOfType(UnsupportedAudioException.class).isThrownBy(() -> this.loader.load(wav, "audio/wav"));
	}

	@ParameterizedTest(name = "{0} Hz")
	@CsvSource({ "7999", "96000", "192000", "4000" })
	void rejectsSampleRatesOutsideEightToFortyEightKilohertzAsUnsupported(int sampleRate) {
		byte[] wav = WavFiles.wav(WavFiles.PCM, 1, sampleRate, 16, new byte[64]);

		assertThatExceptionOfType(UnsupportedAudioException.class).isThrownBy(() -> this.loader.load(wav, "audio/wav"))
			.withMessageContaining("Sample rate " + sampleRate + " Hz");
	}

	@Test
	void acceptsTheEdgeRatesEightAndFortyEightKilohertz() {
		assertThat(this.loader.load(WavFiles.wav(WavFiles.PCM, 1, 8000, 16, new byte[160]), null).samples()).hasSize(160);
		assertThat(this.loader.load(WavFiles.wav(WavFiles.PCM, 1, 48000, 16, new byte[960]), null).samples()).hasSize(160);
	}

	@Test
	void rejectsHeaderFieldsNoRealFileHas() {
		assertInvalid(WavFiles.wav(WavFiles.PCM, 0, RATE, 16, new byte[64]));
		assertInvalid(WavFiles.wav(WavFiles.PCM, 1, 0, 16, new byte[64]));
		assertInvalid(WavFiles.wav(WavFiles.PCM, 1, RATE, 0, new byte[64]));
		assertInvalid(WavFiles.wav(WavFiles.PCM, 1, RATE, 40, new byte[64]));
	}

	@Test
	void rejectsAWavWithoutFmtOrDataChunk() {
		assertInvalid(WavFiles.riff(WavFiles.chunk("data", new byte[64])), "data chunk comes before the fmt chunk");
		assertInvalid(WavFiles.riff(WavFiles.chunk("LIST", new byte[8])), "no fmt chunk");
		assertInvalid(WavFiles.riff(WavFiles.chunk("fmt ", WavFiles.fmt(WavFiles.PCM, 1, RATE, 16))), "no data chunk");
	}

	@Test
	void rejectsAZeroLengthDataChunkAsHavingNoSamples() {
		assertInvalid(WavFiles.wav(WavFiles.PCM, 1, RATE, 16, new byte[0]), "no samples");
		assertInvalid(WavFiles.wav(WavFiles.PCM, 2, RATE, 16, new byte[3]), "no samples");
	}

	@Test
	void rejectsATruncatedHeader() {
		byte[] wav = WavFiles.pcm16(RATE, 1, this.tone);

		assertInvalid(Arrays.copyOf(wav, 4), "truncated");
		assertInvalid(Arrays.copyOf(wav, 11), "truncated");
		assertInvalid(Arrays.copyOf(wav, 30), "fmt chunk is truncated");
	}

	@Test
	void rejectsAFmtChunkThatDeclaresMoreThanTheFileHolds() {
		ByteArrayOutputStream wav = new ByteArrayOutputStream();
		wav.writeBytes(WavFiles.riff(WavFiles.chunk("fmt ", 0x7FFFFFF0L, WavFiles.fmt(WavFiles.PCM, 1, RATE, 16))));

		assertInvalid(wav.toByteArray(), "fmt chunk is truncated");
	}

	@Test
	void readsOnlyWhatIsThereWhenTheDataChunkDeclaresGigabytes() {
		byte[] wav = WavFiles.riff(WavFiles.chunk("fmt ", WavFiles.fmt(WavFiles.PCM, 1, RATE, 16)),
				WavFiles.chunk("data", 0xFFFFFFF0L, WavFiles.encode(this.tone, Sample.S16)));

		assertThat(this.loader.load(wav, "audio/wav").samples()).hasSize(this.tone.length);
	}

	@Test
	void rejectsARiffFileThatIsNotWave() {
		byte[] avi = WavFiles.riff(WavFiles.chunk("data", new byte[16]));
		System.arraycopy(WavFiles.ascii("AVI "), 0, avi, 8, 4);

		assertInvalid(avi, "Not a RIFF/WAVE file");
		assertThatExceptionOfType(UnsupportedAudioException.class).isThrownBy(() -> this.loader.load(avi, null));
	}

	private void assertInvalid(byte[] wav) {
		assertThatExceptionOfType(InvalidAudioException.class).isThrownBy(() -> this.loader.load(wav, "audio/wav"));
	}

	private void assertInvalid(byte[] wav, String message) {
		assertThatExceptionOfType(InvalidAudioException.class).isThrownBy(() -> this.loader.load(wav, "audio/wav"))
			.withMessageContaining(message);
	}

	static void assertSamplesClose(float[] actual, float[] expected, double tolerance) {
		assertThat(actual).hasSameSizeAs(expected);
		double worst = 0;
		for (int i = 0; i < actual.length; i++) {
			worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
		}
		assertThat(worst).as("largest sample error").isLessThanOrEqualTo(tolerance);
	}

}
