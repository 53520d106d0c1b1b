package io.gearbox.asr.config;

import io.gearbox.asr.recognition.AdmissionQueue;
import io.gearbox.asr.recognition.RecognitionDrain;
import reactor.core.scheduler.Scheduler;

import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The order of a stop. When the context closes, Spring Boot first marks readiness {@code REFUSING_TRAFFIC}; then
 * this drain, stopping before the web server's graceful shutdown, closes admission (new recognition requests get
 * 503 {@code shutting_down} with {@code Retry-After}), waits for the recordings admitted before
 * ({@code asr.shutdown.grace-period}) and disposes the worker scheduler; then the web server finishes writing the
 * last responses and stops ({@code server.shutdown=graceful}); only then are the beans destroyed, the model's and the
 * voice activity detector's native sessions among them, with no task left that could run them.
 */
@Configuration(proxyBeanMethods = false)
class ShutdownConfiguration {

    /** Stops before the web server's graceful shutdown (a higher phase stops earlier). */
    static final int DRAIN_PHASE = WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE + 512;

    @Bean
    DrainLifecycle recognitionDrain(AdmissionQueue admission, Scheduler recognitionScheduler,
            ShutdownProperties shutdown) {
        RecognitionDrain drain = new RecognitionDrain(admission, recognitionScheduler, shutdown.gracePeriod(),
                System::nanoTime);
        return new DrainLifecycle(drain::drain, DRAIN_PHASE);
    }

    /**
     * Runs a drain when the context stops its lifecycle beans, in its phase (a higher phase stops earlier).
     */
    static final class DrainLifecycle implements SmartLifecycle {

        private final Runnable drain;

        private final int phase;

        private volatile boolean running;

        DrainLifecycle(Runnable drain, int phase) {
            this.drain = drain;
            this.phase = phase;
        }

        @Override
        public void start() {
            this.running = true;
        }

        /** Blocks for the drain: a synchronous stop, so the phase's own timeout does not cut it short. */
        @Override
        public void stop() {
            if (this.running) {
                this.running = false;
                this.drain.run();
            }
        }

        @Override
        public boolean isRunning() {
            return this.running;
        }

        @Override
        public int getPhase() {
            return this.phase;
        }

        /**
         * A drain cannot be undone (the queue stays closed, the workers are gone), so a context that is only paused
         * (as Spring's test framework pauses a cached context it is not using) must not drain.
         */
        @Override
        public boolean isPauseable() {
            return false;
        }

    }

}
