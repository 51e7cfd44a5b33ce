package dev.autocert.jetty;

import dev.autocert.Autocert;
import dev.autocert.config.AutocertConfig;
import dev.autocert.status.StatusAccess;
import dev.autocert.status.StatusJson;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The JSON status of every certificate (like mod_md's {@code md-status}), off unless {@code statusPath}
 * is set. Given to a client on this machine, or, when {@code statusRole} is set, to a user of the
 * Server's {@code LoginService} holding that role, over HTTPS with Basic credentials
 * ({@link StatusAccess}). Everyone else gets 404, as if there were no page. Served by
 * {@link AcmeChallengeHandler}, ahead of every context.
 */
final class StatusPage {

    private static final Logger LOG = LoggerFactory.getLogger(StatusPage.class);

    private final String path;
    private final String role;
    private volatile LoginServiceRole users;

    private StatusPage(String path, String role) {
        this.path = path;
        this.role = role;
    }

    /**
     * @param config the checked settings ({@code statusPath}, {@code statusRole})
     * @return the page {@code statusPath} asks for, or {@code null} when it is not set (the default)
     */
    static StatusPage of(AutocertConfig config) {
        return config.statusPath().map(path -> new StatusPage(path, config.statusRole().orElse(null))).orElse(null);
    }

    /** @return whether this request path is the page's */
    boolean isAt(String requestPath) {
        return path.equals(requestPath);
    }

    /**
     * Finds the users of the role once the server starts; warns when there is nobody to ask.
     *
     * @param server the server the page is served by
     */
    void start(Server server) {
        if (role == null) {
            LOG.info("Autocert status at {} for clients on this machine", path);
            return;
        }
        try {
            users = LoginServiceRole.find(server, role);
        } catch (NoClassDefFoundError e) {
            users = null; // jetty-security is not on the class path, so there can be no LoginService either
        }
        if (users == null) {
            LOG.warn("statusRole '{}' is set but the Server has no LoginService to check it against: add one as a "
                    + "Server bean (e.g. an XML in your jetty-base calling addBean with a HashLoginService that reads "
                    + "etc/realm.properties, with the security module enabled); until then only clients on this "
                    + "machine get the status at {}", role, path);
        } else {
            LOG.info("Autocert status at {} for clients on this machine and, over HTTPS, for role '{}' of {}",
                    path, role, users);
        }
    }

    /**
     * Answers the request, which is at the page's path.
     *
     * @param autocert the running instance, or {@code null} when Autocert is not active (then 404)
     */
    void serve(Autocert autocert, Request request, Response response, Callback callback) {
        if (autocert == null) {
            Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
            return;
        }
        LoginServiceRole known = users;
        StatusAccess.RoleCheck check = known == null ? null
                : credentials -> credentials.map(c -> known.check(c, request)).orElse(StatusAccess.Verdict.NOT_AUTHENTICATED);
        switch (StatusAccess.decide(role, isLocal(request), request.isSecure(),
                request.getHeaders().get(HttpHeader.AUTHORIZATION), check)) {
            case SERVE -> {
                byte[] body = StatusJson.render(autocert.status()).getBytes(StandardCharsets.UTF_8);
                response.setStatus(HttpStatus.OK_200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json;charset=UTF-8");
                response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
                response.write(true, ByteBuffer.wrap(body), callback);
            }
            case NOT_FOUND -> Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
            case HTTPS_ONLY -> Response.writeError(request, response, callback, HttpStatus.FORBIDDEN_403, "The Autocert status is"
                    + " given to role '" + role + "' over HTTPS only; behind a proxy that terminates TLS, add Jetty's"
                    + " ForwardedRequestCustomizer (the http-forwarded module) so Jetty knows the request was HTTPS");
            case NO_USERS -> Response.writeError(request, response, callback, HttpStatus.FORBIDDEN_403);
            case ASK_CREDENTIALS -> {
                response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, StatusAccess.CHALLENGE);
                Response.writeError(request, response, callback, HttpStatus.UNAUTHORIZED_401);
            }
            case NOT_IN_ROLE -> Response.writeError(request, response, callback, HttpStatus.FORBIDDEN_403,
                    "The Autocert status is given to role '" + role + "' only");
        }
    }

    private static boolean isLocal(Request request) {
        // only an IP peer can be on this machine; another kind of address must not reach the name lookup
        return request.getConnectionMetaData().getRemoteSocketAddress() instanceof InetSocketAddress
                && StatusAccess.isLocal(Request.getRemoteAddr(request), request.getHeaders()::get);
    }
}
