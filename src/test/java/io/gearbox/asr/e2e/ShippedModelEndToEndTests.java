package io.gearbox.asr.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped model ({@code models/gearbox-en}) served as a user runs it, transcribing the committed clips
 * ({@code src/test/resources/clips/}, listed with their words in {@code transcripts.tsv}) into the right words.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "asr.model.path=" + ShippedModelEndToEndTests.MODEL)
@AutoConfigureWebTestClient
@ActiveProfiles("e2e")
class ShippedModelEndToEndTests {

    static final String MODEL = "models/gearbox-en";

    static final Path CLIPS = Path.of("src/test/resources/clips");

    @Autowired
    private WebTestClient client;

    @BeforeAll
    static void shippedModelAndClipsAreThere() {
        Assumptions.assumeTrue(Files.isRegularFile(Path.of(MODEL, "manifest.json")), "no shipped model yet");
        Assumptions.assumeTrue(Files.isRegularFile(CLIPS.resolve("transcripts.tsv")), "no committed clips yet");
    }

    @Test
    void transcribesEveryCommittedClipIntoItsWords() throws IOException {
        List<String> failures = new ArrayList<>();
        List<Clip> clips = clips();
        assertThat(clips).isNotEmpty();
        for (Clip clip : clips) {
            MultipartBodyBuilder form = new MultipartBodyBuilder();
            byte[] audio = Files.readAllBytes(CLIPS.resolve(clip.file()));
            form.part("file", new ByteArrayResource(audio) {

                @Override
                public String getFilename() {
                    return clip.file();
                }

            });
            form.part("response_format", "text");
            String text = this.client.post().uri("/v1/audio/transcriptions")
                .body(BodyInserters.fromMultipartData(form.build()))
                .exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
            if (!normalise(text).equals(normalise(clip.words()))) {
                failures.add(clip.file() + ": expected '" + clip.words() + "' but got '" + text.strip() + "'");
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void recognizeGivesWordTimingsForASentence() throws IOException {
        Clip clip = clips().stream().max((a, b) -> Integer.compare(a.words().length(), b.words().length())).get();
        this.client.post().uri("/v1/recognize").contentType(MediaType.parseMediaType("audio/wav"))
            .bodyValue(Files.readAllBytes(CLIPS.resolve(clip.file())))
            .exchange()
            .expectStatus().isOk()
            .expectBody()
            .jsonPath("$.text").isEqualTo(normalise(clip.words()))
            .jsonPath("$.words.length()").isEqualTo(normalise(clip.words()).split(" ").length)
            .jsonPath("$.model").isEqualTo("gearbox-en");
    }

    private static List<Clip> clips() throws IOException {
        List<Clip> clips = new ArrayList<>();
        for (String line : Files.readAllLines(CLIPS.resolve("transcripts.tsv"), StandardCharsets.UTF_8)) {
            String[] fields = line.split("\t", 2);
            if (fields.length == 2 && !line.startsWith("#") && Files.isRegularFile(CLIPS.resolve(fields[0]))) {
                clips.add(new Clip(fields[0], fields[1]));
            }
        }
        return clips;
    }

    private static String normalise(String text) {
        return text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9' ]", " ").trim().replaceAll("\\s+", " ");
    }

    record Clip(String file, String words) {
    }

}
