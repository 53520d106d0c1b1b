package io.gearbox.asr.web;

import java.util.List;

import io.gearbox.asr.recognition.DepthRequest;
import io.gearbox.asr.recognition.Recognition;
import io.gearbox.asr.recognition.RecognitionRequest;
import io.gearbox.asr.recognition.Recognizer;
import reactor.core.publisher.Mono;

import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/**
 * {@code POST /v1/recognize}: the body is the audio, its {@code Content-Type} says which format (absent or
 * {@code application/octet-stream}: sniffed); query {@code depth} and {@code max_latency_ms}.
 */
@RestController
class RecognizeController {

    private final Recognizer recognizer;

    private final Uploads uploads;

    RecognizeController(Recognizer recognizer, Uploads uploads) {
        this.recognizer = recognizer;
        this.uploads = uploads;
    }

    @PostMapping(path = "/v1/recognize", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<RecognizeResponse> recognize(ServerWebExchange exchange,
            @RequestParam(name = "depth", required = false) String depth,
            @RequestParam(name = "max_latency_ms", required = false) String maxLatencyMs) {
        return Mono.defer(() -> {
            DepthRequest depthRequest = DepthRequest.parse(depth);
            long maxLatency = TranscriptionController.maxLatencyMillis(maxLatencyMs);
            this.recognizer.rejectEarly(depthRequest);
            ServerHttpRequest request = exchange.getRequest();
            String mediaType = Uploads.audioMediaType(request.getHeaders().getContentType());
            return this.uploads.read(request.getBody())
                .flatMap((audio) -> this.recognizer
                    .recognize(new RecognitionRequest(audio, mediaType, depthRequest, maxLatency)))
                .map((recognition) -> {
                    exchange.getAttributes().put(WebAttributes.DEPTH, recognition.depth());
                    return RecognizeResponse.of(recognition);
                });
        });
    }

    /**
     * The result of {@code /v1/recognize}.
     * @param text the transcript
     * @param depth the exit that served it
     * @param decoding {@code full} (the configured decoder) or {@code fast} (greedy: the governor's lowest gear)
     * @param model the model's name
     * @param audioSeconds audio duration in seconds
     * @param processingMillis time spent processing, in milliseconds (queue wait excluded)
     * @param rtf real-time factor: processing time over audio duration
     * @param words the words with times in seconds and confidences in [0, 1]
     */
    record RecognizeResponse(String text, int depth, String decoding, String model, double audioSeconds, double processingMillis,
            double rtf, List<WordTiming> words) {

        static RecognizeResponse of(Recognition recognition) {
            List<WordTiming> words = recognition.words()
                .stream()
                .map((w) -> new WordTiming(w.word(), w.start(), w.end(), w.confidence()))
                .toList();
            return new RecognizeResponse(recognition.text(), recognition.depth(), recognition.decoding().label(),
                    recognition.model(),
                    recognition.audioSeconds(), recognition.serviceTime().toNanos() / 1e6, recognition.realTimeFactor(),
                    words);
        }

    }

    /**
     * One word.
     * @param word the word
     * @param start start time in seconds
     * @param end end time in seconds
     * @param confidence confidence in [0, 1]
     */
    record WordTiming(String word, double start, double end, double confidence) {
    }

}
