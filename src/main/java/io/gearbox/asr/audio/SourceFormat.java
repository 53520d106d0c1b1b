package io.gearbox.asr.audio;

/**
 * The containers/codecs this package decodes; {@link #label()} is what
 * {@link PcmAudio#sourceFormat()} reports.
 */
enum SourceFormat {

	WAV("wav"), FLAC("flac"), MP3("mp3"), OGG_VORBIS("ogg-vorbis"), L16("l16");

	private final String label;

	SourceFormat(String label) {
		this.label = label;
	}

	String label() {
		return this.label;
	}

}
