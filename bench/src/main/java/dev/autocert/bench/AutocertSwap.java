package dev.autocert.bench;

import dev.autocert.Autocert;
import dev.autocert.config.CertificateSpec;
import dev.autocert.tls.CertifiedKey;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Autocert's way, with the public calls {@code CertificateManager} makes once an issuance succeeded:
 * {@code FileStore.saveCertificate} (t0 when it returns), then {@code LiveCertificates.install} (the
 * next handshake gets the new certificate), then the manager's listeners. The listener given here, if
 * any, runs on its own thread as the manager's renewal thread would run it after the install, while
 * clients already connect; the next swap waits for it, as the next renewal would.
 */
final class AutocertSwap implements CertificateSwap {

    private final Autocert autocert;
    private final CertificateSpec spec;
    private final Consumer<CertifiedKey> installedListener;
    private final ExecutorService renewalThread;
    private Future<Long> followUp;

    /**
     * @param autocert          the server's instance; its first configured certificate is the one swapped
     * @param installedListener what a container adapter does after the install (e.g. AutocertListener's
     *                          connector keystore sync), or {@code null}
     */
    AutocertSwap(Autocert autocert, Consumer<CertifiedKey> installedListener) {
        this.autocert = autocert;
        this.spec = autocert.config().certificates().get(0);
        this.installedListener = installedListener;
        this.renewalThread = installedListener == null ? null : Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "bench-renewal-listener");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void store(CertifiedKey next) throws IOException {
        awaitFollowUp();
        autocert.store().saveCertificate(spec.name(), next);
    }

    @Override
    public void activate(CertifiedKey next) {
        autocert.liveCertificates().install(next);
        if (installedListener != null) {
            followUp = renewalThread.submit(() -> {
                long t0 = System.nanoTime();
                installedListener.accept(next);
                return System.nanoTime() - t0;
            });
        }
    }

    @Override
    public long awaitFollowUp() throws IOException {
        if (followUp == null) {
            return 0;
        }
        try {
            return followUp.get();
        } catch (ExecutionException e) {
            throw new IOException("the installed-listener failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            followUp = null;
        }
    }
}
