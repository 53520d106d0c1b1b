package io.gearbox.asr.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TextNormalisationTests {

    @Test
    void caseAndPunctuationDoNotCount() {
        assertThat(TextNormalisation.words("The Servant sends Leonardo away, and the guests begin arriving!"))
            .containsExactly("the", "servant", "sends", "leonardo", "away", "and", "the", "guests", "begin",
                    "arriving");
        assertThat(TextNormalisation.words("\"God bless my soul?\" (he said); yes: no.")).containsExactly("god",
                "bless", "my", "soul", "he", "said", "yes", "no");
        assertThat(TextNormalisation.words(" ... ")).isEmpty();
    }

    @Test
    void hyphensDashesAndSlashesSeparateWords() {
        assertThat(TextNormalisation.words("a semi-prehensile tail \u2014 needle-sharp and/or long"))
            .containsExactly("a", "semi", "prehensile", "tail", "needle", "sharp", "and", "or", "long");
    }

    @Test
    void apostrophesInsideWordsStayAndQuotesGo() {
        assertThat(TextNormalisation.words("What's called? Don\u2019t 'quote' the dogs' 'twas")).containsExactly(
                "what's", "called", "don't", "quote", "the", "dogs", "twas");
    }

    @Test
    void accentsAreDropped() {
        assertThat(TextNormalisation.words("Caf\u00e9 na\u00efve Zo\u00eb")).containsExactly("cafe", "naive", "zoe");
    }

    @Test
    void digitsAreSpelledOutAsTheRecipeReadsThem() {
        assertThat(TextNormalisation.words("7 dwarfs")).containsExactly("seven", "dwarfs");
        assertThat(TextNormalisation.words("in 1984")).containsExactly("in", "nineteen", "eighty", "four");
        assertThat(String.join(" ", TextNormalisation.words("1905 1900 2000 2021 118 40 13 0 007"))).isEqualTo(
                "nineteen oh five nineteen hundred two thousand twenty twenty one one hundred eighteen forty "
                        + "thirteen zero seven");
        assertThat(String.join(" ", TextNormalisation.words("call 555123"))).isEqualTo(
                "call five five five one two three");
        assertThat(TextNormalisation.words("50% & more")).containsExactly("fifty", "percent", "and", "more");
    }

    @Test
    void theSameWordsWrittenDifferentlyNormaliseAlike() {
        assertThat(TextNormalisation.words("Semi-Prehensile, it's 3 o'clock!"))
            .isEqualTo(TextNormalisation.words("semi prehensile it's three o'clock"));
    }

}
