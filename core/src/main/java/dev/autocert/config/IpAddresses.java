package dev.autocert.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * IP address identifiers (RFC 8738): recognising a literal without any DNS lookup, the one spelling Autocert uses
 * for it everywhere (names in {@code domains}, the store, status, certificates' IP SANs), and the reverse-DNS name a
 * CA sends as SNI when it validates an address over TLS-ALPN-01 (RFC 8738 §6).
 */
public final class IpAddresses {

    /** Four decimal octets, no leading zeros (those read as octal elsewhere), each 0-255. */
    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]+");
    private static final String IN_ADDR = ".in-addr.arpa";
    private static final String IP6 = ".ip6.arpa";

    private IpAddresses() {
    }

    /**
     * @param text a name, e.g. {@code 192.0.2.1}, {@code 2001:db8::1} or {@code example.com}
     * @return the address when {@code text} is an IPv4 literal (dotted quad) or an IPv6 literal (no brackets, no
     *         zone); empty for anything else. Never looks anything up.
     */
    public static Optional<InetAddress> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        boolean v4 = IPV4.matcher(text).matches();
        if (!v4 && !(text.indexOf(':') >= 0 && IPV6_CHARS.matcher(text).matches())) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(text)); // a literal of either family: parsed, not resolved
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /**
     * @param text a name
     * @return whether it is an IP literal ({@link #parse})
     */
    public static boolean isLiteral(String text) {
        return parse(text).isPresent();
    }

    /**
     * @param address an address
     * @return IPv4 dotted quad, or IPv6 as RFC 5952 §4 writes it: lower case, leading zeros dropped, the longest run
     *         of two or more zero groups (the first of equals) as {@code ::}. An IPv4-mapped IPv6 address is its IPv4
     *         address (Java parses it so).
     */
    public static String canonical(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] b = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (b[2 * i] & 0xff) << 8 | b[2 * i + 1] & 0xff;
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; i++) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(i, j);
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }

    /**
     * @param sni the server name of a TLS handshake
     * @return the address, in {@link #canonical} form, when {@code sni} is the reverse-DNS name of one
     *         ({@code 1.2.0.192.in-addr.arpa}, or 32 nibbles and {@code .ip6.arpa}; a trailing dot is allowed, case
     *         does not matter); empty for any other name
     */
    public static Optional<String> fromReverseName(String sni) {
        if (sni == null) {
            return Optional.empty();
        }
        String name = sni.toLowerCase(Locale.ROOT);
        name = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (name.endsWith(IN_ADDR)) {
            String[] octets = name.substring(0, name.length() - IN_ADDR.length()).split("\\.", -1);
            if (octets.length != 4) {
                return Optional.empty();
            }
            String forward = octets[3] + "." + octets[2] + "." + octets[1] + "." + octets[0];
            return parse(forward).map(IpAddresses::canonical).filter(forward::equals);
        }
        if (name.endsWith(IP6)) {
            String[] nibbles = name.substring(0, name.length() - IP6.length()).split("\\.", -1);
            if (nibbles.length != 32) {
                return Optional.empty();
            }
            StringBuilder forward = new StringBuilder();
            for (int i = 31; i >= 0; i--) {
                if (!nibbles[i].matches("[0-9a-f]")) {
                    return Optional.empty();
                }
                forward.append(nibbles[i]);
                if (i % 4 == 0 && i > 0) {
                    forward.append(':');
                }
            }
            return parse(forward.toString()).map(IpAddresses::canonical);
        }
        return Optional.empty();
    }
}
