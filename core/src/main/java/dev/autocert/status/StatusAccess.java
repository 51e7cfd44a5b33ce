package dev.autocert.status;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Who may read the status page, decided the same way in every container: clients on this machine, and
 * (when a role is configured) users of that role presenting Basic credentials over HTTPS. A request that
 * a proxy on this machine forwards carries {@code X-Forwarded-For} or {@code Forwarded} and is not local,
 * or every client behind a local reverse proxy would count as local.
 */
public final class StatusAccess {

    /** The {@code WWW-Authenticate} value asking for the status role's credentials. */
    public static final String CHALLENGE = "Basic realm=\"Autocert status\", charset=\"UTF-8\"";

    private StatusAccess() {
    }

    /**
     * @param remoteAddress the peer's address as the container reports it
     * @param header        the request's header fields by name
     * @return whether the request comes from this machine and was not forwarded by a proxy
     */
    public static boolean isLocal(String remoteAddress, UnaryOperator<String> header) {
        // the JDK reads a null or empty host name as the loopback address
        if (remoteAddress == null || remoteAddress.isBlank()
                || header.apply("X-Forwarded-For") != null || header.apply("Forwarded") != null) {
            return false;
        }
        try {
            return InetAddress.getByName(remoteAddress).isLoopbackAddress(); // a literal: no DNS lookup
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * @param authorization the {@code Authorization} header, or {@code null}
     * @return the Basic credentials it carries, if well-formed
     */
    public static Optional<Credentials> basic(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String pair;
        try {
            pair = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = pair.indexOf(':');
        return colon < 0 ? Optional.empty() : Optional.of(new Credentials(pair.substring(0, colon), pair.substring(colon + 1)));
    }

    /**
     * A user name and password from a Basic {@code Authorization} header.
     *
     * @param user     the user name
     * @param password the password, never logged
     */
    public record Credentials(String user, String password) {
        @Override
        public String toString() {
            return "Credentials[user=" + user + "]";
        }
    }
}
