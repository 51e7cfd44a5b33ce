package dev.autocert.challenge;

import dev.autocert.tls.CertifiedKey;
import dev.autocert.tls.SelfSigned;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ChallengeBoardTest {

    private final ChallengeBoard board = new ChallengeBoard();

    @Test
    void anAddressIsFoundByTheReverseDnsNameTheCaSendsAsSni() {
        CertifiedKey v4 = SelfSigned.tlsAlpn01("127.0.0.1", "a.thumb");
        CertifiedKey v6 = SelfSigned.tlsAlpn01("::1", "b.thumb");
        board.putTlsAlpn01("127.0.0.1", v4);
        board.putTlsAlpn01("::1", v6);
        assertThat(board.tlsAlpn01("1.0.0.127.in-addr.arpa")).isSameAs(v4);
        assertThat(board.tlsAlpn01("1.0.0.127.IN-ADDR.ARPA.")).isSameAs(v4);
        assertThat(board.tlsAlpn01("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa")).isSameAs(v6);
        // the address itself is no server name (RFC 6066), and another address's name finds nothing
        assertThat(board.tlsAlpn01("127.0.0.1")).isNull();
        assertThat(board.tlsAlpn01("2.0.0.127.in-addr.arpa")).isNull();
        board.removeTlsAlpn01("127.0.0.1");
        assertThat(board.tlsAlpn01("1.0.0.127.in-addr.arpa")).isNull();
    }

    @Test
    void namesStayNames() {
        CertifiedKey name = SelfSigned.tlsAlpn01("a.test", "a.thumb");
        board.putTlsAlpn01("A.test", name);
        assertThat(board.tlsAlpn01("a.TEST")).isSameAs(name);
        assertThat(board.tlsAlpn01(null)).isNull();
    }
}
