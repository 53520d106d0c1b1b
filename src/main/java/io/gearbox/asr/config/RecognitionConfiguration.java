package io.gearbox.asr.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

import io.gearbox.asr.audio.AudioLoader;
import io.gearbox.asr.decoding.CtcDecoder;
import io.gearbox.asr.decoding.GreedyCtcDecoder;
import io.gearbox.asr.decoding.LanguageModelFusion;
import io.gearbox.asr.decoding.NgramLanguageModel;
import io.gearbox.asr.decoding.PrefixBeamSearchDecoder;
import io.gearbox.asr.decoding.Segment;
import io.gearbox.asr.decoding.Segmenter;
import io.gearbox.asr.decoding.Transcript;
import io.gearbox.asr.decoding.Vocabulary;
import io.gearbox.asr.features.LogMelExtractor;
import io.gearbox.asr.inference.AcousticModel;
import io.gearbox.asr.inference.ModelManifest;
import io.gearbox.asr.recognition.AdmissionQueue;
import io.gearbox.asr.recognition.DepthSelector;
import io.gearbox.asr.recognition.ModelFrontEnd;
import io.gearbox.asr.recognition.RecognitionListener;
import io.gearbox.asr.recognition.LongFormCutter;
import io.gearbox.asr.recognition.Recognizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Builds the recognition pipeline around the open model: audio loader, feature extractor and CTC decoders (the
 * configured one, and the greedy one of the governor's lowest gear) from the manifest, the admission queue and the
 * bounded worker scheduler, whose threads yield the cores to the event loops ({@link WorkerThreads}). The
 * {@link DepthSelector} for {@code depth=auto} is the load governor's ({@link GovernorConfiguration}).
 */
@Configuration(proxyBeanMethods = false)
class RecognitionConfiguration {

    private static final Logger logger = LoggerFactory.getLogger(RecognitionConfiguration.class);

    @Bean
    AudioLoader audioLoader(AcousticModel model, LimitsProperties limits) {
        return new AudioLoader(model.manifest().sampleRate(), limits.maxAudioDuration());
    }

    @Bean
    LogMelExtractor logMelExtractor(AcousticModel model) {
        ModelManifest manifest = model.manifest();
        return ModelFrontEnd.logMel(manifest);
    }

    @Bean
    Vocabulary vocabulary(AcousticModel model) {
        ModelManifest manifest = model.manifest();
        try {
            return Vocabulary.load(model.directory().resolve(manifest.vocabulary()), manifest.blankId());
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot read the vocabulary of model " + manifest.name(), ex);
        }
    }

    @Bean
    CtcDecoder ctcDecoder(AcousticModel model, Vocabulary vocabulary, DecodingProperties decoding) {
        ModelManifest manifest = model.manifest();
        return switch (decoding.method()) {
            case GREEDY -> new GreedyCtcDecoder(vocabulary, manifest.outputFrameSeconds());
            case BEAM -> new PrefixBeamSearchDecoder(vocabulary, manifest.outputFrameSeconds(), decoding.beamWidth(),
                    decoding.maxTokensPerFrame(), decoding.minTokenLogProb(), fusion(model, decoding));
        };
    }

    /** The model's language model with its weights (overridden by the configuration), or null for none. */
    private static LanguageModelFusion fusion(AcousticModel model, DecodingProperties decoding) {
        ModelManifest.LanguageModel lm = model.manifest().languageModel();
        if (!decoding.languageModel() || lm == null) {
            return null;
        }
        Path file = model.directory().resolve(lm.file());
        NgramLanguageModel ngram;
        try {
            ngram = NgramLanguageModel.load(file);
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot read the language model " + file, ex);
        }
        double weight = decoding.lmWeight() != null ? decoding.lmWeight() : lm.weight();
        double wordBonus = decoding.wordBonus() != null ? decoding.wordBonus() : lm.wordBonus();
        logger.info("Language model {}: {} words, order {}, weight {}, word bonus {}", file, ngram.vocabularySize(),
                ngram.order(), weight, wordBonus);
        return new LanguageModelFusion(ngram, weight, wordBonus);
    }

    @Bean
    AdmissionQueue admissionQueue(RecognitionProperties recognition) {
        return new AdmissionQueue(recognition.effectiveWorkers(), recognition.queueCapacity(),
                recognition.retryAfter(), recognition.maxQueueWait());
    }

    @Bean(destroyMethod = "dispose")
    Scheduler recognitionScheduler(AdmissionQueue admission, RecognitionProperties recognition,
            StreamProperties stream) {
        // As many threads as utterances processed at once, below the event loops' priority; the admission queue
        // bounds what waits, plus one final utterance per live stream that it admits regardless, so the
        // scheduler's own queue never rejects; idle threads go after a minute.
        return Schedulers.newBoundedElastic(admission.concurrency(), admission.capacity() + stream.maxSessions() + 1,
                new WorkerThreads("asr-recognition", recognition.workerNiceness()), 60);
    }

    @Bean
    Recognizer recognizer(AcousticModel model, AudioLoader audioLoader, LogMelExtractor features,
            CtcDecoder decoder, Vocabulary vocabulary, LongFormCutter longFormCutter, DepthSelector depthSelector,
            AdmissionQueue admission, Scheduler recognitionScheduler, ObjectProvider<RecognitionListener> listeners) {
        // the governor's lowest gear decodes greedily (asr.governor.fast-gears)
        CtcDecoder fastDecoder = new GreedyCtcDecoder(vocabulary, model.manifest().outputFrameSeconds());
        return new Recognizer(model, audioLoader, features, decoder, fastDecoder, segmenter(), longFormCutter,
                depthSelector, admission, recognitionScheduler, listeners.orderedStream().toList());
    }

    private static Function<Transcript, List<Segment>> segmenter() {
        return new Segmenter()::segment;
    }

}
