package io.gearbox.asr;

import java.util.concurrent.atomic.AtomicReference;

import io.gearbox.asr.lifecycle.TerminationSignal;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Gearbox ASR: a speech-to-text service over a CTC model exported at several depths, so that the depth
 * that answers a request can change at run time.
 *
 * <p>SIGTERM and SIGINT close the application context before the JVM's shutdown hooks run
 * ({@link TerminationSignal}): readiness goes down, the requests in flight finish ({@code asr.shutdown.grace-period}),
 * the workers stop, the native sessions close, and the process exits with 143 (130 for SIGINT).
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class GearboxAsrApplication {

    public static void main(String[] args) {
        SpringApplication application = new SpringApplication(GearboxAsrApplication.class);
        AtomicReference<ConfigurableApplicationContext> context = new AtomicReference<>();
        application.addInitializers(context::set);
        // a signal during start-up waits for the refresh (close takes the same monitor), then stops
        TerminationSignal.install(TerminationSignal.STOP_SIGNALS, () -> {
            ConfigurableApplicationContext started = context.get();
            if (started != null) {
                started.close();
            }
        }, System::exit);
        application.run(args);
    }

}
