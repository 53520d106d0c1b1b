package io.gearbox.asr.web;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.gearbox.asr.decoding.Word;
import io.gearbox.asr.recognition.Recognition;
import io.gearbox.asr.recognition.RecognitionProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.codec.ServerSentEvent;

/**
 * The {@code text/event-stream} body of {@code POST /v1/audio/transcriptions} with {@code stream=true}, shaped as
 * OpenAI's: {@code transcript.text.delta} events as the transcript grows (one per span of a long recording cut at
 * speech pauses, as each span finishes; one for a recording recognised whole), then one
 * {@code transcript.text.done} with the whole text and the gear that served it. The deltas, concatenated, are the
 * done event's text; a span in which nothing was heard adds no event.
 *
 * <p>A failure before the first event is left to propagate, so that the response is still uncommitted and the one
 * error mapper ({@link ProblemDetailsExceptionHandler}) answers it with its usual status and problem body. A failure
 * after the first event (the status line and some events are already sent) ends the stream with an {@code error}
 * event whose {@code error} object carries the mapper's code and detail: OpenAI's client raises an
 * {@code APIError} from such an event instead of returning a truncated transcript.
 */
final class TranscriptionEvents {

    private static final Logger logger = LoggerFactory.getLogger(TranscriptionEvents.class);

    private TranscriptionEvents() {
    }

    /**
     * @param progress the recognizer's progress for one request
     * @param logprobs whether each event carries its words' log probabilities ({@code include[]=logprobs})
     * @param served told the depth that served the response when it is first known: the first span's for a long
     * recording (the response starts with it), the recording's otherwise
     * @param json writes the events' data
     * @return the events, each one JSON object on one {@code data:} line
     */
    static Flux<ServerSentEvent<String>> of(Flux<RecognitionProgress> progress, boolean logprobs,
            IntConsumer served, JsonMapper json) {
        return Flux.defer(() -> {
            AtomicBoolean started = new AtomicBoolean();
            return progress.concatMapIterable((step) -> events(step, logprobs, served, started))
                .map((event) -> ServerSentEvent.<String>builder().data(json.writeValueAsString(event)).build())
                .doOnNext((event) -> started.set(true))
                .onErrorResume((failure) -> started.get() ? Flux.just(error(failure, json)) : Flux.error(failure));
        });
    }

    private static List<Object> events(RecognitionProgress step, boolean logprobs, IntConsumer served,
            AtomicBoolean started) {
        List<Object> events = new ArrayList<>(2);
        if (step instanceof RecognitionProgress.SpanRecognized span) {
            if (!span.delta().isEmpty()) {
                if (!started.get()) {
                    served.accept(span.depth());
                }
                events.add(new Delta("transcript.text.delta", span.delta(),
                        logprobs ? logprobs(span.transcript().words()) : null));
            }
        }
        else if (step instanceof RecognitionProgress.Finished finished) {
            Recognition recognition = finished.recognition();
            if (!started.get()) {
                served.accept(recognition.depth());
                // recognised whole (or nothing heard in any span): the whole transcript is the one delta
                if (!recognition.text().isEmpty()) {
                    events.add(new Delta("transcript.text.delta", recognition.text(),
                            logprobs ? logprobs(recognition.words()) : null));
                }
            }
            events.add(new Done("transcript.text.done", recognition.text(),
                    logprobs ? logprobs(recognition.words()) : null, recognition.depth(),
                    recognition.decoding().label(), recognition.model()));
        }
        return events;
    }

    /**
     * The words as OpenAI's token log probabilities: the service's tokens are the words it hears, and a word's
     * confidence (its probability under the decoder) is the token's probability.
     */
    private static List<Logprob> logprobs(List<Word> words) {
        return words.stream()
            .map((word) -> {
                byte[] utf8 = word.word().getBytes(StandardCharsets.UTF_8);
                List<Integer> bytes = new ArrayList<>(utf8.length);
                for (byte b : utf8) {
                    bytes.add(b & 0xff);
                }
                return new Logprob(word.word(), bytes, Math.log(Math.max(word.confidence(), 1e-10)));
            })
            .toList();
    }

    private static ServerSentEvent<String> error(Throwable failure, JsonMapper json) {
        ProblemDetailsExceptionHandler.Problem problem = ProblemDetailsExceptionHandler.toProblem(failure);
        if (problem.status().is5xxServerError() && problem.status().value() != 503) {
            logger.error("Transcription stream failed after it started", failure);
        }
        else {
            logger.debug("Transcription stream ended with {}: {}", problem.code(), problem.detail());
        }
        String type = problem.status().is4xxClientError() ? "invalid_request_error" : "server_error";
        ErrorBody body = new ErrorBody("error", new ErrorBody.Detail(type, problem.code(), problem.detail()));
        return ServerSentEvent.<String>builder().event("error").data(json.writeValueAsString(body)).build();
    }

    /**
     * OpenAI's {@code TranscriptionTextDeltaEvent}.
     * @param type always {@code transcript.text.delta}
     * @param delta the text added to the transcript
     * @param logprobs the delta's words' log probabilities, when asked for
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Delta(String type, String delta, List<Logprob> logprobs) {
    }

    /**
     * OpenAI's {@code TranscriptionTextDoneEvent}, with our {@code depth}, {@code decoding} and {@code model} as in
     * the JSON response. No {@code usage}: OpenAI's streamed form counts tokens billed, and this service bills
     * nothing.
     * @param type always {@code transcript.text.done}
     * @param text the whole transcript
     * @param logprobs every word's log probability, when asked for
     * @param depth the exit that served it (for a long recording, the one that served the most audio)
     * @param decoding {@code full} or {@code fast}
     * @param model the model's name
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Done(String type, String text, List<Logprob> logprobs, int depth, String decoding, String model) {
    }

    /**
     * One of OpenAI's {@code logprobs[]}.
     * @param token the word
     * @param bytes its UTF-8 bytes
     * @param logprob its natural-log probability
     */
    record Logprob(String token, List<Integer> bytes, double logprob) {
    }

    /**
     * The {@code error} event's data, as OpenAI's error object.
     * @param type always {@code error}
     * @param error what went wrong: OpenAI's error type, the service's problem code and its detail
     */
    record ErrorBody(String type, Detail error) {

        record Detail(String type, String code, String message) {
        }

    }

}
