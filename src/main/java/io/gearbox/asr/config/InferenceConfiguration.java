package io.gearbox.asr.config;

import io.gearbox.asr.inference.AcousticModel;
import io.gearbox.asr.inference.InferenceOptions;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Opens the model's exits at start-up and closes them at shutdown.
 */
@Configuration(proxyBeanMethods = false)
class InferenceConfiguration {

    @Bean(destroyMethod = "close")
    AcousticModel acousticModel(ModelProperties model, InferenceProperties inference) {
        return AcousticModel.open(model.path(), model.exits(),
                new InferenceOptions(inference.provider(), inference.intraOpThreads()));
    }

}
