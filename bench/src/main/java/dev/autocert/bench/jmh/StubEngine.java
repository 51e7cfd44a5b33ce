package dev.autocert.bench.jmh;

import java.nio.ByteBuffer;
import java.security.Principal;
import java.security.cert.Certificate;
import java.util.List;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;

/**
 * An SSLEngine in the middle of a server handshake, as a key manager sees it: a handshake session
 * carrying the client's SNI, and the ALPN protocol already selected (or none). Everything else is inert.
 */
final class StubEngine extends SSLEngine {

    private final Session session;
    private final String alpn;

    /**
     * @param sni  the server name the ClientHello carried, or {@code null}
     * @param alpn the negotiated application protocol, or {@code null} for none
     */
    StubEngine(String sni, String alpn) {
        this.session = new Session(sni == null ? List.of() : List.of(new SNIHostName(sni)));
        this.alpn = alpn;
    }

    @Override
    public SSLSession getHandshakeSession() {
        return session;
    }

    @Override
    public String getHandshakeApplicationProtocol() {
        return alpn;
    }

    @Override
    public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) {
        throw new UnsupportedOperationException();
    }

    @Override
    public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Runnable getDelegatedTask() {
        return null;
    }

    @Override
    public void closeInbound() {
    }

    @Override
    public boolean isInboundDone() {
        return false;
    }

    @Override
    public void closeOutbound() {
    }

    @Override
    public boolean isOutboundDone() {
        return false;
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return new String[0];
    }

    @Override
    public String[] getEnabledCipherSuites() {
        return new String[0];
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {
    }

    @Override
    public String[] getSupportedProtocols() {
        return new String[] {"TLSv1.3"};
    }

    @Override
    public String[] getEnabledProtocols() {
        return new String[] {"TLSv1.3"};
    }

    @Override
    public void setEnabledProtocols(String[] protocols) {
    }

    @Override
    public SSLSession getSession() {
        return session;
    }

    @Override
    public void beginHandshake() {
    }

    @Override
    public SSLEngineResult.HandshakeStatus getHandshakeStatus() {
        return SSLEngineResult.HandshakeStatus.NEED_UNWRAP;
    }

    @Override
    public void setUseClientMode(boolean mode) {
    }

    @Override
    public boolean getUseClientMode() {
        return false;
    }

    @Override
    public void setNeedClientAuth(boolean need) {
    }

    @Override
    public boolean getNeedClientAuth() {
        return false;
    }

    @Override
    public void setWantClientAuth(boolean want) {
    }

    @Override
    public boolean getWantClientAuth() {
        return false;
    }

    @Override
    public void setEnableSessionCreation(boolean flag) {
    }

    @Override
    public boolean getEnableSessionCreation() {
        return true;
    }

    /** The handshake session: only the requested server names are real. */
    private static final class Session extends ExtendedSSLSession {
        private final List<SNIServerName> names;

        Session(List<SNIServerName> names) {
            this.names = names;
        }

        @Override
        public List<SNIServerName> getRequestedServerNames() {
            return names;
        }

        @Override
        public String[] getLocalSupportedSignatureAlgorithms() {
            return new String[] {"ecdsa_secp256r1_sha256"};
        }

        @Override
        public String[] getPeerSupportedSignatureAlgorithms() {
            return new String[] {"ecdsa_secp256r1_sha256"};
        }

        @Override
        public byte[] getId() {
            return new byte[0];
        }

        @Override
        public SSLSessionContext getSessionContext() {
            return null;
        }

        @Override
        public long getCreationTime() {
            return 0;
        }

        @Override
        public long getLastAccessedTime() {
            return 0;
        }

        @Override
        public void invalidate() {
        }

        @Override
        public boolean isValid() {
            return true;
        }

        @Override
        public void putValue(String name, Object value) {
        }

        @Override
        public Object getValue(String name) {
            return null;
        }

        @Override
        public void removeValue(String name) {
        }

        @Override
        public String[] getValueNames() {
            return new String[0];
        }

        @Override
        public Certificate[] getPeerCertificates() {
            return null;
        }

        @Override
        public Certificate[] getLocalCertificates() {
            return null;
        }

        @Override
        public Principal getPeerPrincipal() {
            return null;
        }

        @Override
        public Principal getLocalPrincipal() {
            return null;
        }

        @Override
        public String getCipherSuite() {
            return "TLS_AES_256_GCM_SHA384";
        }

        @Override
        public String getProtocol() {
            return "TLSv1.3";
        }

        @Override
        public String getPeerHost() {
            return "127.0.0.1";
        }

        @Override
        public int getPeerPort() {
            return 0;
        }

        @Override
        public int getPacketBufferSize() {
            return 16709;
        }

        @Override
        public int getApplicationBufferSize() {
            return 16384;
        }
    }
}
