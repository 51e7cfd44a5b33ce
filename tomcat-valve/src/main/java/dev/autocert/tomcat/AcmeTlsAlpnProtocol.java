package dev.autocert.tomcat;

import dev.autocert.tls.AutocertKeyManager;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;
import org.apache.coyote.Adapter;
import org.apache.coyote.Processor;
import org.apache.coyote.Request;
import org.apache.coyote.UpgradeProtocol;
import org.apache.coyote.UpgradeToken;
import org.apache.coyote.http11.upgrade.InternalHttpUpgradeHandler;
import org.apache.tomcat.util.net.AbstractEndpoint.Handler.SocketState;
import org.apache.tomcat.util.net.SSLSupport;
import org.apache.tomcat.util.net.SocketEvent;
import org.apache.tomcat.util.net.SocketWrapperBase;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Makes a TLS connector negotiate ALPN {@code acme-tls/1} (RFC 8737) and close such a connection
 * right after the handshake, so a validation connection never reaches a webapp. It must be the last
 * upgrade protocol of the connector: Tomcat prefers protocols in the order they were added, and a
 * client offering {@code h2} as well must get {@code h2}.
 */
public class AcmeTlsAlpnProtocol implements UpgradeProtocol {

    private static final byte[] ALPN = AutocertKeyManager.ACME_TLS_1.getBytes(StandardCharsets.US_ASCII);

    @Override
    public String getHttpUpgradeName(boolean isSSLEnabled) {
        return null;
    }

    @Override
    public byte[] getAlpnIdentifier() {
        return ALPN.clone();
    }

    @Override
    public String getAlpnName() {
        return AutocertKeyManager.ACME_TLS_1;
    }

    @Override
    public Processor getProcessor(SocketWrapperBase<?> socketWrapper, Adapter adapter) {
        return new ClosingProcessor();
    }

    @Override
    public InternalHttpUpgradeHandler getInternalUpgradeHandler(SocketWrapperBase<?> socketWrapper, Adapter adapter,
                                                                Request request) {
        return null;
    }

    @Override
    public boolean accept(Request request) {
        return false;
    }

    /**
     * Closes the connection at once. It reports itself as an upgrade processor with a token, so Tomcat
     * never recycles it for HTTP and destroys the (no-op) handler cleanly.
     */
    static final class ClosingProcessor implements Processor {

        private static final HttpUpgradeHandler NO_OP = new HttpUpgradeHandler() {
            @Override
            public void init(WebConnection wc) {
            }

            @Override
            public void destroy() {
            }
        };

        private final UpgradeToken token = new UpgradeToken(NO_OP, null, null, AutocertKeyManager.ACME_TLS_1);

        @Override
        public SocketState process(SocketWrapperBase<?> socketWrapper, SocketEvent status) {
            return SocketState.CLOSED;
        }

        @Override
        public UpgradeToken getUpgradeToken() {
            return token;
        }

        @Override
        public boolean isUpgrade() {
            return true;
        }

        @Override
        public boolean isAsync() {
            return false;
        }

        @Override
        public void timeoutAsync(long now) {
        }

        @Override
        public Request getRequest() {
            return null;
        }

        @Override
        public void recycle() {
        }

        @Override
        public void setSslSupport(SSLSupport sslSupport) {
        }

        @Override
        public ByteBuffer getLeftoverInput() {
            return null;
        }

        @Override
        public void pause() {
        }

        @Override
        public boolean checkAsyncTimeoutGeneration() {
            return false;
        }
    }
}
