package dev.autocert.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

class AutocertConfigTest {

    @TempDir
    Path tmp;

    private AutocertConfig parse(String... keyValues) throws ConfigException {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return AutocertConfig.parse(m, tmp.resolve("default-store"));
    }

    /** Parses, expects a ConfigException naming {@code setting} whose message contains every fragment. */
    private ConfigException rejected(String setting, List<String> fragments, String... keyValues) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(keyValues));
        assertThat(e).as("a ConfigException for %s", setting).isNotNull();
        assertThat(e.setting()).isEqualTo(setting);
        assertThat(e.getMessage()).startsWith("Setting '" + setting + "' ").contains("Fix:");
        for (String f : fragments) {
            assertThat(e.getMessage()).contains(f);
        }
        return e;
    }

    // --- domains -------------------------------------------------------------------------------

    @Test
    void missingDomains() {
        rejected("domains", List.of("is missing", "domains=\"example.com"), "email", "ops@example.com");
    }

    @Test
    void blankDomainsCountAsMissing() {
        rejected("domains", List.of("is missing"), "domains", "   ");
    }

    @Test
    void domainsWithoutNames() {
        rejected("domains", List.of("has no names", "domains=\"example.com"), "domains", " , ; ,");
    }

    @Test
    void duplicateName() {
        rejected("domains", List.of("'a.test' twice", "name each host once"), "domains", "a.test,www.a.test;a.test");
    }

    @Test
    void duplicateDetectedAfterNormalization() {
        rejected("domains", List.of("'a.test' twice"), "domains", "a.test;A.TEST.");
    }

    // --- domains: IP addresses (RFC 8738) ----------------------------------------------------------

    @Test
    void ipAddressesAreNamesInTheirCanonicalSpelling() throws ConfigException {
        AutocertConfig c = parse("domains", "192.0.2.1, a.test; [2001:DB8:0:0:0:0:0:1],::1 ; 0:0:0:0:0:0:0:2");
        assertThat(c.certificates()).extracting(CertificateSpec::domains).containsExactly(
                List.of("192.0.2.1", "a.test"), List.of("2001:db8::1", "::1"), List.of("::2"));
        // the store folder of an IPv6 address: no ':' (Windows file names)
        assertThat(c.certificates()).extracting(CertificateSpec::name).containsExactly("192.0.2.1", "2001_db8__1", "__2");
    }

    @Test
    void anAddressWrittenTwiceInTwoSpellingsIsListedTwice() {
        rejected("domains", List.of("'::1' twice"), "domains", "::1;[0:0::1]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"192.0.2.01", "192.0.2", "192.0.2.256", "1.2.3.4.", "[192.0.2.1]", "fe80::1%eth0",
            "[fe80::1%25eth0]", "2001:db8::1::2", "[2001:db8::1", "::g"})
    void malformedAddresses(String ip) {
        rejected("domains", List.of("'" + ip + "'", "neither a DNS name nor an IP address", "four decimal numbers",
                "[2001:db8::1]"), "domains", "a.test," + ip);
    }

    @ParameterizedTest
    @ValueSource(strings = {"*.192.0.2.1", "*.::1"})
    void aWildcardCannotCoverAnAddress(String wildcard) {
        rejected("domains", List.of("'" + wildcard + "'", "cannot cover an IP address", "list the address itself"),
                "domains", wildcard);
    }

    @Test
    void dns01AloneCannotValidateAnAddress() {
        rejected("challenges", List.of("[dns-01]", "cannot validate the IP address '192.0.2.1'", "RFC 8738",
                "add http-01 or tls-alpn-01"), "domains", "a.test;192.0.2.1", "challenges", "dns-01", "dnsHook", "/bin/true");
    }

    @Test
    void dns01BesideAnotherTypeIsFineWithAnAddress() throws ConfigException {
        assertThat(parse("domains", "192.0.2.1", "challenges", "dns-01,tls-alpn-01", "dnsHook", "/bin/true").challenges())
                .containsExactly(ChallengeType.DNS_01, ChallengeType.TLS_ALPN_01);
    }

    @Test
    void singleLabelName() {
        rejected("domains", List.of("'localhost'", "not a fully qualified name", "www.example.com"),
                "domains", "localhost");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a_b.test", "-a.test", "a-.test", "a b.test", "a.te$t"})
    void invalidLabel(String name) {
        rejected("domains", List.of("invalid name", "letters, digits and hyphens"), "domains", name);
    }

    @Test
    void emptyLabel() {
        rejected("domains", List.of("invalid name 'a..test'", "valid DNS host name"), "domains", "a..test");
    }

    @Test
    void labelTooLong() {
        rejected("domains", List.of("invalid name"), "domains", "a".repeat(64) + ".test");
    }

    @Test
    void wildcardWithoutPublisherNamesTheSettingsToAdd() {
        rejected("domains", List.of("wildcard name '*.a.test'", "DNS-01", "dnsHook", "rfc2136Server", "rfc2136TsigSecret"),
                "domains", "a.test,*.a.test");
    }

    @Test
    void wildcardOnlyAsWholeFirstLabel() {
        rejected("domains", List.of("invalid name"), "domains", "a.*.test");
    }

    @Test
    void domainsGroupIntoSpecs() throws ConfigException {
        AutocertConfig c = parse("domains", " a.test , www.a.test ; b.test ");
        assertThat(c.certificates()).extracting(CertificateSpec::domains)
                .containsExactly(List.of("a.test", "www.a.test"), List.of("b.test"));
        assertThat(c.certificates()).extracting(CertificateSpec::name).containsExactly("a.test", "b.test");
        assertThat(c.certificates().get(0).primaryDomain()).isEqualTo("a.test");
    }

    @Test
    void namesAreNormalized() throws ConfigException {
        AutocertConfig c = parse("domains", "bücher.example,WWW.A.TEST,b.test.");
        assertThat(c.certificates().get(0).domains())
                .containsExactly("xn--bcher-kva.example", "www.a.test", "b.test");
    }

    @Test
    void wildcardSpecNameIsFileSystemSafe() throws ConfigException {
        assertThat(AutocertConfig.normalizeDomain("*.A.Test.")).isEqualTo("*.a.test");
        assertThat(new CertificateSpec(List.of("*.a.test")).name()).isEqualTo("_.a.test");
    }

    // --- directory -----------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"not a url", "ftp://acme.test/directory", "https:///directory", "acme.test/directory"})
    void badDirectory(String url) {
        rejected("directory", List.of("is not an ACME directory URL", "letsencrypt-staging"),
                "domains", "a.test", "directory", url);
    }

    @Test
    void letsencryptAliases() throws ConfigException {
        assertThat(parse("domains", "a.test", "directory", "letsencrypt").directory())
                .isEqualTo(URI.create(AutocertConfig.LETSENCRYPT));
        assertThat(parse("domains", "a.test", "directory", "LetsEncrypt-Staging").directory())
                .isEqualTo(URI.create(AutocertConfig.LETSENCRYPT_STAGING));
        assertThat(parse("domains", "a.test", "directory", "https://ca.test:14000/dir").directory())
                .isEqualTo(URI.create("https://ca.test:14000/dir"));
    }

    // --- several CAs ----------------------------------------------------------------------------

    private static final String ZEROSSL = "https://acme.zerossl.com/v2/DV90";

    @Test
    void severalDirectoriesAreTriedInTheOrderGiven() throws ConfigException {
        AutocertConfig c = parse("domains", "a.test", "directory", " letsencrypt , " + ZEROSSL + ",", "caFailoverAfter", "5");
        assertThat(c.authorities()).extracting(CertificateAuthority::position, CertificateAuthority::directory)
                .containsExactly(tuple(1, URI.create(AutocertConfig.LETSENCRYPT)), tuple(2, URI.create(ZEROSSL)));
        assertThat(c.directory()).isEqualTo(URI.create(AutocertConfig.LETSENCRYPT));
        assertThat(c.caFailoverAfter()).isEqualTo(5);
        assertThat(c.authorities()).allSatisfy(ca -> assertThat(ca.kid()).isEmpty());
    }

    @Test
    void aDirectoryListedTwiceOrABadOneInTheList() {
        rejected("directory", List.of("lists " + AutocertConfig.LETSENCRYPT + " twice", "name each CA once"),
                "domains", "a.test", "directory", "letsencrypt," + AutocertConfig.LETSENCRYPT);
        rejected("directory", List.of("is not an ACME directory URL: 'zerossl'"),
                "domains", "a.test", "directory", "letsencrypt,zerossl");
        rejected("directory", List.of("names no CA"), "domains", "a.test", "directory", " , ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "three", "1.5"})
    void caFailoverAfterIsAWholeNumberAboveZero(String value) {
        rejected("caFailoverAfter", List.of("must be a whole number above 0, not '" + value + "'", "caFailoverAfter=\"3\""),
                "domains", "a.test", "directory", "letsencrypt," + ZEROSSL, "caFailoverAfter", value);
    }

    @Test
    void eabEntriesGoToTheCaAtTheSamePosition() throws ConfigException {
        AutocertConfig c = parse("domains", "a.test", "directory", "letsencrypt," + ZEROSSL,
                "eabKid", ",kid-1", "eabHmacKey", " , c2VjcmV0LWtleQ_-");
        assertThat(c.authorities().get(0).kid()).isEmpty();
        assertThat(c.authorities().get(0).hmacKey()).isEmpty();
        assertThat(c.authorities().get(1).kid()).contains("kid-1");
        assertThat(c.authorities().get(1).hmacKey()).contains("c2VjcmV0LWtleQ_-");
    }

    @Test
    void eabNeedsOneEntryPerCaAndBothHalvesAtEachPosition() {
        rejected("eabKid", List.of("has 1 entry but directory lists 2 CAs", "one entry per CA of directory",
                "eabKid=\",kid-1\""), "domains", "a.test", "directory", "letsencrypt," + ZEROSSL,
                "eabKid", "kid-1", "eabHmacKey", "c2VjcmV0");
        rejected("eabHmacKey", List.of("has 3 entries but directory lists 2 CAs"), "domains", "a.test",
                "directory", "letsencrypt," + ZEROSSL, "eabKid", ",kid-1", "eabHmacKey", ",c2VjcmV0,");
        rejected("eabKid", List.of("is missing while its partner is set for " + AutocertConfig.LETSENCRYPT,
                "each at the position of the CA in directory"), "domains", "a.test",
                "directory", "letsencrypt," + ZEROSSL, "eabKid", ",kid-1", "eabHmacKey", "c2VjcmV0,");
        rejected("eabHmacKey", List.of("is not base64url"), "domains", "a.test",
                "directory", "letsencrypt," + ZEROSSL, "eabKid", ",kid-1", "eabHmacKey", ",not base64!");
    }

    @Test
    void statelessHttp01TakesOneCa() {
        rejected("http01Stateless", List.of("cannot be used with several CAs in directory", "list one directory"),
                "domains", "a.test", "directory", "letsencrypt," + ZEROSSL, "http01Stateless", "true");
    }

    @Test
    void caFailoverAfterWithOneCaIsSaidToDoNothing() throws Exception {
        AutocertConfig one = parse("domains", "a.test", "caFailoverAfter", "2");
        assertThat(one.ineffective(Adapter.TOMCAT)).containsExactly("caFailoverAfter has no effect with one CA: list the next"
                + " CA in directory, separated by ',', e.g. letsencrypt,https://acme.zerossl.com/v2/DV90");
        assertThat(parse("domains", "a.test", "directory", "letsencrypt," + ZEROSSL, "caFailoverAfter", "2")
                .ineffective(Adapter.TOMCAT)).isEmpty();
    }

    // --- other settings ------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"ops", "ops@localhost", "ops@@example.com", "o ps@example.com"})
    void badEmail(String email) {
        rejected("email", List.of("is not an e-mail address", "ops@example.com"), "domains", "a.test", "email", email);
    }

    @Test
    void mailtoPrefixIsStripped() throws ConfigException {
        assertThat(parse("domains", "a.test", "email", "mailto:ops@example.com").email()).contains("ops@example.com");
    }

    @Test
    void acceptTermsNotBoolean() {
        rejected("acceptTerms", List.of("must be true or false", "'yes'", "acceptTerms=\"true\""),
                "domains", "a.test", "acceptTerms", "yes");
    }

    @Test
    void acceptTermsTrue() throws ConfigException {
        assertThat(parse("domains", "a.test", "acceptTerms", "TRUE").acceptTerms()).isTrue();
    }

    @Test
    void unknownKeyType() {
        rejected("keyType", List.of("'ec521'", "ec256, ec384, rsa2048, rsa4096"), "domains", "a.test", "keyType", "ec521");
    }

    @Test
    void keyTypeIsCaseInsensitive() throws ConfigException {
        assertThat(parse("domains", "a.test", "keyType", " RSA2048 ").keyType()).isEqualTo(KeyType.RSA2048);
    }

    @Test
    void unknownChallenge() {
        rejected("challenges", List.of("'http-02'", "http-01, tls-alpn-01"),
                "domains", "a.test", "challenges", "tls-alpn-01,http-02");
    }

    @Test
    void challengesKeepOrderWithoutDuplicates() throws ConfigException {
        assertThat(parse("domains", "a.test", "challenges", "TLS-ALPN-01, http-01,tls-alpn-01,").challenges())
                .containsExactly(ChallengeType.TLS_ALPN_01, ChallengeType.HTTP_01);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0d", "0s", "-P5D", "PT0S"})
    void renewBeforeMustBePositive(String value) {
        rejected("renewBefore", List.of("must be longer than zero", "renewBefore=\"30d\""),
                "domains", "a.test", "renewBefore", value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"30 days", "d30", "-5d", "30w", "1.5d"})
    void badDurationSyntax(String value) {
        rejected("renewBefore", List.of("is not a duration", "30d", "P30D"), "domains", "a.test", "renewBefore", value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"99999999999999999999d", "9223372036854775807d"})
    void hugeDurationIsAConfigException(String value) {
        rejected("renewBefore", List.of("is not a duration"), "domains", "a.test", "renewBefore", value);
    }

    @Test
    void badRetryDelay() {
        rejected("retryDelay", List.of("is not a duration"), "domains", "a.test", "retryDelay", "soon");
    }

    @Test
    void durations() throws ConfigException {
        assertThat(parse("domains", "a.test", "renewBefore", "10d").renewBefore()).contains(Duration.ofDays(10));
        assertThat(parse("domains", "a.test", "renewBefore", "P2DT3H").renewBefore())
                .contains(Duration.ofDays(2).plusHours(3));
        assertThat(parse("domains", "a.test", "retryDelay", "90 m").retryDelay()).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("x", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("x", "45S")).isEqualTo(Duration.ofSeconds(45));
        assertThat(Durations.parse("x", "12h")).isEqualTo(Duration.ofHours(12));
    }

    @Test
    void unreadableCaTrust() {
        rejected("caTrust", List.of("cannot be read", "readable PEM file"),
                "domains", "a.test", "caTrust", tmp.resolve("missing.pem").toString());
    }

    @Test
    void readableCaTrust() throws Exception {
        Path pem = Files.writeString(tmp.resolve("roots.pem"), "x");
        assertThat(parse("domains", "a.test", "caTrust", pem.toString()).caTrust()).contains(pem);
    }

    @Test
    void eabKidWithoutHmacKey() {
        rejected("eabHmacKey", List.of("is missing while its partner is set", "eabKid and eabHmacKey"),
                "domains", "a.test", "eabKid", "kid-1");
    }

    @Test
    void eabHmacKeyWithoutKid() {
        rejected("eabKid", List.of("is missing while its partner is set", "eabKid and eabHmacKey"),
                "domains", "a.test", "eabHmacKey", "c2VjcmV0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"not+base64/url", "a", "abc$"})
    void eabHmacKeyNotBase64url(String key) {
        rejected("eabHmacKey", List.of("is not base64url", "copy the MAC key"),
                "domains", "a.test", "eabKid", "kid-1", "eabHmacKey", key);
    }

    @Test
    void eabAccepted() throws ConfigException {
        AutocertConfig c = parse("domains", "a.test", "eabKid", "kid-1", "eabHmacKey", "c2VjcmV0LWtleQ_-");
        assertThat(c.authorities()).singleElement().satisfies(ca -> {
            assertThat(ca.kid()).contains("kid-1");
            assertThat(ca.hmacKey()).contains("c2VjcmV0LWtleQ_-");
        });
    }

    @Test
    void unknownSettingNamesTheClosestOne() {
        rejected("domain", List.of("is not a known setting (did you mean 'domains'?)"), "domains", "a.test", "domain", "b.test");
    }

    @Test
    void anAdapterRefusesTheSettingsOfAnother() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> AutocertConfig.parse(
                Map.of("domains", "a.test", "httpsPort", "8443"), tmp, Adapter.JETTY));
        assertThat(e.getMessage()).contains("'httpsPort' is read by the Tomcat listener only");
    }

    // --- ports, addresses, paths, numbers: one line naming the setting and the fix ---------------

    @ParameterizedTest
    @ValueSource(strings = {"99999", "0", "-1", "65536", "https", "80.5", "99999999999"})
    void portsAreFrom1To65535(String value) {
        for (String port : List.of("httpsPort", "httpChallengePort")) {
            rejected(port, List.of("is not a port number from 1 to 65535: '" + value + "'", port + "=\""),
                    "domains", "a.test", port, value);
        }
    }

    @Test
    void portsAndDefaults() throws ConfigException {
        AutocertConfig c = parse("domains", "a.test", "httpsPort", "65535", "httpChallengePort", "1");
        assertThat(c.httpsPort()).isEqualTo(65535);
        assertThat(c.httpChallengePort()).isEqualTo(1);
        AutocertConfig defaults = parse("domains", "a.test");
        assertThat(defaults.httpsPort()).isEqualTo(8443);
        assertThat(defaults.httpChallengePort()).isEqualTo(80);
        assertThat(defaults.httpsAddress()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1", "[::1]", "0.0.0.0", "localhost"})
    void httpsAddressOfThisMachine(String address) throws ConfigException {
        assertThat(parse("domains", "a.test", "httpsAddress", address).httpsAddress()).contains(address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"no-such-host.invalid", "300.1.1.1", "::g", "a b"})
    void httpsAddressThatIsNoAddress(String address) {
        rejected("httpsAddress", List.of("is neither an IP address nor a host name that resolves", "remove it to listen on all"),
                "domains", "a.test", "httpsAddress", address);
    }

    @Test
    void httpsAddressOfAnotherMachine() {
        rejected("httpsAddress", List.of("192.0.2.1, which is not an address of this machine"),
                "domains", "a.test", "httpsAddress", "192.0.2.1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"autocert-status", "/status/*", "/status?x=1", "/a b"})
    void statusPathMustBeAnExactPath(String path) {
        rejected("statusPath", List.of("is not a path starting with '/' without '*'"), "domains", "a.test", "statusPath", path);
    }

    @Test
    void statusSettings() throws ConfigException {
        AutocertConfig c = parse("domains", "a.test", "statusPath", "/.well-known/autocert-status", "statusRole", " ops ");
        assertThat(c.statusPath()).contains("/.well-known/autocert-status");
        assertThat(c.statusRole()).contains("ops");
        assertThat(parse("domains", "a.test").statusPath()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"retryDelay", "renewBefore", "dnsHookTimeout", "dnsPropagationTimeout", "dnsPropagationDelay"})
    void durationsCannotOverflowTheClock(String setting) {
        rejected(setting, List.of("is longer than 3650 days"), "domains", "a.test", setting, "9223372036854775807s");
    }

    @Test
    void anAddressAtLetsEncryptWithoutTheShortlivedProfileIsWarnedAbout() throws ConfigException {
        assertThat(parse("domains", "example.com;203.0.113.5", "directory", "letsencrypt").ineffective(Adapter.TOMCAT))
                .singleElement().asString().contains("203.0.113.5").contains("profile=\"shortlived\"");
        assertThat(parse("domains", "203.0.113.5", "directory", "letsencrypt-staging", "profile", "shortlived")
                .ineffective(Adapter.JETTY)).isEmpty();
        assertThat(parse("domains", "203.0.113.5", "directory", "https://ca.test/dir").ineffective(Adapter.TOMCAT))
                .as("another CA may certify addresses under any profile").isEmpty();
        assertThat(parse("domains", "example.com", "directory", "letsencrypt").ineffective(Adapter.TOMCAT)).isEmpty();
    }

    @Test
    void maxConcurrentOrdersBeyondAnInt() {
        rejected("maxConcurrentOrders", List.of("whole number above 0", "maxConcurrentOrders=\"8\""),
                "domains", "a.test", "maxConcurrentOrders", "99999999999");
    }

    @Test
    void aDatabaseOtherThanPostgresqlIsRejected() {
        rejected("storage", List.of("database Autocert cannot use", "jdbc:postgresql://"), "domains", "a.test",
                "storage", "jdbc:mysql://db/ac");
    }

    @Test
    void aPostgresqlStorageKeepsTheLocalFolderForFileCopies(@TempDir Path tmp) throws Exception {
        AutocertConfig c = AutocertConfig.parse(Map.of("domains", "a.test", "storage", "jdbc:postgresql://db:5432/ac",
                "storageUser", "ac", "storagePassword", "pw", "storageKey", Base64.getEncoder().encodeToString(new byte[32])),
                tmp.resolve("default-store"));
        assertThat(c.storageUrl()).contains("jdbc:postgresql://db:5432/ac");
        assertThat(c.storage()).isEqualTo(tmp.resolve("default-store"));
        assertThat(c.storageUser()).contains("ac");
        assertThat(c.storagePassword()).contains("pw");
        assertThat(c.storageKey()).hasValueSatisfying(k -> assertThat(k).hasSize(32));
        assertThat(c.storageLeaseTime()).isEqualTo(Duration.ofMinutes(2));
        assertThat(AutocertConfig.parse(Map.of("domains", "a.test", "storage", "jdbc:postgresql://db/ac", "storageLeaseTime", "6s"),
                tmp).storageLeaseTime()).isEqualTo(Duration.ofSeconds(6));
    }

    @Test
    void aJndiNameInStorageNamesTheContainersDataSource(@TempDir Path tmp) throws Exception {
        AutocertConfig c = AutocertConfig.parse(Map.of("domains", "a.test", "storage", "java:comp/env/jdbc/autocert",
                "storageLeaseTime", "30s"), tmp.resolve("default-store"));
        assertThat(c.storageDataSource()).contains("java:comp/env/jdbc/autocert");
        assertThat(c.storageUrl()).isEmpty();
        assertThat(c.storage()).isEqualTo(tmp.resolve("default-store"));
        assertThat(AutocertConfig.parse(Map.of("domains", "a.test", "storage", "jdbc:postgresql://db/ac"), tmp)
                .storageDataSource()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"java:", "java:comp/env/"})
    void aJndiPrefixWithoutANameIsRejected(String storage) {
        rejected("storage", List.of("database Autocert cannot use", "java:comp/env/jdbc/autocert"), "domains", "a.test",
                "storage", storage);
    }

    @Test
    void theStorageKeyIsReadFromAFile(@TempDir Path tmp) throws Exception {
        Path key = tmp.resolve("storage.key");
        Files.writeString(key, Base64.getEncoder().encodeToString(new byte[16]) + "\n");
        AutocertConfig c = AutocertConfig.parse(Map.of("domains", "a.test", "storage", "jdbc:postgresql://db/ac",
                "storageKey", key.toString()), tmp);
        assertThat(c.storageKey()).hasValueSatisfying(k -> assertThat(k).hasSize(16));
    }

    @Test
    void aStorageKeyOfTheWrongLengthNamesTheCommandThatMakesOne() {
        rejected("storageKey", List.of("16, 24 or 32 byte", "openssl rand -base64 32"), "domains", "a.test",
                "storage", "jdbc:postgresql://db/ac", "storageKey", Base64.getEncoder().encodeToString(new byte[7]));
    }

    @Test
    void databaseSettingsWithAFolderStoreAreAnError() {
        rejected("storagePassword", List.of("storage is a folder", "jdbc:postgresql://"), "domains", "a.test",
                "storagePassword", "pw");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "four", "1.5"})
    void maxConcurrentOrdersMustBePositiveInteger(String value) {
        rejected("maxConcurrentOrders", List.of("whole number above 0"),
                "domains", "a.test", "maxConcurrentOrders", value);
    }

    @Test
    void defaults() throws ConfigException {
        AutocertConfig c = parse("domains", "a.test");
        assertThat(c.keyType()).isEqualTo(KeyType.EC256);
        assertThat(c.directory()).isEqualTo(URI.create(AutocertConfig.LETSENCRYPT));
        assertThat(c.storage()).isEqualTo(tmp.resolve("default-store"));
        assertThat(c.keystorePassword()).isEqualTo("changeit");
        assertThat(c.maxConcurrentOrders()).isEqualTo(8);
        assertThat(c.acceptTerms()).isFalse();
        assertThat(c.challenges()).isEmpty();
        assertThat(c.retryDelay()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.renewBefore()).isEmpty();
        assertThat(c.email()).isEmpty();
        assertThat(c.caTrust()).isEmpty();
        assertThat(c.authorities()).singleElement().satisfies(ca -> assertThat(ca.kid()).isEmpty());
        assertThat(c.caFailoverAfter()).isEqualTo(3);
        assertThat(c.profile()).isEmpty();
    }

    @Test
    void explicitValuesAndCaseInsensitiveKeys() throws ConfigException {
        Path store = tmp.resolve("store");
        AutocertConfig c = parse("DOMAINS", "a.test", "Storage", store.toString(), "keystorepassword", "s3cret",
                "maxConcurrentOrders", "2", "profile", "shortlived");
        assertThat(c.storage()).isEqualTo(store);
        assertThat(c.keystorePassword()).isEqualTo("s3cret");
        assertThat(c.maxConcurrentOrders()).isEqualTo(2);
        assertThat(c.profile()).contains("shortlived");
    }

    @Test
    void aStatusRoleWithoutAPathIsNamedInEachAdaptersSpelling() throws Exception {
        AutocertConfig roleOnly = AutocertConfig.parse(Map.of("domains", "a.test", "statusRole", "ops"), Path.of("store"));
        assertThat(roleOnly.ineffective(Adapter.TOMCAT)).containsExactly(
                "statusRole 'ops' has no effect without statusPath: set statusPath=/.well-known/autocert-status to publish the status page");
        assertThat(roleOnly.ineffective(Adapter.JETTY)).singleElement().asString()
                .startsWith("jetty.autocert.statusRole 'ops' has no effect without jetty.autocert.statusPath: set jetty.autocert.statusPath=");
        assertThat(roleOnly.ineffective(Adapter.WAR)).singleElement().asString().startsWith("autocert.statusRole 'ops'");
        AutocertConfig both = AutocertConfig.parse(Map.of("domains", "a.test", "statusRole", "ops", "statusPath", "/s"), Path.of("store"));
        assertThat(both.ineffective(Adapter.TOMCAT)).isEmpty();
    }
}
