package io.gearbox.asr.config;

import io.gearbox.asr.inference.SileroVad;
import io.gearbox.asr.recognition.Recognizer;
import io.gearbox.asr.streaming.StreamListener;
import io.gearbox.asr.streaming.StreamingRecognizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Live streams ({@code asr.stream.*}) over the recogniser and the voice activity detector. Without the detector
 * ({@code asr.segmentation.enabled=false}) or with {@code asr.stream.enabled=false} no stream is served.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "asr.stream.enabled", havingValue = "true", matchIfMissing = true)
class StreamingConfiguration {

    private static final Logger logger = LoggerFactory.getLogger(StreamingConfiguration.class);

    /**
     * Runs the detector over each stream's chunks: as many threads as cores, below the event loops' priority like
     * the workers, and apart from the workers, whose queue the admission queue bounds (a chunk is not admitted: it
     * is the stream's own small, steady work). Its queue holds a few chunks of every stream.
     */
    @Bean(destroyMethod = "dispose")
    Scheduler streamScheduler(StreamProperties stream, RecognitionProperties recognition) {
        int threads = Runtime.getRuntime().availableProcessors();
        return Schedulers.newBoundedElastic(threads, 64 * stream.maxSessions(),
                new WorkerThreads("asr-stream", recognition.workerNiceness()), 60);
    }

    /**
     * Ends the streams before the recordings' drain ({@link ShutdownConfiguration}): each finishes its open
     * utterance (whose final is admitted, so the drain then waits for it) and is told to connect again.
     */
    @Bean
    @ConditionalOnBean(StreamingRecognizer.class)
    ShutdownConfiguration.DrainLifecycle streamDrain(StreamingRecognizer streams, ShutdownProperties shutdown) {
        return new ShutdownConfiguration.DrainLifecycle(() -> streams.stop(shutdown.gracePeriod()),
                ShutdownConfiguration.DRAIN_PHASE + 1);
    }

    @Bean
    @ConditionalOnBean(SileroVad.class)
    StreamingRecognizer streamingRecognizer(Recognizer recognizer, SileroVad vad,
            SegmentationProperties segmentation, StreamProperties stream,
            @Qualifier("streamScheduler") Scheduler streamScheduler, ObjectProvider<StreamListener> listeners) {
        logger.info("Streams: at most {}, interim results every {} over at most {}, endpointing {}",
                stream.maxSessions(), stream.partialInterval(), stream.partialWindow(), stream.endpoint());
        return new StreamingRecognizer(recognizer, vad, segmentation.vadSettings(), stream.settings(),
                streamScheduler, listeners.orderedStream().toList());
    }

}
