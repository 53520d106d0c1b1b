package io.gearbox.asr.recognition;

/**
 * One utterance to transcribe.
 *
 * @param audio the encoded audio (any supported container/codec, or raw PCM described by the media type)
 * @param mediaType the client's media type for the audio, or {@code null} to sniff it from the bytes
 * @param depth the depth asked for
 * @param maxLatencyMillis the client's latency hint in milliseconds; {@code 0} for none
 */
public record RecognitionRequest(byte[] audio, String mediaType, DepthRequest depth, long maxLatencyMillis) {

    public RecognitionRequest {
        if (audio == null) {
            throw new IllegalArgumentException("audio must not be null");
        }
        depth = (depth != null) ? depth : DepthRequest.auto();
        maxLatencyMillis = Math.max(0, maxLatencyMillis);
    }

    /**
     * @param audio the encoded audio
     * @param mediaType its media type, or {@code null}
     * @param depth the depth asked for
     * @return a request without a latency hint
     */
    public static RecognitionRequest of(byte[] audio, String mediaType, DepthRequest depth) {
        return new RecognitionRequest(audio, mediaType, depth, 0);
    }

}
