package io.gearbox.asr.support;

import java.util.List;
import java.util.Locale;

/** Word edit distance, words lower-cased and split on whitespace: the benchmarks' and tests' word error rate. */
public final class WordErrors {

    private WordErrors() {
    }

    public static List<String> words(String text) {
        String normalised = text.toLowerCase(Locale.ROOT).trim();
        return normalised.isEmpty() ? List.of() : List.of(normalised.split("\\s+"));
    }

    public static int distance(List<String> reference, List<String> hypothesis) {
        int[] previous = new int[hypothesis.size() + 1];
        int[] current = new int[hypothesis.size() + 1];
        for (int j = 0; j <= hypothesis.size(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= reference.size(); i++) {
            current[0] = i;
            for (int j = 1; j <= hypothesis.size(); j++) {
                int substitution = previous[j - 1] + (reference.get(i - 1).equals(hypothesis.get(j - 1)) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[hypothesis.size()];
    }

    /**
     * The edits of a minimal alignment, by kind: their sum is {@link #distance}. Among equally short
     * alignments, the one the backtrace meets first, preferring a match or substitution, then a deletion.
     * Keeps the whole table (reference by hypothesis words), unlike {@link #distance}: for utterances, not
     * for transcripts of hours.
     */
    public static Edits edits(List<String> reference, List<String> hypothesis) {
        int n = reference.size();
        int m = hypothesis.size();
        int[][] cost = new int[n + 1][m + 1];
        for (int i = 0; i <= n; i++) {
            for (int j = 0; j <= m; j++) {
                if (i == 0 || j == 0) {
                    cost[i][j] = i + j;
                    continue;
                }
                int substitution = cost[i - 1][j - 1] + (reference.get(i - 1).equals(hypothesis.get(j - 1)) ? 0 : 1);
                cost[i][j] = Math.min(substitution, Math.min(cost[i - 1][j], cost[i][j - 1]) + 1);
            }
        }
        int substitutions = 0;
        int deletions = 0;
        int insertions = 0;
        int i = n;
        int j = m;
        while (i > 0 || j > 0) {
            if (i > 0 && j > 0 && cost[i][j] == cost[i - 1][j - 1]
                    + (reference.get(i - 1).equals(hypothesis.get(j - 1)) ? 0 : 1)) {
                substitutions += cost[i][j] - cost[i - 1][j - 1];
                i--;
                j--;
            }
            else if (i > 0 && cost[i][j] == cost[i - 1][j] + 1) {
                deletions++;
                i--;
            }
            else {
                insertions++;
                j--;
            }
        }
        return new Edits(substitutions, deletions, insertions);
    }

    /**
     * Word edits of an alignment of a hypothesis to its reference.
     * @param substitutions reference words replaced by another word
     * @param deletions reference words missing from the hypothesis
     * @param insertions hypothesis words with no reference word
     */
    public record Edits(int substitutions, int deletions, int insertions) {

        public static final Edits NONE = new Edits(0, 0, 0);

        /** @return all the edits: the edit distance */
        public int total() {
            return this.substitutions + this.deletions + this.insertions;
        }

        /** @return these edits and the other's, counted together */
        public Edits plus(Edits other) {
            return new Edits(this.substitutions + other.substitutions, this.deletions + other.deletions,
                    this.insertions + other.insertions);
        }

    }

}
