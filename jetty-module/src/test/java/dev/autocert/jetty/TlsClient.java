package dev.autocert.jetty;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A JDK TLS client for the tests: chooses SNI, ALPN list and TLS version, trusts every certificate
 * (the tests look at which certificate came, not whether it is trusted), and can produce the raw
 * ClientHello bytes the JDK would send.
 */
final class TlsClient {

    /** What a handshake showed. */
    record Handshake(List<X509Certificate> chain, String alpn, String protocol, SSLSocket socket) {
        X509Certificate leaf() {
            return chain.get(0);
        }
    }

    private TlsClient() {
    }

    static SSLContext trustAll() {
        return trustAll(new ArrayList<>());
    }

    /** @param seen receives every certificate chain the server presents, even when the handshake fails later */
    static SSLContext trustAll(List<X509Certificate[]> seen) {
        return context(null, seen);
    }

    /**
     * @param keyManagers the client's own certificate (for client authentication), or {@code null}
     * @param seen        receives every certificate chain the server presents
     * @return a client context that trusts every server
     */
    static SSLContext context(KeyManager[] keyManagers, List<X509Certificate[]> seen) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                    seen.add(chain);
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static SSLParameters parameters(SSLParameters p, String sni, List<String> alpn, String version) {
        if (sni != null) {
            p.setServerNames(List.of(new SNIHostName(sni)));
        }
        if (alpn != null) {
            p.setApplicationProtocols(alpn.toArray(new String[0]));
        }
        if (version != null) {
            p.setProtocols(new String[] {version});
        }
        return p;
    }

    /**
     * Handshakes with 127.0.0.1:{@code port}; the caller closes the returned socket.
     *
     * @throws IOException when the handshake fails
     */
    static Handshake handshake(int port, String sni, List<String> alpn, String version) throws IOException {
        return handshake(port, sni, alpn, version, new ArrayList<>());
    }

    /** @param seen receives the chains the server presented */
    static Handshake handshake(int port, String sni, List<String> alpn, String version, List<X509Certificate[]> seen) throws IOException {
        Socket raw = new Socket();
        raw.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        raw.setSoTimeout(10_000);
        SSLSocket socket = (SSLSocket) trustAll(seen).getSocketFactory().createSocket(raw, "127.0.0.1", port, true);
        try {
            socket.setSSLParameters(parameters(socket.getSSLParameters(), sni, alpn, version));
            socket.startHandshake();
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : socket.getSession().getPeerCertificates()) {
                chain.add((X509Certificate) c);
            }
            return new Handshake(chain, socket.getApplicationProtocol(), socket.getSession().getProtocol(), socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Sends {@code GET /} on an open TLS socket (HTTP/1.1, keep-alive) and returns the response's body. */
    static String get(SSLSocket socket, String host) throws IOException {
        socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed in the response header: " + head);
            }
            head.write(b);
        }
        String header = head.toString(StandardCharsets.ISO_8859_1);
        if (!header.startsWith("HTTP/1.1 200")) {
            throw new IOException("not 200: " + header);
        }
        int length = Integer.parseInt(header.replaceAll("(?s).*[Cc]ontent-[Ll]ength: (\\d+).*", "$1"));
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    /** @return whether the server closed the connection (within 5 s) without sending application data */
    static boolean closedByServer(SSLSocket socket) throws IOException {
        socket.setSoTimeout(5_000);
        try {
            return socket.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SSLException e) {
            return true; // closed without close_notify
        }
    }

    /** The bytes a JDK client sends first (its ClientHello records). */
    static byte[] clientHello(String sni, List<String> alpn, String version) {
        try {
            SSLEngine engine = trustAll().createSSLEngine("peer", 443);
            engine.setUseClientMode(true);
            engine.setSSLParameters(parameters(engine.getSSLParameters(), sni, alpn, version));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
            engine.beginHandshake();
            while (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                net.clear();
                engine.wrap(ByteBuffer.allocate(0), net);
                out.write(net.array(), 0, net.position());
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return {@code count} distinct ALPN names of {@code size} characters, then {@code last} */
    static List<String> manyProtocols(int count, int size, String last) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String prefix = "x-" + i + "-";
            names.add(prefix + "p".repeat(size - prefix.length()));
        }
        names.add(last);
        return names;
    }
}
