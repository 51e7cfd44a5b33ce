package dev.autocert.challenge.dns;

import dev.autocert.config.DnsSettings;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** DNS look-ups for DNS-01 with dnsjava: the zone of a name (SOA), its name servers (NS), single queries. */
final class DnsQueries {

    /** Time one query may take. */
    static final Duration QUERY_TIMEOUT = Duration.ofSeconds(3);

    private DnsQueries() {
    }

    /**
     * @param name a host name without trailing dot
     * @return the absolute DNS name
     */
    static Name absolute(String name) {
        try {
            return Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException("not a DNS name: " + name, e);
        }
    }

    /** @return the name without trailing dot */
    static String text(Name name) {
        return name.toString(true);
    }

    /**
     * @param server  a server address from the settings; a host name is resolved by the system resolver
     * @param timeout the time one query may take
     * @return a resolver sending to that server only
     * @throws UnknownHostException when the host name does not resolve
     */
    static SimpleResolver resolver(DnsSettings.HostPort server, Duration timeout) throws UnknownHostException {
        SimpleResolver r = new SimpleResolver(new InetSocketAddress(InetAddress.getByName(server.host()), server.port()));
        r.setTimeout(timeout);
        return r;
    }

    /** @return a resolver for the system's name servers ({@code /etc/resolv.conf} or the OS's equivalent) */
    static Resolver systemResolver() {
        ExtendedResolver r = new ExtendedResolver();
        r.setTimeout(QUERY_TIMEOUT);
        return r;
    }

    /**
     * Sends one message and waits for the answer, at most the resolver's timeout (plus a little slack).
     *
     * @throws IOException          when no answer arrives
     * @throws InterruptedException when interrupted; the thread's interrupt is honoured, unlike {@link Resolver#send}
     */
    static Message send(Resolver resolver, Message query) throws IOException, InterruptedException {
        try {
            return resolver.sendAsync(query).toCompletableFuture()
                    .get(resolver.getTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException(String.valueOf(cause), cause);
        } catch (TimeoutException e) {
            throw new java.net.SocketTimeoutException("no answer within " + resolver.getTimeout().toSeconds() + " s");
        }
    }

    /** Sends a query for {@code name}/{@code type}. */
    static Message query(Resolver resolver, Name name, int type) throws IOException, InterruptedException {
        return send(resolver, Message.newQuery(Record.newRecord(name, type, DClass.IN)));
    }

    /**
     * Finds the zone that holds {@code name}: the owner of the SOA record in the answer (at the apex) or in
     * the authority section (below it), walking up one label at a time while a server refuses.
     *
     * @return the zone apex, or {@code null} when no server answered with an SOA
     * @throws IOException when the resolver does not answer at all
     */
    static @Nullable Name findZone(Resolver resolver, Name name) throws IOException, InterruptedException {
        for (Name n = name; n.labels() > 1; n = new Name(n, 1)) {
            Message m = query(resolver, n, Type.SOA);
            if (m.getRcode() != Rcode.NOERROR && m.getRcode() != Rcode.NXDOMAIN) {
                continue;
            }
            for (Record r : m.getSection(Section.ANSWER)) {
                if (r.getType() == Type.SOA && name.subdomain(r.getName())) {
                    return r.getName();
                }
            }
            for (Record r : m.getSection(Section.AUTHORITY)) {
                if (r.getType() == Type.SOA && name.subdomain(r.getName())) {
                    return r.getName();
                }
            }
        }
        return null;
    }

    /**
     * The addresses (port 53) of a zone's name servers: NS records from {@code resolver}, addresses from the
     * glue in the same answer, else from the system resolver. Names that do not resolve are left out.
     */
    static List<InetSocketAddress> nameServers(Resolver resolver, Name zone) throws IOException, InterruptedException {
        Message m = query(resolver, zone, Type.NS);
        Set<Name> targets = new LinkedHashSet<>();
        for (Record r : m.getSection(Section.ANSWER)) {
            if (r instanceof NSRecord ns && r.getName().equals(zone)) {
                targets.add(ns.getTarget());
            }
        }
        Map<Name, List<InetAddress>> glue = new LinkedHashMap<>();
        for (Record r : m.getSection(Section.ADDITIONAL)) {
            if (r instanceof ARecord a) {
                glue.computeIfAbsent(a.getName(), k -> new ArrayList<>()).add(a.getAddress());
            } else if (r instanceof AAAARecord aaaa) {
                glue.computeIfAbsent(aaaa.getName(), k -> new ArrayList<>()).add(aaaa.getAddress());
            }
        }
        Set<InetSocketAddress> out = new LinkedHashSet<>();
        for (Name target : targets) {
            List<InetAddress> addresses = glue.get(target);
            if (addresses == null) {
                try {
                    addresses = List.of(InetAddress.getAllByName(text(target)));
                } catch (UnknownHostException e) {
                    continue;
                }
            }
            for (InetAddress a : addresses) {
                out.add(new InetSocketAddress(a, 53));
            }
        }
        return List.copyOf(out);
    }

    /** @return a failure to reach a server in words, e.g. "nothing listens there (ICMP port unreachable)" */
    static String describe(Throwable e) {
        if (e instanceof PortUnreachableException) {
            return "nothing listens there (ICMP port unreachable)";
        }
        if (e instanceof java.net.SocketTimeoutException) {
            return e.getMessage() == null ? "no answer in time" : e.getMessage();
        }
        if (e instanceof UnknownHostException) {
            return "the host name does not resolve (" + e.getMessage() + ")";
        }
        if (e instanceof java.net.ConnectException) {
            return "connection refused";
        }
        String msg = e.getMessage();
        return e.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
    }

    /** @return the address as {@code host:port}, IPv6 in brackets */
    static String text(InetSocketAddress a) {
        String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
