package dev.autocert.servlet;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** What the ITs share: the sample WAR, the placeholder command run as a real process, thread dumps. */
final class ItSupport {

    private ItSupport() {
    }

    static Path property(String name) {
        String v = System.getProperty(name);
        if (v == null) {
            throw new IllegalStateException("system property " + name + " is not set: run the test through Maven (its surefire or failsafe execution sets it)");
        }
        return Path.of(v);
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Zips the sample webapp that the build assembled (samples/webapp-war content + WEB-INF/lib) into a WAR. */
    static Path sampleWar(Path target) throws IOException {
        return sampleWar(target, UnaryOperator.identity());
    }

    /** @param webXml what the application's developer changes in the sample's {@code WEB-INF/web.xml} */
    static Path sampleWar(Path target, UnaryOperator<String> webXml) throws IOException {
        Path webapp = property("autocert.webapp");
        Files.createDirectories(target.getParent());
        try (OutputStream out = Files.newOutputStream(target); ZipOutputStream zip = new ZipOutputStream(out);
             Stream<Path> files = Files.walk(webapp)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                String name = webapp.relativize(f).toString().replace('\\', '/');
                zip.putNextEntry(new ZipEntry(name));
                if (name.equals("WEB-INF/web.xml")) {
                    zip.write(webXml.apply(Files.readString(f)).getBytes(StandardCharsets.UTF_8));
                } else {
                    Files.copy(f, zip);
                }
                zip.closeEntry();
            }
        }
        return target;
    }

    /** Copies the WAR over {@code deployed} with a newer modification time, so the container redeploys it. */
    static void replace(Path war, Path deployed) throws IOException {
        Path tmp = deployed.resolveSibling(".next.war.tmp");
        Files.copy(war, tmp, StandardCopyOption.REPLACE_EXISTING);
        FileTime later = FileTime.fromMillis(Math.max(System.currentTimeMillis(),
                Files.exists(deployed) ? Files.getLastModifiedTime(deployed).toMillis() + 2000 : 0));
        Files.setLastModifiedTime(tmp, later);
        Files.move(tmp, deployed, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Runs {@code java -jar autocert-servlet.jar placeholder args...} with {@code env}; returns its output. */
    static String placeholder(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(java(), "-jar", property("autocert.servlet.jar").toString(), "placeholder"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("placeholder command failed: " + out);
        }
        return out;
    }

    /** Runs a full GC in another JVM ({@code jcmd GC.run}). */
    static void gc(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return out;
    }

    /** The names of the live threads of another JVM (jcmd Thread.print) that start with {@code prefix}. */
    static List<String> threads(long pid, String prefix) throws IOException, InterruptedException {
        String dump = jcmd(pid, "Thread.print");
        if (!dump.contains("Full thread dump")) {
            throw new IllegalStateException("jcmd gave no thread dump: " + dump);
        }
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\"([^\"]+)\"").matcher(dump);
        while (m.find()) {
            if (m.group(1).startsWith(prefix)) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** How often {@code needle} occurs in {@code text}. */
    static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }
}
