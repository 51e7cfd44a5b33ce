package dev.autocert.tls;

import dev.autocert.challenge.ChallengeBoard;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.BiFunction;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * A server {@link SSLEngine} that reads the ClientHello before its delegate does and applies
 * {@link AcmeTlsAlpn}: a handshake that would negotiate {@code acme-tls/1} gets the static ALPN list
 * for its SNI, so it is refused with {@code no_application_protocol} when no challenge is pending. For
 * containers that create engines themselves and expose no per-handshake hook before ALPN selection
 * (Tomcat sets the ALPN list from its own ClientHello reading, without asking anyone). Every other
 * handshake, and everything after the ClientHello, goes to the delegate unchanged.
 *
 * <p>The decision uses the connector's own protocol list rather than the one the container set on the
 * engine, which is missing when the container could not read the hello (Tomcat reads only its first
 * record): a fragmented {@code acme-tls/1} hello is decided the same way. Until a whole hello (up to
 * {@link #HELLO_LIMIT} bytes) has arrived, {@code unwrap} reports a buffer underflow without
 * consuming, which makes the container read more. The delegate's handshake starts only then: JSSE fixes
 * an engine's ALPN list for a handshake when the handshake begins, so {@code beginHandshake} and
 * {@code wrap} are held back until the hello is read (a server has nothing to say before it anyway).
 *
 * <p>Like any {@link SSLEngine}, not for concurrent use; the container drives it from one thread at a time.
 */
public final class AcmeTlsGateEngine extends SSLEngine {

    /** Most ClientHello bytes waited for; a larger hello goes to the delegate undecided. */
    static final int HELLO_LIMIT = 16 * 1024;

    private final SSLEngine delegate;
    private final ChallengeBoard board;
    private final List<String> serverProtocols;
    private boolean helloRead;
    private boolean beginRequested;

    /**
     * @param delegate        the container's engine, in server mode
     * @param board           the pending challenges
     * @param serverProtocols the ALPN protocols the connector negotiates, in its order of preference
     */
    public AcmeTlsGateEngine(SSLEngine delegate, ChallengeBoard board, List<String> serverProtocols) {
        super(delegate.getPeerHost(), delegate.getPeerPort());
        this.delegate = delegate;
        this.board = board;
        this.serverProtocols = List.copyOf(serverProtocols);
    }

    @Override
    public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) throws SSLException {
        if (!helloRead) {
            ClientHello.Result hello = ClientHello.parse(src, Math.min(HELLO_LIMIT, src.capacity() - src.position()));
            if (hello.status() == ClientHello.Status.NEED_MORE) {
                return new SSLEngineResult(SSLEngineResult.Status.BUFFER_UNDERFLOW, getHandshakeStatus(), 0, 0);
            }
            if (hello.status() == ClientHello.Status.COMPLETE && AcmeTlsAlpn.selects(serverProtocols, hello.alpn())) {
                SSLParameters parameters = delegate.getSSLParameters();
                parameters.setApplicationProtocols(AcmeTlsAlpn.serverProtocols(board, hello.sni()));
                delegate.setSSLParameters(parameters);
            }
            helloRead = true;
            if (beginRequested) {
                delegate.beginHandshake();
            }
        }
        return delegate.unwrap(src, dsts, offset, length);
    }

    @Override
    public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) throws SSLException {
        if (!helloRead) {
            // a server speaks after the hello; wrapping earlier would start the delegate's handshake too soon
            return new SSLEngineResult(SSLEngineResult.Status.OK, getHandshakeStatus(), 0, 0);
        }
        return delegate.wrap(srcs, offset, length, dst);
    }

    @Override
    public Runnable getDelegatedTask() {
        return delegate.getDelegatedTask();
    }

    @Override
    public void closeInbound() throws SSLException {
        delegate.closeInbound();
    }

    @Override
    public boolean isInboundDone() {
        return delegate.isInboundDone();
    }

    @Override
    public void closeOutbound() {
        delegate.closeOutbound();
    }

    @Override
    public boolean isOutboundDone() {
        return delegate.isOutboundDone();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }

    @Override
    public String[] getEnabledCipherSuites() {
        return delegate.getEnabledCipherSuites();
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {
        delegate.setEnabledCipherSuites(suites);
    }

    @Override
    public String[] getSupportedProtocols() {
        return delegate.getSupportedProtocols();
    }

    @Override
    public String[] getEnabledProtocols() {
        return delegate.getEnabledProtocols();
    }

    @Override
    public void setEnabledProtocols(String[] protocols) {
        delegate.setEnabledProtocols(protocols);
    }

    @Override
    public SSLSession getSession() {
        return delegate.getSession();
    }

    @Override
    public SSLSession getHandshakeSession() {
        return delegate.getHandshakeSession();
    }

    @Override
    public void beginHandshake() throws SSLException {
        if (helloRead) {
            delegate.beginHandshake();
        } else {
            beginRequested = true;
        }
    }

    @Override
    public SSLEngineResult.HandshakeStatus getHandshakeStatus() {
        return !helloRead && beginRequested ? SSLEngineResult.HandshakeStatus.NEED_UNWRAP : delegate.getHandshakeStatus();
    }

    @Override
    public void setUseClientMode(boolean mode) {
        delegate.setUseClientMode(mode);
    }

    @Override
    public boolean getUseClientMode() {
        return delegate.getUseClientMode();
    }

    @Override
    public void setNeedClientAuth(boolean need) {
        delegate.setNeedClientAuth(need);
    }

    @Override
    public boolean getNeedClientAuth() {
        return delegate.getNeedClientAuth();
    }

    @Override
    public void setWantClientAuth(boolean want) {
        delegate.setWantClientAuth(want);
    }

    @Override
    public boolean getWantClientAuth() {
        return delegate.getWantClientAuth();
    }

    @Override
    public void setEnableSessionCreation(boolean flag) {
        delegate.setEnableSessionCreation(flag);
    }

    @Override
    public boolean getEnableSessionCreation() {
        return delegate.getEnableSessionCreation();
    }

    @Override
    public SSLParameters getSSLParameters() {
        return delegate.getSSLParameters();
    }

    @Override
    public void setSSLParameters(SSLParameters params) {
        delegate.setSSLParameters(params);
    }

    @Override
    public String getApplicationProtocol() {
        return delegate.getApplicationProtocol();
    }

    @Override
    public String getHandshakeApplicationProtocol() {
        return delegate.getHandshakeApplicationProtocol();
    }

    @Override
    public void setHandshakeApplicationProtocolSelector(BiFunction<SSLEngine, List<String>, String> selector) {
        delegate.setHandshakeApplicationProtocolSelector(selector);
    }

    @Override
    public BiFunction<SSLEngine, List<String>, String> getHandshakeApplicationProtocolSelector() {
        return delegate.getHandshakeApplicationProtocolSelector();
    }

    @Override
    public String toString() {
        return "AcmeTlsGateEngine[" + delegate + "]";
    }
}
