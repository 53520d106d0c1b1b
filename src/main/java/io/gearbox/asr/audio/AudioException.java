package io.gearbox.asr.audio;

/**
 * Base of every failure raised while turning uploaded bytes into samples.
 *
 * <p>Messages are written for the client: they never contain file paths, class names or
 * the text of a decoder library's own exception. The cause, when there is one, is kept
 * for logging only. These exceptions skip the stack trace because they describe bad
 * input, not a bug, and can be raised at the rate clients send junk.
 */
public abstract sealed class AudioException extends RuntimeException
		permits UnsupportedAudioException, InvalidAudioException, AudioTooLongException {

	private static final long serialVersionUID = 1L;

	AudioException(String message) {
		this(message, null);
	}

	AudioException(String message, Throwable cause) {
		super(message, cause, false, false);
	}

}
