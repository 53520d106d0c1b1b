package io.gearbox.asr.config;

import java.nio.file.Files;

import io.gearbox.asr.inference.AcousticModel;
import io.gearbox.asr.inference.SileroVad;
import io.gearbox.asr.recognition.LongFormCutter;
import io.gearbox.asr.recognition.SpeechPauseCutter;
import io.gearbox.asr.segmentation.VoiceActivityDetector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The voice activity detector and the cutting of long recordings at its pauses ({@code asr.segmentation.*}). The
 * detector's session opens at start-up and closes at shutdown; with {@code asr.segmentation.enabled=false} neither
 * is made and every recording is recognised whole.
 */
@Configuration(proxyBeanMethods = false)
class SegmentationConfiguration {

    private static final Logger logger = LoggerFactory.getLogger(SegmentationConfiguration.class);

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "asr.segmentation.enabled", havingValue = "true", matchIfMissing = true)
    SileroVad sileroVad(SegmentationProperties segmentation, AcousticModel model) {
        int rate = model.manifest().sampleRate();
        if (rate != SileroVad.SAMPLE_RATE) {
            throw new IllegalStateException("The voice activity detector runs at " + SileroVad.SAMPLE_RATE
                    + " Hz and model " + model.manifest().name() + " at " + rate
                    + " Hz: set asr.segmentation.enabled=false to recognise every recording whole");
        }
        if (!Files.isRegularFile(segmentation.vadModel())) {
            throw new VoiceActivityModelNotFoundException(segmentation.vadModel());
        }
        // One thread: a window is 512 samples, too little work to share out, and the workers run in parallel.
        return SileroVad.open(segmentation.vadModel(), 1);
    }

    @Bean
    LongFormCutter longFormCutter(SegmentationProperties segmentation, ObjectProvider<SileroVad> vad) {
        SileroVad model = vad.getIfAvailable();
        if (model == null) {
            logger.info("Long recordings are recognised whole (asr.segmentation.enabled=false)");
            return LongFormCutter.never();
        }
        logger.info("Recordings over {} are cut at speech pauses ({})", segmentation.minDuration(),
                segmentation.vadSettings());
        return new SpeechPauseCutter(new VoiceActivityDetector(model, segmentation.vadSettings()),
                segmentation.minDuration());
    }

}
