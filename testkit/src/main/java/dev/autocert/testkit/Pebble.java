package dev.autocert.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;

/**
 * A running Let's Encrypt Pebble ACME test CA plus its {@code pebble-challtestsrv} DNS server, both bound to
 * 127.0.0.1 on free ports. Every DNS A query answers 127.0.0.1 (see {@link Builder#dnsDefaultIPv4(String)}), so
 * Pebble validates HTTP-01 and TLS-ALPN-01 against the container under test on {@link Builder#httpPort(int)} and
 * {@link Builder#tlsPort(int)}. Pebble's own HTTPS listener uses a {@link TestCa} leaf; clients under test trust
 * {@link #caTrustPem()}. Start with {@code Pebble.builder()....start()}; close to stop both processes.
 */
public final class Pebble implements AutoCloseable {

    /** System property naming a folder holding {@code pebble} and {@code pebble-challtestsrv}. */
    public static final String BIN_PROPERTY = "autocert.pebble.bin";
    /** System property set by the parent POM to {@code <repo>/.tools}; Pebble is looked up under {@code pebble/usr/bin}. */
    public static final String TOOLS_PROPERTY = "autocert.tools";

    /** Name of the profile added by {@link Builder#shortlivedProfile()}. */
    public static final String SHORTLIVED = "shortlived";

    private static final String NOT_FOUND = "Pebble not found: run scripts/fetch-pebble.sh";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final Pattern STATUS = Pattern.compile("\"Status\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern RELEASE = Pattern.compile("(\\d+\\.\\d+\\.\\d+)");

    private final Builder config;
    private final Path binDir;
    private final Path workDir;
    private final TestCa testCa;
    private final HttpClient http;
    private final int acmePort = FreePorts.take();
    private final int managementPort = FreePorts.take();
    private final int dnsPort = FreePorts.take();
    private final int challtestsrvManagementPort = FreePorts.take();
    private ManagedProcess challtestsrv;
    private ManagedProcess pebble;

    private Pebble(Builder config) {
        this.config = config;
        this.binDir = config.binDir != null ? checkedBinDir(config.binDir) : findBinDir();
        this.workDir = config.workDir != null ? config.workDir
                : Paths.get("target", "pebble", "pebble-" + INSTANCES.incrementAndGet());
        this.testCa = TestCa.create();
        this.http = HttpClient.newBuilder()
                .sslContext(Trust.clientContext(List.of(testCa.caCertificate())))
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** A builder with defaults: free ports for HTTP-01/TLS-ALPN-01 and one 90-day profile named "default". */
    public static Builder builder() {
        return new Builder();
    }

    /** Configures and starts a {@link Pebble}. */
    public static final class Builder {
        private int httpPort = -1;
        private int tlsPort = -1;
        private final Map<String, String[]> profiles = new LinkedHashMap<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private Path workDir;
        private Path binDir;
        private String dnsDefaultIPv4 = "127.0.0.1";
        private int retryAfterAuthz = 1;
        private int retryAfterOrder = 1;
        private String dnsServer;
        private final Map<String, String> eabKeys = new LinkedHashMap<>();

        /** Adds the {@code shortlived} profile (160 s certificates, like Let's Encrypt's); see {@link #profile}. */
        public Builder shortlivedProfile() {
            return profile(SHORTLIVED, "Autocert test short-lived profile", Duration.ofSeconds(160));
        }

        private Builder() {
            profile("default", "Autocert test default profile", Duration.ofDays(90));
            env.put("PEBBLE_VA_NOSLEEP", "1");
            env.put("PEBBLE_WFE_NONCEREJECT", "0");
            env.put("PEBBLE_AUTHZREUSE", "0");
        }

        /** The port Pebble's validator connects to for HTTP-01 (the container-under-test's HTTP port). */
        public Builder httpPort(int port) {
            this.httpPort = port;
            return this;
        }

        /** The port Pebble's validator connects to for TLS-ALPN-01 (the container-under-test's HTTPS port). */
        public Builder tlsPort(int port) {
            this.tlsPort = port;
            return this;
        }

        /**
         * Lifetime of certificates from the {@code default} profile (whole seconds; default 90 days). While it is
         * the only profile, every order without a profile gets it.
         */
        public Builder validityPeriod(Duration validity) {
            return profile("default", "Autocert test default profile", validity);
        }

        /**
         * Adds or replaces a certificate profile (Pebble 2.7+). Beware: once there is more than one profile, Pebble
         * gives each order that names no profile a <em>random</em> one, so its lifetime is no longer predictable.
         */
        public Builder profile(String name, String description, Duration validity) {
            if (validity.getSeconds() < 1) {
                throw new IllegalArgumentException("validity must be at least 1 s: " + validity);
            }
            profiles.put(name, new String[] {description, Long.toString(validity.getSeconds())});
            return this;
        }

        /**
         * Adds or overrides an environment variable of the pebble process. Defaults: {@code PEBBLE_VA_NOSLEEP=1},
         * {@code PEBBLE_WFE_NONCEREJECT=0}, {@code PEBBLE_AUTHZREUSE=0}.
         */
        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        /** Folder for config, certificates and logs (default {@code target/pebble/pebble-<n>}). */
        public Builder workDir(Path dir) {
            this.workDir = dir;
            return this;
        }

        /** Folder holding the binaries; overrides the lookup described at {@link Pebble#findBinDir()}. */
        public Builder binDir(Path dir) {
            this.binDir = dir;
            return this;
        }

        /**
         * Points Pebble's validator ({@code -dnsserver}) at another DNS server, e.g. a {@link Bind} on
         * {@code "127.0.0.1:" + bind.port()}, instead of its own challtestsrv. challtestsrv is then not started,
         * and the methods that drive it ({@link Pebble#setTxtRecord}, {@link Pebble#addARecord}, ...) throw.
         * Default: challtestsrv, answering 127.0.0.1 for every name.
         */
        public Builder dnsServer(String hostPort) {
            this.dnsServer = hostPort;
            return this;
        }

        /** The address every DNS A query is answered with (default 127.0.0.1). */
        public Builder dnsDefaultIPv4(String ip) {
            this.dnsDefaultIPv4 = ip;
            return this;
        }

        /**
         * Retry-After seconds Pebble sends for pending authorizations and processing orders (default 1 each; 0
         * makes Pebble send no Retry-After header at all).
         */
        public Builder retryAfter(int authzSeconds, int orderSeconds) {
            this.retryAfterAuthz = authzSeconds;
            this.retryAfterOrder = orderSeconds;
            return this;
        }

        /**
         * Makes Pebble accept only accounts bound to an external account (RFC 8555 §7.3.4), and knows this one.
         *
         * @param kid        the key identifier
         * @param hmacBase64 the MAC key, base64url without padding
         */
        public Builder externalAccount(String kid, String hmacBase64) {
            eabKeys.put(kid, hmacBase64);
            return this;
        }

        /** Starts challtestsrv and pebble and waits until the ACME directory answers. */
        public Pebble start() {
            if (httpPort < 0) {
                httpPort = FreePorts.take();
            }
            if (tlsPort < 0) {
                tlsPort = FreePorts.take();
            }
            Pebble p = new Pebble(this);
            p.start();
            return p;
        }
    }

    private void start() {
        try {
            Files.createDirectories(workDir);
            testCa.writeTo(workDir);
            Path configFile = workDir.resolve("pebble-config.json");
            Files.writeString(configFile, configJson(), StandardCharsets.UTF_8);

            if (config.dnsServer == null) {
                challtestsrv = ManagedProcess.start("pebble-challtestsrv", challtestsrvCommand(), Map.of(), workDir);
                challtestsrv.waitForPort("127.0.0.1", challtestsrvManagementPort, START_TIMEOUT);
                challtestsrv.waitForPort("127.0.0.1", dnsPort, START_TIMEOUT);
            }

            List<String> cmd = List.of(binDir.resolve("pebble").toString(),
                    "-config", configFile.toAbsolutePath().toString(),
                    "-dnsserver", config.dnsServer != null ? config.dnsServer : "127.0.0.1:" + dnsPort);
            pebble = ManagedProcess.start("pebble", cmd, config.env, workDir);
            pebble.waitForPort("127.0.0.1", acmePort, START_TIMEOUT);
            awaitDirectory();
        } catch (IOException e) {
            stop();
            throw new UncheckedIOException("cannot start Pebble in " + workDir, e);
        } catch (RuntimeException | Error e) {
            stop();
            throw e;
        }
    }

    private List<String> challtestsrvCommand() {
        String help = run(List.of(binDir.resolve("pebble-challtestsrv").toString(), "-h"));
        List<String> cmd = new ArrayList<>();
        cmd.add(binDir.resolve("pebble-challtestsrv").toString());
        // Pebble 2.10 calls the DNS listener -dnsserver; older builds called it -dns01
        cmd.add(help.contains("-dnsserver") ? "-dnsserver" : "-dns01");
        cmd.add("127.0.0.1:" + dnsPort);
        for (String disabled : List.of("-http01", "-https01", "-tlsalpn01", "-doh")) {
            if (help.contains(disabled + " ")) {
                cmd.add(disabled);
                cmd.add("");
            }
        }
        cmd.addAll(List.of("-management", "127.0.0.1:" + challtestsrvManagementPort,
                "-defaultIPv4", config.dnsDefaultIPv4, "-defaultIPv6", ""));
        return cmd;
    }

    private String configJson() {
        StringBuilder profilesJson = new StringBuilder();
        for (Map.Entry<String, String[]> e : config.profiles.entrySet()) {
            if (profilesJson.length() > 0) {
                profilesJson.append(",\n");
            }
            profilesJson.append("      ").append(json(e.getKey())).append(": {\"description\": ")
                    .append(json(e.getValue()[0])).append(", \"validityPeriod\": ").append(e.getValue()[1])
                    .append('}');
        }
        String[] defaultProfile = config.profiles.get("default");
        return "{\n  \"pebble\": {\n"
                + "    \"listenAddress\": " + json("127.0.0.1:" + acmePort) + ",\n"
                + "    \"managementListenAddress\": " + json("127.0.0.1:" + managementPort) + ",\n"
                + "    \"certificate\": " + json(workDir.resolve(TestCa.CERT_PEM).toAbsolutePath().toString()) + ",\n"
                + "    \"privateKey\": " + json(workDir.resolve(TestCa.KEY_PEM).toAbsolutePath().toString()) + ",\n"
                + "    \"httpPort\": " + config.httpPort + ",\n"
                + "    \"tlsPort\": " + config.tlsPort + ",\n"
                + "    \"ocspResponderURL\": \"\",\n"
                + "    \"externalAccountBindingRequired\": " + !config.eabKeys.isEmpty() + ",\n"
                + "    \"externalAccountMACKeys\": {" + config.eabKeys.entrySet().stream()
                        .map(e -> json(e.getKey()) + ": " + json(e.getValue())).collect(Collectors.joining(", "))
                + "},\n"
                + "    \"retryAfter\": {\"authz\": " + config.retryAfterAuthz + ", \"order\": "
                + config.retryAfterOrder + "},\n"
                + "    \"keyAlgorithm\": \"ecdsa\",\n"
                // ignored by Pebble >= 2.7 (profiles win); honoured by older builds such as Debian stable's 2.4
                + (defaultProfile != null ? "    \"certificateValidityPeriod\": " + defaultProfile[1] + ",\n" : "")
                + "    \"profiles\": {\n" + profilesJson + "\n    }\n"
                + "  }\n}\n";
    }

    private void awaitDirectory() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (!pebble.isAlive()) {
                throw new IllegalStateException("pebble exited during start\n" + pebble.logTail(40));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(directoryUrl()))
                        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("newOrder")) {
                    return;
                }
                last = new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
            } catch (IOException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Pebble", e);
            }
            Commands.sleep(100);
        }
        throw new IllegalStateException("Pebble directory " + directoryUrl() + " did not answer: " + last + "\n"
                + pebble.logTail(40), last);
    }

    /**
     * Where the binaries are: system property {@code autocert.pebble.bin}, then {@code <autocert.tools>/pebble/usr/bin},
     * then {@code .tools/pebble/usr/bin} in the working folder or a parent, then {@code /usr/bin}, then {@code PATH}.
     *
     * @throws IllegalStateException "Pebble not found: run scripts/fetch-pebble.sh" if none has both binaries
     */
    public static Path findBinDir() {
        List<Path> candidates = new ArrayList<>();
        String bin = System.getProperty(BIN_PROPERTY);
        if (bin != null && !bin.isBlank()) {
            candidates.add(Paths.get(bin));
        }
        String tools = System.getProperty(TOOLS_PROPERTY);
        if (tools != null && !tools.isBlank()) {
            candidates.add(Paths.get(tools, "pebble", "usr", "bin"));
        }
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            candidates.add(dir.resolve(".tools/pebble/usr/bin"));
        }
        candidates.add(Paths.get("/usr/bin"));
        candidates.addAll(Commands.searchPath());
        for (Path dir : candidates) {
            if (hasBinaries(dir)) {
                return dir.toAbsolutePath();
            }
        }
        throw new IllegalStateException(NOT_FOUND + " (looked in " + candidates + ")");
    }

    private static boolean hasBinaries(Path dir) {
        return Files.isExecutable(dir.resolve("pebble")) && Files.isExecutable(dir.resolve("pebble-challtestsrv"));
    }

    private static Path checkedBinDir(Path dir) {
        if (!hasBinaries(dir)) {
            throw new IllegalStateException(NOT_FOUND + " (no pebble and pebble-challtestsrv in " + dir + ")");
        }
        return dir.toAbsolutePath();
    }

    /**
     * What {@code pebble -version} prints, plus the Debian package version when the build says "dev" (Debian's
     * builds do), e.g. {@code "Pebble version: dev (Debian package 2.10.0+ds1-2)"}.
     */
    public String version() {
        return version(binDir);
    }

    /** {@link #version()} of the binaries found by {@link #findBinDir()}. */
    public static String version(Path binDir) {
        String out = run(List.of(binDir.resolve("pebble").toString(), "-version")).trim();
        String firstLine = out.lines().findFirst().orElse("");
        if (!RELEASE.matcher(firstLine).find()) {
            String pkg = debianPackageVersion(binDir);
            if (pkg != null) {
                return firstLine + " (Debian package " + pkg + ")";
            }
        }
        return firstLine;
    }

    /** The release number such as {@code "2.10.0"} taken from {@link #version()}, or {@code "unknown"}. */
    public String releaseVersion() {
        Matcher m = RELEASE.matcher(version());
        return m.find() ? m.group(1) : "unknown";
    }

    private static String debianPackageVersion(Path binDir) {
        Path changelog = binDir.getParent() == null ? null
                : binDir.getParent().resolve("share/doc/pebble/changelog.Debian.gz");
        if (changelog == null || !Files.isRegularFile(changelog)) {
            return null;
        }
        try (InputStream in = new GZIPInputStream(Files.newInputStream(changelog))) {
            String first = new String(in.readNBytes(200), StandardCharsets.UTF_8).lines().findFirst().orElse("");
            Matcher m = Pattern.compile("^pebble \\(([^)]+)\\)").matcher(first);
            return m.find() ? m.group(1) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The ACME directory URL, {@code https://127.0.0.1:<port>/dir}. */
    public String directoryUrl() {
        return "https://127.0.0.1:" + acmePort + "/dir";
    }

    /** The ACME directory document as Pebble serves it (JSON). */
    public String directoryJson() {
        URI uri = URI.create(directoryUrl());
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + uri + " -> HTTP " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    /** PEM file of the CA that issued Pebble's HTTPS certificate: the extra trust for the client under test. */
    public Path caTrustPem() {
        return workDir.resolve(TestCa.CA_PEM).toAbsolutePath();
    }

    /** The {@link TestCa} whose leaf Pebble's HTTPS listeners use. */
    public TestCa testCa() {
        return testCa;
    }

    /** Pebble's current issuing root(s), from the management interface's {@code /roots/0}. */
    public List<X509Certificate> roots() {
        return Pem.certificates(managementGet("/roots/0", true));
    }

    /** Pebble's intermediate chain, from the management interface's {@code /intermediates/0}. */
    public List<X509Certificate> intermediates() {
        return Pem.certificates(managementGet("/intermediates/0", true));
    }

    /**
     * Pebble's view of an issued certificate: {@code "Valid"} or {@code "Revoked"}, or {@code null} if Pebble
     * did not issue that serial.
     */
    public String certificateStatus(BigInteger serial) {
        String body = managementGet("/cert-status-by-serial/" + serial.toString(16), false);
        if (body == null) {
            return null;
        }
        Matcher m = STATUS.matcher(body);
        if (!m.find()) {
            throw new IllegalStateException("no Status in cert-status-by-serial answer: " + body);
        }
        return m.group(1);
    }

    /**
     * Pebble's renewal window (ARI) for a certificate it issued, as any client reads it (no account needed).
     *
     * @param certId the certificate's ARI id, {@code base64url(AKI keyIdentifier) "." base64url(serial)}
     * @return the JSON answer, e.g. {@code {"suggestedWindow": {"start": "...", "end": "..."}}}
     */
    public String renewalInfo(String certId) {
        URI uri = URI.create("https://127.0.0.1:" + acmePort + "/draft-ietf-acme-ari-03/renewalInfo/" + certId);
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + uri + " -> HTTP " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    /**
     * Makes Pebble answer {@code renewalWindowJson} for the certificate's renewal information from now on, e.g. a
     * window in the past: "renew now", as before a mass revocation.
     *
     * @param certificate       a certificate Pebble issued
     * @param renewalWindowJson the ARI answer, e.g. {@code {"suggestedWindow": {"start": "...", "end": "..."}}}
     */
    public void setRenewalInfo(X509Certificate certificate, String renewalWindowJson) {
        String body = "{\"Certificate\": " + json(Pem.encode(certificate)) + ", \"ARIResponse\": " + json(renewalWindowJson) + "}";
        URI uri = URI.create("https://127.0.0.1:" + managementPort + "/set-renewal-info/");
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("POST " + uri + " -> HTTP " + r.statusCode() + ": " + r.body());
        }
    }

    /** Changes the address every DNS A query without a more specific record is answered with. */
    public void setDefaultIPv4(String ip) {
        challtestsrvPost("/set-default-ipv4", "{\"ip\": " + json(ip) + "}");
    }

    /** Adds A records for {@code host} (more specific than the default address). */
    public void addARecord(String host, String... ips) {
        StringBuilder list = new StringBuilder();
        for (String ip : ips) {
            list.append(list.length() == 0 ? "" : ", ").append(json(ip));
        }
        challtestsrvPost("/add-a", "{\"host\": " + json(host) + ", \"addresses\": [" + list + "]}");
    }

    /** Removes the A records added for {@code host}. */
    public void clearARecord(String host) {
        challtestsrvPost("/clear-a", "{\"host\": " + json(host) + "}");
    }

    /** Sets a TXT record, e.g. {@code _acme-challenge.a.test} for DNS-01. */
    public void setTxtRecord(String host, String value) {
        challtestsrvPost("/set-txt", "{\"host\": " + json(host) + ", \"value\": " + json(value) + "}");
    }

    /** Removes the TXT records of {@code host}. */
    public void clearTxtRecord(String host) {
        challtestsrvPost("/clear-txt", "{\"host\": " + json(host) + "}");
    }

    /** Port of Pebble's ACME (HTTPS) listener. */
    public int acmePort() {
        return acmePort;
    }

    /** Port of Pebble's management (HTTPS) listener. */
    public int managementPort() {
        return managementPort;
    }

    /** The DNS server Pebble's validator asks, {@code host:port}: challtestsrv's or {@link Builder#dnsServer}. */
    public String dnsServer() {
        return config.dnsServer != null ? config.dnsServer : "127.0.0.1:" + dnsPort;
    }

    /** Port of challtestsrv's DNS server (UDP and TCP), used by Pebble's validator unless {@link Builder#dnsServer} is set. */
    public int dnsPort() {
        return dnsPort;
    }

    /** Port of challtestsrv's management (HTTP) interface. */
    public int challtestsrvManagementPort() {
        return challtestsrvManagementPort;
    }

    /** The HTTP-01 validation port configured. */
    public int httpPort() {
        return config.httpPort;
    }

    /** The TLS-ALPN-01 validation port configured. */
    public int tlsPort() {
        return config.tlsPort;
    }

    /** The folder with config, certificates and logs. */
    public Path workDir() {
        return workDir;
    }

    /**
     * @return how many orders Pebble accepted so far (its log's {@code Added order} lines): what a CA's
     *         new-orders rate limit counts
     */
    public int ordersPlaced() {
        return countLog("Added order \"");
    }

    /** @return how many authorizations a validation made invalid so far (its log's {@code set INVALID} lines) */
    public int validationsFailed() {
        return countLog(" set INVALID");
    }

    private int countLog(String marker) {
        try {
            return (int) Files.readAllLines(pebble.logFile(), StandardCharsets.UTF_8).stream()
                    .filter(l -> l.contains(marker)).count();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Pebble's log " + pebble.logFile(), e);
        }
    }

    /** The pebble process (pid, log). */
    public ManagedProcess pebbleProcess() {
        return pebble;
    }

    /** The pebble-challtestsrv process (pid, log). */
    public ManagedProcess challtestsrvProcess() {
        return challtestsrv;
    }

    /** Stops pebble and challtestsrv (by PID, descendants too). Safe to call more than once. */
    public void stop() {
        if (pebble != null) {
            pebble.stop();
        }
        if (challtestsrv != null) {
            challtestsrv.stop();
        }
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    private String managementGet(String path, boolean required) {
        URI uri = URI.create("https://127.0.0.1:" + managementPort + path);
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build());
        if (r.statusCode() == 404 && !required) {
            return null;
        }
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + uri + " -> HTTP " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    private void challtestsrvPost(String path, String jsonBody) {
        if (config.dnsServer != null) {
            throw new IllegalStateException("challtestsrv is not running: this Pebble asks the DNS server "
                    + config.dnsServer + " (Builder.dnsServer)");
        }
        URI uri = URI.create("http://127.0.0.1:" + challtestsrvManagementPort + path);
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(jsonBody)).build());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("POST " + uri + " " + jsonBody + " -> HTTP " + r.statusCode() + ": "
                    + r.body());
        }
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Runs a short command (10 s at most) and returns its combined output, whatever the exit code. */
    private static String run(List<String> command) {
        return Commands.run(command, null, Duration.ofSeconds(10), null).output();
    }

    static String json(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

}
