package io.gearbox.asr.inference;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * A model folder's {@code manifest.json}: the single source of truth for how to feed the model and read its
 * output (see {@code models/MANIFEST.md}). Field names follow the file's snake_case keys.
 *
 * @param name model name, e.g. {@code gearbox-en}
 * @param version model version
 * @param language language code of the model, e.g. {@code en}
 * @param sampleRate audio sample rate in Hz the features are computed at
 * @param features the log-mel feature configuration
 * @param normalization where feature normalisation happens ({@code global-mean-var-in-model})
 * @param subsamplingFactor feature frames per output frame
 * @param minFeatureFrames shortest input, in feature frames, the graph accepts; shorter audio is zero-padded
 * @param vocabulary file name of the token list, relative to the model folder
 * @param tokenType kind of tokens, e.g. {@code sentencepiece-bpe}
 * @param wordBoundary the piece prefix that starts a new word
 * @param blankId id of the CTC blank token
 * @param inputs names of the graph inputs
 * @param outputs names of the graph outputs
 * @param weights file name of the shared external weights
 * @param exits the exits, any order in the file; {@link #exits()} is sorted by depth
 * @param languageModel the word language model beam search may fuse in, or {@code null} when the model has none
 */
public record ModelManifest(String name, String version, String language, int sampleRate, Features features,
        String normalization, int subsamplingFactor, int minFeatureFrames, String vocabulary, String tokenType,
        String wordBoundary, int blankId, Inputs inputs, Outputs outputs, String weights, List<Exit> exits,
        LanguageModel languageModel) {

    private static final JsonMapper MAPPER = JsonMapper.builder()
        .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .build();

    public ModelManifest {
        require(name != null && !name.isBlank(), "name is missing");
        require(sampleRate > 0, "sample_rate must be positive, was " + sampleRate);
        require(features != null, "features is missing");
        require(subsamplingFactor > 0, "subsampling_factor must be positive, was " + subsamplingFactor);
        require(vocabulary != null && !vocabulary.isBlank(), "vocabulary is missing");
        require(exits != null && !exits.isEmpty(), "exits is missing or empty");
        minFeatureFrames = Math.max(1, minFeatureFrames);
        wordBoundary = (wordBoundary != null) ? wordBoundary : "\u2581";
        inputs = (inputs != null) ? inputs : new Inputs("features", "feature_lengths");
        outputs = (outputs != null) ? outputs : new Outputs("log_probs", "log_prob_lengths");
        exits = exits.stream().sorted(Comparator.comparingInt(Exit::depth)).toList();
        for (int i = 1; i < exits.size(); i++) {
            require(exits.get(i).depth() != exits.get(i - 1).depth(), "exit depth " + exits.get(i).depth()
                    + " appears twice");
        }
    }

    /**
     * Reads {@code manifest.json} from a model folder.
     * @param modelDirectory the model folder
     * @return the manifest
     * @throws ModelNotFoundException if the folder has no manifest
     * @throws IllegalArgumentException if the manifest is malformed
     */
    public static ModelManifest load(Path modelDirectory) {
        Path file = modelDirectory.resolve("manifest.json");
        if (!Files.isRegularFile(file)) {
            throw new ModelNotFoundException(modelDirectory);
        }
        try (InputStream in = Files.newInputStream(file)) {
            return MAPPER.readValue(in, ModelManifest.class);
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot read " + file, ex);
        }
        catch (JacksonException ex) {
            throw new IllegalArgumentException("Malformed " + file + ": " + ex.getOriginalMessage(), ex);
        }
    }

    /** @return the exit at that depth, if the model has one */
    public Optional<Exit> exit(int depth) {
        return this.exits.stream().filter((exit) -> exit.depth() == depth).findFirst();
    }

    /** @return the depths of all exits, shallowest first */
    public List<Integer> depths() {
        return this.exits.stream().map(Exit::depth).toList();
    }

    /** @return seconds of audio covered by one output frame ({@code subsampling_factor * frame_shift / sample_rate}) */
    public double outputFrameSeconds() {
        return (double) this.subsamplingFactor * this.features.frameShift() / this.sampleRate;
    }

    /** @return the fewest samples that yield {@link #minFeatureFrames()} feature frames */
    public int minSamples() {
        return this.features.frameLength() + (this.minFeatureFrames - 1) * this.features.frameShift();
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("Invalid model manifest: " + message);
        }
    }

    /**
     * The log-mel feature configuration, exactly as the training recipe computes it.
     * @param type always {@code log-mel}
     * @param numMelBins mel bands per frame
     * @param frameLength samples per frame
     * @param frameShift samples between frame starts
     * @param fftSize FFT length (frames are zero-padded to it)
     * @param window window function name
     * @param lowFreq lowest filter edge in Hz
     * @param highFreq highest filter edge in Hz
     * @param melScale mel scale name
     * @param logOffset added before the natural log
     */
    public record Features(String type, int numMelBins, int frameLength, int frameShift, int fftSize, String window,
            double lowFreq, double highFreq, String melScale, double logOffset) {
    }

    /**
     * Graph input names.
     * @param features name of the float {@code [B, T, mels]} input
     * @param featureLengths name of the int64 {@code [B]} input
     */
    public record Inputs(String features, String featureLengths) {
    }

    /**
     * Graph output names.
     * @param logProbs name of the float {@code [B, T', V]} output
     * @param logProbLengths name of the int64 {@code [B]} output
     */
    public record Outputs(String logProbs, String logProbLengths) {
    }

    /**
     * One exit: the network cut after {@code depth} encoder layers.
     * @param depth encoder layers in this exit
     * @param file ONNX file name, relative to the model folder
     * @param layers indices of the encoder layers in this exit
     * @param parameters parameters used by this exit
     * @param devWer word error rate on each development set, by set name
     * @param devWerLm word error rate with the default decoder (beam search with the model's language model fused
     *        in) on each development set, by set name; written by {@code DecodingBenchmark record}
     * @param encoderRtf seconds the exit's ONNX graph takes per second of audio on the machine that measured it, or
     *        {@code null} when not measured; only the ratios between exits carry over to another machine; written by
     *        {@code ExitBenchmark} with {@code -Drecord=true}
     */
    public record Exit(int depth, String file, List<Integer> layers, long parameters, Map<String, Double> devWer,
            Map<String, Double> devWerLm, Double encoderRtf) {

        public Exit {
            if (depth <= 0 || file == null || file.isBlank()) {
                throw new IllegalArgumentException("Invalid model manifest: exit needs a positive depth and a file, was "
                        + depth + " / " + file);
            }
            layers = (layers != null) ? List.copyOf(layers) : List.of();
            devWer = (devWer != null) ? Map.copyOf(devWer) : Map.of();
            if (encoderRtf != null && !(encoderRtf > 0 && Double.isFinite(encoderRtf))) {
                throw new IllegalArgumentException("Invalid model manifest: encoder_rtf of exit " + depth
                        + " must be a positive number, was " + encoderRtf);
            }
            devWerLm = (devWerLm != null) ? Map.copyOf(devWerLm) : Map.of();
        }
    }


    /**
     * The word language model shipped with the acoustic model, and the fusion weights tuned for the pair.
     * @param file ARPA file (gzip or plain), relative to the model folder
     * @param order highest n-gram order
     * @param weight the language model's weight in the beam search's score
     * @param wordBonus added to the score per word (natural log)
     */
    public record LanguageModel(String file, int order, double weight, double wordBonus) {

        public LanguageModel {
            require(file != null && !file.isBlank(), "language_model.file is missing");
            require(weight >= 0 && Double.isFinite(weight), "language_model.weight must be finite and >= 0");
            require(Double.isFinite(wordBonus), "language_model.word_bonus must be finite");
        }
    }

}
