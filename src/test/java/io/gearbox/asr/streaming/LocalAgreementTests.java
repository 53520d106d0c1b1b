package io.gearbox.asr.streaming;

import java.util.ArrayList;
import java.util.List;

import io.gearbox.asr.decoding.Word;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LocalAgreementTests {

    private final LocalAgreement agreement = new LocalAgreement();

    @Test
    void aWordIsShownOnceTwoConsecutiveHypothesesAgreeOnItAndEveryWordBefore() {
        assertThat(texts(this.agreement.update(words("the", "cat")))).isEmpty();
        assertThat(texts(this.agreement.update(words("the", "cap", "sat")))).containsExactly("the");
        assertThat(texts(this.agreement.update(words("the", "cap", "sat", "on")))).containsExactly("the", "cap",
                "sat");
    }

    @Test
    void anAgreedWordIsNeverTakenBack() {
        this.agreement.update(words("a", "b"));
        this.agreement.update(words("a", "b"));
        assertThat(texts(this.agreement.update(words("x", "y", "z")))).containsExactly("a", "b");
    }

    @Test
    void wordsBeforeTheAgreedEndAreTheWindowsPastAndAreIgnored() {
        this.agreement.update(words("one", "two"));
        this.agreement.update(words("one", "two"));
        // a later window starts inside "two": its first word is a fragment that ends before "two" did
        List<Word> later = new ArrayList<>(List.of(new Word("oo", 1.5, 1.9, 0.5)));
        later.add(new Word("three", 2.0, 2.9, 0.9));
        this.agreement.update(later);
        assertThat(texts(this.agreement.update(later))).containsExactly("one", "two", "three");
    }

    @Test
    void aHypothesisThatRepeatsTheAgreedWordsContinuesAfterThemWhateverTheirTimes() {
        this.agreement.update(words("i", "know", "who", "he"));
        this.agreement.update(words("i", "know", "who", "he"));
        // the next hypothesis moves "he" earlier than the agreed one's end: it is still the same word, not a new one
        List<Word> moved = new ArrayList<>(words("i", "know", "who"));
        moved.add(new Word("he", 2.95, 3.5, 0.9));
        moved.add(new Word("was", 3.6, 4.0, 0.9));
        this.agreement.update(moved);
        assertThat(texts(this.agreement.update(moved))).containsExactly("i", "know", "who", "he", "was");
    }

    @Test
    void wordsCompareWithoutCase() {
        this.agreement.update(words("Hello"));
        assertThat(texts(this.agreement.update(words("hello")))).containsExactly("hello");
    }

    @Test
    void aResetStartsTheNextUtteranceEmpty() {
        this.agreement.update(words("a"));
        this.agreement.update(words("a"));
        this.agreement.reset();
        assertThat(this.agreement.update(words("b"))).isEmpty();
    }

    /** Words one second each from 0 s. */
    private static List<Word> words(String... texts) {
        List<Word> words = new ArrayList<>();
        for (int i = 0; i < texts.length; i++) {
            words.add(new Word(texts[i], i, i + 0.9, 0.9));
        }
        return words;
    }

    private static List<String> texts(List<Word> words) {
        return words.stream().map(Word::word).toList();
    }

}
