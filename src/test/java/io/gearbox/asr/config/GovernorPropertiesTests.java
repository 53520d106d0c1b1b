package io.gearbox.asr.config;

import java.time.Duration;

import io.gearbox.asr.governor.GovernorSettings;
import io.gearbox.asr.governor.Maximise;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class GovernorPropertiesTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
        .withUserConfiguration(Properties.class);

    @Test
    void defaultsAreTheGovernorsDefaultsWithNoOperatorToken() {
        this.runner.run((context) -> {
            GovernorProperties governor = context.getBean(GovernorProperties.class);
            assertThat(governor.enabled()).isTrue();
            assertThat(governor.toSettings()).isEqualTo(GovernorSettings.defaults());
            assertThat(governor.evaluationInterval()).isEqualTo(Duration.ofSeconds(1));
            assertThat(governor.machineCpuSteers()).isFalse();
            assertThat(governor.fastGears()).isTrue();
            assertThat(governor.maximise()).isEqualTo(Maximise.ANSWERS);
            assertThat(governor.accuracySet()).isEqualTo("synth");
            assertThat(context.getBean(AdminProperties.class).hasToken()).isFalse();
        });
    }

    @Test
    void bindsRelaxedNamesAndUnits() {
        this.runner.withPropertyValues("asr.governor.latency-slo=800ms", "asr.governor.utilisation-high=0.8",
                "asr.governor.utilisation-low=0.5", "asr.governor.dwell=30s", "asr.governor.cooldown=2s",
                "asr.governor.window=5s", "asr.governor.min-samples=10", "asr.governor.evaluation-interval=250ms",
                "asr.governor.enabled=false", "asr.governor.fast-gears=false", "asr.admin.token=s3cret",
                "asr.governor.maximise=correct-answers", "asr.governor.accuracy-set=fsdd")
            .run((context) -> {
                GovernorProperties governor = context.getBean(GovernorProperties.class);
                GovernorSettings settings = governor.toSettings();
                assertThat(settings.latencySlo()).isEqualTo(Duration.ofMillis(800));
                assertThat(settings.utilisationHigh()).isEqualTo(0.8);
                assertThat(settings.utilisationLow()).isEqualTo(0.5);
                assertThat(settings.dwell()).isEqualTo(Duration.ofSeconds(30));
                assertThat(settings.cooldown()).isEqualTo(Duration.ofSeconds(2));
                assertThat(settings.window()).isEqualTo(Duration.ofSeconds(5));
                assertThat(settings.minSamples()).isEqualTo(10);
                assertThat(governor.evaluationInterval()).isEqualTo(Duration.ofMillis(250));
                assertThat(governor.enabled()).isFalse();
                assertThat(governor.fastGears()).isFalse();
                assertThat(settings.maximise()).isEqualTo(Maximise.CORRECT_ANSWERS);
                assertThat(governor.accuracySet()).isEqualTo("fsdd");
                AdminProperties admin = context.getBean(AdminProperties.class);
                assertThat(admin.hasToken()).isTrue();
                assertThat(admin.toString()).doesNotContain("s3cret");
            });
    }

    @Test
    void rejectsOutOfRangeValues() {
        this.runner.withPropertyValues("asr.governor.utilisation-high=1.5")
            .run((context) -> assertThat(context).hasFailed());
        this.runner.withPropertyValues("asr.governor.min-samples=0").run((context) -> assertThat(context).hasFailed());
        this.runner.withPropertyValues("asr.governor.maximise=words").run((context) -> assertThat(context).hasFailed());
        this.runner.withPropertyValues("asr.governor.latency-low-fraction=1")
            .run((context) -> assertThat(context).hasFailed());
        for (String duration : new String[] { "asr.governor.latency-slo=0s", "asr.governor.latency-slo=2d",
                "asr.governor.dwell=-1s", "asr.governor.cooldown=1000d", "asr.governor.window=5ms",
                "asr.governor.evaluation-interval=0s" }) {
            this.runner.withPropertyValues(duration)
                .run((context) -> assertThat(context).hasFailed()
                    .getFailure().rootCause().hasMessageContaining(duration.substring("asr.governor.".length(),
                            duration.indexOf('='))));
        }
    }

    @Test
    void inconsistentMarksFailWhenTheSettingsAreBuilt() {
        this.runner.withPropertyValues("asr.governor.utilisation-high=0.5", "asr.governor.utilisation-low=0.6")
            .run((context) -> assertThatIllegalArgumentException()
                .isThrownBy(() -> context.getBean(GovernorProperties.class).toSettings())
                .withMessageContaining("utilisationLow"));
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({ GovernorProperties.class, AdminProperties.class })
    static class Properties {

    }

}
