package dev.autocert.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Looks at a TLS server the way real clients do: {@code openssl s_client}, a JSSE client with its own trust roots
 * and hostname verification, and a PKIX check of a chain.
 */
public final class TlsProbe {

    private static final Pattern NEW_LINE = Pattern.compile("(?m)^New, (\\S+), Cipher is (\\S+)");
    private static final Pattern SESSION_PROTOCOL = Pattern.compile("(?m)^\\s*Protocol\\s*: (\\S+)");
    private static final Pattern ALPN = Pattern.compile("(?m)^ALPN protocol: (.+)$");
    /** openssl 3: "... ssl/tls alert no application protocol ..." (TLS 1.3) or "tlsv1 alert ..." (TLS 1.2). */
    private static final Pattern ALERT = Pattern.compile("(?:tlsv1|ssl/tls|sslv3) alert ([a-z ]+?)(?::|$| \\(|\\.)", Pattern.MULTILINE);
    private static final Pattern IP_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}|.*:.*");
    private static final int TIMEOUT_MILLIS = 15_000;

    private TlsProbe() {
    }

    /**
     * What {@code openssl s_client} saw.
     *
     * @param handshakeOk whether the handshake completed (exit code 0 and a protocol was negotiated)
     * @param chain       the certificates the server sent, leaf first ({@code -showcerts})
     * @param alpn        the negotiated ALPN protocol, {@code null} for "No ALPN negotiated"
     * @param protocol    e.g. {@code "TLSv1.3"}, {@code null} if none was negotiated
     * @param output      the whole stdout + stderr of openssl
     */
    public record OpensslResult(boolean handshakeOk, List<X509Certificate> chain, String alpn, String protocol,
                                String output) {

        /** @return the TLS alert the server sent, as openssl names it (e.g. {@code "no application protocol"}), or {@code null} */
        public String alert() {
            Matcher m = ALERT.matcher(output);
            return m.find() ? m.group(1).trim() : null;
        }
    }

    /**
     * An HTTP response read by {@link #httpsGet}.
     *
     * @param status  the status code
     * @param headers header fields, names in lower case (last one wins)
     * @param body    the body as UTF-8 (chunked encoding removed)
     * @param chain   the server's certificate chain
     */
    public record HttpsResponse(int status, Map<String, String> headers, String body, List<X509Certificate> chain) {
    }

    /**
     * Runs {@code openssl s_client -connect host:port -servername sni [-alpn alpn] [-tls1_2|-tls1_3] -showcerts}
     * with stdin closed and a 15 s limit. {@code sni == null} sends no SNI; {@code tlsVersion} is "1.2", "1.3" or
     * {@code null} for any. Certificate verification errors do not count as a failed handshake.
     */
    public static OpensslResult openssl(String host, int port, String sni, String alpn, String tlsVersion) {
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect", host + ":" + port));
        if (sni != null) {
            cmd.addAll(List.of("-servername", sni));
        } else {
            cmd.add("-noservername");
        }
        if (alpn != null) {
            cmd.addAll(List.of("-alpn", alpn));
        }
        if (tlsVersion != null) {
            switch (tlsVersion) {
                case "1.2" -> cmd.add("-tls1_2");
                case "1.3" -> cmd.add("-tls1_3");
                default -> throw new IllegalArgumentException("tlsVersion must be 1.2, 1.3 or null: " + tlsVersion);
            }
        }
        cmd.add("-showcerts");
        return run(cmd);
    }

    /**
     * What a client connecting to an IP address does: {@code openssl s_client -connect address:port -noservername
     * -verify_ip address -CAfile rootsPem -verify_return_error -showcerts}, no SNI (RFC 6066 has none for addresses),
     * the chain verified against {@code rootsPem} only and the leaf required to name {@code address} as an IP SAN.
     *
     * @param address an IPv4 or IPv6 literal, without brackets
     * @return the result; {@link OpensslResult#handshakeOk()} only when the chain verified and names the address
     */
    public static OpensslResult opensslVerifyIp(String address, int port, Path rootsPem) {
        String connect = address.contains(":") ? "[" + address + "]:" + port : address + ":" + port;
        OpensslResult r = run(List.of("openssl", "s_client", "-connect", connect, "-noservername", "-verify_ip", address,
                "-CAfile", rootsPem.toString(), "-verify_return_error", "-showcerts"));
        boolean verified = r.handshakeOk() && r.output().contains("Verify return code: 0 (ok)");
        return new OpensslResult(verified, r.chain(), r.alpn(), r.protocol(), r.output());
    }

    private static OpensslResult run(List<String> cmd) {
        Path out = null;
        try {
            out = Files.createTempFile("autocert-openssl", ".out");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            p.getOutputStream().close(); // like </dev/null: s_client ends right after the handshake
            boolean finished = p.waitFor(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            if (!finished) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            String output = new String(Files.readAllBytes(out), StandardCharsets.UTF_8);
            if (!finished) {
                return new OpensslResult(false, List.of(), null, null, output + "\n[openssl timed out after 15 s]");
            }
            return parse(p.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + cmd + " (is openssl installed?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            deleteQuietly(out);
        }
    }

    /**
     * Checks what RFC 8737 demands of a server without a pending TLS-ALPN-01 challenge for {@code sni}: a client
     * offering only {@code acme-tls/1} gets no certificate at all and the {@code no_application_protocol} alert, on
     * TLS 1.2 and 1.3, with openssl as the client.
     *
     * @return what went wrong, one line per TLS version; empty when both refused correctly
     */
    public static List<String> acmeTlsRefusalProblems(String host, int port, String sni) {
        List<String> problems = new ArrayList<>();
        for (String version : List.of("1.2", "1.3")) {
            OpensslResult r = openssl(host, port, sni, "acme-tls/1", version);
            if (r.handshakeOk() || !r.chain().isEmpty() || !"no application protocol".equals(r.alert())) {
                problems.add("TLS " + version + " acme-tls/1 to " + host + ":" + port + " (SNI " + sni + "): handshake "
                        + (r.handshakeOk() ? "completed" : "failed") + ", ALPN " + r.alpn() + ", " + r.chain().size()
                        + " certificate(s), alert " + r.alert() + "\n" + r.output());
            }
        }
        return problems;
    }

    static OpensslResult parse(int exitCode, String output) {
        // "New, TLSv1.3, Cipher is ..." is always printed; "(NONE)" when the handshake failed. The SSL-Session
        // block with "Protocol  :" is missing for TLS 1.3 when stdin closes before a session ticket arrives.
        String protocol = null;
        Matcher m = NEW_LINE.matcher(output);
        if (m.find() && !m.group(1).startsWith("(")) {
            protocol = m.group(1);
        } else {
            Matcher s = SESSION_PROTOCOL.matcher(output);
            if (s.find()) {
                protocol = s.group(1);
            }
        }
        Matcher a = ALPN.matcher(output);
        String alpn = a.find() ? a.group(1).trim() : null;
        List<X509Certificate> chain = Pem.certificates(output);
        return new OpensslResult(exitCode == 0 && protocol != null, chain, alpn, protocol, output);
    }

    /**
     * Handshakes with {@code host:port} (usually 127.0.0.1) sending SNI {@code sni}, trusting only {@code roots}
     * and verifying that the certificate matches {@code sni} (endpoint identification "HTTPS"); returns the peer
     * chain, leaf first.
     *
     * @throws UncheckedIOException wrapping the SSLException when trust or name checks fail
     */
    public static List<X509Certificate> javaHandshake(String host, int port, String sni,
                                                      Collection<X509Certificate> roots) {
        try (SSLSocket socket = open(host, port, sni, roots)) {
            return peerChain(socket);
        } catch (IOException e) {
            throw new UncheckedIOException("TLS handshake with " + host + ":" + port + " (SNI " + sni + ") failed: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Handshakes with {@code 127.0.0.1:port} for {@code sni} every 50 ms until the chain verifies as in
     * {@link #verifyChain}: the wait of a test for a certificate being issued, stored and served.
     *
     * @return the verified chain, leaf first
     * @throws AssertionError with the last handshake's or check's failure when none verified within {@code atMost}
     */
    public static List<X509Certificate> awaitVerified(int port, String sni, Collection<X509Certificate> roots, Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (true) {
            try {
                List<X509Certificate> chain = javaHandshake("127.0.0.1", port, sni, roots);
                verifyChain(chain, roots, sni);
                return chain;
            } catch (UncheckedIOException | AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no verified chain for " + sni + " on port " + port + " within " + atMost + ": "
                            + e.getMessage(), e);
                }
            }
            Commands.sleep(50);
        }
    }

    /**
     * {@code clients} handshakes for {@code sni} at once, each on its own thread, each chain verified as in
     * {@link #verifyChain}: what many browsers opening a new site at the same moment do.
     *
     * @throws AssertionError when one chain does not verify, or a handshake fails or takes more than 30 s
     */
    public static void verifiedAtOnce(String host, int port, String sni, Collection<X509Certificate> roots, int clients) {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<List<X509Certificate>>> chains = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                chains.add(pool.submit(() -> javaHandshake(host, port, sni, roots)));
            }
            for (Future<List<X509Certificate>> chain : chains) {
                verifyChain(chain.get(30, TimeUnit.SECONDS), roots, sni);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("one of " + clients + " concurrent handshakes for " + sni + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A TLS handshake that accepts whatever the server presents (no trust, no name check): for tests of what a name
     * that no certificate covers gets.
     *
     * @return the leaf the server presented for {@code sni}
     * @throws UncheckedIOException when the handshake fails (the server sent an alert, or nothing)
     */
    public static X509Certificate presented(String host, int port, String sni) {
        try (Socket raw = new Socket()) {
            raw.connect(new InetSocketAddress(host, port), 5_000);
            raw.setSoTimeout(TIMEOUT_MILLIS);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new AcceptAnything()}, null);
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(raw, sni, port, false)) {
                SSLParameters params = socket.getSSLParameters();
                params.setServerNames(List.of(new SNIHostName(sni)));
                socket.setSSLParameters(params);
                socket.startHandshake();
                return (X509Certificate) socket.getSession().getPeerCertificates()[0];
            }
        } catch (IOException e) {
            throw new UncheckedIOException("TLS handshake with " + host + ":" + port + " (SNI " + sni + ") failed: "
                    + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Trusts every server: {@link #presented} looks at what is presented, not whether it is trusted. */
    private static final class AcceptAnything extends X509ExtendedTrustManager {
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) { }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) { }
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) { }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) { }
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType) { }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType) { }
        @Override public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /**
     * {@code GET path} over HTTP/1.1 to 127.0.0.1:{@code port} with SNI and Host {@code sni}, trusting only
     * {@code roots} (see {@link #javaHandshake}); reads until the server closes.
     */
    public static HttpsResponse httpsGet(int port, String sni, String path, Collection<X509Certificate> roots) {
        return httpsGet(port, sni, path, roots, Map.of());
    }

    /** {@link #httpsGet(int, String, String, Collection)} with extra request header fields. */
    public static HttpsResponse httpsGet(int port, String sni, String path, Collection<X509Certificate> roots,
                                         Map<String, String> headers) {
        try (SSLSocket socket = open("127.0.0.1", port, sni, roots)) {
            List<X509Certificate> chain = peerChain(socket);
            String hostHeader = (sni != null ? sni : "127.0.0.1") + (port == 443 ? "" : ":" + port);
            StringBuilder extra = new StringBuilder();
            headers.forEach((name, value) -> extra.append(name).append(": ").append(value).append("\r\n"));
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + hostHeader
                    + "\r\nUser-Agent: autocert-testkit\r\nAccept: */*\r\n" + extra + "Connection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return parseHttp(readAll(socket.getInputStream()), chain);
        } catch (IOException e) {
            throw new UncheckedIOException("HTTPS GET " + path + " on 127.0.0.1:" + port + " (SNI " + sni
                    + ") failed: " + e.getMessage(), e);
        }
    }

    /**
     * Asserts that {@code chain} (leaf first) validates with PKIX against {@code roots} (no revocation checks)
     * and that the leaf's SAN covers {@code hostname} (DNS names, {@code *.} wildcards, IP addresses).
     *
     * @throws AssertionError describing the chain when either check fails
     */
    public static void verifyChain(List<X509Certificate> chain, Collection<X509Certificate> roots, String hostname) {
        if (chain.isEmpty()) {
            throw new AssertionError("empty certificate chain for " + hostname);
        }
        List<X509Certificate> path = new ArrayList<>(chain);
        while (path.size() > 1 && roots.contains(path.get(path.size() - 1))) {
            path.remove(path.size() - 1); // a PKIX path excludes its trust anchor
        }
        try {
            Set<TrustAnchor> anchors = new HashSet<>();
            for (X509Certificate root : roots) {
                anchors.add(new TrustAnchor(root, null));
            }
            PKIXParameters params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false);
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            CertPathValidator.getInstance("PKIX").validate(certPath, params);
        } catch (GeneralSecurityException e) {
            throw new AssertionError("chain does not validate against " + describe(new ArrayList<>(roots)) + ": "
                    + e.getMessage() + "\nchain: " + describe(chain), e);
        }
        List<String> names = subjectAltNames(chain.get(0));
        if (names.stream().noneMatch(n -> matches(n, hostname))) {
            throw new AssertionError("certificate " + chain.get(0).getSubjectX500Principal() + " does not cover "
                    + hostname + "; SANs: " + names);
        }
    }

    /** The DNS and IP subject alternative names of a certificate, in order. */
    public static List<String> subjectAltNames(X509Certificate certificate) {
        try {
            Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
            if (sans == null) {
                return List.of();
            }
            List<String> names = new ArrayList<>();
            for (List<?> san : sans) {
                int type = (Integer) san.get(0);
                if (type == 2 || type == 7) {
                    names.add(String.valueOf(san.get(1)));
                }
            }
            return names;
        } catch (CertificateParsingException e) {
            throw new AssertionError("unreadable SAN in " + certificate.getSubjectX500Principal(), e);
        }
    }

    private static boolean matches(String san, String hostname) {
        String name = hostname.toLowerCase(Locale.ROOT);
        String pattern = san.toLowerCase(Locale.ROOT);
        if (pattern.startsWith("*.")) {
            int dot = name.indexOf('.');
            return dot > 0 && name.substring(dot + 1).equals(pattern.substring(2));
        }
        return pattern.equals(name);
    }

    private static String describe(List<X509Certificate> chain) {
        List<String> parts = new ArrayList<>();
        for (X509Certificate c : chain) {
            parts.add("[" + c.getSubjectX500Principal() + " <- " + c.getIssuerX500Principal() + ", until "
                    + c.getNotAfter().toInstant() + "]");
        }
        return String.join(" ", parts);
    }

    private static SSLSocket open(String host, int port, String sni, Collection<X509Certificate> roots)
            throws IOException {
        Socket raw = new Socket();
        try {
            raw.connect(new InetSocketAddress(host, port), 5_000);
            raw.setSoTimeout(TIMEOUT_MILLIS);
            // The layered socket's peer host is the SNI name, so hostname verification checks that name and
            // never falls back to the connect address.
            String peerName = sni != null ? sni : host;
            SSLSocket socket = (SSLSocket) Trust.clientContext(roots).getSocketFactory()
                    .createSocket(raw, peerName, port, true);
            SSLParameters params = socket.getSSLParameters();
            if (sni != null && !IP_LITERAL.matcher(sni).matches()) {
                params.setServerNames(List.of(new SNIHostName(sni)));
            }
            params.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(params);
            socket.startHandshake();
            return socket;
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    private static List<X509Certificate> peerChain(SSLSocket socket) throws IOException {
        List<X509Certificate> chain = new ArrayList<>();
        for (Certificate c : socket.getSession().getPeerCertificates()) {
            chain.add((X509Certificate) c);
        }
        return Collections.unmodifiableList(chain);
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] b = new byte[8192];
        try {
            for (int n; (n = in.read(b)) >= 0; ) {
                buf.write(b, 0, n);
            }
        } catch (SSLException e) {
            // some servers close without close_notify after "Connection: close"; keep what arrived
            if (buf.size() == 0) {
                throw e;
            }
        }
        return buf.toByteArray();
    }

    static HttpsResponse parseHttp(byte[] raw, List<X509Certificate> chain) {
        int split = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        if (split < 0) {
            throw new IllegalStateException("no HTTP header in response: "
                    + new String(raw, StandardCharsets.ISO_8859_1));
        }
        String[] lines = new String(raw, 0, split, StandardCharsets.ISO_8859_1).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/")) {
            throw new IllegalStateException("not an HTTP status line: " + lines[0]);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line : Arrays.asList(lines).subList(1, lines.length)) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        byte[] body = Arrays.copyOfRange(raw, split + 4, raw.length);
        if ("chunked".equalsIgnoreCase(headers.getOrDefault("transfer-encoding", ""))) {
            body = dechunk(body);
        } else if (headers.containsKey("content-length")) {
            int len = Integer.parseInt(headers.get("content-length"));
            body = Arrays.copyOf(body, Math.min(len, body.length));
        }
        return new HttpsResponse(Integer.parseInt(statusLine[1]), Collections.unmodifiableMap(headers),
                new String(body, StandardCharsets.UTF_8), chain);
    }

    private static byte[] dechunk(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int pos = 0;
        while (pos < body.length) {
            int eol = indexOf(Arrays.copyOfRange(body, pos, body.length), "\r\n".getBytes(StandardCharsets.US_ASCII));
            if (eol < 0) {
                break;
            }
            String sizeLine = new String(body, pos, eol, StandardCharsets.US_ASCII);
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim(), 16);
            pos += eol + 2;
            if (size == 0) {
                break;
            }
            out.write(body, pos, Math.min(size, body.length - pos));
            pos += size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temp file left behind is harmless
            }
        }
    }
}
