package dev.autocert.tomcat;

import dev.autocert.Autocert;
import dev.autocert.challenge.Http01Responder;
import dev.autocert.status.StatusJson;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/**
 * Answers {@code GET /.well-known/acme-challenge/{token}} from memory for every Host, also when no
 * webapp is mapped, before any webapp filter, security constraint or rewrite can see the request.
 * Every other request pays one string-prefix check. Installed on the Engine by
 * {@link AutocertListener}; can also be declared alone in {@code <Engine>} for HTTP-01-only setups.
 */
public class AcmeChallengeValve extends ValveBase {

    private String statusPath;

    /** Creates the valve; it supports async requests passing through it. */
    public AcmeChallengeValve() {
        super(true);
    }

    /**
     * @param statusPath where to answer the JSON status of every certificate, to loopback clients
     *                   only; {@code null} (the default) for nowhere
     */
    public void setStatusPath(String statusPath) {
        this.statusPath = statusPath;
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        String path = request.getRequestURI();
        if (statusPath != null && statusPath.equals(path)) {
            status(request, response);
            return;
        }
        if (!Http01Responder.isChallengePath(path)) {
            getNext().invoke(request, response);
            return;
        }
        Autocert autocert = TomcatAutocert.current();
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

    private void status(Request request, Response response) throws IOException {
        Autocert autocert = TomcatAutocert.current();
        InetAddress client = InetAddress.getByName(request.getRemoteAddr());
        if (autocert == null || !client.isLoopbackAddress()) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
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
