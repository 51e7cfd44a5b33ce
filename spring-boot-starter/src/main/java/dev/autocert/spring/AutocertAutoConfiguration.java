package dev.autocert.spring;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * The starter's entry: binds the {@code autocert.*} properties and wires Autocert into the embedded Tomcat
 * ({@link AutocertTomcatConfiguration}) or Jetty ({@link AutocertJettyConfiguration}) of a servlet application.
 * {@code autocert.enabled=false} turns it off.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnProperty(prefix = BootSettings.PREFIX, name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(AutocertProperties.class)
@Import({AutocertTomcatConfiguration.class, AutocertJettyConfiguration.class})
public class AutocertAutoConfiguration {

    /**
     * @param environment the application's properties
     * @param properties  the starter's own properties
     * @return the starter's Autocert
     */
    @Bean
    public AutocertRuntime autocertRuntime(Environment environment, AutocertProperties properties) {
        return new AutocertRuntime(BootSettings.bind(environment), properties);
    }
}
