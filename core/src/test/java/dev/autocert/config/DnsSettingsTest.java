package dev.autocert.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The DNS-01 settings: publishers, TSIG keys, wildcards and challenges=dns-01, each error naming its setting. */
class DnsSettingsTest {

    private static final String SECRET = "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI=";

    @TempDir
    Path tmp;

    private AutocertConfig parse(String... keyValues) throws ConfigException {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return AutocertConfig.parse(m, tmp.resolve("store"));
    }

    private ConfigException rejected(String setting, List<String> fragments, String... keyValues) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(keyValues));
        assertThat(e).as("a ConfigException for %s", setting).isNotNull();
        assertThat(e.setting()).isEqualTo(setting);
        for (String f : fragments) {
            assertThat(e.getMessage()).contains(f);
        }
        return e;
    }

    private Path hook() throws Exception {
        Path p = tmp.resolve("hook.sh");
        Files.writeString(p, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }

    @Test
    void noPublisherByDefault() throws ConfigException {
        DnsSettings dns = parse("domains", "a.test").dns();
        assertThat(dns.enabled()).isFalse();
        assertThat(dns.propagationTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(dns.propagationDelay()).isZero();
        assertThat(dns.hookTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(dns.resolvers()).isEmpty();
    }

    @Test
    void wildcardWithRfc2136() throws ConfigException {
        AutocertConfig c = parse("domains", "*.Wild.Test,wild.test", "rfc2136Server", "ns1.wild.test",
                "rfc2136TsigKeyName", "k.", "rfc2136TsigSecret", SECRET, "dnsPropagationTimeout", "30s",
                "dnsPropagationDelay", "5s");
        assertThat(c.certificates().get(0).domains()).containsExactly("*.wild.test", "wild.test");
        DnsSettings dns = c.dns();
        assertThat(dns.enabled()).isTrue();
        assertThat(dns.rfc2136Server()).contains(new DnsSettings.HostPort("ns1.wild.test", 53));
        assertThat(dns.tsigKey()).contains(new DnsSettings.TsigKey("k.", "hmac-sha256", SECRET));
        assertThat(dns.propagationTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(dns.propagationDelay()).isEqualTo(Duration.ofSeconds(5));
        assertThat(dns.toString()).doesNotContain(SECRET);
        assertThat(dns.tsigKey().get().toString()).doesNotContain(SECRET);
    }

    @Test
    void wildcardWithHook() throws Exception {
        AutocertConfig c = parse("domains", "*.a.test", "dnsHook", hook().toString(), "dnsHookTimeout", "10s",
                "dnsResolver", "127.0.0.1:5353, [::1]:53,2001:db8::1");
        assertThat(c.dns().hook()).contains(hook());
        assertThat(c.dns().hookTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.dns().resolvers()).containsExactly(new DnsSettings.HostPort("127.0.0.1", 5353),
                new DnsSettings.HostPort("::1", 53), new DnsSettings.HostPort("2001:db8::1", 53));
        assertThat(c.dns().resolvers().get(1).toString()).isEqualTo("[::1]:53");
    }

    @Test
    void wildcardNeedsDns01InChallenges() throws Exception {
        rejected("challenges", List.of("leaves out dns-01", "*.a.test"),
                "domains", "*.a.test", "dnsHook", hook().toString(), "challenges", "http-01");
        assertThat(parse("domains", "*.a.test", "dnsHook", hook().toString(), "challenges", "http-01,dns-01")
                .challenges()).contains(ChallengeType.DNS_01);
    }

    @Test
    void dns01ChallengeNeedsPublisher() {
        rejected("challenges", List.of("lists dns-01", "dnsHook", "rfc2136Server"),
                "domains", "internal.test", "challenges", "dns-01");
    }

    @Test
    void hookMustBeExecutable() throws Exception {
        Path notExecutable = Files.writeString(tmp.resolve("plain.sh"), "#!/bin/sh\n");
        rejected("dnsHook", List.of("not an executable file", "add|remove"), "domains", "a.test",
                "dnsHook", notExecutable.toString());
        rejected("dnsHook", List.of("not an executable file"), "domains", "a.test", "dnsHook", tmp.resolve("missing").toString());
    }

    @Test
    void oneWayToPublish() throws Exception {
        rejected("dnsHook", List.of("both set"), "domains", "a.test", "dnsHook", hook().toString(), "rfc2136Server", "ns1.a.test");
    }

    @Test
    void rfc2136SettingsNeedTheServer() {
        rejected("rfc2136Server", List.of("is missing while rfc2136TsigSecret is set"),
                "domains", "a.test", "rfc2136TsigSecret", SECRET);
        rejected("rfc2136Server", List.of("is missing while rfc2136Zone is set"), "domains", "a.test", "rfc2136Zone", "a.test");
    }

    @Test
    void tsigKeyNeedsBothHalves() {
        rejected("rfc2136TsigSecret", List.of("partner"), "domains", "a.test", "rfc2136Server", "ns1", "rfc2136TsigKeyName", "k");
        rejected("rfc2136TsigKeyName", List.of("partner"), "domains", "a.test", "rfc2136Server", "ns1", "rfc2136TsigSecret", SECRET);
        rejected("rfc2136TsigSecret", List.of("is not base64"), "domains", "a.test", "rfc2136Server", "ns1",
                "rfc2136TsigKeyName", "k", "rfc2136TsigSecret", "not base64!");
        rejected("rfc2136TsigAlgorithm", List.of("unknown algorithm", "hmac-sha512"), "domains", "a.test",
                "rfc2136Server", "ns1", "rfc2136TsigKeyName", "k", "rfc2136TsigSecret", SECRET, "rfc2136TsigAlgorithm", "sha3");
    }

    @Test
    void unsignedUpdatesAreAllowed() throws ConfigException {
        DnsSettings dns = parse("domains", "a.test", "rfc2136Server", "192.0.2.1:5353", "rfc2136Zone", "A.Test.").dns();
        assertThat(dns.tsigKey()).isEmpty();
        assertThat(dns.rfc2136Zone()).contains("a.test");
        assertThat(dns.rfc2136Server().get().port()).isEqualTo(5353);
    }

    @Test
    void keyFileAsTsigKeygenWritesIt() throws Exception {
        Path file = Files.writeString(tmp.resolve("k.key"), "# made by tsig-keygen\nkey \"acme-update.\" {\n"
                + "\talgorithm hmac-sha512;\n\tsecret \"" + SECRET + "\";\n};\n");
        DnsSettings dns = parse("domains", "a.test", "rfc2136Server", "ns1.a.test", "rfc2136TsigKeyFile", file.toString()).dns();
        assertThat(dns.tsigKey()).contains(new DnsSettings.TsigKey("acme-update.", "hmac-sha512", SECRET));
        rejected("rfc2136TsigKeyFile", List.of("together with rfc2136TsigKeyName"), "domains", "a.test",
                "rfc2136Server", "ns1.a.test", "rfc2136TsigKeyFile", file.toString(), "rfc2136TsigKeyName", "k");
        Path bad = Files.writeString(tmp.resolve("bad.key"), "nothing here");
        rejected("rfc2136TsigKeyFile", List.of("no key statement"), "domains", "a.test",
                "rfc2136Server", "ns1.a.test", "rfc2136TsigKeyFile", bad.toString());
    }

    @Test
    void badAddressesAndDurations() {
        rejected("rfc2136Server", List.of("not a DNS server address"), "domains", "a.test", "rfc2136Server", "ns1:99999");
        rejected("dnsResolver", List.of("not a DNS server address"), "domains", "a.test", "dnsResolver", "[::1");
        rejected("dnsPropagationTimeout", List.of("longer than zero"), "domains", "a.test", "dnsPropagationTimeout", "0s");
        rejected("dnsPropagationDelay", List.of("not a duration"), "domains", "a.test", "dnsPropagationDelay", "soon");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ns1_example!com", "300.1.2.3", "192.0.2.1:0", "a:b:c", "ns1.example.com:dns", ":53", "[::1]x"})
    void aDnsServerIsAHostNameOrAnAddressAndAPort(String server) {
        rejected("rfc2136Server", List.of("is not a DNS server address: '" + server + "'", "host:port"),
                "domains", "a.test", "rfc2136Server", server);
        rejected("dnsResolver", List.of("is not a DNS server address: '" + server + "'"),
                "domains", "a.test", "dnsResolver", "192.0.2.53," + server);
    }

    @Test
    void environmentVariableNames() {
        assertThat(Setting.RFC2136_TSIG_SECRET.environmentVariable()).isEqualTo("AUTOCERT_RFC2136_TSIG_SECRET");
        assertThat(Setting.DNS_HOOK.environmentVariable()).isEqualTo("AUTOCERT_DNS_HOOK");
        assertThat(Setting.byKey("dnspropagationtimeout")).contains(Setting.DNS_PROPAGATION_TIMEOUT);
    }
}
