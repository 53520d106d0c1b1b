package io.gearbox.asr.web;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.gearbox.asr.decoding.Segment;
import io.gearbox.asr.decoding.Word;
import io.gearbox.asr.recognition.Recognition;
import io.gearbox.asr.recognition.ServedSegment;

/**
 * The JSON bodies of {@code /v1/audio/transcriptions}, shaped as OpenAI's, with our {@code depth},
 * {@code decoding} and {@code model} added.
 */
final class TranscriptionResponses {

    private static final Map<String, String> LANGUAGE_NAMES = Map.of("en", "english", "de", "german", "fr",
            "french", "es", "spanish");

    private TranscriptionResponses() {
    }

    static Simple simple(Recognition recognition) {
        return new Simple(recognition.text(), recognition.depth(), recognition.decoding().label(),
                recognition.model());
    }

    static Verbose verbose(Recognition recognition, boolean words, boolean segments) {
        List<VerboseSegment> verboseSegments = segments
                ? recognition.segments().stream().map(TranscriptionResponses::segment).toList() : null;
        List<VerboseWord> verboseWords = words
                ? recognition.words().stream().map((w) -> new VerboseWord(w.word(), w.start(), w.end())).toList()
                : null;
        String language = LANGUAGE_NAMES.getOrDefault(recognition.language(), recognition.language());
        return new Verbose("transcribe", language, recognition.audioSeconds(), recognition.text(), verboseSegments,
                verboseWords, recognition.depth(), recognition.decoding().label(), recognition.model());
    }

    private static VerboseSegment segment(ServedSegment served) {
        Segment segment = served.segment();
        double confidence = segment.words().stream().mapToDouble(Word::confidence).average().orElse(1.0);
        double avgLogprob = Math.log(Math.max(confidence, 1e-10));
        return new VerboseSegment(segment.id(), 0, segment.start(), segment.end(), segment.text(), List.of(), 0.0,
                avgLogprob, compressionRatio(segment.text()), 0.0, served.depth(), served.decoding().label());
    }

    /** The ratio of the text's UTF-8 size to its DEFLATE size, as Whisper reports it. */
    static double compressionRatio(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0) {
            return 0.0;
        }
        Deflater deflater = new Deflater();
        try {
            deflater.setInput(bytes);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] chunk = new byte[256];
            while (!deflater.finished()) {
                out.write(chunk, 0, deflater.deflate(chunk));
            }
            return (double) bytes.length / Math.max(1, out.size());
        }
        finally {
            deflater.end();
        }
    }

    /**
     * {@code response_format=json}.
     * @param text the transcript
     * @param depth the exit that served it
     * @param decoding {@code full} (the configured decoder) or {@code fast} (greedy: the governor's lowest gear)
     * @param model the model's name
     */
    record Simple(String text, int depth, String decoding, String model) {
    }

    /**
     * {@code response_format=verbose_json}.
     * @param task always {@code transcribe}
     * @param language the language's English name
     * @param duration audio duration in seconds
     * @param text the transcript
     * @param segments segments, when {@code segment} granularity is asked for (the default)
     * @param words words, when {@code word} granularity is asked for
     * @param depth the exit that served it
     * @param decoding {@code full} (the configured decoder) or {@code fast} (greedy: the governor's lowest gear)
     * @param model the model's name
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Verbose(String task, String language, double duration, String text, List<VerboseSegment> segments,
            List<VerboseWord> words, int depth, String decoding, String model) {
    }

    /**
     * One of {@code verbose_json}'s {@code segments[]}: OpenAI's fields, and the gear that served it (a long
     * recording is recognised span by span, and the governor may serve each span at another gear).
     * @param depth the exit that served the segment
     * @param decoding {@code full} or {@code fast}, as for the whole response
     */
    record VerboseSegment(int id, int seek, double start, double end, String text, List<Integer> tokens,
            double temperature, @JsonProperty("avg_logprob") double avgLogprob,
            @JsonProperty("compression_ratio") double compressionRatio,
            @JsonProperty("no_speech_prob") double noSpeechProb, int depth, String decoding) {
    }

    record VerboseWord(String word, double start, double end) {
    }

}
