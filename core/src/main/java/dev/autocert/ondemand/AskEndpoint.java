package dev.autocert.ondemand;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The application's ask endpoint ({@code onDemandAsk}): {@code GET <url>?domain=<name>}, where 200 approves and
 * any other status refuses; a 5xx status, or no answer within the timeout, is {@link Verdict#UNREACHABLE}. Redirects are not
 * followed: an endpoint that moved answers 3xx, which refuses, rather than approving from somewhere else.
 */
final class AskEndpoint {

    private final URI url;
    private final Duration timeout;
    private final HttpClient client;

    /**
     * @param url     the endpoint, perhaps with a query of its own (the name is appended to it)
     * @param timeout how long one call may take
     */
    AskEndpoint(URI url, Duration timeout) {
        this.url = url;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** @return the URL asked for {@code name} ({@code onDemandAsk} has no fragment: its check refuses one) */
    URI urlFor(String name) {
        return URI.create(url + (url.getRawQuery() == null ? "?" : "&") + "domain=" + URLEncoder.encode(name, StandardCharsets.UTF_8));
    }

    /**
     * @param name a lower-case DNS name
     * @return the endpoint's verdict
     * @throws InterruptedException when the calling thread is interrupted
     */
    Verdict ask(String name) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(urlFor(name)).timeout(timeout).GET()
                .header("User-Agent", "Autocert on-demand ask").build();
        try {
            int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            // a 5xx is the endpoint failing, not an answer: like no answer, it is not held against a stored name
            return status == 200 ? Verdict.APPROVED : status >= 500 ? Verdict.UNREACHABLE : Verdict.REFUSED;
        } catch (IOException e) {
            return Verdict.UNREACHABLE;
        }
    }

    @Override
    public String toString() {
        return url.toString();
    }
}
