package dev.autocert.jetty;

import dev.autocert.tls.ClientHello;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.util.BufferUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;

/**
 * The first connection of every TLS connection on a wired connector: it reads until the ClientHello
 * is complete (or cannot be held), lets {@link AcmeTlsDetector} choose the TLS stack, and upgrades to
 * it, handing over every byte read so far. It never writes.
 */
final class ClientHelloConnection extends AbstractConnection implements Connection.UpgradeFrom, Connection.UpgradeTo {

    private static final Logger LOG = LoggerFactory.getLogger(ClientHelloConnection.class);

    private final Connector connector;
    private final AcmeTlsDetector detector;
    /**
     * A plain heap buffer, not one from Jetty's pool: {@code ByteBufferPool.acquire} changed its return type
     * from 12.0 to 12.1, so one JAR could not call it on both. 16 KB of short-lived garbage per TLS
     * connection is small next to what the TLS handshake itself allocates.
     */
    private final ByteBuffer buffer = BufferUtil.allocate(AcmeTlsDetector.HELLO_LIMIT);

    ClientHelloConnection(EndPoint endPoint, Connector connector, AcmeTlsDetector detector) {
        super(endPoint, connector.getExecutor());
        this.connector = connector;
        this.detector = detector;
    }

    /** Bytes already read by a connection before this one (a PROXY-protocol header's leftovers). */
    @Override
    public void onUpgradeTo(ByteBuffer prefilled) {
        if (BufferUtil.space(buffer) < prefilled.remaining()) {
            throw new IllegalStateException("too much to adopt: " + prefilled.remaining() + " bytes");
        }
        BufferUtil.append(buffer, prefilled);
    }

    /** Hands everything read so far to the connection that takes over (the buffer is not used afterwards). */
    @Override
    public ByteBuffer onUpgradeFrom() {
        return buffer.hasRemaining() ? buffer : null;
    }

    @Override
    public void onOpen() {
        super.onOpen();
        try {
            if (!buffer.hasRemaining() || !decide()) {
                fillInterested();
            }
        } catch (Throwable x) {
            fail(x);
        }
    }

    @Override
    public void onFillable() {
        try {
            while (true) {
                int filled = getEndPoint().fill(buffer);
                if (filled < 0) {
                    getEndPoint().close(); // the client left before saying hello
                    return;
                }
                if (filled == 0) {
                    fillInterested();
                    return;
                }
                if (decide()) {
                    return;
                }
            }
        } catch (Throwable x) {
            fail(x);
        }
    }

    /** @return whether the connection was handed over */
    private boolean decide() {
        boolean full = BufferUtil.space(buffer) == 0;
        ClientHello.Result hello = ClientHello.parse(buffer, AcmeTlsDetector.HELLO_LIMIT);
        AcmeTlsDetector.Route route = AcmeTlsDetector.route(hello, full);
        if (route == null) {
            return false;
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} bytes of ClientHello from {} -> {}", buffer.remaining(), getEndPoint().getRemoteSocketAddress(), route);
        }
        getEndPoint().upgrade(detector.connectionFor(route, hello.sni(), connector, getEndPoint()));
        return true;
    }

    private void fail(Throwable x) {
        LOG.debug("Closing {} while reading the ClientHello", getEndPoint(), x);
        getEndPoint().close(x);
    }
}
