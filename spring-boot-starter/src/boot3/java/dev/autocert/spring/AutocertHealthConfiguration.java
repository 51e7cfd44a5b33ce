package dev.autocert.spring;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Instant;

/** Boot 3's health contract ({@code spring-boot-actuator}): the {@code autocert} indicator of {@link CertificateHealth}. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(HealthIndicator.class)
public class AutocertHealthConfiguration {

    /**
     * @param runtime the starter's Autocert
     * @return the {@code autocert} health indicator
     */
    @Bean
    public HealthIndicator autocertHealthIndicator(AutocertRuntime runtime) {
        return () -> {
            CertificateHealth health = CertificateHealth.of(runtime, Instant.now());
            return Health.status(health.state().name()).withDetails(health.details()).build();
        };
    }
}
