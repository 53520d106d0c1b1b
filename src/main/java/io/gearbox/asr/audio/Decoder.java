package io.gearbox.asr.audio;

/**
 * Decodes one container/codec to mono samples at the source rate.
 *
 * <p>Implementations check the sample rate with {@link DecodeLimits#checkSampleRate(int)}
 * and the duration with {@link DecodeLimits#checkDeclaredFrames(long, int)} as soon as the
 * header tells them, and collect samples in a {@link MonoBuffer} so that a stream whose
 * header lies about its length still stops at the limit. They may throw anything on
 * malformed input; {@link AudioLoader} turns unexpected exceptions into
 * {@link InvalidAudioException}.
 */
interface Decoder {

	DecodedAudio decode(byte[] data, DecodeLimits limits);

}
