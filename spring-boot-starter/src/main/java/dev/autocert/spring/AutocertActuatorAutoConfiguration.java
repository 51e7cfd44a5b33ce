package dev.autocert.spring;

import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Actuator and Micrometer, each only when on the class path: the {@code autocert} health
 * ({@link AutocertHealthConfiguration}), the {@code autocert} info entry and the meters of {@link AutocertMeters}.
 */
@AutoConfiguration(after = AutocertAutoConfiguration.class)
@ConditionalOnBean(AutocertRuntime.class)
@Import(AutocertHealthConfiguration.class)
public class AutocertActuatorAutoConfiguration {

    /** The info entry, with Actuator. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(InfoContributor.class)
    static class Info {
        @Bean
        AutocertInfoContributor autocertInfoContributor(AutocertRuntime runtime) {
            return new AutocertInfoContributor(runtime);
        }
    }

    /** The meters, with Micrometer. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterBinder.class)
    static class Metrics {
        @Bean
        AutocertMeters autocertMeters(AutocertRuntime runtime) {
            return new AutocertMeters(runtime);
        }
    }
}
