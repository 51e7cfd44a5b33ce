package dev.autocert.diagnose;

import dev.autocert.config.DnsSettings;
import dev.autocert.testkit.Bind;
import dev.autocert.testkit.FreePorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The self-check's resolver against a real BIND: AAAA and A records, and every configured resolver in turn. */
class PreflightResolverTest {

    @TempDir
    static Path work;
    private static Bind bind;

    @BeforeAll
    static void startBind() {
        bind = Bind.builder().zone("pf.test").workDir(work.resolve("bind"))
                .record("both.pf.test", "A", "127.0.0.2").record("both.pf.test", "AAAA", "::1")
                .record("v6.pf.test", "AAAA", "2001:db8::7").start();
    }

    @AfterAll
    static void stopBind() {
        if (bind != null) {
            bind.close();
        }
    }

    @Test
    void findsIpv6AndIpv4AddressesPastADeadFirstResolver() throws Exception {
        DnsSettings.HostPort dead = new DnsSettings.HostPort("127.0.0.1", FreePorts.take()); // nothing answers there
        DnsSettings.HostPort live = new DnsSettings.HostPort("127.0.0.1", bind.port());
        Preflight.Resolver resolver = Preflight.dnsResolver(List.of(dead, live));
        assertThat(resolver.resolve("both.pf.test")).containsExactlyInAnyOrder(
                InetAddress.getByName("127.0.0.2"), InetAddress.getByName("::1"));
        assertThat(resolver.resolve("v6.pf.test")).as("a name with only an AAAA record")
                .containsExactly(InetAddress.getByName("2001:db8::7"));
        assertThat(resolver.resolve("other.pf.test")).as("the zone's wildcard A record")
                .containsExactly(InetAddress.getByName("127.0.0.1"));
    }
}
