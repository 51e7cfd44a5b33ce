package dev.autocert.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The HTTP-01 requests every adapter must get right, one list for the Tomcat valve, the Jetty handler and
 * the WAR filter: the pending token answers 200 with exactly its key authorization (GET, HEAD, with a query
 * string); everything else in or near the challenge path — traversal raw and encoded, path parameters, NUL,
 * a 20 KB token, non-ASCII, a token with a slash, an empty token, other methods, an upper-case prefix — gets
 * no answer and no file: Autocert's 404, the container's own rejection (400, 405 for TRACE, 414/431 for a
 * request line too long), or, for a path the container normalises out of the challenge path, what the
 * application answers for a file it does not serve. The requests are written as raw bytes on a socket, so
 * no HTTP client normalises them first.
 */
public final class ChallengeRequests {

    /** The pending token the adapter test puts on its challenge board. */
    public static final String TOKEN = "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA";
    /** The key authorization the adapter test puts on its board for {@link #TOKEN}. */
    public static final String KEY_AUTHORIZATION = TOKEN + ".9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI";
    /** What {@link #protect} writes into the webapp's {@code WEB-INF/web.xml}: no response may contain it. */
    public static final String MARKER = "autocert-challenge-test-marker-4e1f";
    /** A file {@link #protect} puts at the webapp's root, which a static webapp serves: the control that files are served. */
    public static final String PUBLIC_FILE = "/autocert-public.txt";
    /** The content of {@link #PUBLIC_FILE}. */
    public static final String PUBLIC_CONTENT = "a public file";

    private static final String PREFIX = "/.well-known/acme-challenge/";
    private static final String PATH = PREFIX + TOKEN;
    /** The start of /etc/passwd on every Unix: no response may contain it either. */
    private static final String PASSWD = "root:x:0:0:";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private ChallengeRequests() {
    }

    /** What a case must get back. */
    public enum Expect {
        /** 200, {@code application/octet-stream}, exactly the key authorization. */
        ANSWER,
        /** 200 with the key authorization's {@code Content-Length} and no body. */
        HEAD_ANSWER,
        /** One of the case's statuses; no key authorization, no file. */
        REFUSED
    }

    /**
     * One request.
     *
     * @param name        what it tries, for the report
     * @param request     the raw request bytes
     * @param expect      what it must get back
     * @param statuses    for {@link Expect#REFUSED}: the statuses Autocert or the container may answer
     * @param application for {@link Expect#REFUSED}: whether the container may hand it to the application
     *                    instead (a path it normalises out of the challenge path, or one that never was in it)
     */
    public record Case(String name, byte[] request, Expect expect, Set<Integer> statuses, boolean application) {
    }

    /**
     * A response as read from the socket.
     *
     * @param status  the status code, or 0 when the server closed the connection without answering
     * @param headers the header lines, names in lower case
     * @param body    the body, chunked transfer coding removed
     */
    public record Response(int status, Map<String, String> headers, byte[] body) {

        /** @return the body as ISO-8859-1 text, so any byte sequence can be searched */
        public String text() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }
    }

    /** @return every case, the answered ones first */
    public static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("GET the pending token", get(PATH), Expect.ANSWER, Set.of(), false));
        cases.add(new Case("HEAD the pending token", request("HEAD", ascii(PATH)), Expect.HEAD_ANSWER, Set.of(), false));
        cases.add(new Case("GET the pending token with a query string", get(PATH + "?next=%2e%2e/x&y=1"), Expect.ANSWER, Set.of(), false));
        for (String method : List.of("POST", "PUT", "DELETE", "OPTIONS")) {
            cases.add(refused(method + " the pending token", request(method, ascii(PATH)), false, 404));
        }
        cases.add(refused("TRACE the pending token", request("TRACE", ascii(PATH)), false, 404, 405));
        cases.add(refused("traversal to WEB-INF/web.xml", get(PREFIX + "../../WEB-INF/web.xml"), true, 404, 400));
        cases.add(refused("traversal to /etc/passwd", get(PREFIX + "../../../etc/passwd"), true, 404, 400));
        cases.add(refused("deep traversal to /etc/passwd", get(PREFIX + "../../../../../../../../etc/passwd"), true, 404, 400));
        cases.add(refused("traversal encoded %2e%2e%2f", get(PREFIX + "%2e%2e%2f%2e%2e%2fWEB-INF%2fweb.xml"), true, 404, 400));
        cases.add(refused("traversal encoded %2e%2e/", get(PREFIX + "%2e%2e/%2e%2e/WEB-INF/web.xml"), true, 404, 400));
        cases.add(refused("traversal encoded ..%2f", get(PREFIX + "..%2f..%2fWEB-INF%2fweb.xml"), true, 404, 400));
        cases.add(refused("traversal double-encoded %252e%252e", get(PREFIX + "%252e%252e/%252e%252e/WEB-INF/web.xml"), true, 404, 400));
        cases.add(refused("traversal with path parameters ..;/", get(PREFIX + "..;/..;/WEB-INF/web.xml"), true, 404, 400));
        cases.add(refused("token followed by %00", get(PATH + "%00"), false, 404, 400));
        cases.add(refused("token followed by a NUL byte", get(concat(ascii(PATH), new byte[] {0})), false, 404, 400));
        cases.add(refused("a 20 KB token", get(PREFIX + "A".repeat(20 * 1024)), false, 404, 400, 414, 431));
        cases.add(refused("token followed by raw UTF-8 é", get(concat(ascii(PATH), "é".getBytes(StandardCharsets.UTF_8))), false, 404, 400));
        cases.add(refused("token followed by %C3%A9", get(PATH + "%C3%A9"), false, 404, 400));
        cases.add(refused("a token with / inside", get(PREFIX + TOKEN.substring(0, 20) + "/" + TOKEN.substring(20)), false, 404));
        cases.add(refused("the token followed by /", get(PATH + "/"), false, 404));
        cases.add(refused("an empty token", get(PREFIX), false, 404));
        cases.add(refused("upper-case prefix", get("/.WELL-KNOWN/ACME-CHALLENGE/" + TOKEN), true));
        return cases;
    }

    /**
     * Makes the webapp hold a file no response may show: {@code WEB-INF/web.xml} gets {@link #MARKER} (appended as
     * a comment when the descriptor exists, else a descriptor of its own); and {@link #PUBLIC_FILE}.
     *
     * @param docBase the webapp's folder
     * @throws IOException when it cannot be written
     */
    public static void protect(Path docBase) throws IOException {
        Files.createDirectories(docBase);
        Files.writeString(docBase.resolve(PUBLIC_FILE.substring(1)), PUBLIC_CONTENT);
        Path webXml = docBase.resolve("WEB-INF/web.xml");
        Files.createDirectories(webXml.getParent());
        if (Files.exists(webXml)) {
            Files.writeString(webXml, Files.readString(webXml) + "<!-- " + MARKER + " -->\n");
        } else {
            Files.writeString(webXml, "<web-app><!-- " + MARKER + " --></web-app>\n");
        }
    }

    /**
     * Sends every case and checks its response; all cases run before the first failure is reported.
     *
     * @param port              the HTTP connector on 127.0.0.1
     * @param applicationStatus what the application answers for a file it does not serve (404 for a plain
     *                          static webapp, 403 behind a refuse-all security filter)
     * @return each case's status, in order, for the test's report
     * @throws IOException when a connection cannot be made
     */
    public static Map<String, Integer> assertAll(int port, int applicationStatus) throws IOException {
        Map<String, Integer> statuses = new LinkedHashMap<>();
        List<String> wrong = new ArrayList<>();
        for (Case c : cases()) {
            Response r = send(port, c.request());
            statuses.put(c.name(), r.status());
            String problem = check(c, r, applicationStatus);
            if (problem != null) {
                wrong.add(c.name() + ": " + problem);
            }
        }
        if (!wrong.isEmpty()) {
            throw new AssertionError("challenge requests answered wrongly:\n  " + String.join("\n  ", wrong)
                    + "\nall statuses: " + statuses);
        }
        return statuses;
    }

    /** @return why {@code r} is wrong for {@code c}, or {@code null} */
    static String check(Case c, Response r, int applicationStatus) {
        String text = r.text();
        if (text.contains(MARKER) || text.contains(PASSWD)) {
            return "file contents in the body (" + r.status() + ")";
        }
        switch (c.expect()) {
            case ANSWER -> {
                if (r.status() != 200 || !text.equals(KEY_AUTHORIZATION)) {
                    return "expected 200 with the key authorization, got " + r.status() + " \"" + abbreviate(text) + "\"";
                }
                if (!"application/octet-stream".equals(r.headers().get("content-type"))) {
                    return "content type " + r.headers().get("content-type");
                }
                return null;
            }
            case HEAD_ANSWER -> {
                String length = r.headers().get("content-length");
                boolean ok = r.status() == 200 && r.body().length == 0
                        && String.valueOf(KEY_AUTHORIZATION.length()).equals(length);
                return ok ? null : "expected 200, Content-Length " + KEY_AUTHORIZATION.length() + " and no body, got "
                        + r.status() + ", " + length + ", " + r.body().length + " bytes";
            }
            default -> {
                if (text.contains(KEY_AUTHORIZATION)) {
                    return "the key authorization was sent (" + r.status() + ")";
                }
                boolean ok = c.statuses().contains(r.status()) || c.application() && r.status() == applicationStatus;
                return ok ? null : "expected " + c.statuses() + (c.application() ? " or the application's " + applicationStatus : "")
                        + ", got " + r.status();
            }
        }
    }

    /**
     * @param port the HTTP connector on 127.0.0.1
     * @param path a request target, sent as it is
     * @return what a plain {@code GET} of it got
     * @throws IOException when the connection cannot be made
     */
    public static Response get(int port, String path) throws IOException {
        return send(port, get(path));
    }

    /**
     * @param port    the HTTP connector on 127.0.0.1
     * @param request the raw request, which asks the server to close the connection after answering
     * @return what came back
     * @throws IOException when the connection cannot be made
     */
    public static Response send(int port, byte[] request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            return parse(readAll(socket.getInputStream()));
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
            }
        } catch (SocketException e) {
            // a reset after the server answered (it refused to read the rest of a long request): keep what came
        }
        return out.toByteArray();
    }

    static Response parse(byte[] raw) {
        String all = new String(raw, StandardCharsets.ISO_8859_1);
        int end = all.indexOf("\r\n\r\n");
        if (!all.startsWith("HTTP/1.") || end < 0) {
            return new Response(0, Map.of(), raw);
        }
        String[] lines = all.substring(0, end).split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        String body = all.substring(end + 4);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = unchunk(body);
        }
        return new Response(Integer.parseInt(lines[0].split(" ")[1]), headers, body.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String unchunk(String chunked) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (true) {
            int lineEnd = chunked.indexOf("\r\n", at);
            if (lineEnd < 0) {
                return out.toString();
            }
            int size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].trim(), 16);
            if (size == 0 || lineEnd + 2 + size > chunked.length()) {
                return out.toString();
            }
            out.append(chunked, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
    }

    private static Case refused(String name, byte[] request, boolean application, Integer... statuses) {
        return new Case(name, request, Expect.REFUSED, Set.of(statuses), application);
    }

    private static byte[] get(String target) {
        return request("GET", ascii(target));
    }

    private static byte[] get(byte[] target) {
        return request("GET", target);
    }

    private static byte[] request(String method, byte[] target) {
        String body = "POST".equals(method) || "PUT".equals(method) ? "Content-Length: 0\r\n" : "";
        return concat(ascii(method + " "), target,
                ascii(" HTTP/1.1\r\nHost: a.test\r\nUser-Agent: autocert-test\r\n" + body + "Connection: close\r\n\r\n"));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "…";
    }
}
