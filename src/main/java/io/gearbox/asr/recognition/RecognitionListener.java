package io.gearbox.asr.recognition;

/**
 * Receives a call per request admitted to the queue, one {@link RecognitionSample} per admitted utterance once it
 * finishes (successfully or not), on the worker thread that processed it, and a call per request turned away
 * because the queue was full. Implementations
 * must be quick, thread-safe, and must not throw (exceptions are logged and ignored).
 */
public interface RecognitionListener {

    /**
     * An admitted utterance finished.
     * @param sample what it cost and how it ended
     */
    void onRecognition(RecognitionSample sample);

    /** A request was admitted to the queue (it will end in {@link #onRecognition}). */
    default void onAdmitted() {
    }

    /** A request was rejected with {@link OverloadedException} before it was queued. */
    default void onRejected() {
    }

}
