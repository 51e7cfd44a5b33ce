package dev.autocert.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real authoritative DNS server for tests: BIND 9's {@code named} from Debian, in the foreground on
 * 127.0.0.1 at a free port, with generated primary zones in its work folder (default
 * {@code target/bind/bind-<n>}) and one TSIG key (hmac-sha256) that may update TXT records anywhere in them
 * (RFC 2136). Each zone has {@code NS ns.<zone>}, and {@code A 127.0.0.1} for {@code ns}, the apex and every
 * other name. Point {@link Pebble.Builder#dnsServer(String)} at {@link #address()}. Stopped by PID.
 *
 * <pre>{@code
 * try (Bind bind = Bind.builder().zone("wild.test").start()) { ... bind.txt("_acme-challenge.wild.test") ... }
 * }</pre>
 *
 * Needs the Debian packages {@code bind9} ({@code named}) and {@code bind9-dnsutils} ({@code dig}, {@code nsupdate});
 * without them {@link Builder#start()} fails saying so.
 */
public final class Bind implements AutoCloseable {

    /** The packages to install when BIND is missing. */
    public static final String PACKAGES = "bind9 bind9-dnsutils";
    /** System property naming the {@code named} executable, overriding the look-up. */
    public static final String NAMED_PROPERTY = "autocert.named";

    private static final String NOT_FOUND = "BIND's named not found: install the Debian packages " + PACKAGES
            + " (apt-get install -y " + PACKAGES + ")";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final java.util.regex.Pattern RUNNING = java.util.regex.Pattern.compile("(?m) running$");

    private final List<String> zones;
    private final List<String> records;
    private final Path workDir;
    private final int port = FreePorts.take();
    private final String keyName;
    private final String keySecret;
    private final Path named;
    private ManagedProcess process;

    private Bind(Builder b) {
        if (b.zones.isEmpty()) {
            throw new IllegalArgumentException("give at least one zone: Bind.builder().zone(\"example.test\")");
        }
        this.zones = List.copyOf(b.zones);
        this.records = List.copyOf(b.records);
        this.workDir = (b.workDir != null ? b.workDir : Paths.get("target", "bind", "bind-" + INSTANCES.incrementAndGet()))
                .toAbsolutePath();
        this.keyName = b.keyName;
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.keySecret = Base64.getEncoder().encodeToString(secret);
        this.named = findExecutable("named", System.getProperty(NAMED_PROPERTY));
    }

    /** @return a builder; add at least one zone */
    public static Builder builder() {
        return new Builder();
    }

    /** Configures and starts a {@link Bind}. */
    public static final class Builder {
        private final List<String> zones = new ArrayList<>();
        private final List<String> records = new ArrayList<>();
        private Path workDir;
        private String keyName = "autocert-test-key";

        private Builder() {
        }

        /** Adds a primary zone, e.g. {@code wild.test}. */
        public Builder zone(String name) {
            zones.add(name.endsWith(".") ? name.substring(0, name.length() - 1) : name);
            return this;
        }

        /**
         * Adds a record to the zone files (the key may only update TXT records, as a DNS-01 key should).
         *
         * @param name  a name without trailing dot, inside a zone
         * @param type  the record type, e.g. {@code AAAA}
         * @param value the record data in zone-file syntax, e.g. {@code ::1}
         * @return this builder
         */
        public Builder record(String name, String type, String value) {
            records.add(name + ".\tIN\t" + type + "\t" + value + "\n");
            return this;
        }

        /** Folder for named.conf, zone files, journals, the key file and the log. */
        public Builder workDir(Path dir) {
            this.workDir = dir;
            return this;
        }

        /** Name of the TSIG key (default {@code autocert-test-key}). */
        public Builder keyName(String name) {
            this.keyName = name;
            return this;
        }

        /** Writes the configuration and starts {@code named}; returns when it answers. */
        public Bind start() {
            Bind bind = new Bind(this);
            bind.start();
            return bind;
        }
    }

    private void start() {
        try {
            Files.createDirectories(workDir);
            Files.writeString(workDir.resolve("tsig.key"), keyStatement(), StandardCharsets.US_ASCII);
            for (String zone : zones) {
                Path file = workDir.resolve(zone + ".zone");
                Files.deleteIfExists(workDir.resolve(zone + ".zone.jnl"));
                Files.writeString(file, zoneFile(zone, records), StandardCharsets.US_ASCII);
            }
            Path conf = workDir.resolve("named.conf");
            Files.writeString(conf, namedConf(), StandardCharsets.US_ASCII);
            List<String> cmd = List.of(named.toString(), "-g", "-4", "-c", conf.toString(), "-p", Integer.toString(port));
            process = ManagedProcess.start("named", cmd, Map.of(), workDir);
            awaitRunning();
        } catch (IOException e) {
            stop();
            throw new UncheckedIOException("cannot start named in " + workDir, e);
        } catch (RuntimeException | Error e) {
            stop();
            throw e;
        }
    }

    private void awaitRunning() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            String log = process.logTail(200);
            if (!process.isAlive()) {
                throw new IllegalStateException("named exited during start" + hint(log) + "\n" + log);
            }
            if (RUNNING.matcher(log).find()) {
                process.waitForPort("127.0.0.1", port, START_TIMEOUT);
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("named did not start within " + START_TIMEOUT + hint(log) + "\n" + log);
            }
            Commands.sleep(50);
        }
    }

    private static String hint(String log) {
        return log.contains("ermission denied")
                ? " (permission denied: on hosts with AppArmor, /usr/sbin/named may only read /etc/bind and /var/cache/bind;"
                        + " set -D" + NAMED_PROPERTY + " to an unconfined copy of named)"
                : "";
    }

    private String keyStatement() {
        return "key \"" + keyName + "\" {\n\talgorithm hmac-sha256;\n\tsecret \"" + keySecret + "\";\n};\n";
    }

    private static String zoneFile(String zone, List<String> records) {
        String own = records.stream().filter(r -> r.startsWith(zone + ".\t") || r.contains("." + zone + ".\t"))
                .collect(Collectors.joining());
        return "$TTL 60\n"
                + "@\tIN\tSOA\tns." + zone + ". hostmaster." + zone + ". 1 3600 600 86400 1\n"
                + "@\tIN\tNS\tns." + zone + ".\n"
                + "@\tIN\tA\t127.0.0.1\n"
                + "ns\tIN\tA\t127.0.0.1\n"
                + "*\tIN\tA\t127.0.0.1\n"
                + own;
    }

    private String namedConf() {
        StringBuilder sb = new StringBuilder();
        sb.append("options {\n")
                .append("\tdirectory \"").append(workDir).append("\";\n")
                .append("\tpid-file \"").append(workDir.resolve("named.pid")).append("\";\n")
                .append("\tsession-keyfile \"").append(workDir.resolve("session.key")).append("\";\n")
                .append("\tmanaged-keys-directory \"").append(workDir).append("\";\n")
                .append("\tlisten-on port ").append(port).append(" { 127.0.0.1; };\n")
                .append("\tlisten-on-v6 { none; };\n")
                .append("\trecursion no;\n")
                .append("\tdnssec-validation no;\n")
                .append("\tnotify no;\n")
                .append("\tallow-query { any; };\n")
                .append("};\n")
                .append("controls { };\n")
                .append("include \"").append(workDir.resolve("tsig.key")).append("\";\n");
        for (String zone : zones) {
            sb.append("zone \"").append(zone).append("\" {\n")
                    .append("\ttype primary;\n")
                    .append("\tfile \"").append(zone).append(".zone\";\n")
                    .append("\tupdate-policy { grant ").append(keyName).append(" zonesub TXT; };\n")
                    .append("};\n");
        }
        return sb.toString();
    }

    /** @return the port named listens on (UDP and TCP, 127.0.0.1) */
    public int port() {
        return port;
    }

    /** @return {@code 127.0.0.1:<port>}, for {@code rfc2136Server}, {@code dnsResolver} and {@link Pebble.Builder#dnsServer} */
    public String address() {
        return "127.0.0.1:" + port;
    }

    /** @return the zones served */
    public List<String> zones() {
        return zones;
    }

    /** @return the TSIG key's name */
    public String keyName() {
        return keyName;
    }

    /** @return the TSIG key's algorithm, {@code hmac-sha256} */
    public String keyAlgorithm() {
        return "hmac-sha256";
    }

    /** @return the TSIG key's secret, base64 */
    public String keySecret() {
        return keySecret;
    }

    /** @return the key file ({@code key "name" { algorithm ...; secret "..."; };}), as tsig-keygen writes it */
    public Path keyFile() {
        return workDir.resolve("tsig.key");
    }

    /** @return the work folder */
    public Path workDir() {
        return workDir;
    }

    /** @return the named process (pid, log) */
    public ManagedProcess process() {
        return process;
    }

    /**
     * Asks this server (with {@code dig}) for the TXT records at {@code name}.
     *
     * @param name a name without trailing dot
     * @return the TXT values (the strings of one record joined), empty when there are none
     */
    public List<String> txt(String name) {
        String out = run(List.of(findExecutable("dig", null).toString(), "+short", "+norecurse", "+time=2", "+tries=2",
                "-p", Integer.toString(port), "@127.0.0.1", name + ".", "TXT"), null);
        List<String> values = new ArrayList<>();
        for (String line : out.split("\n")) {
            String l = line.strip();
            if (l.startsWith("\"")) {
                StringBuilder v = new StringBuilder();
                for (String part : l.split("\"\\s*\"")) {
                    v.append(part.replace("\"", ""));
                }
                values.add(v.toString());
            } else if (!l.isEmpty()) {
                throw new IllegalStateException("dig TXT " + name + " @" + address() + " said: " + out);
            }
        }
        return values;
    }

    /**
     * Adds a TXT record with {@code nsupdate}, signed with this server's key, as another DNS client would.
     *
     * @param name  a name without trailing dot, inside a zone
     * @param value the TXT value
     */
    public void addTxt(String name, String value) {
        nsupdate("update add " + name + ". 60 IN TXT \"" + value + "\"");
    }

    /** Deletes one TXT record with {@code nsupdate}. */
    public void deleteTxt(String name, String value) {
        nsupdate("update delete " + name + ". IN TXT \"" + value + "\"");
    }

    private void nsupdate(String command) {
        String script = "server 127.0.0.1 " + port + "\n" + command + "\nsend\n";
        String out = run(List.of(findExecutable("nsupdate", null).toString(), "-k", keyFile().toString()), script);
        if (!out.isBlank()) {
            throw new IllegalStateException("nsupdate '" + command + "' failed: " + out);
        }
    }

    /** Stops named by PID. Safe to call more than once. */
    public void stop() {
        if (process != null) {
            process.stop();
        }
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /**
     * Finds a BIND tool: the override, then {@code /usr/sbin}, {@code /usr/bin}, {@code /sbin}, then {@code PATH}.
     *
     * @throws IllegalStateException naming the Debian packages to install when it is missing
     */
    static Path findExecutable(String name, String override) {
        if (override != null && !override.isBlank()) {
            Path p = Paths.get(override);
            if (Files.isExecutable(p)) {
                return p;
            }
            throw new IllegalStateException(NOT_FOUND + " (" + override + " is not executable)");
        }
        List<Path> candidates = new ArrayList<>(List.of(Paths.get("/usr/sbin"), Paths.get("/usr/bin"), Paths.get("/sbin")));
        candidates.addAll(Commands.searchPath());
        for (Path dir : candidates) {
            if (Files.isExecutable(dir.resolve(name))) {
                return dir.resolve(name);
            }
        }
        throw new IllegalStateException(NOT_FOUND.replace("named", name) + " (looked in " + candidates + ")");
    }

    private static String run(List<String> command, String stdin) {
        Commands.Result r = Commands.run(command, stdin, Duration.ofSeconds(15), null);
        if (r.exitCode() < 0) {
            throw new IllegalStateException("timed out: " + command);
        }
        return r.output();
    }

}
