package dev.autocert.tomcat;

import dev.autocert.testkit.AcceptanceTestSupport;
import dev.autocert.testkit.FreePorts;
import dev.autocert.testkit.ManagedProcess;
import dev.autocert.testkit.TomcatDistribution;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the acceptance tests on a real Tomcat distribution share besides {@link AcceptanceTestSupport}: a
 * Tomcat with the drop-in JAR and the listener line pointed at the test's Pebble.
 */
abstract class DistributionTestSupport extends AcceptanceTestSupport {

    protected TomcatDistribution tomcat;

    @Override
    protected AutoCloseable server() {
        return tomcat;
    }

    @Override
    protected Map<String, ManagedProcess> failureLogs() {
        Map<String, ManagedProcess> logs = super.failureLogs();
        if (tomcat != null && tomcat.process() != null) {
            logs.put("tomcat", tomcat.process());
        }
        return logs;
    }

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
}
