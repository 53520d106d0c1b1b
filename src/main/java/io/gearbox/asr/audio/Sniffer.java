package io.gearbox.asr.audio;

/**
 * Recognises a container from its first bytes.
 */
final class Sniffer {

	private Sniffer() {
	}

	/**
	 * The format the magic bytes announce, or {@code null} when they match none we know.
	 * A RIFF file shorter than its 12-byte header is reported as WAV so that the WAV
	 * parser can call it truncated.
	 */
	static SourceFormat sniff(byte[] data) {
		if (Bytes.startsWith(data, 0, "RIFF") || Bytes.startsWith(data, 0, "RF64")) {
			return (data.length < 12 || Bytes.startsWith(data, 8, "WAVE")) ? SourceFormat.WAV : null;
		}
		if (Bytes.startsWith(data, 0, "fLaC")) {
			return SourceFormat.FLAC;
		}
		if (Bytes.startsWith(data, 0, "OggS")) {
			return SourceFormat.OGG_VORBIS;
		}
		if (Bytes.startsWith(data, 0, "ID3")) {
			return Bytes.startsWith(data, Id3.endOfTags(data), "fLaC") ? SourceFormat.FLAC : SourceFormat.MP3;
		}
		if (MpegFrames.frameLength(data, 0) > 0) {
			return SourceFormat.MP3;
		}
		return null;
	}

}
