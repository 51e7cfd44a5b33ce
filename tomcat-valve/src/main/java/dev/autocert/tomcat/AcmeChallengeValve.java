package dev.autocert.tomcat;

import dev.autocert.Autocert;
import dev.autocert.challenge.Http01Responder;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;

import java.io.IOException;

/**
 * Answers {@code GET /.well-known/acme-challenge/{token}} from memory for every Host, also when no
 * webapp is mapped, before any webapp filter, security constraint or rewrite can see the request.
 * Every other request pays one string-prefix check. Installed on the Engine by
 * {@link AutocertListener}; can also be declared alone in {@code <Engine>} for HTTP-01-only setups.
 */
public class AcmeChallengeValve extends ValveBase {

    private String statusPath;
    private StatusPage statusPage = new StatusPage(null);

    /** Creates the valve; it supports async requests passing through it. */
    public AcmeChallengeValve() {
        super(true);
    }

    /**
     * @param statusPath where to answer the JSON status of every certificate, to clients on this machine
     *                   (and to {@link #setStatusRole the status role}); {@code null} (the default) for nowhere
     */
    public void setStatusPath(String statusPath) {
        this.statusPath = statusPath;
    }

    /**
     * @param role a role of the Engine's {@code Realm} whose users may read the status from elsewhere, over HTTPS
     *             with Basic credentials; {@code null} (the default) for clients on this machine only
     */
    public void setStatusRole(String role) {
        this.statusPage = new StatusPage(role);
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        String path = request.getRequestURI();
        if (statusPath != null && statusPath.equals(path)) {
            statusPage.serve(TomcatAutocert.of(getContainer()), request, response, getContainer().getRealm());
            return;
        }
        if (!Http01Responder.isChallengePath(path)) {
            getNext().invoke(request, response);
            return;
        }
        Autocert autocert = TomcatAutocert.of(getContainer());
        Http01Responder.Reply reply = autocert == null ? Http01Responder.Reply.NOT_FOUND
                : autocert.http01().reply(request.getMethod(), path);
        if (!reply.found()) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(Http01Responder.contentType());
        response.setContentLength(reply.body().length);
        if ("GET".equals(request.getMethod())) {
            response.getOutputStream().write(reply.body());
        }
        response.finishResponse();
    }
}
