package dev.autocert.tomcat;

import dev.autocert.Autocert;
import dev.autocert.config.Setting;
import dev.autocert.testkit.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The valve on a real embedded Tomcat: challenge answers from memory, everything else untouched. */
class AcmeChallengeValveTest {

    private static final String TOKEN = "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA";
    private static final String PATH = "/.well-known/acme-challenge/" + TOKEN;

    @TempDir
    Path dir;
    private final int port = FreePorts.take();
    private final HttpClient client = HttpClient.newHttpClient();
    private EmbeddedTomcat tomcat;
    private Autocert autocert;

    @BeforeEach
    void start() throws Exception {
        AutocertListener listener = new AutocertListener();
        listener.set(Setting.DOMAINS, "a.test");
        listener.set(Setting.STORAGE, dir.resolve("store").toString());
        listener.set(Setting.HTTPS_PORT, String.valueOf(FreePorts.take()));
        listener.set(Setting.HTTPS_ADDRESS, "127.0.0.1");
        listener.set(Setting.DIRECTORY, "https://127.0.0.1:" + FreePorts.take() + "/dir"); // nothing listens: no issuance here
        listener.set(Setting.RETRY_DELAY, "1h");
        tomcat = new EmbeddedTomcat(dir.resolve("base"), port, listener).start();
        autocert = listener.getAutocert();
        assertThat(autocert).isNotNull();
    }

    @AfterEach
    void stop() throws Exception {
        tomcat.close();
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void answersAPendingTokenFromMemory() throws Exception {
        autocert.challengeBoard().putHttp01(TOKEN, TOKEN + ".thumbprint");
        HttpResponse<String> r = send("GET", PATH);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(TOKEN + ".thumbprint");
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/octet-stream");

        HttpResponse<String> head = send("HEAD", PATH);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue((TOKEN + ".thumbprint").length());
    }

    @Test
    void unknownMalformedOrRemovedTokensAre404AndNeverReachTheApp() throws Exception {
        autocert.challengeBoard().putHttp01(TOKEN, TOKEN + ".thumbprint");
        assertThat(send("GET", "/.well-known/acme-challenge/someOtherToken_123456").statusCode()).isEqualTo(404);
        assertThat(send("GET", "/.well-known/acme-challenge/").statusCode()).isEqualTo(404);
        assertThat(send("GET", "/.well-known/acme-challenge/short").statusCode()).isEqualTo(404);
        assertThat(send("POST", PATH).statusCode()).isEqualTo(404);
        autocert.challengeBoard().removeHttp01(TOKEN);
        HttpResponse<String> gone = send("GET", PATH);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(gone.body()).doesNotContain("hello from the app");
    }

    @Test
    void otherRequestsPassThroughToTheApplication() throws Exception {
        HttpResponse<String> r = send("GET", "/.well-known/other");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("hello from the app at /.well-known/other");
        assertThat(send("GET", "/index").body()).contains("hello from the app");
    }
}
