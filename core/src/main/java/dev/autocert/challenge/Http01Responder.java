package dev.autocert.challenge;

import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * Answers HTTP-01 requests for every adapter, so the Tomcat valve, the Jetty handler and the servlet
 * filter behave the same: one prefix check for ordinary requests, 404 for unknown or malformed tokens.
 */
public final class Http01Responder {

    /** The path prefix of RFC 8555 §8.3. */
    public static final String PATH_PREFIX = "/.well-known/acme-challenge/";

    /** Tokens are base64url (RFC 8555 §8.1: at least 128 bits of entropy); we accept 16 to 256 characters. */
    private static final int TOKEN_MIN = 16;
    private static final int TOKEN_MAX = 256;

    private final ChallengeBoard board;
    /** Stateless mode: the account key's thumbprint, or {@code null} while none is known; {@code null} when off. */
    private final Supplier<String> thumbprint;

    /** @param board where the pending answers are */
    public Http01Responder(ChallengeBoard board) {
        this(board, null);
    }

    /**
     * Stateless HTTP-01 (Let's Encrypt's "stateless mode"): every well-formed token is answered with
     * {@code token + "." + thumbprint}, which is the key authorization of any challenge of that account, so no
     * node needs to know the pending tokens.
     *
     * @param board      where the pending answers are (not asked when a thumbprint is known)
     * @param thumbprint the account key's thumbprint, {@code null} from it while no account key exists;
     *                   {@code null} itself to answer from the board only
     */
    public Http01Responder(ChallengeBoard board, Supplier<String> thumbprint) {
        this.board = board;
        this.thumbprint = thumbprint;
    }

    /**
     * @param path the request path (not decoded, no query)
     * @return whether the path is in the challenge space, i.e. the adapter must answer it itself
     */
    public static boolean isChallengePath(String path) {
        return path != null && path.startsWith(PATH_PREFIX);
    }

    /**
     * @param path a path for which {@link #isChallengePath(String)} is true
     * @return the body to send with 200, or {@code null} for 404
     */
    public String answer(String path) {
        if (!isToken(path, PATH_PREFIX.length())) {
            return null;
        }
        String token = path.substring(PATH_PREFIX.length());
        String stateless = thumbprint == null ? null : thumbprint.get();
        return stateless != null ? token + "." + stateless : board.http01(token);
    }

    /** A loop rather than a regex: this runs for every challenge request, and the CA sends several per name. */
    private static boolean isToken(String s, int from) {
        int length = s.length() - from;
        if (length < TOKEN_MIN || length > TOKEN_MAX) {
            return false;
        }
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /**
     * What an adapter sends back for a request in the challenge space.
     *
     * @param status 200 or 404
     * @param body   the key authorization for 200; empty for 404
     */
    public record Reply(int status, byte[] body) {

        /** The reply to unknown or malformed tokens and to methods other than GET and HEAD. */
        public static final Reply NOT_FOUND = new Reply(404, new byte[0]);

        /** @return whether the key authorization is sent */
        public boolean found() {
            return status == 200;
        }
    }

    /**
     * @param method the HTTP method
     * @param path   a path for which {@link #isChallengePath(String)} is true
     * @return 200 with the key authorization for GET/HEAD of a pending token, else 404
     */
    public Reply reply(String method, String path) {
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            return Reply.NOT_FOUND;
        }
        String answer = answer(path);
        return answer == null ? Reply.NOT_FOUND : new Reply(200, answer.getBytes(StandardCharsets.US_ASCII));
    }

    /** @return the content type to answer with */
    public static String contentType() {
        return "application/octet-stream";
    }
}
