package io.gearbox.asr.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.gearbox.asr.recognition.DepthRequest;
import io.gearbox.asr.recognition.Recognition;
import io.gearbox.asr.recognition.RecognitionRequest;
import io.gearbox.asr.recognition.Recognizer;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.multipart.FilePart;
import org.springframework.http.codec.multipart.FormFieldPart;
import org.springframework.http.codec.multipart.Part;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/**
 * {@code POST /v1/audio/transcriptions}: OpenAI's transcription API (multipart {@code file}, {@code model},
 * {@code response_format}, {@code timestamp_granularities[]}, {@code language}, {@code prompt},
 * {@code temperature}, {@code stream}, {@code include[]}) plus our {@code depth} ({@code auto} or an exit depth) and
 * {@code max_latency_ms}. {@code model}, {@code language}, {@code prompt} and {@code temperature} are accepted and
 * checked for form but do not change the result: one model, one language, no prompting, deterministic decoding.
 *
 * <p>{@code stream=true} answers {@code text/event-stream} ({@link TranscriptionEvents}) for {@code response_format}
 * {@code json} or {@code text}, as OpenAI does; {@code include[]=logprobs} adds the words' log probabilities to its
 * events. Without it (or with {@code stream=false}) the answer is one body in the format asked for.
 */
@RestController
class TranscriptionController {

    static final MediaType TEXT_VTT = MediaType.parseMediaType("text/vtt;charset=UTF-8");

    static final MediaType TEXT_PLAIN_UTF8 = MediaType.parseMediaType("text/plain;charset=UTF-8");

    private final Recognizer recognizer;

    private final Uploads uploads;

    private final JsonMapper json;

    TranscriptionController(Recognizer recognizer, Uploads uploads, JsonMapper json) {
        this.recognizer = recognizer;
        this.uploads = uploads;
        this.json = json;
    }

    @PostMapping(path = "/v1/audio/transcriptions", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    Mono<ResponseEntity<?>> transcribe(ServerWebExchange exchange,
            @RequestBody Mono<MultiValueMap<String, Part>> multipart) {
        // The form is read from the request (bounded by UploadLimitFilter), not via exchange.getMultipartData(),
        // which would read the undecorated body.
        return multipart.flatMap((form) -> {
            Options options = Options.from(form);
            this.recognizer.rejectEarly(options.depth());
            FilePart file = options.file();
            String mediaType = Uploads.audioMediaType(file.headers().getContentType());
            if (options.stream()) {
                return this.uploads.read(file.content()).map((audio) -> {
                    RecognitionRequest request = new RecognitionRequest(audio, mediaType, options.depth(),
                            options.maxLatencyMillis());
                    return ResponseEntity.ok()
                        .contentType(MediaType.TEXT_EVENT_STREAM)
                        .header(HttpHeaders.CACHE_CONTROL, "no-cache")
                        .body(TranscriptionEvents.of(this.recognizer.recognizeProgressively(request),
                                options.logprobs(),
                                (depth) -> exchange.getAttributes().put(WebAttributes.DEPTH, depth), this.json));
                });
            }
            return this.uploads.read(file.content())
                .flatMap((audio) -> this.recognizer
                    .recognize(new RecognitionRequest(audio, mediaType, options.depth(), options.maxLatencyMillis())))
                .map((recognition) -> {
                    exchange.getAttributes().put(WebAttributes.DEPTH, recognition.depth());
                    return render(recognition, options);
                });
        });
    }

    private static ResponseEntity<?> render(Recognition recognition, Options options) {
        return switch (options.format()) {
            case JSON -> ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .body(TranscriptionResponses.simple(recognition));
            case VERBOSE_JSON -> ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .body(TranscriptionResponses.verbose(recognition, options.words(), options.segments()));
            case TEXT -> ResponseEntity.ok().contentType(TEXT_PLAIN_UTF8).body(recognition.text() + "\n");
            case SRT -> ResponseEntity.ok().contentType(TEXT_PLAIN_UTF8).body(Subtitles.srt(recognition.plainSegments()));
            case VTT -> ResponseEntity.ok().contentType(TEXT_VTT).body(Subtitles.vtt(recognition.plainSegments()));
        };
    }

    /**
     * The form's fields, checked.
     */
    record Options(FilePart file, ResponseFormat format, boolean words, boolean segments, DepthRequest depth,
            long maxLatencyMillis, boolean stream, boolean logprobs) {

        static Options from(MultiValueMap<String, Part> form) {
            Part filePart = form.getFirst("file");
            if (!(filePart instanceof FilePart file)) {
                throw new InvalidRequestException("The form needs a 'file' part holding the audio");
            }
            ResponseFormat format = ResponseFormat.parse(field(form, "response_format"));
            List<String> granularities = new ArrayList<>(fields(form, "timestamp_granularities[]"));
            granularities.addAll(fields(form, "timestamp_granularities"));
            boolean words = false;
            boolean segments = granularities.isEmpty();
            for (String granularity : granularities) {
                switch (granularity.trim().toLowerCase(Locale.ROOT)) {
                    case "word" -> words = true;
                    case "segment" -> segments = true;
                    default -> throw new InvalidRequestException(
                            "timestamp_granularities[] values must be 'word' or 'segment'");
                }
            }
            String temperature = field(form, "temperature");
            if (temperature != null && !temperature.isBlank()) {
                double value = number(temperature, "temperature");
                if (value < 0 || value > 1) {
                    throw new InvalidRequestException("temperature must be between 0 and 1");
                }
            }
            String language = field(form, "language");
            if (language != null && language.length() > 32) {
                throw new InvalidRequestException("language must be a language code such as 'en'");
            }
            DepthRequest depth = DepthRequest.parse(field(form, "depth"));
            long maxLatency = TranscriptionController.maxLatencyMillis(field(form, "max_latency_ms"));
            boolean stream = bool(field(form, "stream"), "stream");
            if (stream && format != ResponseFormat.JSON && format != ResponseFormat.TEXT) {
                throw new InvalidRequestException("stream=true streams transcript events: response_format must be "
                        + "json or text");
            }
            List<String> include = new ArrayList<>(fields(form, "include[]"));
            include.addAll(fields(form, "include"));
            for (String item : include) {
                if (!"logprobs".equals(item.trim())) {
                    throw new InvalidRequestException("include[] values must be 'logprobs'");
                }
            }
            return new Options(file, format, words, segments, depth, maxLatency, stream, !include.isEmpty());
        }

        private static String field(MultiValueMap<String, Part> form, String name) {
            Part part = form.getFirst(name);
            return (part instanceof FormFieldPart field) ? field.value() : null;
        }

        private static List<String> fields(MultiValueMap<String, Part> form, String name) {
            List<Part> parts = form.get(name);
            if (parts == null) {
                return List.of();
            }
            return parts.stream()
                .filter(FormFieldPart.class::isInstance)
                .map((part) -> ((FormFieldPart) part).value())
                .toList();
        }

        private static boolean bool(String value, String name) {
            if (value == null || value.isBlank()) {
                return false;
            }
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new InvalidRequestException(name + " must be true or false");
            };
        }

        private static double number(String value, String name) {
            try {
                double parsed = Double.parseDouble(value.trim());
                if (Double.isNaN(parsed) || Double.isInfinite(parsed)) {
                    throw new NumberFormatException();
                }
                return parsed;
            }
            catch (NumberFormatException ex) {
                throw new InvalidRequestException(name + " must be a number");
            }
        }

    }

    /**
     * Parses a {@code max_latency_ms} value.
     * @param value the parameter, or {@code null}
     * @return milliseconds, {@code 0} when absent
     */
    static long maxLatencyMillis(String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed <= 0) {
                throw new NumberFormatException();
            }
            return parsed;
        }
        catch (NumberFormatException ex) {
            throw new InvalidRequestException("max_latency_ms must be a positive whole number of milliseconds");
        }
    }

}
