package io.gearbox.asr.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import io.gearbox.asr.support.SmokeModel;
import io.gearbox.asr.support.TestAudio;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Truncated, corrupted and random uploads in every format get a 4xx problem (or a transcript, where what is left
 * still decodes), never a 5xx, and the service keeps answering.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
@ActiveProfiles("e2e")
class MalformedUploadsEndToEndTests {

    private static final String[] FIXTURES = { "tone-440hz-16k-mono.flac", "tone-440hz-22k05-mono-id3.mp3",
            "tone-440hz-8k-mono.ogg", "two-tones-22k05-stereo-24bit.flac" };

    private static final String[] MEDIA_TYPES = { "audio/wav", "audio/flac", "audio/mpeg", "audio/ogg",
            "audio/L16;rate=16000", "application/octet-stream" };

    @Autowired
    private WebTestClient client;

    @BeforeAll
    static void smokeModelIsThere() {
        SmokeModel.directory();
    }

    @Test
    void malformedAudioNeverCausesAServerError() throws IOException {
        Random random = new Random(7);
        List<byte[]> inputs = new ArrayList<>();
        List<byte[]> originals = new ArrayList<>();
        originals.add(TestAudio.toneWav(0.5, 16000, 440));
        for (String fixture : FIXTURES) {
            try (InputStream in = getClass().getResourceAsStream("/audio/" + fixture)) {
                originals.add(in.readAllBytes());
            }
        }
        for (byte[] original : originals) {
            inputs.add(Arrays.copyOf(original, Math.min(original.length, 12)));
            inputs.add(Arrays.copyOf(original, original.length / 3));
            byte[] corrupted = original.clone();
            for (int i = 0; i < corrupted.length / 50; i++) {
                corrupted[16 + random.nextInt(corrupted.length - 16)] = (byte) random.nextInt(256);
            }
            inputs.add(corrupted);
            byte[] headerOnly = Arrays.copyOf(original, Math.min(original.length, 64));
            inputs.add(headerOnly);
        }
        byte[] noise = new byte[4096];
        random.nextBytes(noise);
        inputs.add(noise);
        inputs.add(new byte[] { 0 });
        for (byte[] input : inputs) {
            for (String mediaType : MEDIA_TYPES) {
                this.client.post().uri("/v1/recognize").contentType(MediaType.parseMediaType(mediaType))
                    .bodyValue(input)
                    .exchange()
                    .expectStatus().value((status) -> assertThat(status)
                        .as("%s, %d bytes", mediaType, input.length).isLessThan(500));
            }
        }
        this.client.get().uri("/v1/models").exchange().expectStatus().isOk();
    }

}
