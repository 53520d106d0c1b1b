package io.gearbox.asr.recognition;

import java.util.List;

import io.gearbox.asr.governor.Gear;

/**
 * Chooses the gear (the exit, and how its output is decoded) that serves a request asking for {@code depth=auto}. Called on a recognition worker thread once
 * the audio is decoded (so its duration is known), right before inference; it must be quick and thread-safe.
 *
 * <p>The load governor implements this; until then {@link #deepest()} serves every request at full depth.
 */
@FunctionalInterface
public interface DepthSelector {

    /**
     * Chooses a gear.
     * @param query what is known about the request and the load
     * @return a gear whose depth is one of {@link DepthQuery#depths()}; any other depth is replaced by the deepest
     * open exit that is not deeper than it (or the shallowest exit)
     */
    Gear selectGear(DepthQuery query);

    /** @return a selector that always answers with the deepest open exit and the full decoder */
    static DepthSelector deepest() {
        return (query) -> Gear.full(query.depths().get(query.depths().size() - 1));
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
