package dev.autocert.challenge.dns;

import dev.autocert.config.DnsSettings;
import dev.autocert.diagnose.DiagnosedException;
import dev.autocert.diagnose.Diagnosis;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits until the TXT value can be seen before the CA is told. Asked are the zone's authoritative servers
 * (the zone found by SOA, its NS records, their addresses; plus {@code rfc2136Server}) — each must answer
 * authoritatively with the value; servers that cannot be reached or are not authoritative are left out
 * with a warning, as long as one authoritative server has the value. With {@code dnsResolver} set,
 * exactly those servers are asked instead, and each must have the value. Bounded by
 * {@code dnsPropagationTimeout}; then at least {@code dnsPropagationDelay} after publishing.
 */
final class Propagation {

    private static final Logger LOG = LoggerFactory.getLogger(Propagation.class);
    private static final Duration FIRST_INTERVAL = Duration.ofMillis(200);
    private static final Duration LONGEST_INTERVAL = Duration.ofSeconds(3);

    private final DnsSettings settings;
    private final Rfc2136Publisher rfc2136;

    /** One server to ask. */
    private record Target(String label, InetSocketAddress address, boolean authoritative) {
    }

    /**
     * @param settings the DNS-01 settings
     * @param rfc2136  the RFC 2136 publisher (its server and zone are the first authority), or {@code null}
     */
    Propagation(DnsSettings settings, Rfc2136Publisher rfc2136) {
        this.settings = settings;
        this.rfc2136 = rfc2136;
    }

    /**
     * @param subject     the identifier, for logs
     * @param recordName  the TXT record's name, no trailing dot
     * @param value       the value that must be answered
     * @param publishedAt {@link System#nanoTime()} when it was published
     * @throws DiagnosedException   {@code TXT_NOT_VISIBLE} after {@code dnsPropagationTimeout}
     * @throws InterruptedException when the server is stopping
     */
    void await(String subject, String recordName, String value, long publishedAt)
            throws DiagnosedException, InterruptedException {
        Name record = DnsQueries.absolute(recordName);
        long deadline = publishedAt + settings.propagationTimeout().toNanos();
        Duration interval = FIRST_INTERVAL;
        List<Target> targets = null;
        String lastState = "";
        String discoveryError = null;
        while (true) {
            if (targets == null) {
                try {
                    targets = targets(record);
                    LOG.info("{}: waiting until {} answer{} TXT {}", subject, labels(targets),
                            targets.size() == 1 ? "s" : "", recordName);
                } catch (IOException e) {
                    discoveryError = e.getMessage();
                    LOG.debug("{}: cannot find the servers to ask for {}: {}", subject, recordName, discoveryError);
                }
            }
            if (targets != null) {
                Map<Target, String> lacking = new LinkedHashMap<>();
                Map<Target, String> notCounted = new LinkedHashMap<>();
                List<Target> seen = new ArrayList<>();
                ask(targets, record, value, deadline, seen, lacking, notCounted);
                if (!seen.isEmpty() && lacking.isEmpty()) {
                    if (!notCounted.isEmpty()) {
                        LOG.warn("{}: TXT {} is visible at {}, but not checked at {}", subject, recordName, labels(seen),
                                describe(notCounted));
                    }
                    LOG.info("{}: TXT {} is visible at {} after {}", subject, recordName, labels(seen),
                            HookPublisher.human(Duration.ofNanos(System.nanoTime() - publishedAt).truncatedTo(
                                    ChronoUnit.MILLIS)));
                    break;
                }
                Map<Target, String> state = new LinkedHashMap<>(lacking);
                state.putAll(notCounted);
                lastState = describe(state);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw timeout(recordName, value, targets == null ? null : lastState, discoveryError);
            }
            TimeUnit.NANOSECONDS.sleep(Math.min(left, interval.toNanos()));
            Duration next = interval.multipliedBy(3).dividedBy(2);
            interval = next.compareTo(LONGEST_INTERVAL) > 0 ? LONGEST_INTERVAL : next;
        }
        long delayLeft = publishedAt + settings.propagationDelay().toNanos() - System.nanoTime();
        if (delayLeft > 0) {
            LOG.info("{}: waiting dnsPropagationDelay ({}) before telling the CA", subject,
                    HookPublisher.human(settings.propagationDelay()));
            TimeUnit.NANOSECONDS.sleep(delayLeft);
        }
    }

    private DiagnosedException timeout(String recordName, String value, String state, String discoveryError) {
        String after = "after " + HookPublisher.human(settings.propagationTimeout()) + ", ";
        if (state == null) {
            return new DiagnosedException(new Diagnosis(Diagnosis.Kind.TXT_NOT_VISIBLE,
                    after + "the authoritative servers of " + recordName + " are still unknown: " + discoveryError,
                    "make sure the zone of " + recordName + " is resolvable from this server, or set dnsResolver to the"
                            + " DNS servers (host[:port]) that must answer the record", "dnsResolver"), null);
        }
        return new DiagnosedException(new Diagnosis(Diagnosis.Kind.TXT_NOT_VISIBLE,
                after + "TXT " + recordName + " \"" + value + "\" is not answered: " + state,
                "raise dnsPropagationTimeout (now " + HookPublisher.human(settings.propagationTimeout())
                        + ") if the DNS provider is slow; if the record never appears, check that "
                        + (settings.hook().isPresent() ? "dnsHook" : "the update") + " writes into the zone these servers"
                        + " serve (or set dnsResolver to the servers to ask)", "dnsPropagationTimeout"), null);
    }

    private List<Target> targets(Name record) throws IOException, InterruptedException {
        List<Target> out = new ArrayList<>();
        if (!settings.resolvers().isEmpty()) {
            for (DnsSettings.HostPort r : settings.resolvers()) {
                out.add(new Target("dnsResolver " + r, DnsQueries.resolver(r, DnsQueries.QUERY_TIMEOUT).getAddress(), false));
            }
            return out;
        }
        List<Resolver> discovery = new ArrayList<>();
        InetSocketAddress primary = null;
        if (rfc2136 != null) {
            primary = rfc2136.address();
            SimpleResolver r = new SimpleResolver(primary);
            r.setTimeout(DnsQueries.QUERY_TIMEOUT);
            discovery.add(r);
        }
        discovery.add(DnsQueries.systemResolver());
        Name zone = null;
        if (rfc2136 != null) {
            try {
                zone = rfc2136.zoneOf(record);
            } catch (DiagnosedException e) {
                throw new IOException(e.diagnosis().evidence(), e);
            }
        }
        List<String> tried = new ArrayList<>();
        for (int i = 0; zone == null && i < discovery.size(); i++) {
            try {
                zone = DnsQueries.findZone(discovery.get(i), record);
            } catch (IOException e) {
                tried.add(discovery.get(i) + ": " + DnsQueries.describe(e));
            }
        }
        if (zone == null) {
            throw new IOException("no SOA record found for " + DnsQueries.text(record) + " or a parent"
                    + (tried.isEmpty() ? "" : " (" + String.join("; ", tried) + ")"));
        }
        Set<InetSocketAddress> servers = new LinkedHashSet<>();
        for (Resolver r : discovery) {
            try {
                servers.addAll(DnsQueries.nameServers(r, zone));
            } catch (IOException e) {
                LOG.debug("NS lookup of {} failed: {}", zone, e.toString());
            }
            if (!servers.isEmpty()) {
                break;
            }
        }
        if (primary != null) {
            out.add(new Target("rfc2136Server " + DnsQueries.text(primary), primary, true));
            servers.remove(primary);
        }
        for (InetSocketAddress s : servers) {
            out.add(new Target(DnsQueries.text(s) + " (NS of " + DnsQueries.text(zone) + ")", s, true));
        }
        if (out.isEmpty()) {
            throw new IOException("no name server of zone " + DnsQueries.text(zone) + " resolves");
        }
        return out;
    }

    private static void ask(List<Target> targets, Name record, String value, long deadline, List<Target> seen,
                            Map<Target, String> lacking, Map<Target, String> notCounted) throws InterruptedException {
        long left = Math.max(TimeUnit.MILLISECONDS.toNanos(300), deadline - System.nanoTime());
        Duration timeout = Duration.ofNanos(Math.min(left, DnsQueries.QUERY_TIMEOUT.toNanos()));
        Map<Target, CompletableFuture<Message>> answers = new LinkedHashMap<>();
        for (Target t : targets) {
            SimpleResolver r = new SimpleResolver(t.address());
            r.setTimeout(timeout);
            answers.put(t, r.sendAsync(Message.newQuery(Record.newRecord(record, Type.TXT, DClass.IN)))
                    .toCompletableFuture());
        }
        for (Map.Entry<Target, CompletableFuture<Message>> e : answers.entrySet()) {
            Target t = e.getKey();
            Message m;
            try {
                m = e.getValue().get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            } catch (ExecutionException x) {
                notCounted.put(t, "no answer (" + DnsQueries.describe(x.getCause()) + ")");
                continue;
            } catch (TimeoutException x) {
                notCounted.put(t, "no answer in time");
                continue;
            }
            int rcode = m.getRcode();
            if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
                notCounted.put(t, "answers " + Rcode.string(rcode));
                continue;
            }
            if (t.authoritative() && !m.getHeader().getFlag(Flags.AA)) {
                notCounted.put(t, "is not authoritative for the zone");
                continue;
            }
            List<String> values = new ArrayList<>();
            for (Record r : m.getSection(Section.ANSWER)) {
                if (r instanceof TXTRecord txt) {
                    values.add(String.join("", txt.getStrings()));
                }
            }
            if (values.contains(value)) {
                seen.add(t);
            } else {
                lacking.put(t, values.isEmpty() ? (rcode == Rcode.NXDOMAIN ? "NXDOMAIN" : "no TXT record") : "only " + values);
            }
        }
    }

    private static String labels(List<Target> targets) {
        List<String> l = new ArrayList<>();
        targets.forEach(t -> l.add(t.label()));
        return String.join(", ", l);
    }

    private static String describe(Map<Target, String> state) {
        List<String> l = new ArrayList<>();
        state.forEach((t, s) -> l.add(t.label() + ": " + s));
        return String.join("; ", l);
    }
}
