package io.gearbox.asr.e2e;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.gearbox.asr.streaming.StreamingRecognizer;
import io.gearbox.asr.support.JoinedSpeech;
import io.gearbox.asr.support.StreamClient;
import io.gearbox.asr.support.StreamClient.Message;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The service's stop with a stream in the middle of an utterance: the utterance is finished and sent as a final,
 * then the stream is told to connect again ({@code shutting_down}, 1001), and a new stream is refused the same way.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "asr.model.path=" + ShippedModelEndToEndTests.MODEL, "asr.stream.idle-timeout=60s" })
@ActiveProfiles("e2e")
@DirtiesContext
class StreamDrainEndToEndTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    private int port;

    @Autowired
    private StreamingRecognizer streams;

    @Autowired
    private MeterRegistry registry;

    @Test
    void aStopFinishesTheOpenUtteranceThenTellsTheStreamToConnectAgain() {
        URI uri = URI.create("ws://localhost:" + this.port + "/v1/stream");
        List<Message> script = new ArrayList<>();
        script.add(Message.text("{\"type\":\"config\",\"sample_rate\":16000,\"encoding\":\"pcm_s16le\"}"));
        script.addAll(StreamClient.chunks(StreamClient.pcm16(
                JoinedSpeech.trimmedSentence("synth-synth0231.flac")), 3_200));
        CompletableFuture<StreamClient.Transcript> run = CompletableFuture
            .supplyAsync(() -> StreamClient.run(uri, script, Duration.ZERO, Duration.ofSeconds(60)));
        await().atMost(Duration.ofSeconds(60)).until(() -> this.registry.find("asr.stream.results")
            .tag("kind", "partial").counters().stream().mapToDouble((c) -> c.count()).sum() > 0);

        assertThat(this.streams.stop(Duration.ofSeconds(30))).isTrue();

        StreamClient.Transcript transcript = run.join();
        List<Map<?, ?>> messages = new ArrayList<>();
        for (StreamClient.Received received : transcript.messages()) {
            messages.add(JSON.readValue(received.text(), Map.class));
        }
        List<Object> types = messages.stream().map((m) -> (Object) m.get("type")).toList();
        assertThat(types).contains("final");
        assertThat(types.get(types.size() - 1)).isEqualTo("error");
        assertThat(messages.get(messages.size() - 1).get("code")).isEqualTo("shutting_down");
        assertThat(transcript.closeCode()).isEqualTo(1001);
        assertThat(this.streams.openStreams()).isZero();
        StreamClient.Transcript refused = StreamClient.run(uri, List.of(script.get(0)), Duration.ZERO,
                Duration.ofSeconds(30));
        assertThat(refused.closeCode()).isEqualTo(1001);
    }

}
