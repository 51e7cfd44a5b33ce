package dev.autocert.servlet;

import org.jspecify.annotations.Nullable;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The one-shot command of the first start. A TLS connector needs its keystore before the container
 * starts, and the webapp gets its first certificate only after that, so the administrator writes a
 * self-signed placeholder once:
 * <pre>
 * java -jar autocert-servlet-&lt;version&gt;.jar placeholder [--keystore FILE] [--password PASSWORD]
 *      [--domains NAMES] [--force]
 * </pre>
 * Values not given are taken from the webapp's own settings in system properties and environment
 * variables ({@code connectorKeystore}, {@code connectorKeystorePassword}, else {@code keystorePassword},
 * else {@code changeit}; {@code domains}, first certificate; else {@code localhost}). A relative path is
 * resolved against {@code $CATALINA_BASE} or {@code $JETTY_BASE} when set, like the webapp does. An
 * existing keystore is left alone unless {@code --force}, so the command is safe in a start script.
 * Needs only a JDK (it runs the JDK's {@code keytool}); the file is written atomically with mode 0600,
 * key alias {@code autocert}, type PKCS12. It is the one placeholder not made by core's
 * {@code Autocert.servePlaceholders}: it runs as {@code java -jar} on this JAR alone, before the container
 * and without the webapp's libraries (core and BouncyCastle), which the webapp's placeholders need.
 */
public final class PlaceholderKeystore {

    private static final String USAGE = "usage: java -jar autocert-servlet.jar placeholder [--keystore FILE] "
            + "[--password PASSWORD] [--domains NAMES] [--force]";
    private static final String PASSWORD_VARIABLE = "AUTOCERT_PLACEHOLDER_PASSWORD";

    private PlaceholderKeystore() {
    }

    /**
     * @param args see the class comment
     */
    public static void main(String[] args) {
        System.exit(run(args, System::getProperty, System.getenv(), System.out, System.err));
    }

    /**
     * @param args             the command line
     * @param systemProperties system property look-up
     * @param environment      the environment
     * @param out              progress
     * @param err              errors
     * @return the exit code: 0 written or left as it was, 1 failed, 2 bad usage
     */
    static int run(String[] args, UnaryOperator<String> systemProperties, Map<String, String> environment,
                   PrintStream out, PrintStream err) {
        if (args.length == 0 || !"placeholder".equals(args[0])) {
            err.println(USAGE);
            return 2;
        }
        String keystore = setting(systemProperties, environment, WarSetting.CONNECTOR_KEYSTORE.key());
        String password = null;
        String domains = null;
        boolean force = false;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if ("--force".equals(a)) {
                force = true;
            } else if (i + 1 < args.length && List.of("--keystore", "--password", "--domains").contains(a)) {
                String v = args[++i];
                switch (a) {
                    case "--keystore" -> keystore = v;
                    case "--password" -> password = v;
                    default -> domains = v;
                }
            } else {
                err.println("unknown or incomplete argument '" + a + "'\n" + USAGE);
                return 2;
            }
        }
        if (keystore == null) {
            err.println("no keystore: give --keystore FILE or set " + WarSetting.CONNECTOR_KEYSTORE.environmentVariable() + "\n" + USAGE);
            return 2;
        }
        password = first(password, setting(systemProperties, environment, WarSetting.CONNECTOR_KEYSTORE_PASSWORD.key()),
                setting(systemProperties, environment, "keystorePassword"), "changeit");
        domains = first(domains, setting(systemProperties, environment, "domains"), "localhost");
        Path target = resolve(keystore, environment);
        if (Files.exists(target) && !force) {
            out.println("Keystore " + target + " exists; left unchanged (--force replaces it)");
            return 0;
        }
        try {
            write(target, password, names(domains));
            out.println("Wrote placeholder keystore " + target + " (PKCS12, alias autocert, self-signed for "
                    + names(domains) + ")");
            return 0;
        } catch (IOException e) {
            err.println("Cannot write " + target + ": " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /**
     * Writes a self-signed EC P-256 certificate for {@code names}, valid 30 days, with the JDK's keytool.
     *
     * @param target   the keystore file (replaced atomically)
     * @param password the keystore and key password (at least 6 characters: keytool's rule)
     * @param names    DNS names for the subjectAltName
     * @throws IOException          when keytool fails or the file cannot be written
     * @throws InterruptedException when interrupted while keytool runs
     */
    static void write(Path target, String password, List<String> names) throws IOException, InterruptedException {
        Path dir = target.toAbsolutePath().getParent();
        if (dir == null) {
            throw new IOException(target + " names no file inside a folder");
        }
        Files.createDirectories(dir);
        Path tmpDir = Files.createTempDirectory(dir, ".autocert-placeholder");
        try {
            Path tmp = tmpDir.resolve("keystore.p12");
            String san = names.stream().map(n -> "dns:" + n).collect(Collectors.joining(","));
            List<String> cmd = new ArrayList<>(List.of(keytool(), "-genkeypair", "-noprompt", "-alias", "autocert",
                    "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA", "-validity", "30",
                    "-dname", "CN=Autocert placeholder", "-ext", "SAN=" + san, "-storetype", "PKCS12",
                    "-keystore", tmp.toString(), "-storepass:env", PASSWORD_VARIABLE, "-keypass:env", PASSWORD_VARIABLE));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put(PASSWORD_VARIABLE, password);
            Process p = pb.start();
            p.getOutputStream().close();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() != 0 || !Files.isRegularFile(tmp)) {
                throw new IOException("keytool failed: " + output);
            }
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            try (Stream<Path> left = Files.walk(tmpDir)) {
                for (Path p : left.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static String keytool() {
        boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
        return Path.of(System.getProperty("java.home"), "bin", windows ? "keytool.exe" : "keytool").toString();
    }

    private static Path resolve(String keystore, Map<String, String> environment) {
        Path p = Path.of(keystore);
        if (p.isAbsolute()) {
            return p.normalize();
        }
        for (String base : List.of("CATALINA_BASE", "JETTY_BASE")) {
            String dir = environment.get(base);
            if (dir != null && !dir.isBlank()) {
                return Path.of(dir).resolve(p).toAbsolutePath().normalize();
            }
        }
        return p.toAbsolutePath().normalize();
    }

    /** @return the names of the first certificate of a {@code domains} value */
    static List<String> names(String domains) {
        String firstCertificate = domains.split(";")[0];
        List<String> names = Arrays.stream(firstCertificate.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(s -> s.toLowerCase(Locale.ROOT)).toList();
        return names.isEmpty() ? List.of("localhost") : names;
    }

    private static String setting(UnaryOperator<String> systemProperties, Map<String, String> environment, String key) {
        return first(systemProperties.apply(WarSetting.PREFIX + key), environment.get(WarSetting.environmentVariable(key)));
    }

    private static @Nullable String first(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return null;
    }
}
