package io.gearbox.asr.web;

import java.time.Duration;
import java.util.List;

import io.gearbox.asr.decoding.Segment;
import io.gearbox.asr.decoding.Transcript;
import io.gearbox.asr.decoding.Word;
import io.gearbox.asr.governor.Gear;
import io.gearbox.asr.recognition.Recognition;
import io.gearbox.asr.recognition.ServedSegment;

/**
 * Canned recognition results for the web slice tests.
 */
final class Recognitions {

    private Recognitions() {
    }

    static Recognition helloWorld(int depth) {
        List<Word> words = List.of(new Word("hello", 0.16, 0.56, 0.9), new Word("world", 0.64, 1.2, 0.8));
        Transcript transcript = new Transcript("hello world", words, 0.85);
        return new Recognition("gearbox-en", "en", depth, Gear.Decoding.FULL, false, 2.0, transcript,
                List.of(new ServedSegment(new Segment(0, 0.16, 1.2, "hello world", words), depth, Gear.Decoding.FULL)),
                Duration.ofMillis(3),
                Duration.ofMillis(40));
    }

}
