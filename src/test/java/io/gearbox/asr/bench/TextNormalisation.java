package io.gearbox.asr.bench;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a transcript, ours or another recogniser's or a reference's, into the words a word error rate counts, by
 * the rules the training recipe normalises its text with ({@code models/recipe/text.py}, {@code normalise}), so
 * that a reference written with capitals and punctuation is scored as the model was taught to spell it:
 * <ul>
 * <li>lower case; accents dropped ({@code café}: {@code cafe}); the typographic apostrophe is an apostrophe;</li>
 * <li>{@code &} is {@code and}, {@code %} is {@code percent};</li>
 * <li>digits are spelled out, a run of four like a year ({@code 1984}: nineteen eighty four, {@code 1905}: nineteen
 * oh five, {@code 2000}: two thousand), longer runs digit by digit;</li>
 * <li>hyphens, dashes and slashes separate words ({@code semi-prehensile}: semi prehensile);</li>
 * <li>apostrophes inside a word stay ({@code what's}), quotes around words go ({@code 'twas} and {@code dogs'}
 * lose theirs, as in the recipe);</li>
 * <li>every other character that is not a letter separates words.</li>
 * </ul>
 * Unlike the recipe, which drops a line holding a symbol it cannot read aloud, this keeps the rest of the line:
 * a reference is never dropped from a score.
 */
final class TextNormalisation {

    private static final String[] ONES = "zero one two three four five six seven eight nine".split(" ");

    private static final String[] TEENS = ("ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen "
            + "nineteen").split(" ");

    private static final String[] TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split(" ");

    private static final Pattern DIGITS = Pattern.compile("\\d+");

    private static final Pattern COMBINING_MARKS = Pattern.compile("\\p{M}+");

    // Anything but letters and apostrophes; digits are spelled out before this applies.
    private static final Pattern SEPARATORS = Pattern.compile("[^\\p{L}']+");

    private static final Pattern QUOTES = Pattern.compile("(^| )'+|'+( |$)");

    private TextNormalisation() {
    }

    /**
     * @param text a transcript, in any case and punctuation
     * @return its words, normalised; empty when it has none
     */
    static List<String> words(String text) {
        String s = Normalizer.normalize(text, Normalizer.Form.NFKD);
        s = COMBINING_MARKS.matcher(s).replaceAll("");
        s = s.toLowerCase(Locale.ROOT).replace('\u2019', '\'').replace("&", " and ").replace("%", " percent ");
        Matcher digits = DIGITS.matcher(s);
        StringBuilder spelled = new StringBuilder();
        while (digits.find()) {
            digits.appendReplacement(spelled, " " + numberWords(digits.group()) + " ");
        }
        s = digits.appendTail(spelled).toString();
        s = SEPARATORS.matcher(s).replaceAll(" ");
        // Twice: a quote's pattern consumes the space it ends on, so "'a' 'b'" needs a second pass for the 'b'.
        s = QUOTES.matcher(QUOTES.matcher(s).replaceAll(" ")).replaceAll(" ").trim();
        return s.isEmpty() ? List.of() : List.of(s.split(" +"));
    }

    /** A run of digits as words, as the recipe's {@code number_words} reads it. */
    static String numberWords(String digits) {
        String trimmed = digits.replaceFirst("^0+(?=\\d)", "");
        if (trimmed.length() > 4) {
            StringBuilder each = new StringBuilder();
            for (char c : trimmed.toCharArray()) {
                each.append(each.isEmpty() ? "" : " ").append(ONES[c - '0']);
            }
            return each.toString();
        }
        return numberWords(Integer.parseInt(trimmed));
    }

    private static String numberWords(int n) {
        if (n < 10) {
            return ONES[n];
        }
        if (n < 20) {
            return TEENS[n - 10];
        }
        if (n < 100) {
            return TENS[n / 10] + (n % 10 == 0 ? "" : " " + ONES[n % 10]);
        }
        if (n < 1000) {
            int rest = n % 100;
            return ONES[n / 100] + " hundred" + (rest == 0 ? "" : " " + numberWords(rest));
        }
        if (n % 1000 == 0) {
            return ONES[n / 1000] + " thousand";
        }
        int high = n / 100;
        int low = n % 100;
        return numberWords(high) + (low == 0 ? " hundred" : " " + (low < 10 ? "oh " + ONES[low] : numberWords(low)));
    }

}
