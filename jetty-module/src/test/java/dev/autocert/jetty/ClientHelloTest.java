package dev.autocert.jetty;

import dev.autocert.tls.ClientHello;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ClientHello reader on real JDK hellos and on hand-made ones: complete, cut short at every byte,
 * re-framed into many small records, too large, not TLS at all, malformed; and the routing decision.
 */
class ClientHelloTest {

    private static final int LIMIT = AcmeTlsDetector.HELLO_LIMIT;

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void readsSniAndAlpnOfARealHello(String version) {
        byte[] hello = TlsClient.clientHello("A.Test", List.of("h2", "acme-tls/1"), version);
        ClientHello.Result r = ClientHello.parse(ByteBuffer.wrap(hello), LIMIT);
        assertThat(r.status()).isEqualTo(ClientHello.Status.COMPLETE);
        assertThat(r.sni()).isEqualTo("a.test");
        assertThat(r.alpn()).containsExactly("h2", "acme-tls/1");
        assertThat(AcmeTlsDetector.route(r, false)).isEqualTo(AcmeTlsDetector.Route.TLS_ALPN_01);
    }

    @Test
    void everyPrefixNeedsMoreAndTheBufferIsLeftAlone() {
        byte[] hello = TlsClient.clientHello("a.test", List.of("http/1.1"), null);
        for (int n = 0; n < hello.length; n++) {
            ByteBuffer prefix = ByteBuffer.wrap(hello, 0, n);
            assertThat(ClientHello.parse(prefix, LIMIT).status()).as("prefix of %d bytes", n).isEqualTo(ClientHello.Status.NEED_MORE);
            assertThat(prefix.position()).isZero();
            assertThat(prefix.limit()).isEqualTo(n);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 100, 1000})
    void joinsAHelloSplitOverManyRecords(int recordSize) {
        byte[] records = reframe(TlsClient.clientHello("x.y.acme.invalid", List.of("h2"), "TLSv1.3"), recordSize);
        for (int n = 0; n < records.length; n++) {
            assertThat(ClientHello.parse(ByteBuffer.wrap(records, 0, n), LIMIT).status()).isEqualTo(ClientHello.Status.NEED_MORE);
        }
        ClientHello.Result r = ClientHello.parse(ByteBuffer.wrap(records), LIMIT);
        assertThat(r.status()).isEqualTo(ClientHello.Status.COMPLETE);
        assertThat(r.sni()).isEqualTo("x.y.acme.invalid");
        assertThat(AcmeTlsDetector.route(r, false)).isEqualTo(AcmeTlsDetector.Route.TLS_SNI_01);
    }

    @Test
    void findsAlpnBehindAPostQuantumSizedKeyShare() {
        // X25519MLKEM768 (0x11ec) share as Chrome and Go send it: 1216 bytes, in front of SNI and ALPN
        byte[] keyShare = new byte[2 + 2 + 2 + 1216];
        keyShare[0] = (byte) ((1220 >> 8) & 0xFF);
        keyShare[1] = (byte) (1220 & 0xFF);
        keyShare[2] = 0x11;
        keyShare[3] = (byte) 0xec;
        keyShare[4] = (byte) (1216 >> 8);
        keyShare[5] = (byte) (1216 & 0xFF);
        byte[] hello = handMadeHello(List.of(extension(51, keyShare), sni("a.test"), alpn("acme-tls/1")));
        ClientHello.Result r = ClientHello.parse(ByteBuffer.wrap(reframe(hello, 512)), LIMIT);
        assertThat(r.status()).isEqualTo(ClientHello.Status.COMPLETE);
        assertThat(r.alpn()).containsExactly("acme-tls/1");
        assertThat(r.sni()).isEqualTo("a.test");
    }

    @Test
    void aHelloLongerThanTheBufferIsTooLargeAtOnce() {
        byte[] hello = TlsClient.clientHello("a.test", TlsClient.manyProtocols(80, 250, "http/1.1"), null);
        assertThat(hello.length).isGreaterThan(LIMIT);
        // decided from the first record alone, long before the buffer is full
        ClientHello.Result r = ClientHello.parse(ByteBuffer.wrap(hello, 0, 512), LIMIT);
        assertThat(r.status()).isEqualTo(ClientHello.Status.TOO_LARGE);
        assertThat(AcmeTlsDetector.route(r, false)).isEqualTo(AcmeTlsDetector.Route.NORMAL);
    }

    @Test
    void aFullBufferWithoutAWholeHelloGoesToTheNormalStack() {
        assertThat(AcmeTlsDetector.route(ClientHello.Result.NEED_MORE, true)).isEqualTo(AcmeTlsDetector.Route.NORMAL);
        assertThat(AcmeTlsDetector.route(ClientHello.Result.NEED_MORE, false)).isNull();
    }

    @Test
    void anOrdinaryHelloGoesToTheNormalStack() {
        ClientHello.Result r = ClientHello.parse(ByteBuffer.wrap(TlsClient.clientHello("a.test", List.of("h2", "http/1.1"), null)), LIMIT);
        assertThat(AcmeTlsDetector.route(r, false)).isEqualTo(AcmeTlsDetector.Route.NORMAL);
        ClientHello.Result noExtensions = ClientHello.parse(ByteBuffer.wrap(handMadeHello(null)), LIMIT);
        assertThat(noExtensions.status()).isEqualTo(ClientHello.Status.COMPLETE);
        assertThat(AcmeTlsDetector.route(noExtensions, false)).isEqualTo(AcmeTlsDetector.Route.NORMAL);
    }

    @Test
    void whatIsNotAHelloIsLeftToTheNormalStack() {
        assertThat(parse("GET / HTTP/1.1\r\nHost: a.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII))).isEqualTo(ClientHello.Status.NOT_A_HELLO);
        assertThat(parse(new byte[] {(byte) 0x80, 0x2e, 0x01, 0x03, 0x01})).isEqualTo(ClientHello.Status.NOT_A_HELLO); // SSLv2 hello
        assertThat(parse(new byte[] {21, 3, 3, 0, 2, 2, 40})).isEqualTo(ClientHello.Status.NOT_A_HELLO); // an alert
        assertThat(parse(new byte[] {22, 3, 1, 0, 4, 2, 0, 0, 0})).isEqualTo(ClientHello.Status.NOT_A_HELLO); // a ServerHello

        byte[] broken = handMadeHello(List.of(sni("a.test")));
        broken[broken.length - 10] = 0x7f; // the server_name list length now points past the extension
        assertThat(parse(broken)).isEqualTo(ClientHello.Status.NOT_A_HELLO);
        byte[] truncatedExtensions = handMadeHello(List.of(alpn("h2")));
        truncatedExtensions[truncatedExtensions.length - 1 - 9] = 0x40; // the extensions block claims more than the message
        assertThat(parse(truncatedExtensions)).isEqualTo(ClientHello.Status.NOT_A_HELLO);
    }

    private static ClientHello.Status parse(byte[] bytes) {
        return ClientHello.parse(ByteBuffer.wrap(bytes), LIMIT).status();
    }

    /** Splits the handshake payload of {@code records} into records of at most {@code size} bytes. */
    static byte[] reframe(byte[] records, int size) {
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        for (int p = 0; p < records.length; ) {
            int length = ((records[p + 3] & 0xFF) << 8) | (records[p + 4] & 0xFF);
            payload.write(records, p + 5, length);
            p += 5 + length;
        }
        byte[] message = payload.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int off = 0; off < message.length; off += size) {
            int n = Math.min(size, message.length - off);
            out.write(new byte[] {22, 3, 1, (byte) (n >> 8), (byte) n}, 0, 5);
            out.write(message, off, n);
        }
        return out.toByteArray();
    }

    /** One record holding a TLS 1.2-style ClientHello with the given extensions ({@code null}: none at all). */
    static byte[] handMadeHello(List<byte[]> extensions) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(3);
        body.write(3);
        body.writeBytes(new byte[32]);              // random
        body.write(0);                               // no session id
        body.writeBytes(new byte[] {0, 2, 0x13, 0x01}); // one cipher suite
        body.writeBytes(new byte[] {1, 0});          // null compression
        if (extensions != null) {
            int total = extensions.stream().mapToInt(e -> e.length).sum();
            body.write(total >> 8);
            body.write(total);
            extensions.forEach(body::writeBytes);
        }
        byte[] b = body.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int messageLength = b.length;
        int recordLength = messageLength + 4;
        out.writeBytes(new byte[] {22, 3, 1, (byte) (recordLength >> 8), (byte) recordLength});
        out.writeBytes(new byte[] {1, (byte) (messageLength >> 16), (byte) (messageLength >> 8), (byte) messageLength});
        out.writeBytes(b);
        return out.toByteArray();
    }

    static byte[] extension(int type, byte[] data) {
        byte[] e = Arrays.copyOf(new byte[] {(byte) (type >> 8), (byte) type, (byte) (data.length >> 8), (byte) data.length}, 4 + data.length);
        System.arraycopy(data, 0, e, 4, data.length);
        return e;
    }

    static byte[] sni(String host) {
        byte[] name = host.getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream d = new ByteArrayOutputStream();
        int list = 3 + name.length;
        d.writeBytes(new byte[] {(byte) (list >> 8), (byte) list, 0, (byte) (name.length >> 8), (byte) name.length});
        d.writeBytes(name);
        return extension(0, d.toByteArray());
    }

    static byte[] alpn(String... protocols) {
        ByteArrayOutputStream list = new ByteArrayOutputStream();
        for (String p : protocols) {
            list.write(p.length());
            list.writeBytes(p.getBytes(StandardCharsets.US_ASCII));
        }
        byte[] l = list.toByteArray();
        ByteArrayOutputStream d = new ByteArrayOutputStream();
        d.writeBytes(new byte[] {(byte) (l.length >> 8), (byte) l.length});
        d.writeBytes(l);
        return extension(16, d.toByteArray());
    }
}
