package io.gearbox.asr.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Word-level edit distance for the benchmarks: lower-cased, whitespace-separated words. */
final class WordErrors {

    private WordErrors() {
    }

    static List<String> words(String text) {
        String normalised = text.toLowerCase(Locale.ROOT).trim();
        return normalised.isEmpty() ? List.of() : Arrays.asList(normalised.split("\\s+"));
    }

    /** @return substitutions + deletions + insertions turning the reference into the hypothesis */
    static int count(String reference, String hypothesis) {
        List<String> ref = words(reference);
        List<String> hyp = words(hypothesis);
        int[] row = new int[hyp.size() + 1];
        for (int j = 0; j <= hyp.size(); j++) {
            row[j] = j;
        }
        for (int i = 1; i <= ref.size(); i++) {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= hyp.size(); j++) {
                int above = row[j];
                row[j] = Math.min(Math.min(above + 1, row[j - 1] + 1),
                        diagonal + (ref.get(i - 1).equals(hyp.get(j - 1)) ? 0 : 1));
                diagonal = above;
            }
        }
        return row[hyp.size()];
    }

}
