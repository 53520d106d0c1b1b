package io.gearbox.asr.audio;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Chooses the decoder from the declared media type and the magic bytes.
 *
 * <ul>
 * <li>No type, {@code application/octet-stream} (what a multipart part without a type
 * gets), {@code multipart/form-data} (a caller passing on the request's type instead of
 * the part's) or {@code application/x-www-form-urlencoded} (what
 * {@code curl --data-binary} sends unless told otherwise): the magic bytes decide; bytes we do not recognise are
 * unsupported (415), since nothing says they were meant to be a format we decode.</li>
 * <li>A WAV, FLAC, MP3 or Ogg type: if the magic bytes clearly name another supported
 * container the bytes win (uploads are often mislabelled); otherwise the declared
 * format's decoder runs, and undecodable bytes are invalid (400).</li>
 * <li>{@code audio/L16}: headerless, so the parameters decide ({@code rate} required,
 * {@code channels} defaults to 1). A missing or malformed parameter is unsupported (415):
 * the media type, not the body, needs fixing.</li>
 * <li>Anything else ({@code text/plain}, {@code image/png}, {@code audio/aac}, a
 * malformed type): unsupported (415).</li>
 * </ul>
 */
final class MediaTypes {

	private static final Map<String, SourceFormat> DECLARED = Map.ofEntries(Map.entry("audio/wav", SourceFormat.WAV),
			Map.entry("audio/x-wav", SourceFormat.WAV), Map.entry("audio/wave", SourceFormat.WAV),
			Map.entry("audio/vnd.wave", SourceFormat.WAV), Map.entry("audio/flac", SourceFormat.FLAC),
			Map.entry("audio/x-flac", SourceFormat.FLAC), Map.entry("audio/mpeg", SourceFormat.MP3),
			Map.entry("audio/mp3", SourceFormat.MP3), Map.entry("audio/ogg", SourceFormat.OGG_VORBIS),
			Map.entry("application/ogg", SourceFormat.OGG_VORBIS), Map.entry("audio/l16", SourceFormat.L16));

	private static final Set<String> SNIFFED = Set.of("application/octet-stream", "multipart/form-data",
			"application/x-www-form-urlencoded");

	private static final Pattern TOKEN_TYPE = Pattern.compile("[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}");

	private static final String SUPPORTED = "send WAV, FLAC, MP3, Ogg Vorbis or audio/L16 with a rate parameter";

	private MediaTypes() {
	}

	record Selection(SourceFormat format, Decoder decoder) {
	}

	static Selection select(String mediaType, byte[] data) {
		if (mediaType == null || mediaType.isBlank()) {
			return sniffed(data);
		}
		int semicolon = mediaType.indexOf(';');
		String type = ((semicolon < 0) ? mediaType : mediaType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
		if (SNIFFED.contains(type)) {
			return sniffed(data);
		}
		SourceFormat declared = DECLARED.get(type);
		if (declared == null) {
			String shown = TOKEN_TYPE.matcher(type).matches() ? "Media type " + type : "This media type";
			throw new UnsupportedAudioException(shown + " is not supported; " + SUPPORTED);
		}
		if (declared == SourceFormat.L16) {
			Map<String, String> parameters = parameters(mediaType, semicolon);
			return new Selection(SourceFormat.L16, new L16Decoder(l16Rate(parameters), l16Channels(parameters)));
		}
		SourceFormat sniffed = Sniffer.sniff(data);
		SourceFormat format = (sniffed != null) ? sniffed : declared;
		return new Selection(format, decoderFor(format));
	}

	private static Selection sniffed(byte[] data) {
		SourceFormat format = Sniffer.sniff(data);
		if (format == null) {
			throw new UnsupportedAudioException("Could not recognise the audio format; " + SUPPORTED);
		}
		return new Selection(format, decoderFor(format));
	}

	private static Decoder decoderFor(SourceFormat format) {
		return switch (format) {
			case WAV -> new WavDecoder();
			case FLAC -> new FlacDecoder();
			case MP3 -> new Mp3Decoder();
			case OGG_VORBIS -> new VorbisDecoder();
			case L16 -> throw new IllegalStateException("audio/L16 is never sniffed");
		};
	}

	private static Map<String, String> parameters(String mediaType, int semicolon) {
		Map<String, String> parameters = new HashMap<>();
		if (semicolon < 0) {
			return parameters;
		}
		for (String parameter : mediaType.substring(semicolon + 1).split(";")) {
			int equals = parameter.indexOf('=');
			if (equals > 0) {
				String name = parameter.substring(0, equals).trim().toLowerCase(Locale.ROOT);
				String value = parameter.substring(equals + 1).trim();
				if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
					value = value.substring(1, value.length() - 1);
				}
				parameters.putIfAbsent(name, value);
			}
		}
		return parameters;
	}

	private static int l16Rate(Map<String, String> parameters) {
		String rate = parameters.get("rate");
		if (rate == null) {
			throw new UnsupportedAudioException("audio/L16 needs a rate parameter, e.g. audio/L16; rate=16000");
		}
		int value = parseSmallInt(rate, "rate");
		if (value < DecodeLimits.MIN_SAMPLE_RATE || value > DecodeLimits.MAX_SAMPLE_RATE) {
			throw new UnsupportedAudioException("audio/L16 rate " + value + " Hz is not supported; accepted rates are "
					+ DecodeLimits.MIN_SAMPLE_RATE + " to " + DecodeLimits.MAX_SAMPLE_RATE + " Hz");
		}
		return value;
	}

	private static int l16Channels(Map<String, String> parameters) {
		String channels = parameters.get("channels");
		if (channels == null) {
			return 1;
		}
		int value = parseSmallInt(channels, "channels");
		if (value < 1 || value > DecodeLimits.MAX_CHANNELS) {
			throw new UnsupportedAudioException(
					"audio/L16 channels must be between 1 and " + DecodeLimits.MAX_CHANNELS);
		}
		return value;
	}

	private static int parseSmallInt(String value, String name) {
		if (value.isEmpty() || value.length() > 9 || !value.chars().allMatch((c) -> c >= '0' && c <= '9')) {
			throw new UnsupportedAudioException("audio/L16 " + name + " parameter must be a positive integer");
		}
		return Integer.parseInt(value);
	}

}
