package dev.autocert.tomcat;

import dev.autocert.Autocert;
import dev.autocert.status.StatusAccess;
import dev.autocert.status.StatusJson;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Realm;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;
import org.apache.tomcat.util.res.StringManager;
import org.jspecify.annotations.Nullable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The JSON status of every certificate (like mod_md's {@code md-status}), off unless a path is set.
 * Given to a client on this machine, or, when a role is set, to a user of the Engine's {@code Realm}
 * holding it, over HTTPS with Basic credentials ({@link StatusAccess}). Everyone else gets 404, as if
 * there were no page.
 */
final class StatusPage {

    private static final Log log = LogFactory.getLog(StatusPage.class);
    private static final StringManager sm = StringManager.getManager(StatusPage.class);

    private final String role;

    /** @param role the role that may read the page from elsewhere, or {@code null} for local clients only */
    StatusPage(String role) {
        this.role = role == null || role.isBlank() ? null : role.trim();
    }

    /** @param autocert the instance whose status it is, or {@code null} when Autocert is not active (then 404) */
    void serve(Autocert autocert, Request request, Response response, Realm realm) throws IOException {
        if (autocert == null) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        boolean local = StatusAccess.isLocal(request.getRemoteAddr(), request::getHeader);
        switch (StatusAccess.decide(role, local, request.isSecure(), request.getHeader("Authorization"), users(realm))) {
            case SERVE -> {
                byte[] body = StatusJson.render(autocert.status()).getBytes(StandardCharsets.UTF_8);
                response.setStatus(HttpServletResponse.SC_OK);
                response.setContentType("application/json");
                response.setCharacterEncoding("UTF-8");
                response.setHeader("Cache-Control", "no-store");
                response.setContentLength(body.length);
                response.getOutputStream().write(body);
                response.finishResponse();
            }
            case NOT_FOUND -> response.sendError(HttpServletResponse.SC_NOT_FOUND);
            case HTTPS_ONLY -> response.sendError(HttpServletResponse.SC_FORBIDDEN, sm.getString("status.httpsOnly", role));
            case NO_USERS -> {
                log.warn(sm.getString("status.noRealm", role));
                response.sendError(HttpServletResponse.SC_FORBIDDEN);
            }
            case ASK_CREDENTIALS -> {
                response.setHeader("WWW-Authenticate", StatusAccess.CHALLENGE);
                response.sendError(HttpServletResponse.SC_UNAUTHORIZED);
            }
            case NOT_IN_ROLE -> response.sendError(HttpServletResponse.SC_FORBIDDEN, sm.getString("status.notInRole", role));
        }
    }

    /** @return the Realm's users, asked about the role; {@code null} without a Realm */
    private StatusAccess.@Nullable RoleCheck users(Realm realm) {
        if (realm == null) {
            return null;
        }
        return credentials -> credentials.map(c -> realm.authenticate(c.user(), c.password()))
                .map(user -> realm.hasRole(null, user, role) ? StatusAccess.Verdict.IN_ROLE : StatusAccess.Verdict.NOT_IN_ROLE)
                .orElse(StatusAccess.Verdict.NOT_AUTHENTICATED);
    }
}
