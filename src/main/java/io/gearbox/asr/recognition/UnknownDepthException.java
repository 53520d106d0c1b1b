package io.gearbox.asr.recognition;

import java.util.List;

/**
 * A client asked for a depth the model has no open exit for (or for something that is not a depth).
 */
public class UnknownDepthException extends RuntimeException {

    private final String requested;

    private final List<Integer> available;

    public UnknownDepthException(String requested) {
        this(requested, List.of());
    }

    public UnknownDepthException(String requested, List<Integer> available) {
        super("Unknown depth '" + requested + "'" + (available.isEmpty() ? "" : "; available depths are "
                + available + " or 'auto'"), null, false, false);
        this.requested = requested;
        this.available = List.copyOf(available);
    }

    /** @return what the client asked for */
    public String requested() {
        return this.requested;
    }

    /** @return the depths that could have been asked for (may be empty when not known at the point of failure) */
    public List<Integer> available() {
        return this.available;
    }

}
