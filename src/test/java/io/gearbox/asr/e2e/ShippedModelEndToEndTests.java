package io.gearbox.asr.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.gearbox.asr.audio.AudioLoader;
import io.gearbox.asr.decoding.GreedyCtcDecoder;
import io.gearbox.asr.decoding.Vocabulary;
import io.gearbox.asr.features.LogMelExtractor;
import io.gearbox.asr.inference.AcousticModel;
import io.gearbox.asr.inference.LogProbs;
import io.gearbox.asr.inference.ModelManifest;
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
 * ({@code src/test/resources/clips/}, listed with their words in {@code transcripts.tsv}) into the right words; and
 * its word language model at work: held-out clips ({@code src/test/resources/lm-clips/}, chosen with
 * {@code DecodingBenchmark fixes}) that the acoustic model alone misspells and the default decoding gets right.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "asr.model.path=" + ShippedModelEndToEndTests.MODEL)
@AutoConfigureWebTestClient
@ActiveProfiles("e2e")
class ShippedModelEndToEndTests {

    static final String MODEL = "models/gearbox-en";

    static final Path CLIPS = Path.of("src/test/resources/clips");

    static final Path LM_CLIPS = Path.of("src/test/resources/lm-clips");

    @Autowired
    private WebTestClient client;

    @Autowired
    private AcousticModel model;

    @Autowired
    private AudioLoader audioLoader;

    @Autowired
    private LogMelExtractor features;

    @BeforeAll
    static void shippedModelAndClipsAreThere() {
        Assumptions.assumeTrue(Files.isRegularFile(Path.of(MODEL, "manifest.json")), "no shipped model yet");
        Assumptions.assumeTrue(Files.isRegularFile(CLIPS.resolve("transcripts.tsv")), "no committed clips yet");
    }

    @Test
    void transcribesEveryCommittedClipIntoItsWords() throws IOException {
        assertThat(misheard(CLIPS)).isEmpty();
    }

    @Test
    void theLanguageModelSpellsWhatTheAcousticModelAloneMisspells() throws IOException {
        assertThat(clips(LM_CLIPS)).hasSize(3);
        assertThat(misheard(LM_CLIPS)).isEmpty();
    }

    @Test
    void theModelsListSaysTheServiceDecodesWithBeamSearchAndTheShippedLanguageModel() {
        this.client.get().uri("/v1/models").exchange()
            .expectStatus().isOk()
            .expectBody()
            .jsonPath("$.decoding.method").isEqualTo("beam")
            .jsonPath("$.decoding.beamWidth").isEqualTo(16)
            .jsonPath("$.decoding.languageModel.order").isEqualTo(3)
            .jsonPath("$.decoding.languageModel.words").isNumber()
            .jsonPath("$.decoding.languageModel.weight").isEqualTo(0.5)
            .jsonPath("$.decoding.languageModel.wordBonus").isEqualTo(1.5)
            .jsonPath("$.exits[5].devWer.synth").isNumber()
            .jsonPath("$.exits[5].devWerLm.synth").isNumber();
    }

    @Test
    void withoutTheLanguageModelTheDeepestExitMisspellsThoseClips() throws IOException {
        ModelManifest manifest = this.model.manifest();
        GreedyCtcDecoder greedy = new GreedyCtcDecoder(
                Vocabulary.load(this.model.directory().resolve(manifest.vocabulary()), manifest.blankId()),
                manifest.outputFrameSeconds());
        int deepest = manifest.depths().get(manifest.depths().size() - 1);
        for (Clip clip : clips(LM_CLIPS)) {
            float[] samples = this.audioLoader.load(Files.readAllBytes(LM_CLIPS.resolve(clip.file())), null).samples();
            LogProbs out = this.model.run(deepest, this.features.extract(samples));

            assertThat(greedy.decode(out.values(), out.length()).text()).as(clip.file())
                .isEqualTo(clip.greedy()).isNotEqualTo(clip.words());
        }
    }

    /** Posts every clip of the folder and returns those transcribed into other words than its own. */
    private List<String> misheard(Path folder) throws IOException {
        List<String> failures = new ArrayList<>();
        List<Clip> clips = clips(folder);
        assertThat(clips).isNotEmpty();
        for (Clip clip : clips) {
            MultipartBodyBuilder form = new MultipartBodyBuilder();
            byte[] audio = Files.readAllBytes(folder.resolve(clip.file()));
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
        return failures;
    }

    @Test
    void recognizeGivesWordTimingsForASentence() throws IOException {
        Clip clip = clips(CLIPS).stream().max((a, b) -> Integer.compare(a.words().length(), b.words().length())).get();
        this.client.post().uri("/v1/recognize").contentType(MediaType.parseMediaType("audio/wav"))
            .bodyValue(Files.readAllBytes(CLIPS.resolve(clip.file())))
            .exchange()
            .expectStatus().isOk()
            .expectBody()
            .jsonPath("$.text").isEqualTo(normalise(clip.words()))
            .jsonPath("$.words.length()").isEqualTo(normalise(clip.words()).split(" ").length)
            .jsonPath("$.model").isEqualTo("gearbox-en");
    }

    /** The clips listed in the folder's {@code transcripts.tsv}: file, words, and optionally the greedy transcript. */
    private static List<Clip> clips(Path folder) throws IOException {
        List<Clip> clips = new ArrayList<>();
        for (String line : Files.readAllLines(folder.resolve("transcripts.tsv"), StandardCharsets.UTF_8)) {
            String[] fields = line.split("\t", 3);
            if (fields.length >= 2 && !line.startsWith("#") && Files.isRegularFile(folder.resolve(fields[0]))) {
                clips.add(new Clip(fields[0], fields[1], fields.length == 3 ? fields[2] : null));
            }
        }
        return clips;
    }

    private static String normalise(String text) {
        return text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9' ]", " ").trim().replaceAll("\\s+", " ");
    }

    record Clip(String file, String words, String greedy) {
    }

}
