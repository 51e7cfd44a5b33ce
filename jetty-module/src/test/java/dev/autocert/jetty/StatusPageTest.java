package dev.autocert.jetty;

import dev.autocert.config.CertificateSpec;
import dev.autocert.status.StatusAccess;
import dev.autocert.testkit.TestCa;
import dev.autocert.testkit.TlsProbe;
import dev.autocert.tls.CertifiedKey;
import org.eclipse.jetty.logging.JettyLogger;
import org.eclipse.jetty.logging.StdErrAppender;
import org.eclipse.jetty.security.HashLoginService;
import org.eclipse.jetty.security.UserIdentity;
import org.eclipse.jetty.security.UserStore;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Session;
import org.eclipse.jetty.util.security.Credential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JSON status page on an embedded server: off by default; at {@code statusPath} for clients on this
 * machine; with {@code statusRole}, for that role's users in the Server's LoginService over HTTPS with
 * Basic credentials, 404 for everyone else. "Elsewhere" is a request a proxy forwarded (X-Forwarded-For):
 * the tests' clients all run on this machine.
 */
class StatusPageTest {

    private static final String PATH = "/.well-known/autocert-status";
    private static final String ROLE = "autocert-status";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path storage;

    @Test
    void offByDefault() throws Exception {
        try (EmbeddedJetty jetty = new EmbeddedJetty(EmbeddedJetty.settings(), storage)) {
            HttpResponse<String> r = local(jetty);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(EmbeddedJetty.BODY); // passed on to the application
        }
    }

    @Test
    void withoutARoleOnlyThisMachineGetsIt() throws Exception {
        Map<String, String> settings = EmbeddedJetty.settings();
        settings.put("statusPath", PATH);
        try (EmbeddedJetty jetty = new EmbeddedJetty(settings, storage)) {
            HttpResponse<String> r = local(jetty);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("content-type")).hasValue("application/json;charset=UTF-8");
            assertThat(r.headers().firstValue("cache-control")).hasValue("no-store");
            assertThat(r.body()).contains("\"name\": \"a.test\"").contains("\"www.a.test\"").contains("\"name\": \"b.test\"");
            assertThat(forwarded(jetty, "X-Forwarded-For", "203.0.113.7").statusCode()).isEqualTo(404);
            assertThat(forwarded(jetty, "Forwarded", "for=203.0.113.7").statusCode()).isEqualTo(404);
            assertThat(forwarded(jetty, "Forwarded", "for=203.0.113.7").body()).doesNotContain(EmbeddedJetty.BODY);
        }
    }

    @Test
    void theRolesUsersGetItOverHttpsWithBasicCredentials() throws Exception {
        Map<String, String> settings = withStatusRole();
        CountingLoginService users = new CountingLoginService();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (EmbeddedJetty jetty = capturingLog(log, () -> new EmbeddedJetty(settings, storage, server -> server.addBean(users)))) {
            List<X509Certificate> roots = serveTrustedCertificate(jetty);
            assertThat(local(jetty).statusCode()).isEqualTo(200);

            HttpResponse<String> plain = HTTP.send(request(jetty, "X-Forwarded-For", "203.0.113.7")
                    .header("Authorization", basic("ops:ops-secret")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(plain.statusCode()).isEqualTo(403);
            assertThat(users.logins).hasValue(0); // credentials are never read over plain HTTP

            TlsProbe.HttpsResponse none = fromElsewhere(jetty, roots, null);
            assertThat(none.status()).isEqualTo(401);
            assertThat(none.headers().get("www-authenticate")).isEqualTo(StatusAccess.CHALLENGE);
            assertThat(fromElsewhere(jetty, roots, "ops:wrong").status()).isEqualTo(401);
            assertThat(fromElsewhere(jetty, roots, "nobody:ops-secret").status()).isEqualTo(401);
            assertThat(fromElsewhere(jetty, roots, "dev:dev-secret").status()).isEqualTo(403);
            TlsProbe.HttpsResponse granted = fromElsewhere(jetty, roots, "ops:ops-secret");
            assertThat(granted.status()).isEqualTo(200);
            assertThat(granted.headers().get("cache-control")).isEqualTo("no-store");
            assertThat(granted.body()).contains("\"name\": \"a.test\"");
            assertThat(users.logins).hasValue(4);
        }
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("for role 'autocert-status' of the LoginService 'Autocert test'")
                .doesNotContain("secret");
    }

    @Test
    void aRoleWithoutLoginServiceIsReportedAndAdmitsNobodyFromElsewhere() throws Exception {
        Map<String, String> settings = withStatusRole();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (EmbeddedJetty jetty = capturingLog(log, () -> new EmbeddedJetty(settings, storage))) {
            List<X509Certificate> roots = serveTrustedCertificate(jetty);
            assertThat(local(jetty).statusCode()).isEqualTo(200);
            assertThat(fromElsewhere(jetty, roots, "ops:ops-secret").status()).isEqualTo(403);
        }
        assertThat(log.toString(StandardCharsets.UTF_8))
                .contains("statusRole 'autocert-status' is set but the Server has no LoginService")
                .contains("HashLoginService");
    }

    private static Map<String, String> withStatusRole() {
        Map<String, String> settings = EmbeddedJetty.settings();
        settings.put("statusPath", PATH);
        settings.put("statusRole", ROLE);
        return settings;
    }

    /** A realm of two users: ops holds the status role, dev does not. Counts the logins it is asked for. */
    private static final class CountingLoginService extends HashLoginService {
        final AtomicInteger logins = new AtomicInteger();

        CountingLoginService() {
            super("Autocert test");
            UserStore store = new UserStore();
            store.addUser("ops", Credential.getCredential("ops-secret"), new String[] {ROLE});
            store.addUser("dev", Credential.getCredential("dev-secret"), new String[] {"user"});
            setUserStore(store);
        }

        @Override
        public UserIdentity login(String username, Object credentials, Request request, Function<Boolean, Session> getOrCreateSession) {
            logins.incrementAndGet();
            return super.login(username, credentials, request, getOrCreateSession);
        }
    }

    /** @return the CA's root, after a certificate it issued for a.test went live on the TLS connector */
    private static List<X509Certificate> serveTrustedCertificate(EmbeddedJetty jetty) {
        TestCa ca = TestCa.create();
        CertificateSpec a = jetty.autocert.autocert().config().certificates().get(0);
        TestCa.Leaf leaf = ca.issue(a.domains().toArray(new String[0]));
        jetty.autocert.autocert().liveCertificates().install(new CertifiedKey(leaf.key(), leaf.chain()));
        return List.of(ca.caCertificate());
    }

    private static HttpResponse<String> local(EmbeddedJetty jetty) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + jetty.httpPort + PATH)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> forwarded(EmbeddedJetty jetty, String header, String value) throws Exception {
        return HTTP.send(request(jetty, header, value).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(EmbeddedJetty jetty, String header, String value) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + jetty.httpPort + PATH)).header(header, value);
    }

    private static TlsProbe.HttpsResponse fromElsewhere(EmbeddedJetty jetty, List<X509Certificate> roots, String credentials) {
        return fromElsewhere(jetty.httpsPort, roots, credentials);
    }

    /**
     * {@code GET} the status page over HTTPS (SNI a.test) through a proxy on this machine that says so
     * (X-Forwarded-For), with these Basic credentials ({@code user:password}) or none.
     */
    static TlsProbe.HttpsResponse fromElsewhere(int httpsPort, List<X509Certificate> roots, String credentials) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Forwarded-For", "203.0.113.7");
        if (credentials != null) {
            headers.put("Authorization", basic(credentials));
        }
        return TlsProbe.httpsGet(httpsPort, "a.test", PATH, roots, headers);
    }

    private static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    private interface Start {
        EmbeddedJetty start() throws Exception;
    }

    /** Runs {@code start} while Autocert's log lines also go to {@code log}. */
    private static EmbeddedJetty capturingLog(ByteArrayOutputStream log, Start start) throws Exception {
        StdErrAppender appender = (StdErrAppender) ((JettyLogger) LoggerFactory.getLogger(StatusPage.class)).getAppender();
        PrintStream before = appender.getStream();
        appender.setStream(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            return start.start();
        } finally {
            appender.setStream(before);
        }
    }
}
