package dev.autocert.jetty;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** HTTP-01 on an embedded server: answered from the board ahead of the application, everything else untouched. */
class AcmeChallengeHandlerTest {

    private static final String TOKEN = "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA";
    @TempDir
    static Path storage;
    private static EmbeddedJetty jetty;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        jetty = new EmbeddedJetty(EmbeddedJetty.settings(), storage);
        jetty.autocert.autocert().challengeBoard().putHttp01(TOKEN, TOKEN + ".thumbprint");
    }

    @AfterAll
    static void stop() throws Exception {
        jetty.close();
    }

    private static HttpResponse<String> send(String method, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + jetty.httpPort + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void answersAPendingTokenFromMemory() throws Exception {
        HttpResponse<String> r = send("GET", "/.well-known/acme-challenge/" + TOKEN);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(TOKEN + ".thumbprint");
        assertThat(r.headers().firstValue("content-type")).hasValue("application/octet-stream");
        HttpResponse<String> head = send("HEAD", "/.well-known/acme-challenge/" + TOKEN);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValueAsLong("content-length")).hasValue((TOKEN + ".thumbprint").length());
    }

    @Test
    void unknownMalformedOrNotGetIs404AndNeverReachesTheApp() throws Exception {
        assertThat(send("GET", "/.well-known/acme-challenge/unknownToken_0123456789").statusCode()).isEqualTo(404);
        assertThat(send("GET", "/.well-known/acme-challenge/short").statusCode()).isEqualTo(404);
        assertThat(send("GET", "/.well-known/acme-challenge/" + TOKEN + "/x").statusCode()).isEqualTo(404);
        HttpResponse<String> post = send("POST", "/.well-known/acme-challenge/" + TOKEN);
        assertThat(post.statusCode()).isEqualTo(404);
        assertThat(post.body()).doesNotContain(EmbeddedJetty.BODY);
    }

    @Test
    void everyOtherRequestGoesToTheApplication() throws Exception {
        for (String path : new String[] {"/", "/.well-known/other", "/.well-known/acme-challenge"}) {
            HttpResponse<String> r = send("GET", path);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(r.body()).isEqualTo(EmbeddedJetty.BODY);
        }
    }
}
