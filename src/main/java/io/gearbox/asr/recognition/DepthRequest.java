package io.gearbox.asr.recognition;

import java.util.OptionalInt;

/**
 * The depth a client asked for: {@code auto} (the {@link DepthSelector} chooses) or a pinned exit depth.
 */
public final class DepthRequest {

    private static final DepthRequest AUTO = new DepthRequest(0);

    private final int depth;

    private DepthRequest(int depth) {
        this.depth = depth;
    }

    /** @return a request for the selector's choice */
    public static DepthRequest auto() {
        return AUTO;
    }

    /**
     * @param depth the exit's depth
     * @return a request pinned to that exit
     */
    public static DepthRequest pinned(int depth) {
        if (depth <= 0) {
            throw new UnknownDepthException(Integer.toString(depth));
        }
        return new DepthRequest(depth);
    }

    /**
     * Parses a client's {@code depth} parameter.
     * @param value {@code auto}, an exit depth, or {@code null}/blank for {@code auto}
     * @return the request
     * @throws UnknownDepthException if the value is neither {@code auto} nor a positive integer
     */
    public static DepthRequest parse(String value) {
        if (value == null || value.isBlank() || value.trim().equalsIgnoreCase("auto")) {
            return AUTO;
        }
        String trimmed = value.trim();
        if (trimmed.length() > 9 || !trimmed.chars().allMatch(Character::isDigit)) {
            throw new UnknownDepthException(trimmed);
        }
        return pinned(Integer.parseInt(trimmed));
    }

    /** @return whether the selector chooses */
    public boolean isAuto() {
        return this.depth == 0;
    }

    /** @return the pinned depth, or empty for {@code auto} */
    public OptionalInt pinnedDepth() {
        return isAuto() ? OptionalInt.empty() : OptionalInt.of(this.depth);
    }

    @Override
    public boolean equals(Object other) {
        return (other instanceof DepthRequest that) && that.depth == this.depth;
    }

    @Override
    public int hashCode() {
        return this.depth;
    }

    @Override
    public String toString() {
        return isAuto() ? "auto" : Integer.toString(this.depth);
    }

}
