package dev.autocert.tomcat;

import dev.autocert.testkit.FreePorts;
import dev.autocert.testkit.Pebble;
import dev.autocert.testkit.TomcatDistribution;
import org.junit.jupiter.api.AfterEach;

import java.io.IOException;
import java.nio.file.Path;

/**
 * What the acceptance tests on a real Tomcat distribution share: ports, a work folder, a Pebble and
 * a Tomcat with the drop-in JAR, both stopped after each test.
 */
abstract class DistributionTestSupport {

    protected final int httpPort = FreePorts.take();
    protected final int httpsPort = FreePorts.take();
    protected final Path work = Path.of("target", "it", getClass().getSimpleName() + "-" + System.nanoTime()).toAbsolutePath();
    protected Pebble pebble;
    protected TomcatDistribution tomcat;

    /**
     * @param homeProperty the system property naming the unpacked distribution
     * @return a new CATALINA_BASE with the drop-in JAR in lib/
     */
    protected TomcatDistribution newTomcat(String homeProperty) throws IOException {
        tomcat = new TomcatDistribution(Path.of(System.getProperty(homeProperty)), work.resolve("base"), httpPort,
                FreePorts.take()).dropIn(Path.of(System.getProperty("autocert.jar")));
        return tomcat;
    }

    /**
     * @param attributes the listener's attributes besides the CA's
     * @return the one line for server.xml, pointed at this test's Pebble
     */
    protected String listenerLine(String attributes) {
        return "<Listener className=\"dev.autocert.tomcat.AutocertListener\" " + attributes
                + " directory=\"" + pebble.directoryUrl() + "\" caTrust=\"" + pebble.caTrustPem() + "\"/>";
    }

    @AfterEach
    void stopAll() {
        if (tomcat != null) {
            tomcat.close();
        }
        if (pebble != null) {
            pebble.close();
        }
    }
}
