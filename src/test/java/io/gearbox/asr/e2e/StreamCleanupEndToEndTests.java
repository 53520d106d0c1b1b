package io.gearbox.asr.e2e;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.gearbox.asr.recognition.Recognizer;
import io.gearbox.asr.streaming.StreamingRecognizer;
import io.gearbox.asr.support.JoinedSpeech;
import io.gearbox.asr.support.StreamClient;
import io.gearbox.asr.support.StreamClient.Message;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A thousand streams opened and dropped mid-audio, without a close handshake: every stream's place, buffer and
 * thread comes back, and the service still streams.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "asr.model.path=" + ShippedModelEndToEndTests.MODEL, "asr.stream.max-sessions=64" })
@ActiveProfiles("e2e")
class StreamCleanupEndToEndTests {

    private static final int STREAMS = 1_000;

    @LocalServerPort
    private int port;

    @Autowired
    private StreamingRecognizer streams;

    @Autowired
    private Recognizer recognizer;

    @Test
    void aThousandDroppedStreamsLeaveNoStreamThreadOrHeapBehind() {
        URI uri = URI.create("ws://localhost:" + this.port + "/v1/stream");
        List<Message> script = new ArrayList<>();
        script.add(Message.text("{\"type\":\"config\",\"sample_rate\":16000,\"encoding\":\"pcm_s16le\"}"));
        float[] speech = JoinedSpeech.trimmedSentence("synth-synth0286.flac");
        script.addAll(StreamClient.chunks(StreamClient.pcm16(speech), 3_200).subList(0, 8));
        // warm up the connection machinery so that the baseline includes its threads
        dropAll(uri, script, 20);
        await().atMost(Duration.ofSeconds(60)).until(() -> this.streams.openStreams() == 0);
        int threadsBefore = Thread.activeCount();
        long heapBefore = usedHeapAfterGc();

        dropAll(uri, script, STREAMS);

        await().atMost(Duration.ofSeconds(120)).until(() -> this.streams.openStreams() == 0
                && this.recognizer.admission().inFlight() == 0 && this.recognizer.admission().waiting() == 0);
        assertThat(Thread.activeCount()).isLessThanOrEqualTo(threadsBefore + 8);
        assertThat(usedHeapAfterGc() - heapBefore).isLessThan(64L << 20);
        StreamClient.Transcript after = StreamClient.run(uri, List.of(script.get(0),
                Message.text("{\"type\":\"end\"}")), Duration.ZERO, Duration.ofSeconds(30));
        assertThat(after.closeCode()).isEqualTo(1000);
    }

    private static void dropAll(URI uri, List<Message> script, int count) {
        Flux.range(0, count)
            .flatMap((i) -> Mono.fromRunnable(() -> StreamClient.drop(uri, script, Duration.ofSeconds(30)))
                .subscribeOn(Schedulers.boundedElastic()), 8)
            .blockLast(Duration.ofMinutes(5));
    }

    private static long usedHeapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

}
