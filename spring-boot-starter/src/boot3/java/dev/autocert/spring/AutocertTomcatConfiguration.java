package dev.autocert.spring;

import dev.autocert.tomcat.AutocertListener;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.web.embedded.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Boot 3's embedded Tomcat: {@link TomcatAttachment} as a connector customizer. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass({ConfigurableTomcatWebServerFactory.class, AutocertListener.class})
public class AutocertTomcatConfiguration {

    /**
     * @param runtime the starter's Autocert
     * @return the customizer that wires it into every embedded Tomcat the application builds
     */
    @Bean
    public WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> autocertTomcatCustomizer(AutocertRuntime runtime) {
        TomcatAttachment attachment = new TomcatAttachment(runtime);
        return factory -> factory.addConnectorCustomizers(attachment::customize);
    }
}
