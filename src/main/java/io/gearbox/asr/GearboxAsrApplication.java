package io.gearbox.asr;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Gearbox ASR: a speech-to-text service over a CTC model exported at several depths, so that the depth
 * that answers a request can change at run time.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class GearboxAsrApplication {

    public static void main(String[] args) {
        SpringApplication.run(GearboxAsrApplication.class, args);
    }

}
