package dev.autocert.spring;

import dev.autocert.jetty.JettyAutocert;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.web.embedded.jetty.ConfigurableJettyWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Boot 3's embedded Jetty: {@link JettyAttachment} as a server customizer. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass({ConfigurableJettyWebServerFactory.class, JettyAutocert.class})
public class AutocertJettyConfiguration {

    /**
     * @param runtime the starter's Autocert
     * @return the customizer that wires it into the embedded Jetty
     */
    @Bean
    public WebServerFactoryCustomizer<ConfigurableJettyWebServerFactory> autocertJettyCustomizer(AutocertRuntime runtime) {
        JettyAttachment attachment = new JettyAttachment(runtime);
        return factory -> factory.addServerCustomizers(attachment::customize);
    }
}
