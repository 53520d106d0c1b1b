package io.gearbox.asr.decoding;

/**
 * One emitted token of a CTC alignment.
 *
 * @param tokenId    vocabulary id (never the blank)
 * @param firstFrame first output frame aligned to the token
 * @param lastFrame  last output frame aligned to the token ({@code >= firstFrame})
 * @param maxLogProb largest log-probability of the token over {@code [firstFrame, lastFrame]}
 */
record TokenSpan(int tokenId, int firstFrame, int lastFrame, double maxLogProb) {

    /** The same token aligned to one more frame. */
    TokenSpan extendedTo(int frame, double logProb) {
        return new TokenSpan(tokenId, firstFrame, frame, Math.max(maxLogProb, logProb));
    }
}
