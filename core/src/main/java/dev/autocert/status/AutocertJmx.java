package dev.autocert.status;

import dev.autocert.Autocert;
import dev.autocert.config.CertificateSpec;
import dev.autocert.diagnose.DiagnosedException;
import dev.autocert.renew.CertificateEvents;
import dev.autocert.renew.CertificateStatus;
import dev.autocert.tls.CertifiedKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Registers one {@link CertificateMXBean} per managed certificate on the platform MBean server
 * (where Tomcat's and Jetty's own MBeans are), and removes them again on {@link #close()}. A certificate obtained on
 * demand gets its MBean when it first goes live.
 */
public final class AutocertJmx implements AutoCloseable, CertificateEvents {

    /** The JMX domain of Autocert's MBeans. */
    public static final String DOMAIN = "dev.autocert";

    private static final Logger LOG = LoggerFactory.getLogger(AutocertJmx.class);

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final List<ObjectName> registered = new CopyOnWriteArrayList<>();
    /** The certificates published, so one obtained on demand is published once, when it first goes live. */
    private final Set<String> published = ConcurrentHashMap.newKeySet();
    private final Autocert autocert;
    private volatile boolean closed;

    private AutocertJmx(Autocert autocert) {
        this.autocert = autocert;
    }

    /**
     * @param autocert the instance whose certificates to publish
     * @return the registration; JMX problems are logged, never thrown
     */
    public static AutocertJmx register(Autocert autocert) {
        AutocertJmx jmx = new AutocertJmx(autocert);
        Path storage = autocert.config().storage();
        try {
            jmx.add(instanceName(storage), new InstanceView(autocert));
        } catch (JMException e) {
            LOG.warn("Cannot register Autocert's JMX view: {}", e.getMessage());
        }
        for (CertificateStatus s : autocert.status()) {
            jmx.publish(s.name());
        }
        autocert.addListener(jmx);
        return jmx;
    }

    private void publish(String certificateName) {
        if (closed || !published.add(certificateName)) {
            return;
        }
        try {
            add(objectName(autocert.config().storage(), certificateName), new View(autocert, certificateName));
        } catch (JMException e) {
            LOG.warn("Cannot register the JMX view of {}: {}", certificateName, e.getMessage());
        }
    }

    /** An on-demand certificate is published when it first goes live. */
    @Override
    public void installed(CertificateSpec spec, CertifiedKey certificate, boolean fresh) {
        publish(spec.name());
    }

    /** Registers, never replacing: a name that is taken belongs to another running instance on the same store. */
    private void add(ObjectName name, Object mbean) throws JMException {
        try {
            server.registerMBean(mbean, name);
            registered.add(name);
        } catch (InstanceAlreadyExistsException e) {
            LOG.warn("JMX name {} is taken by another Autocert instance on the same store; this one is not published", name);
        }
    }

    /**
     * The instance key of every name: the store folder, so that several instances in one JVM (embedded servers,
     * webapps) each have their own names, and a name stays the same across restarts.
     */
    private static String instanceKey(Path storage) {
        return ",instance=" + ObjectName.quote(storage.toAbsolutePath().normalize().toString());
    }

    /**
     * @param storage the instance's store folder (setting {@code storage})
     * @return its MBean name, {@code dev.autocert:type=Autocert,instance=<quoted store folder>}
     * @throws JMException never for a valid path
     */
    public static ObjectName instanceName(Path storage) throws JMException {
        return new ObjectName(DOMAIN + ":type=Autocert" + instanceKey(storage));
    }

    /**
     * @param storage         the instance's store folder (setting {@code storage})
     * @param certificateName a certificate's name
     * @return its MBean name, {@code dev.autocert:type=Certificate,instance=<quoted store folder>,name=<quoted name>}
     * @throws JMException never for a valid certificate name
     */
    public static ObjectName objectName(Path storage, String certificateName) throws JMException {
        return new ObjectName(DOMAIN + ":type=Certificate" + instanceKey(storage) + ",name=" + ObjectName.quote(certificateName));
    }

    @Override
    public void close() {
        closed = true;
        for (ObjectName name : registered) {
            try {
                server.unregisterMBean(name);
            } catch (JMException e) {
                // already gone
            }
        }
        registered.clear();
    }

    /** Reads the live state on every call, so JMX never shows stale values. */
    private static final class View implements CertificateMXBean {
        private final Autocert autocert;
        private final String name;

        View(Autocert autocert, String name) {
            this.autocert = autocert;
            this.name = name;
        }

        private Optional<CertificateStatus> status() {
            return autocert.status().stream().filter(s -> s.name().equals(name)).findFirst();
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public String[] getDomains() {
            return status().map(s -> s.domains().toArray(new String[0])).orElse(new String[0]);
        }

        @Override
        public String getState() {
            return status().map(s -> s.state(Instant.now()).name()).orElse(CertificateStatus.State.NONE.name());
        }

        @Override
        public String getNotAfter() {
            return status().map(CertificateStatus::notAfter).map(Object::toString).orElse("");
        }

        @Override
        public String getNextAttempt() {
            return status().map(CertificateStatus::nextAttempt).map(Object::toString).orElse("");
        }

        @Override
        public String getNextReason() {
            return status().map(CertificateStatus::nextReason).orElse("");
        }

        @Override
        public String getRenewalInfoCheck() {
            return status().map(CertificateStatus::renewalInfoCheck).map(Object::toString).orElse("");
        }

        @Override
        public String getIssuedBy() {
            return status().map(CertificateStatus::issuedBy).orElse("");
        }

        @Override
        public String[] getValidatedBy() {
            return status().map(s -> s.validatedBy().toArray(new String[0])).orElse(new String[0]);
        }

        @Override
        public String[] getServedBy() {
            return status().map(s -> s.servedBy().toArray(new String[0])).orElse(new String[0]);
        }

        @Override
        public int getFailures() {
            return status().map(CertificateStatus::failures).orElse(0);
        }

        @Override
        public String getLastErrorKind() {
            return status().map(CertificateStatus::lastError).map(d -> d.kind().name()).orElse("");
        }

        @Override
        public String getLastError() {
            return status().map(CertificateStatus::lastError).map(d -> d.message()).orElse("");
        }

        @Override
        public void renewNow() {
            autocert.renewNow(name);
        }

        @Override
        public void revoke(String reason) {
            try {
                autocert.revoke(name, reason);
            } catch (DiagnosedException e) {
                throw new IllegalStateException(e.getMessage());
            }
        }
    }

    /** The instance-wide operations. */
    private static final class InstanceView implements AutocertMXBean {
        private final Autocert autocert;

        InstanceView(Autocert autocert) {
            this.autocert = autocert;
        }

        @Override
        public String getDirectory() {
            return autocert.config().directories();
        }

        @Override
        public String getStatusJson() {
            return StatusJson.render(autocert.status());
        }

        @Override
        public void rolloverAccountKey() {
            try {
                autocert.rolloverAccountKey();
            } catch (DiagnosedException e) {
                throw new IllegalStateException(e.getMessage());
            }
        }
    }
}
