package io.gearbox.asr.recognition;

/**
 * Whether the service may turn an utterance of a live stream away under load.
 */
public enum Urgency {

    /**
     * An interim result: turned away with {@link OverloadedException} when the admission queue is full or when it
     * waited for a worker longer than the queue allows, since a later one supersedes it.
     */
    OPTIONAL,

    /**
     * A final result: always admitted, even past the queue's capacity, and served however long it waits, so that
     * speech already heard is never lost; the requests admitted after it are turned away instead.
     */
    REQUIRED

}
