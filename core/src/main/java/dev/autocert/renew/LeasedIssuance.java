package dev.autocert.renew;

import dev.autocert.config.CertificateSpec;
import dev.autocert.diagnose.DiagnosedException;
import dev.autocert.diagnose.Diagnosis;
import dev.autocert.store.ClusterStore;
import dev.autocert.store.Store;
import dev.autocert.tls.CertifiedKey;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Issuance in a cluster: a node orders a certificate only while it holds the certificate's lease, and not at
 * all when another node stored a newer certificate since this attempt began (it takes that one up instead).
 * While another node holds the lease, this one waits for that node's certificate or for the lease to end
 * (released, or expired because its holder died). The issued certificate is stored before the lease is given
 * up, so the next holder sees it. When the store cannot be reached nobody may assume the lease is free: the
 * attempt fails and the manager backs off, serving what it has.
 */
public final class LeasedIssuance implements CertificateSource {

    private static final Logger LOG = LoggerFactory.getLogger(LeasedIssuance.class);

    private final CertificateSource issuer;
    private final ClusterStore cluster;
    private final Store store;
    private final Function<String, Optional<CertifiedKey>> served;
    private final Duration waitStep;

    /**
     * @param issuer  the ACME issuer
     * @param cluster the leases
     * @param store   the certificates (the same store)
     * @param served  the certificate this node serves under a name
     * @param waitStep how often a waiting node looks again
     */
    public LeasedIssuance(CertificateSource issuer, ClusterStore cluster, Store store,
                          Function<String, Optional<CertifiedKey>> served, Duration waitStep) {
        this.issuer = issuer;
        this.cluster = cluster;
        this.store = store;
        this.served = served;
        this.waitStep = waitStep;
    }

    @Override
    public CertifiedKey issue(CertificateSpec spec, @Nullable CertifiedKey replacing) throws DiagnosedException, InterruptedException {
        Optional<CertifiedKey> before = served.apply(spec.name());
        boolean told = false;
        while (true) {
            Optional<ClusterStore.Lease> lease = lease(spec);
            if (lease.isPresent()) {
                try (ClusterStore.Lease held = lease.get()) {
                    Optional<CertifiedKey> newer = newerStored(spec, before);
                    if (newer.isPresent()) {
                        return newer.get();
                    }
                    return orderHolding(spec, replacing, held);
                }
            }
            Optional<CertifiedKey> newer = newerStored(spec, before);
            if (newer.isPresent()) {
                LOG.info("{}: taking up the certificate another node of the cluster ordered", spec.domains());
                return newer.get();
            }
            if (!told) {
                LOG.info("{}: another node of the cluster holds the lease and orders; waiting for its certificate", spec.domains());
                told = true;
            }
            Thread.sleep(waitStep.toMillis());
        }
    }

    @Override
    public Optional<RenewalWindow> renewalWindow(CertifiedKey certificate) throws DiagnosedException, InterruptedException {
        return issuer.renewalWindow(certificate);
    }

    private CertifiedKey orderHolding(CertificateSpec spec, @Nullable CertifiedKey replacing, ClusterStore.Lease held)
            throws DiagnosedException, InterruptedException {
        long every = Math.max(1, cluster.leaseTime().toMillis() / 3);
        ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "autocert-lease-" + spec.name());
            t.setDaemon(true);
            return t;
        });
        heartbeat.scheduleAtFixedRate(() -> renew(spec, held), every, every, TimeUnit.MILLISECONDS);
        try {
            LOG.info("{}: this node ({}) holds the lease and orders", spec.domains(), cluster.nodeId());
            CertifiedKey issued = issuer.issue(spec, replacing);
            try {
                store.saveCertificate(spec.name(), issued);
            } catch (IOException e) {
                LOG.error("{}: the new certificate cannot be stored for the other nodes: {}", spec.domains(), e.getMessage());
            }
            return issued;
        } finally {
            heartbeat.shutdownNow();
        }
    }

    private static void renew(CertificateSpec spec, ClusterStore.Lease held) {
        try {
            if (!held.renew()) {
                LOG.warn("{}: the lease expired while ordering and another node took it", spec.domains());
            }
        } catch (IOException e) {
            LOG.warn("{}: cannot renew the lease while ordering: {}", spec.domains(), e.getMessage());
        }
    }

    private Optional<ClusterStore.Lease> lease(CertificateSpec spec) throws DiagnosedException {
        try {
            return cluster.tryLease(spec.name());
        } catch (IOException e) {
            throw unreachable(spec, e);
        }
    }

    /** @return the stored certificate when another node stored one since {@code before} was served here */
    private Optional<CertifiedKey> newerStored(CertificateSpec spec, Optional<CertifiedKey> before) throws DiagnosedException {
        Optional<CertifiedKey> stored;
        try {
            stored = store.loadCertificate(spec.name());
        } catch (IOException e) {
            throw unreachable(spec, e);
        }
        return stored.filter(s -> new HashSet<>(s.names()).equals(new HashSet<>(spec.domains())))
                .filter(s -> before.isEmpty() || !s.leaf().equals(before.get().leaf())
                        && !s.notBefore().isBefore(before.get().notBefore()));
    }

    private static DiagnosedException unreachable(CertificateSpec spec, IOException e) {
        return new DiagnosedException(new Diagnosis(Diagnosis.Kind.STORAGE_FAILED,
                "the cluster store cannot be reached to take the lease of " + spec.name() + " (" + e.getMessage()
                        + "), and no node orders without it",
                "start the database, or correct storage, storageUser and storagePassword; every node keeps serving"
                        + " its certificates meanwhile", "storage"), e);
    }

    @Override
    public List<String> validatedBy(List<String> domains) {
        return issuer.validatedBy(domains);
    }
}
