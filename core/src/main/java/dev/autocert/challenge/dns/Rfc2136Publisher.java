package dev.autocert.challenge.dns;

import dev.autocert.config.DnsSettings;
import dev.autocert.diagnose.DiagnosedException;
import dev.autocert.diagnose.Diagnosis;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Update;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Publishes by RFC 2136 dynamic update, signed with TSIG (RFC 8945), sent to {@code rfc2136Server}. The zone
 * is {@code rfc2136Zone}, or found by an SOA query (to that server first, then to the system's resolvers).
 * A record is added to the TXT RRset and later deleted as exactly that one RR (class NONE), so other TXT
 * records at the same name are never touched.
 */
public final class Rfc2136Publisher implements DnsPublisher {

    /** The TTL of published records, in seconds. */
    public static final int TTL = 60;

    private static final Logger LOG = LoggerFactory.getLogger(Rfc2136Publisher.class);
    private static final Duration UPDATE_TIMEOUT = Duration.ofSeconds(10);

    private final DnsSettings.HostPort server;
    private final Optional<Name> configuredZone;
    private final Optional<DnsSettings.TsigKey> key;
    private final Map<Name, Name> zones = new ConcurrentHashMap<>();

    /** @param settings the DNS-01 settings, with {@code rfc2136Server} set */
    public Rfc2136Publisher(DnsSettings settings) {
        this.server = settings.rfc2136Server().orElseThrow(() -> new IllegalArgumentException("rfc2136Server is not set"));
        this.configuredZone = settings.rfc2136Zone().map(DnsQueries::absolute);
        this.key = settings.tsigKey();
        if (key.isEmpty()) {
            LOG.warn("rfc2136Server is set without a TSIG key: updates to {} are sent unsigned", server);
        }
    }

    /** @return the server that takes the updates */
    public DnsSettings.HostPort server() {
        return server;
    }

    @Override
    public String describe() {
        return "RFC 2136 at " + server + key.map(k -> " with " + k).orElse(" (unsigned)");
    }

    @Override
    public void add(String domain, String recordName, String value) throws DiagnosedException, InterruptedException {
        Name record = DnsQueries.absolute(recordName);
        Name zone = zoneOf(record);
        Update update = new Update(zone);
        update.add(new TXTRecord(record, DClass.IN, TTL, value));
        send(update, record, zone, "add");
    }

    @Override
    public void remove(String domain, String recordName, String value) throws DiagnosedException, InterruptedException {
        Name record = DnsQueries.absolute(recordName);
        Name zone = zones.containsKey(record) ? zones.get(record) : zoneOf(record);
        Update update = new Update(zone);
        update.delete(new TXTRecord(record, DClass.IN, 0, value)); // this RR only (class NONE), never the RRset
        send(update, record, zone, "delete");
    }

    /**
     * @param record an absolute record name
     * @return the zone that holds it: {@code rfc2136Zone}, or found by SOA lookup (cached)
     * @throws DiagnosedException naming {@code rfc2136Server} or {@code rfc2136Zone}
     */
    public Name zoneOf(Name record) throws DiagnosedException, InterruptedException {
        if (configuredZone.isPresent()) {
            Name zone = configuredZone.get();
            if (!record.subdomain(zone)) {
                throw new DiagnosedException(new Diagnosis(Diagnosis.Kind.DNS_UPDATE_FAILED,
                        "the record " + DnsQueries.text(record) + " is not inside rfc2136Zone " + DnsQueries.text(zone),
                        "set rfc2136Zone to the zone that holds the names in domains, or leave it out to find it by SOA lookup",
                        "rfc2136Zone"), null);
            }
            return zone;
        }
        Name cached = zones.get(record);
        if (cached != null) {
            return cached;
        }
        Name zone;
        try {
            zone = DnsQueries.findZone(DnsQueries.resolver(server, DnsQueries.QUERY_TIMEOUT), record);
        } catch (IOException e) {
            throw unreachable(e);
        }
        if (zone == null) {
            try {
                zone = DnsQueries.findZone(DnsQueries.systemResolver(), record);
            } catch (IOException e) {
                LOG.debug("SOA lookup of {} through the system resolvers failed: {}", record, e.toString());
            }
        }
        if (zone == null) {
            throw new DiagnosedException(new Diagnosis(Diagnosis.Kind.DNS_UPDATE_FAILED,
                    "no zone found for " + DnsQueries.text(record) + ": neither rfc2136Server " + server
                            + " nor the system's resolvers answered an SOA record for it or a parent",
                    "set rfc2136Zone to the zone that holds the record, e.g. rfc2136Zone=\"example.com\"", "rfc2136Zone"), null);
        }
        zones.put(record, zone);
        return zone;
    }

    private void send(Update update, Name record, Name zone, String what) throws DiagnosedException, InterruptedException {
        SimpleResolver resolver;
        try {
            resolver = DnsQueries.resolver(server, UPDATE_TIMEOUT);
        } catch (IOException e) {
            throw unreachable(e);
        }
        if (key.isPresent()) {
            resolver.setTSIGKey(tsig(key.get()));
        }
        Message response;
        try {
            response = DnsQueries.send(resolver, update);
        } catch (IOException e) {
            throw unreachable(e);
        }
        check(response, record, zone, what);
        if (key.isPresent() && !response.isVerified()) {
            LOG.warn("The answer of rfc2136Server {} to the {} of {} was not signed with {}", server, what,
                    DnsQueries.text(record), key.get());
        }
        LOG.debug("RFC 2136 {} of TXT {} in zone {} at {}: {}", what, record, zone, server, Rcode.string(response.getRcode()));
    }

    static TSIG tsig(DnsSettings.TsigKey k) {
        return new TSIG(TSIG.algorithmToName(k.algorithm()), DnsQueries.absolute(k.name()), k.secret());
    }

    private void check(Message response, Name record, Name zone, String what) throws DiagnosedException {
        String subject = "rfc2136Server " + server + " refused the " + what + " of TXT " + DnsQueries.text(record)
                + " in zone " + DnsQueries.text(zone);
        TSIGRecord tsig = response.getTSIG();
        int tsigError = tsig == null ? Rcode.NOERROR : tsig.getError();
        if (tsigError != Rcode.NOERROR && key.isPresent()) {
            DnsSettings.TsigKey k = key.get();
            switch (tsigError) {
                case Rcode.BADSIG -> throw fail(subject + ": the TSIG signature of key '" + k.name() + "' is wrong (BADSIG)",
                        "set rfc2136TsigSecret to the exact base64 secret of key '" + k.name() + "' on the server, and"
                                + " rfc2136TsigAlgorithm to its algorithm (now " + k.algorithm() + ")", "rfc2136TsigSecret");
                case Rcode.BADKEY -> throw fail(subject + ": the server does not know key '" + k.name() + "' with "
                                + k.algorithm() + " (BADKEY)",
                        "set rfc2136TsigKeyName and rfc2136TsigAlgorithm exactly as in the server's key statement",
                        "rfc2136TsigKeyName");
                case Rcode.BADTIME -> throw fail(subject + ": this server's clock and the DNS server's differ by more than"
                                + " the TSIG fudge (BADTIME)", "synchronise both clocks (NTP)", null);
                default -> throw fail(subject + ": TSIG error " + Rcode.TSIGstring(tsigError),
                        "check rfc2136TsigKeyName, rfc2136TsigAlgorithm and rfc2136TsigSecret against the server's key",
                        "rfc2136TsigSecret");
            }
        }
        int rcode = response.getRcode();
        switch (rcode) {
            case Rcode.NOERROR -> {
                return;
            }
            case Rcode.REFUSED -> throw fail(subject + " (REFUSED)", key.map(k -> "allow key '" + k.name()
                                    + "' to update TXT records at " + DnsQueries.text(record) + " (BIND: update-policy { grant "
                                    + k.name() + " name " + DnsQueries.text(record) + ". TXT; };)")
                            .orElse("give a TSIG key (rfc2136TsigKeyName, rfc2136TsigSecret) the server allows to update the zone"),
                    "rfc2136TsigKeyName");
            case Rcode.NOTAUTH, Rcode.NOTZONE -> throw fail(subject + ": the server is not the primary of that zone ("
                            + Rcode.string(rcode) + ")",
                    "point rfc2136Server at the zone's primary server, or set rfc2136Zone to the zone that holds the record",
                    "rfc2136Zone");
            default -> throw fail(subject + " (" + Rcode.string(rcode) + ")",
                    "check the DNS server's log for the update of " + DnsQueries.text(record), "rfc2136Server");
        }
    }

    private static DiagnosedException fail(String evidence, String fix, String setting) {
        return new DiagnosedException(new Diagnosis(Diagnosis.Kind.DNS_UPDATE_FAILED, evidence, fix, setting), null);
    }

    private DiagnosedException unreachable(IOException e) {
        return new DiagnosedException(new Diagnosis(Diagnosis.Kind.DNS_UPDATE_FAILED,
                "rfc2136Server " + server + " cannot be reached: " + DnsQueries.describe(e),
                "check rfc2136Server's host and port, that the DNS server runs, and that this server may reach it over"
                        + " UDP and TCP", "rfc2136Server"), e);
    }

    /** @return the server's address, resolved now */
    InetSocketAddress address() throws IOException {
        return DnsQueries.resolver(server, DnsQueries.QUERY_TIMEOUT).getAddress();
    }
}
