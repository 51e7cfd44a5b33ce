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

    /** What the status page answers a request. */
    public enum Decision {
        /** 200 with the status. */
        SERVE,
        /** 404, as if there were no page: not from this machine, and no role is configured. */
        NOT_FOUND,
        /** 403: the role's users are answered over HTTPS only; no credentials were read. */
        HTTPS_ONLY,
        /** 403: a role is configured, but the container has no users to check it against. */
        NO_USERS,
        /** 401 with {@link #CHALLENGE}: no credentials, or wrong ones. */
        ASK_CREDENTIALS,
        /** 403: a user, but not of the role. */
        NOT_IN_ROLE
    }

    /** What the container's users say of a request's user. */
    public enum Verdict {
        /** No user: no credentials, no such user, or the wrong password. */
        NOT_AUTHENTICATED,
        /** A user, but not of the role. */
        NOT_IN_ROLE,
        /** A user of the role. */
        IN_ROLE
    }

    /** The container's users (a realm, a login service), asked about the role. */
    @FunctionalInterface
    public interface RoleCheck {
        /**
         * @param credentials the request's Basic credentials, if it sent well-formed ones
         * @return what the container says of the request's user
         */
        Verdict check(Optional<Credentials> credentials);
    }

    /**
     * The same order of checks in every container: local clients, then no role, then HTTPS, then the users.
     *
     * @param role          the role that may read the page from elsewhere, or {@code null}
     * @param local         {@link #isLocal} of the request
     * @param secure        whether the request came over HTTPS
     * @param authorization the {@code Authorization} header, or {@code null}
     * @param users         the container's users, or {@code null} when it has none to ask
     * @return the answer
     */
    public static Decision decide(String role, boolean local, boolean secure, String authorization, RoleCheck users) {
        if (local) {
            return Decision.SERVE;
        }
        if (role == null) {
            return Decision.NOT_FOUND;
        }
        if (!secure) {
            return Decision.HTTPS_ONLY;
        }
        if (users == null) {
            return Decision.NO_USERS;
        }
        return switch (users.check(basic(authorization))) {
            case NOT_AUTHENTICATED -> Decision.ASK_CREDENTIALS;
            case NOT_IN_ROLE -> Decision.NOT_IN_ROLE;
            case IN_ROLE -> Decision.SERVE;
        };
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
