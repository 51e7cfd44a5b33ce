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

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;

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
        if (autocert == null || !isLocal(request) && role == null) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
        } else if (isLocal(request) || admitted(request, response, realm)) {
            byte[] body = StatusJson.render(autocert.status()).getBytes(StandardCharsets.UTF_8);
            response.setStatus(HttpServletResponse.SC_OK);
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            response.setHeader("Cache-Control", "no-store");
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
            response.finishResponse();
        }
    }

    private static boolean isLocal(Request request) {
        return StatusAccess.isLocal(request.getRemoteAddr(), request::getHeader);
    }

    /** @return whether the request's user holds the role; if not, the error has been sent */
    private boolean admitted(Request request, Response response, Realm realm) throws IOException {
        if (!request.isSecure()) {
            response.sendError(HttpServletResponse.SC_FORBIDDEN, sm.getString("status.httpsOnly", role));
            return false;
        }
        if (realm == null) {
            log.warn(sm.getString("status.noRealm", role));
            response.sendError(HttpServletResponse.SC_FORBIDDEN);
            return false;
        }
        Principal user = StatusAccess.basic(request.getHeader("Authorization"))
                .map(c -> realm.authenticate(c.user(), c.password())).orElse(null);
        if (user == null) {
            response.setHeader("WWW-Authenticate", StatusAccess.CHALLENGE);
            response.sendError(HttpServletResponse.SC_UNAUTHORIZED);
            return false;
        }
        if (!realm.hasRole(null, user, role)) {
            response.sendError(HttpServletResponse.SC_FORBIDDEN, sm.getString("status.notInRole", role));
            return false;
        }
        return true;
    }
}
