package dev.autocert.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A JSSE client that opens one new TLS 1.3 connection with SNI and reports the certificate the server
 * presented. Every {@link Client} has its own new {@link SSLContext}, so its handshake is always a full
 * one: no session of an earlier probe can be resumed (a resumed session would report the certificate of
 * the session it resumes). The chain is not verified: this is a loopback benchmark.
 */
final class HandshakeProbe {

    private static final int TIMEOUT_MS = 10_000;

    private final InetSocketAddress server;
    private final String sni;

    /**
     * @param port the server's port on 127.0.0.1
     * @param sni  the server name to ask for
     */
    HandshakeProbe(int port, String sni) {
        this.server = new InetSocketAddress("127.0.0.1", port);
        this.sni = sni;
    }

    /**
     * @return a client with a new SSLContext, ready for one handshake
     * @throws GeneralSecurityException when the JDK has no TLS 1.3
     */
    Client newClient() throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(null, new TrustManager[] {new TrustAll()}, null);
        return new Client(context);
    }

    /** What one handshake saw. */
    record Seen(X509Certificate leaf, long completedNanos) {
    }

    /** One client context, used for one connection. */
    final class Client {
        private final SSLContext context;

        private Client(SSLContext context) {
            this.context = context;
        }

        /**
         * Connects, completes the handshake and closes.
         *
         * @return the leaf certificate presented and the {@link System#nanoTime()} at which the handshake completed
         * @throws IOException when the connection or the handshake fails
         */
        Seen handshake() throws IOException {
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
                socket.connect(server, TIMEOUT_MS);
                socket.setSoTimeout(TIMEOUT_MS);
                SSLParameters params = socket.getSSLParameters();
                params.setServerNames(List.of(new SNIHostName(sni)));
                params.setProtocols(new String[] {"TLSv1.3"});
                socket.setSSLParameters(params);
                socket.startHandshake();
                long completed = System.nanoTime();
                return new Seen((X509Certificate) socket.getSession().getPeerCertificates()[0], completed);
            }
        }
    }

    /** Accepts every server certificate; the probe only looks at which one it was. */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
