package dev.autocert.tomcat;

import dev.autocert.Autocert;
import org.apache.tomcat.util.net.SSLContext;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;
import org.apache.tomcat.util.net.SSLUtil;
import org.apache.tomcat.util.net.jsse.JSSEImplementation;
import org.apache.tomcat.util.net.jsse.JSSEUtil;

import java.security.NoSuchAlgorithmException;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Tomcat's JSSE implementation with Autocert's key manager wrapped around the connector's own, and its
 * engines behind {@link AcmeTlsGateContext} (RFC 8737 refusals). Set as a connector's
 * {@code sslImplementationName} (the listener does it); Tomcat keeps all its keystore, PEM and alias
 * handling, and re-applies the wrapping on every {@code reloadSslHostConfig}.
 */
public class AutocertJsseImplementation extends JSSEImplementation {

    @Override
    public SSLUtil getSSLUtil(SSLHostConfigCertificate certificate) {
        return new AutocertJsseUtil(certificate);
    }

    /** The SSL utility whose key managers are wrapped. */
    static final class AutocertJsseUtil extends JSSEUtil {

        AutocertJsseUtil(SSLHostConfigCertificate certificate) {
            super(certificate);
        }

        @Override
        public KeyManager[] getKeyManagers() throws Exception {
            KeyManager[] managers = super.getKeyManagers();
            Autocert autocert = TomcatAutocert.of(sslHostConfig);
            if (autocert != null) {
                for (int i = 0; i < managers.length; i++) {
                    if (managers[i] instanceof X509ExtendedKeyManager x) {
                        managers[i] = autocert.keyManager(x);
                    }
                }
            }
            return managers;
        }

        @Override
        public SSLContext createSSLContextInternal(List<String> negotiableProtocols) throws NoSuchAlgorithmException {
            SSLContext context = super.createSSLContextInternal(negotiableProtocols);
            Autocert autocert = TomcatAutocert.of(sslHostConfig);
            return autocert == null ? context : new AcmeTlsGateContext(context, autocert.challengeBoard(), negotiableProtocols);
        }
    }
}
