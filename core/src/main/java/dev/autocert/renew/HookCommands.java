package dev.autocert.renew;

import dev.autocert.config.AutocertConfig;
import dev.autocert.config.CertificateSpec;
import dev.autocert.config.Setting;
import dev.autocert.diagnose.Diagnosis;
import dev.autocert.store.CertificateFiles;
import dev.autocert.store.Store;
import dev.autocert.tls.CertifiedKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code onRenewed}, {@code onFailed} and {@code onExpiring} commands (Certbot's deploy hook,
 * for every event) through {@code sh -c}, one at a time on their own thread so a slow command never
 * delays a renewal. The command learns what happened from its environment:
 * {@code AUTOCERT_EVENT}, {@code AUTOCERT_NAME}, {@code AUTOCERT_DOMAINS} (comma-separated),
 * {@code AUTOCERT_NOT_AFTER}, the files {@code AUTOCERT_FULLCHAIN}, {@code AUTOCERT_PRIVKEY},
 * {@code AUTOCERT_KEYSTORE}, and for failures {@code AUTOCERT_ERROR_KIND}, {@code AUTOCERT_ERROR}.
 */
public final class HookCommands implements CertificateEvents, AutoCloseable {

    /** A command running longer than this is killed. */
    static final long TIMEOUT_SECONDS = 60;

    private static final Logger LOG = LoggerFactory.getLogger(HookCommands.class);

    private final AutocertConfig config;
    private final Store store;
    private final ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "autocert-hooks");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param config the settings holding the commands
     * @param store  where the certificate files are, for the commands' environment
     */
    public HookCommands(AutocertConfig config, Store store) {
        this.config = config;
        this.store = store;
    }

    /** @return whether any hook command is set */
    public boolean any() {
        return config.hook(Setting.ON_RENEWED).isPresent() || config.hook(Setting.ON_FAILED).isPresent()
                || config.hook(Setting.ON_EXPIRING).isPresent();
    }

    @Override
    public void installed(CertificateSpec spec, CertifiedKey certificate, boolean fresh) {
        if (fresh) {
            run(Setting.ON_RENEWED, "renewed", spec, certificate, null);
        }
    }

    @Override
    public void failed(CertificateSpec spec, Diagnosis diagnosis) {
        run(Setting.ON_FAILED, "failed", spec, null, diagnosis);
    }

    @Override
    public void expiring(CertificateSpec spec, CertifiedKey certificate, Diagnosis lastError) {
        run(Setting.ON_EXPIRING, "expiring", spec, certificate, lastError);
    }

    private void run(Setting setting, String event, CertificateSpec spec, CertifiedKey certificate, Diagnosis error) {
        String command = config.hook(setting).orElse(null);
        if (command == null) {
            return;
        }
        Map<String, String> env = new HashMap<>();
        env.put("AUTOCERT_EVENT", event);
        env.put("AUTOCERT_NAME", spec.name());
        env.put("AUTOCERT_DOMAINS", String.join(",", spec.domains()));
        CertificateFiles files = store.files(spec.name());
        env.put("AUTOCERT_FULLCHAIN", files.fullchain().toString());
        env.put("AUTOCERT_PRIVKEY", files.privkey().toString());
        env.put("AUTOCERT_KEYSTORE", files.keystore().toString());
        if (certificate != null) {
            env.put("AUTOCERT_NOT_AFTER", certificate.notAfter().toString());
        }
        if (error != null) {
            env.put("AUTOCERT_ERROR_KIND", error.kind().name());
            env.put("AUTOCERT_ERROR", error.message());
        }
        runner.submit(() -> execute(setting, command, env));
    }

    private static void execute(Setting setting, String command, Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder(List.of("sh", "-c", command)).redirectErrorStream(true);
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                LOG.warn("{} command for {} ran longer than {} s and was killed (setting '{}')", env.get("AUTOCERT_EVENT"),
                        env.get("AUTOCERT_NAME"), TIMEOUT_SECONDS, setting.key());
                return;
            }
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.exitValue() != 0) {
                LOG.warn("{} command for {} exited with {} (setting '{}'): {}", env.get("AUTOCERT_EVENT"),
                        env.get("AUTOCERT_NAME"), p.exitValue(), setting.key(), output);
            } else {
                LOG.info("{} command for {} done{}", env.get("AUTOCERT_EVENT"), env.get("AUTOCERT_NAME"),
                        output.isEmpty() ? "" : ": " + output);
            }
        } catch (IOException e) {
            LOG.warn("Cannot run the {} command (setting '{}'): {}", env.get("AUTOCERT_EVENT"), setting.key(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Gives a running command a few seconds, then stops the hook thread. */
    @Override
    public void close() {
        runner.shutdown();
        try {
            if (!runner.awaitTermination(5, TimeUnit.SECONDS)) {
                runner.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
