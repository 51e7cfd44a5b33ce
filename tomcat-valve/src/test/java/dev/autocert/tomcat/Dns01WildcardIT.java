package dev.autocert.tomcat;

import dev.autocert.testkit.Bind;
import dev.autocert.testkit.FreePorts;
import dev.autocert.testkit.Pebble;
import dev.autocert.testkit.TlsProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * DNS-01 over RFC 2136 on the real Tomcat 11 distribution with the drop-in JAR (dnsjava shaded): a real
 * BIND 9 is authoritative for {@code wild.test} and takes TSIG-signed updates; Pebble's validator asks it.
 * One certificate for {@code *.wild.test} + {@code wild.test} (two TXT values at the same name at once) is
 * issued and served for any one-label name; afterwards our TXT records are gone and another client's
 * record at the same name is still there.
 */
class Dns01WildcardIT extends DistributionTestSupport {

    private static final String RECORD = "_acme-challenge.wild.test";
    private Bind bind;

    @AfterEach
    void stopBind() {
        if (tomcat != null) {
            tomcat.close(); // before BIND: a stopping Autocert deletes what it still has published
        }
        if (bind != null) {
            bind.close();
        }
    }

    @Test
    void wildcardAndBaseNameOverRfc2136ServedByTomcatAndOnlyOurRecordsRemoved() throws Exception {
        bind = Bind.builder().zone("wild.test").workDir(work.resolve("bind")).start();
        bind.addTxt(RECORD, "someone-else"); // another ACME client's record at the same name
        pebble = Pebble.builder().httpPort(FreePorts.take()).tlsPort(FreePorts.take()).dnsServer(bind.address())
                .workDir(work.resolve("pebble")).start();
        newTomcat("tomcat.home").insertIntoServer(listenerLine("domains=\"*.wild.test,wild.test\" acceptTerms=\"true\""
                + " challenges=\"dns-01\" httpsPort=\"" + httpsPort + "\" httpsAddress=\"127.0.0.1\" retryDelay=\"2s\""
                + " rfc2136Server=\"" + bind.address() + "\" rfc2136TsigKeyName=\"" + bind.keyName() + "\""
                + " rfc2136TsigAlgorithm=\"" + bind.keyAlgorithm() + "\" rfc2136TsigSecret=\"" + bind.keySecret() + "\""));
        long started = System.nanoTime();
        tomcat.start();

        List<X509Certificate> roots = pebble.roots();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().untilAsserted(() ->
                TlsProbe.verifyChain(TlsProbe.javaHandshake("127.0.0.1", httpsPort, "www.wild.test", roots), roots, "www.wild.test"));
        System.out.printf("[measure] Tomcat start -> wildcard certificate served: %.2f s%n", (System.nanoTime() - started) / 1e9);
        List<X509Certificate> apex = TlsProbe.javaHandshake("127.0.0.1", httpsPort, "wild.test", roots);
        TlsProbe.verifyChain(apex, roots, "wild.test");
        assertThat(TlsProbe.subjectAltNames(apex.get(0))).containsExactlyInAnyOrder("*.wild.test", "wild.test");
        TlsProbe.HttpsResponse page = TlsProbe.httpsGet(httpsPort, "app.wild.test", "/", roots);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("hello from ROOT");

        String log = tomcat.console();
        assertThat(log).contains("*.wild.test: answering dns-01").contains("wild.test: answering dns-01")
                .contains("is visible at rfc2136Server " + bind.address());
        // our two records are deleted as single RRs; the other client's record stays
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(bind.txt(RECORD)).containsExactly("someone-else"));
        String named = Files.readString(bind.process().logFile());
        assertThat(count(named, "adding an RR at '" + RECORD + "' TXT")).isEqualTo(3);
        assertThat(count(named, "deleting an RR at " + RECORD + " TXT")).isEqualTo(2);
        assertThat(named).doesNotContain("deleting rrset");
    }

    private static int count(String text, String fragment) {
        Matcher m = Pattern.compile(Pattern.quote(fragment)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
