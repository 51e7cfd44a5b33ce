package dev.autocert.servlet;

import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;

import java.util.Set;

/**
 * Makes the {@code autocert-servlet} JAR in {@code WEB-INF/lib} the whole install: the container
 * finds this initializer through {@code META-INF/services}, also when {@code web.xml} is
 * {@code metadata-complete}, and it registers {@link AcmeChallengeFilter} first in the filter chain
 * plus {@link AutocertContextListener}. Containers that run no initializers (Jetty without its
 * {@code annotations} module) use the listener declared in the JAR's {@code web-fragment.xml}.
 */
public class AutocertInitializer implements ServletContainerInitializer {

    /** Creates the initializer; the container calls this. */
    public AutocertInitializer() {
    }

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) {
        AcmeChallengeFilter.register(context);
        context.addListener(AutocertContextListener.class);
    }
}
