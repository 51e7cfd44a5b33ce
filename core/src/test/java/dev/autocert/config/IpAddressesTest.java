package dev.autocert.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;

class IpAddressesTest {

    @ParameterizedTest
    @CsvSource({
            "127.0.0.1, 127.0.0.1",
            "0:0:0:0:0:0:0:1, ::1",
            "::, ::",
            "2001:DB8:0:0:0:0:0:1, 2001:db8::1",
            "2001:0db8:0000:0000:0001:0000:0000:0001, 2001:db8::1:0:0:1",
            "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
            "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
            "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
            "fe80:0:0:0:0:0:0:0, fe80::",
            "::ffff:192.0.2.1, 192.0.2.1",
    })
    void canonicalIsRfc5952(String literal, String canonical) {
        assertThat(IpAddresses.parse(literal)).isPresent();
        assertThat(IpAddresses.canonical(IpAddresses.parse(literal).orElseThrow())).isEqualTo(canonical);
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com", "localhost", "1.2.3", "01.2.3.4", "1.2.3.256", "1.2.3.4.", "[::1]",
            "fe80::1%eth0", "1::2::3", "::g", "", "127.1"})
    void notALiteral(String text) {
        assertThat(IpAddresses.parse(text)).isEmpty();
        assertThat(IpAddresses.isLiteral(text)).isFalse();
    }

    @Test
    void neverLooksANameUp() throws Exception {
        // 'localhost' would resolve; a literal parser must not
        assertThat(IpAddresses.parse("localhost")).isEmpty();
        assertThat(IpAddresses.parse("127.0.0.1")).contains(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
    }

    @ParameterizedTest
    @CsvSource({
            "1.0.0.127.in-addr.arpa, 127.0.0.1",
            "1.0.0.127.IN-ADDR.ARPA., 127.0.0.1",
            "4.3.2.1.in-addr.arpa, 1.2.3.4",
            "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa, ::1",
            "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa., 2001:db8::1",
    })
    void reverseDnsNamesOfRfc8738(String sni, String address) {
        assertThat(IpAddresses.fromReverseName(sni)).contains(address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com", "127.0.0.1", "0.127.in-addr.arpa", "1.0.0.127.in-addr.arpa.example",
            "01.0.0.127.in-addr.arpa", "256.0.0.127.in-addr.arpa", "1.0.0.ip6.arpa", "in-addr.arpa",
            "g.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa"})
    void otherNamesAreNoReverseName(String sni) {
        assertThat(IpAddresses.fromReverseName(sni)).isEmpty();
    }
}
