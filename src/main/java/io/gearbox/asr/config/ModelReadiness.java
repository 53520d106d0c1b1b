package io.gearbox.asr.config;

import io.gearbox.asr.inference.AcousticModel;
import io.gearbox.asr.recognition.Recognizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The {@code model} health indicator, part of the readiness group: UP once every configured exit is open and a
 * warm-up inference has run through each of them (done here, at start-up, before the application reports ready).
 */
@Component("model")
class ModelReadiness implements HealthIndicator, ApplicationRunner {

    private static final Logger logger = LoggerFactory.getLogger(ModelReadiness.class);

    private final AcousticModel model;

    private final Recognizer recognizer;

    private final boolean warmUpEnabled;

    private volatile boolean warmedUp;

    private volatile String warmUpError;

    ModelReadiness(AcousticModel model, Recognizer recognizer, RecognitionProperties recognition) {
        this.model = model;
        this.recognizer = recognizer;
        this.warmUpEnabled = recognition.warmUp();
    }

    @Override
    public void run(ApplicationArguments args) {
        if (!this.warmUpEnabled) {
            this.warmedUp = true;
            return;
        }
        try {
            this.recognizer.warmUp();
            this.warmedUp = true;
        }
        catch (RuntimeException ex) {
            this.warmUpError = ex.getClass().getSimpleName();
            logger.error("Warm-up inference failed; the service stays not ready", ex);
        }
    }

    @Override
    public Health health() {
        Health.Builder builder = (this.model.isOpen() && this.warmedUp) ? Health.up() : Health.down();
        builder.withDetail("model", this.model.manifest().name())
            .withDetail("exits", this.model.depths())
            .withDetail("provider", this.model.provider().name().toLowerCase())
            .withDetail("warmedUp", this.warmedUp);
        if (this.warmUpError != null) {
            builder.withDetail("warmUpError", this.warmUpError);
        }
        return builder.build();
    }

}
