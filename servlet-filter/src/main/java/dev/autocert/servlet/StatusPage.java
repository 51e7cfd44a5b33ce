package dev.autocert.servlet;

import dev.autocert.Autocert;
import dev.autocert.config.ConfigException;
import dev.autocert.config.Setting;
import dev.autocert.status.StatusAccess;
import dev.autocert.status.StatusJson;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The JSON status of every certificate (like mod_md's {@code md-status}) at the webapp's
 * {@code statusPath}, off unless that is set. Given to a client on this machine, or, when
 * {@code statusRole} is set, to a user of the container's realm for this webapp holding that role
 * ({@link HttpServletRequest#login}, then {@link HttpServletRequest#isUserInRole}), over HTTPS with Basic
 * credentials ({@link StatusAccess}). Everyone else gets 404, as if there were no page. Served by
 * {@link AcmeChallengeFilter}, which {@link AutocertInitializer} maps to the path too.
 */
final class StatusPage {

    /** The context attribute holding the page while Autocert runs, read by {@link AcmeChallengeFilter}. */
    static final String ATTRIBUTE = "dev.autocert.servlet.StatusPage";

    private final String path;
    private final String role;
    private final Autocert autocert;
    private final AdapterLog log;

    /**
     * @param path     the path within the webapp, checked by core ({@link Setting#STATUS_PATH})
     * @param role     the role that may read the page from elsewhere, or {@code null} for this machine only
     * @param autocert the instance whose status is shown
     * @param log      where refused logins are noted (at debug level, never with the password)
     */
    StatusPage(String path, String role, Autocert autocert, AdapterLog log) {
        this.path = path;
        this.role = role;
        this.autocert = autocert;
        this.log = log;
    }

    /**
     * @param sources the webapp's settings
     * @return the {@code statusPath} they set, if any, for the filter's mapping
     * @throws ConfigException when it is not a path a filter can be mapped to exactly (the container
     *                         refuses other patterns, and the webapp with them)
     */
    static Optional<String> path(SettingSources sources) throws ConfigException {
        Optional<SettingSources.Value> value = sources.get(Setting.STATUS_PATH.key(), Setting.STATUS_PATH.environmentVariable());
        if (value.isPresent()) {
            Setting.STATUS_PATH.check(value.get().value());
        }
        return value.map(SettingSources.Value::value);
    }

    /** @return the page's path within the webapp */
    String path() {
        return path;
    }

    /** Answers a request for the page's path. */
    void serve(HttpServletRequest request, HttpServletResponse response) throws IOException {
        boolean local = StatusAccess.isLocal(request.getRemoteAddr(), request::getHeader);
        switch (StatusAccess.decide(role, local, request.isSecure(), request.getHeader("Authorization"),
                credentials -> roleOf(request, credentials))) {
            case SERVE -> writeStatus(response);
            case NOT_FOUND -> response.sendError(HttpServletResponse.SC_NOT_FOUND);
            case NO_USERS -> response.sendError(HttpServletResponse.SC_FORBIDDEN);
            case HTTPS_ONLY -> response.sendError(HttpServletResponse.SC_FORBIDDEN, "The Autocert status is given"
                    + " to role '" + role + "' over HTTPS only; behind a proxy that terminates TLS, have the container trust"
                    + " its X-Forwarded-Proto (Tomcat: RemoteIpValve) so it knows the request was HTTPS");
            case ASK_CREDENTIALS -> {
                response.setHeader("WWW-Authenticate", StatusAccess.CHALLENGE);
                response.sendError(HttpServletResponse.SC_UNAUTHORIZED);
            }
            case NOT_IN_ROLE -> response.sendError(HttpServletResponse.SC_FORBIDDEN,
                    "The Autocert status is given to role '" + role + "' only");
        }
    }

    /** Asks the container: a user the webapp already signed in, else the Basic credentials' user, logged in for this call. */
    private StatusAccess.Verdict roleOf(HttpServletRequest request, Optional<StatusAccess.Credentials> credentials) {
        if (request.getUserPrincipal() != null) {
            // already signed in to the webapp (e.g. its form login): its session's roles count, no second login
            return inRole(request);
        }
        if (credentials.isEmpty() || !loggedIn(request, credentials.get())) {
            return StatusAccess.Verdict.NOT_AUTHENTICATED;
        }
        try {
            return inRole(request);
        } finally {
            logOut(request);
        }
    }

    private StatusAccess.Verdict inRole(HttpServletRequest request) {
        return request.isUserInRole(role) ? StatusAccess.Verdict.IN_ROLE : StatusAccess.Verdict.NOT_IN_ROLE;
    }

    private boolean loggedIn(HttpServletRequest request, StatusAccess.Credentials credentials) {
        try {
            request.login(credentials.user(), credentials.password());
            return true;
        } catch (ServletException e) {
            // wrong credentials, or a webapp the container gives no realm: the reason helps the administrator
            log.debug("Status page: the container refused the login of user '" + credentials.user() + "': " + e.getMessage());
            return false;
        }
    }

    private static void logOut(HttpServletRequest request) {
        try {
            request.logout();
        } catch (ServletException e) {
            // at most this request's login remains: the login created no session to keep it
        }
    }

    private void writeStatus(HttpServletResponse response) throws IOException {
        byte[] json = StatusJson.render(autocert.status()).getBytes(StandardCharsets.UTF_8);
        response.setContentType("application/json;charset=UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(json.length);
        response.getOutputStream().write(json);
    }
}
