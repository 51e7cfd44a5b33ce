package dev.autocert.tomcat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bad {@code <Listener>} attribute in the real distribution's server.xml, through Tomcat's own digester: one
 * SEVERE line naming it and the fix, no digester warning, no connector failure, and Tomcat serves its webapps.
 */
class BadSettingsDropInIT extends DistributionTestSupport {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "domain=\"a.test\"                       | Setting 'domain' is not a known setting (did you mean 'domains'?)",
        "domains=\"a.test\" httpsPort=\"99999\"    | Setting 'httpsPort' is not a port number from 1 to 65535: '99999'",
    })
    void aBadAttributeIsOneSevereLineAndTomcatServesWithoutAutocert(String attributes, String error) throws Exception {
        newTomcat("tomcat.home").insertIntoServer("<Listener className=\"dev.autocert.tomcat.AutocertListener\" " + attributes
                + " httpsAddress=\"127.0.0.1\"/>").start();

        HttpResponse<String> root = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + httpPort + "/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(root.body()).contains("hello from ROOT");
        String console = tomcat.console();
        assertThat(console.lines().filter(l -> l.contains("SEVERE"))).singleElement().asString()
                .contains("Autocert is not active: " + error).contains("Fix: ");
        assertThat(console).doesNotContain("failed to set property").doesNotContain("Failed to initialize")
                .doesNotContain("out of range").doesNotContain("Autocert manages");
    }
}
