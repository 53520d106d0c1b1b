package io.gearbox.asr.streaming;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.gearbox.asr.decoding.Word;

/**
 * Keeps interim results from flickering: a word is shown once two consecutive hypotheses over the open utterance
 * agree on it and on every word before it (LocalAgreement-2, as in Macháček et al.'s Whisper-Streaming), and is
 * never taken back. Each hypothesis may decode only the utterance's last part (a bounded window): words that end
 * before the end of those already agreed are the window's cut-off past and are ignored. Words are compared by
 * their text, case-insensitively; an agreed word keeps the newer hypothesis's times. Not thread-safe.
 */
final class LocalAgreement {

    /** A word of a new hypothesis is the agreed past when it starts this much before the last agreed word's end. */
    private static final double OVERLAP_SECONDS = 0.08;

    private final List<Word> agreed = new ArrayList<>();

    private List<Word> previous = List.of();

    /**
     * @param hypothesis the newest hypothesis's words, in the stream's time, in order
     * @return every word agreed so far, in order
     */
    List<Word> update(List<Word> hypothesis) {
        List<Word> fresh = new ArrayList<>();
        if (startsWithAgreed(hypothesis)) {
            // the hypothesis covers the agreed words too (its window starts with the utterance): what follows them
            fresh.addAll(hypothesis.subList(this.agreed.size(), hypothesis.size()));
        }
        else {
            // a window that starts inside the utterance: the words before the agreed ones' end are its cut-off past
            double agreedEnd = this.agreed.isEmpty() ? Double.NEGATIVE_INFINITY
                    : this.agreed.get(this.agreed.size() - 1).end();
            for (Word word : hypothesis) {
                if (word.start() >= agreedEnd - OVERLAP_SECONDS) {
                    fresh.add(word);
                }
            }
        }
        int common = 0;
        while (common < fresh.size() && common < this.previous.size()
                && same(fresh.get(common), this.previous.get(common))) {
            common++;
        }
        this.agreed.addAll(fresh.subList(0, common));
        this.previous = List.copyOf(fresh.subList(common, fresh.size()));
        return List.copyOf(this.agreed);
    }

    private boolean startsWithAgreed(List<Word> hypothesis) {
        if (this.agreed.isEmpty() || hypothesis.size() < this.agreed.size()) {
            return false;
        }
        for (int i = 0; i < this.agreed.size(); i++) {
            if (!same(hypothesis.get(i), this.agreed.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** Starts a new utterance. */
    void reset() {
        this.agreed.clear();
        this.previous = List.of();
    }

    private static boolean same(Word a, Word b) {
        return a.word().toLowerCase(Locale.ROOT).equals(b.word().toLowerCase(Locale.ROOT));
    }

}
