package io.gearbox.asr.decoding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VocabularyTests {

    @Test
    void loadsUtf8TokensFileWithPiecesAndIds(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("tokens.txt");
        Files.writeString(file, "<blank> 0\n<unk> 1\n\u2581the 2\ns 3\n\u2581caf\u00e9 4\n", StandardCharsets.UTF_8);

        Vocabulary vocabulary = Vocabulary.load(file, 0);

        assertThat(vocabulary.size()).isEqualTo(5);
        assertThat(vocabulary.blankId()).isZero();
        assertThat(vocabulary.piece(2)).isEqualTo("\u2581the");
        assertThat(vocabulary.piece(4)).isEqualTo("\u2581caf\u00e9");
        assertThat(vocabulary.idOf("s")).isEqualTo(3);
        assertThat(vocabulary.idOf("missing")).isEqualTo(-1);
    }

    @Test
    void knowsWhichPiecesStartWordsAndWhichAreSpecial() throws IOException {
        Vocabulary vocabulary = Vocabulary.read(new StringReader("<blk> 0\n<sos/eos> 1\n<unk> 2\n\u2581the 3\ns 4\n"), 0);

        assertThat(vocabulary.isBlank(0)).isTrue();
        assertThat(vocabulary.isBlank(2)).isFalse();
        assertThat(vocabulary.startsWord(3)).isTrue();
        assertThat(vocabulary.startsWord(4)).isFalse();
        assertThat(vocabulary.isSpecial(0)).isTrue();
        assertThat(vocabulary.isSpecial(1)).isTrue();
        assertThat(vocabulary.isSpecial(2)).isTrue();
        assertThat(vocabulary.isSpecial(3)).isFalse();
        assertThat(vocabulary.text(3)).isEqualTo(" the");
        assertThat(vocabulary.text(4)).isEqualTo("s");
        assertThat(vocabulary.text(2)).isEmpty();
    }

    @Test
    void acceptsIdsInAnyOrderTabsCarriageReturnsAByteOrderMarkAndBlankLines() throws IOException {
        Vocabulary vocabulary = Vocabulary.read(new StringReader("\uFEFFb\t1\r\n\r\n<blank> 0\r\n\u2581a 2\r\n"), 0);

        assertThat(vocabulary.size()).isEqualTo(3);
        assertThat(vocabulary.piece(1)).isEqualTo("b");
        assertThat(vocabulary.piece(0)).isEqualTo("<blank>");
    }

    @Test
    void rejectsMalformedLinesRepeatedAndMissingIds() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Vocabulary.read(new StringReader("<blank> 0\nnoid\n"), 0))
                .withMessageContaining("line 2");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Vocabulary.read(new StringReader("<blank> 0\na x\n"), 0))
                .withMessageContaining("line 2");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Vocabulary.read(new StringReader("<blank> 0\na 1\nb 1\n"), 0))
                .withMessageContaining("repeats id 1");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Vocabulary.read(new StringReader("<blank> 0\na 2\n"), 0))
                .withMessageContaining("id 1 is missing");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Vocabulary.read(new StringReader("<blank> 0\na 1\n"), 2))
                .withMessageContaining("blankId");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Vocabulary.read(new StringReader(""), 0));
    }
}
