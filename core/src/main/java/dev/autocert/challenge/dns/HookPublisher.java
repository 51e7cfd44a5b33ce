package dev.autocert.challenge.dns;

import dev.autocert.diagnose.DiagnosedException;
import dev.autocert.diagnose.Diagnosis;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Publishes through a user's executable ({@code dnsHook}), Certbot's "manual" mode automated. It is run as
 * <pre>{@code <dnsHook> add|remove <record name> <value>}</pre>
 * with the same facts in the environment: {@code AUTOCERT_ACTION}, {@code AUTOCERT_DOMAIN} (the identifier,
 * without {@code *.}), {@code AUTOCERT_RECORD_NAME} ({@code _acme-challenge.<domain>}, no trailing dot),
 * {@code AUTOCERT_RECORD_VALUE} and {@code AUTOCERT_RECORD_TTL}. Exit code 0 means done; anything else, or
 * running longer than {@code dnsHookTimeout}, is a failure whose diagnosis quotes the hook's stderr.
 */
public final class HookPublisher implements DnsPublisher {

    /** The TTL suggested to the hook, in seconds. */
    public static final int TTL = 60;

    private static final Logger LOG = LoggerFactory.getLogger(HookPublisher.class);
    private static final int STDERR_QUOTED = 1500;

    private final Path hook;
    private final Duration timeout;

    /**
     * @param hook    the executable
     * @param timeout how long one run may take before it is killed
     */
    public HookPublisher(Path hook, Duration timeout) {
        this.hook = hook;
        this.timeout = timeout;
    }

    @Override
    public void add(String domain, String recordName, String value) throws DiagnosedException, InterruptedException {
        run("add", domain, recordName, value);
    }

    @Override
    public void remove(String domain, String recordName, String value) throws DiagnosedException, InterruptedException {
        run("remove", domain, recordName, value);
    }

    @Override
    public String describe() {
        return "dnsHook " + hook;
    }

    private void run(String action, String domain, String recordName, String value)
            throws DiagnosedException, InterruptedException {
        String call = hook + " " + action + " " + recordName + " " + value;
        Path out = null;
        Path err = null;
        Process process = null;
        try {
            out = Files.createTempFile("autocert-dnshook", ".out");
            err = Files.createTempFile("autocert-dnshook", ".err");
            ProcessBuilder pb = new ProcessBuilder(hook.toString(), action, recordName, value)
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            Map<String, String> env = pb.environment();
            env.put("AUTOCERT_ACTION", action);
            env.put("AUTOCERT_DOMAIN", domain);
            env.put("AUTOCERT_RECORD_NAME", recordName);
            env.put("AUTOCERT_RECORD_VALUE", value);
            env.put("AUTOCERT_RECORD_TTL", Integer.toString(TTL));
            process = pb.start();
            process.getOutputStream().close();
            boolean finished;
            try {
                finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                kill(process);
                throw e;
            }
            if (!finished) {
                kill(process);
                throw new DiagnosedException(new Diagnosis(Diagnosis.Kind.DNS_HOOK_FAILED,
                        "'" + call + "' did not finish within " + human(timeout) + " and was killed" + quote(err),
                        "make the hook finish faster (run it by hand with the same arguments), or raise dnsHookTimeout",
                        "dnsHook"), null);
            }
            String stdout = read(out);
            if (!stdout.isBlank()) {
                LOG.debug("dnsHook {} {} said: {}", action, recordName, stdout.strip());
            }
            int exit = process.exitValue();
            if (exit != 0) {
                throw new DiagnosedException(new Diagnosis(Diagnosis.Kind.DNS_HOOK_FAILED,
                        "'" + call + "' exited with " + exit + quote(err),
                        "make the hook exit 0 once the TXT record is " + (action.equals("add") ? "added" : "deleted")
                                + "; run it by hand with the same arguments to see why it fails", "dnsHook"), null);
            }
            String stderr = read(err);
            if (!stderr.isBlank()) {
                LOG.debug("dnsHook {} {} wrote to stderr: {}", action, recordName, stderr.strip());
            }
        } catch (IOException e) {
            throw new DiagnosedException(new Diagnosis(Diagnosis.Kind.DNS_HOOK_FAILED,
                    "cannot run '" + call + "': " + e.getMessage(),
                    "point dnsHook at an executable file this server's user may run", "dnsHook"), e);
        } finally {
            delete(out);
            delete(err);
        }
    }

    private static void kill(Process process) {
        List<ProcessHandle> family = new ArrayList<>();
        process.descendants().forEach(family::add);
        family.add(process.toHandle());
        family.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String quote(Path err) {
        String stderr = read(err).strip();
        if (stderr.isEmpty()) {
            return "; it wrote nothing to stderr";
        }
        if (stderr.length() > STDERR_QUOTED) {
            stderr = "…" + stderr.substring(stderr.length() - STDERR_QUOTED);
        }
        return "; its stderr: " + stderr.replace('\n', ' ').replace('\r', ' ');
    }

    private static String read(Path file) {
        if (file == null) {
            return "";
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static void delete(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temp file left behind is harmless
            }
        }
    }

    static String human(Duration d) {
        long ms = d.toMillis();
        if (ms % 60_000 == 0) {
            return ms / 60_000 + " min";
        }
        return ms % 1000 == 0 ? ms / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
}
