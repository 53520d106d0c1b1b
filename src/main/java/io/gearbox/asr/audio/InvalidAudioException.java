package io.gearbox.asr.audio;

/**
 * The bytes claim a supported format but cannot be decoded: corrupt or truncated
 * headers, impossible field values, or no samples at all. Maps to HTTP 400.
 */
public final class InvalidAudioException extends AudioException {

	private static final long serialVersionUID = 1L;

	public InvalidAudioException(String message) {
		super(message);
	}

	public InvalidAudioException(String message, Throwable cause) {
		super(message, cause);
	}

}
