package io.gearbox.asr.web;

import io.gearbox.asr.config.LimitsProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * What the web slice needs besides the controllers: the upload limits, the codecs, the filter and the error mapper.
 */
@TestConfiguration(proxyBeanMethods = false)
@EnableConfigurationProperties(LimitsProperties.class)
@Import({ Uploads.class, UploadCodecs.class, UploadLimitFilter.class, ProblemDetailsExceptionHandler.class })
class WebSliceConfiguration {

    @Bean
    MeterRegistry meterRegistry() {
        return new SimpleMeterRegistry();
    }

}
