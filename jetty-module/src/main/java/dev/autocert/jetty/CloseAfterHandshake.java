package dev.autocert.jetty;

import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;
import org.eclipse.jetty.util.BufferUtil;

import java.io.IOException;
import java.util.concurrent.Executor;

/**
 * What runs inside a validation TLS connection: nothing. The validator only needs the handshake
 * (RFC 8737 §3: the server "SHOULD close the connection" afterwards); this connection drives it and
 * then closes, so no byte of application data is ever read or answered.
 *
 * <p>It exists before the handshake (the TLS layer needs an application connection above it), so it
 * must keep reading to let the handshake progress, and close once the handshake has succeeded.
 */
final class CloseAfterHandshake extends AbstractConnection {

    private final SslConnection tls;

    /**
     * @param endPoint the decrypted end point of {@code tls}
     * @param executor the connector's executor
     * @param tls      the TLS connection below this one
     */
    CloseAfterHandshake(EndPoint endPoint, Executor executor, SslConnection tls) {
        super(endPoint, executor);
        this.tls = tls;
    }

    @Override
    public void onOpen() {
        super.onOpen();
        tls.addHandshakeListener(new SslHandshakeListener() {
            @Override
            public void handshakeSucceeded(Event event) {
                getEndPoint().close();
            }
        });
        fillInterested();
    }

    @Override
    public void onFillable() {
        try {
            // reading with no room for data is what drives the TLS layer's handshake
            if (getEndPoint().fill(BufferUtil.EMPTY_BUFFER) < 0) {
                getEndPoint().close();
            } else if (getEndPoint().isOpen()) {
                fillInterested();
            }
        } catch (IOException e) {
            // typically the handshake failed: no challenge pending for that name
            getEndPoint().close(e);
        }
    }
}
