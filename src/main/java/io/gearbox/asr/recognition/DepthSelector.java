package io.gearbox.asr.recognition;

import java.util.List;

/**
 * Chooses the exit that serves a request asking for {@code depth=auto}. Called on a recognition worker thread once
 * the audio is decoded (so its duration is known), right before inference; it must be quick and thread-safe.
 *
 * <p>The load governor implements this; until then {@link #deepest()} serves every request at full depth.
 */
@FunctionalInterface
public interface DepthSelector {

    /**
     * Chooses a depth.
     * @param query what is known about the request and the load
     * @return one of {@link DepthQuery#depths()}; any other value is replaced by the deepest open exit that is not
     * deeper than it (or the shallowest exit)
     */
    int selectDepth(DepthQuery query);

    /** @return a selector that always answers with the deepest open exit */
    static DepthSelector deepest() {
        return (query) -> query.depths().get(query.depths().size() - 1);
    }

    /**
     * What a {@link DepthSelector} knows when it chooses.
     * @param depths the open exits, shallowest first (never empty)
     * @param audioSeconds duration of the request's audio in seconds
     * @param maxLatencyMillis the client's latency hint in milliseconds ({@code max_latency_ms}); {@code 0} if none.
     * It may only make the answer shallower.
     * @param waiting requests admitted but not yet started, this one excluded
     * @param inFlight requests being processed, this one included
     */
    record DepthQuery(List<Integer> depths, double audioSeconds, long maxLatencyMillis, int waiting, int inFlight) {

        public DepthQuery {
            depths = List.copyOf(depths);
        }

        /** @return whether the client gave a latency hint */
        public boolean hasLatencyHint() {
            return this.maxLatencyMillis > 0;
        }

    }

}
