package dev.autocert.jetty;

import dev.autocert.Autocert;
import dev.autocert.challenge.Http01Responder;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.util.function.Supplier;

/**
 * Answers {@code GET /.well-known/acme-challenge/{token}} (HTTP-01, RFC 8555 §8.3) from memory. A
 * Jetty core handler inserted right below the {@code Server}, so it runs ahead of every context,
 * rewrite, security constraint and webapp, for any Host header, on every connector, and whatever ee
 * environment the webapps use. Unknown or malformed tokens and other methods get 404; every other
 * request pays one string-prefix check and goes on down the handler tree. With {@code statusPath} set it
 * also serves the {@link StatusPage} there.
 */
public final class AcmeChallengeHandler extends Handler.Wrapper {

    private final Supplier<Autocert> autocert;
    private final StatusPage statusPage;

    /**
     * @param autocert the instance whose pending answers are served; may supply {@code null} (then
     *                 every challenge request gets 404)
     */
    public AcmeChallengeHandler(Supplier<Autocert> autocert) {
        this(autocert, null);
    }

    /**
     * @param autocert   the instance whose pending answers and status are served; may supply {@code null}
     * @param statusPage the status page to serve too, or {@code null} for none
     */
    AcmeChallengeHandler(Supplier<Autocert> autocert, StatusPage statusPage) {
        this.autocert = autocert;
        this.statusPage = statusPage;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        if (statusPage != null) {
            statusPage.start(getServer());
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = request.getHttpURI().getPath();
        if (statusPage != null && statusPage.isAt(path)) {
            statusPage.serve(autocert.get(), request, response, callback);
            return true;
        }
        if (!Http01Responder.isChallengePath(path)) {
            return super.handle(request, response, callback);
        }
        Autocert instance = autocert.get();
        Http01Responder.Reply reply = instance == null ? Http01Responder.Reply.NOT_FOUND
                : instance.http01().reply(request.getMethod(), path);
        if (!reply.found()) {
            Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
            return true;
        }
        response.setStatus(HttpStatus.OK_200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Http01Responder.contentType());
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, reply.body().length);
        boolean head = HttpMethod.HEAD.is(request.getMethod());
        response.write(true, head ? BufferUtil.EMPTY_BUFFER : ByteBuffer.wrap(reply.body()), callback);
        return true;
    }
}
