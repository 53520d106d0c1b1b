package io.gearbox.asr.audio;

/**
 * The declared media type, the container or the codec is one this service does not
 * decode, or the audio is outside the accepted sample-rate range. Maps to HTTP 415.
 */
public final class UnsupportedAudioException extends AudioException {

	private static final long serialVersionUID = 1L;

	public UnsupportedAudioException(String message) {
		super(message);
	}

}
