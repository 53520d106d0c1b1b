package io.gearbox.asr.decoding;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The model's token inventory: SentencePiece pieces by id, the CTC blank, and which pieces start a word.
 *
 * <p>Read from {@code tokens.txt}: UTF-8, one token per line, {@code <piece> <id>} separated by whitespace, ids
 * exactly {@code 0 .. V-1} in any order. A piece starting with {@link #WORD_BOUNDARY} (U+2581) begins a new word.
 * Pieces written {@code <...>} (such as {@code <blank>}, {@code <unk>}, {@code <sos/eos>}) are special: they
 * contribute no text. Immutable and thread-safe.
 */
public final class Vocabulary {

    /** SentencePiece's word boundary marker, U+2581 LOWER ONE EIGHTH BLOCK. */
    public static final char WORD_BOUNDARY = '\u2581';

    private final String[] pieces;
    private final String[] texts;
    private final boolean[] startsWord;
    private final boolean[] special;
    private final int blankId;

    private Vocabulary(String[] pieces, int blankId) {
        if (blankId < 0 || blankId >= pieces.length) {
            throw new IllegalArgumentException(
                    "blankId must be in [0, " + pieces.length + "), was " + blankId);
        }
        this.pieces = pieces;
        this.blankId = blankId;
        this.texts = new String[pieces.length];
        this.startsWord = new boolean[pieces.length];
        this.special = new boolean[pieces.length];
        for (int id = 0; id < pieces.length; id++) {
            String piece = pieces[id];
            special[id] = id == blankId || isSpecialPiece(piece);
            startsWord[id] = !piece.isEmpty() && piece.charAt(0) == WORD_BOUNDARY;
            texts[id] = special[id] ? "" : piece.replace(WORD_BOUNDARY, ' ');
        }
    }

    /**
     * Vocabulary from pieces listed by id.
     *
     * @throws IllegalArgumentException if the list is empty, holds a null or empty piece, or {@code blankId} is
     *                                  out of range
     */
    public static Vocabulary of(List<String> pieces, int blankId) {
        Objects.requireNonNull(pieces, "pieces");
        if (pieces.isEmpty()) {
            throw new IllegalArgumentException("a vocabulary needs at least one piece");
        }
        String[] array = pieces.toArray(new String[0]);
        for (int id = 0; id < array.length; id++) {
            if (array[id] == null || array[id].isEmpty()) {
                throw new IllegalArgumentException("piece " + id + " is empty");
            }
        }
        return new Vocabulary(array, blankId);
    }

    /** Reads a UTF-8 {@code tokens.txt}. */
    public static Vocabulary load(Path tokensFile, int blankId) throws IOException {
        try (Reader reader = Files.newBufferedReader(tokensFile, StandardCharsets.UTF_8)) {
            return read(reader, blankId);
        }
    }

    /**
     * Reads {@code tokens.txt} lines from {@code reader}; blank lines are ignored.
     *
     * @throws IllegalArgumentException naming the line if a line is malformed, an id repeats, or ids are not
     *                                  exactly {@code 0 .. V-1}
     */
    public static Vocabulary read(Reader reader, int blankId) throws IOException {
        BufferedReader lines = reader instanceof BufferedReader buffered ? buffered : new BufferedReader(reader);
        List<String> byId = new ArrayList<>();
        String line;
        int lineNumber = 0;
        while ((line = lines.readLine()) != null) {
            lineNumber++;
            if (lineNumber == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
                line = line.substring(1);
            }
            String trimmed = line.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            int split = lastWhitespace(trimmed);
            if (split <= 0) {
                throw new IllegalArgumentException("line " + lineNumber + " is not '<piece> <id>': " + line);
            }
            String piece = trimmed.substring(0, split).strip();
            int id;
            try {
                id = Integer.parseInt(trimmed.substring(split + 1));
            }
            catch (NumberFormatException ex) {
                throw new IllegalArgumentException("line " + lineNumber + " has no integer id: " + line);
            }
            if (id < 0) {
                throw new IllegalArgumentException("line " + lineNumber + " has a negative id: " + line);
            }
            while (byId.size() <= id) {
                byId.add(null);
            }
            if (byId.get(id) != null) {
                throw new IllegalArgumentException("line " + lineNumber + " repeats id " + id);
            }
            byId.set(id, piece);
        }
        int missing = byId.indexOf(null);
        if (missing >= 0) {
            throw new IllegalArgumentException("id " + missing + " is missing; ids must be 0.." + (byId.size() - 1));
        }
        return of(byId, blankId);
    }

    public int size() {
        return pieces.length;
    }

    public int blankId() {
        return blankId;
    }

    /** The piece as written in {@code tokens.txt}. */
    public String piece(int id) {
        return pieces[id];
    }

    /** Id of {@code piece}, or -1 when there is none. */
    public int idOf(String piece) {
        return Arrays.asList(pieces).indexOf(piece);
    }

    public boolean isBlank(int id) {
        return id == blankId;
    }

    /** Whether the piece starts with U+2581, that is begins a new word. */
    public boolean startsWord(int id) {
        return startsWord[id];
    }

    /** Whether the piece is the blank or written {@code <...>}; special pieces contribute no text. */
    public boolean isSpecial(int id) {
        return special[id];
    }

    /** The text the piece contributes: U+2581 as a space, empty for special pieces. */
    public String text(int id) {
        return texts[id];
    }

    private static boolean isSpecialPiece(String piece) {
        return piece.length() >= 3 && piece.charAt(0) == '<' && piece.charAt(piece.length() - 1) == '>';
    }

    private static int lastWhitespace(String s) {
        for (int i = s.length() - 1; i >= 0; i--) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }
}
