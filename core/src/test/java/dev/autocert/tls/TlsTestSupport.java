package dev.autocert.tls;

import dev.autocert.config.KeyType;
import dev.autocert.store.FileStore;
import dev.autocert.store.Keystores;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;

/** Shared plumbing of the handshake tests. */
final class TlsTestSupport {

    /** The static ALPN list of the test servers; selected while the ClientHello is read. */
    static final String[] SERVER_ALPN = {"h2", "http/1.1", AutocertKeyManager.ACME_TLS_1};

    private static final char[] PASSWORD = "pw".toCharArray();

    private TlsTestSupport() {
    }

    /** @return a container-style key manager over a PKCS#12 keystore holding a self-signed "other.test" */
    static X509ExtendedKeyManager delegate() throws Exception {
        return delegate(SelfSigned.temporary(List.of("other.test"), KeyType.EC256));
    }

    /** @return a container-style key manager over a PKCS#12 keystore holding {@code cert} */
    static X509ExtendedKeyManager delegate(CertifiedKey cert) throws Exception {
        KeyStore ks = Keystores.keyStore(cert, Keystores.PKCS12, FileStore.KEYSTORE_ALIAS, PASSWORD);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        return (X509ExtendedKeyManager) kmf.getKeyManagers()[0];
    }

    /** @return a client engine offering only {@code protocol}, sending SNI {@code sni} (none when null) and ALPN {@code alpn} */
    static SSLEngine client(String protocol, String sni, String... alpn) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new TrustAll()}, null);
        SSLEngine client = context.createSSLEngine();
        client.setUseClientMode(true);
        SSLParameters parameters = client.getSSLParameters();
        parameters.setProtocols(new String[] {protocol});
        if (sni != null) {
            parameters.setServerNames(List.of(new SNIHostName(sni)));
        }
        parameters.setApplicationProtocols(alpn);
        client.setSSLParameters(parameters);
        return client;
    }

    /**
     * Handshakes two engines in memory, the client's bytes arriving at the server {@code slice} bytes per round
     * (as a slow network delivers them; what the server did not consume stays buffered for the next round).
     *
     * @return the client, handshake finished
     * @throws SSLException the handshake's failure as the client saw it (the server's alert), or else as the server did
     */
    static SSLEngine handshake(SSLEngine server, SSLEngine client, int slice) throws SSLException {
        ByteBuffer empty = ByteBuffer.allocate(0);
        ByteBuffer toServer = ByteBuffer.allocate(1 << 16);
        ByteBuffer toClient = ByteBuffer.allocate(1 << 16);
        ByteBuffer clientApp = ByteBuffer.allocate(1 << 16);
        ByteBuffer serverApp = ByteBuffer.allocate(1 << 16);
        client.beginHandshake();
        server.beginHandshake();
        boolean clientDone = false;
        boolean serverDone = false;
        long arrived = 0;
        for (int i = 0; i < 100_000 && !(clientDone && serverDone); i++) {
            clientDone |= finished(client, client.wrap(empty, toServer));
            try {
                serverDone |= finished(server, server.wrap(empty, toClient));
                toServer.flip();
                arrived = Math.min(toServer.limit(), arrived + slice);
                int written = toServer.limit();
                toServer.limit((int) arrived);
                serverDone |= finished(server, server.unwrap(toServer, serverApp));
                arrived -= toServer.position();
                toServer.limit(written);
                toServer.compact();
            } catch (SSLException serverSaw) {
                server.wrap(empty, toClient); // the alert
                toClient.flip();
                client.unwrap(toClient, clientApp);
                throw serverSaw;
            }
            toClient.flip();
            clientDone |= finished(client, client.unwrap(toClient, clientApp));
            toClient.compact();
        }
        if (!(clientDone && serverDone)) {
            throw new AssertionError("handshake did not complete");
        }
        return client;
    }

    private static boolean finished(SSLEngine engine, SSLEngineResult result) {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
        return result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.FINISHED;
    }

    /** Test only: accepts every certificate so the test can inspect what the server chose. */
    static final class TrustAll extends X509ExtendedTrustManager {
        @Override public void checkClientTrusted(X509Certificate[] c, String a, Socket s) { }
        @Override public void checkServerTrusted(X509Certificate[] c, String a, Socket s) { }
        @Override public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) { }
        @Override public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) { }
        @Override public void checkClientTrusted(X509Certificate[] c, String a) { }
        @Override public void checkServerTrusted(X509Certificate[] c, String a) { }
        @Override public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
