package dev.autocert.tls;

import org.jspecify.annotations.Nullable;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the server name (SNI) and the ALPN protocol list from the first bytes a TLS client sends,
 * without consuming them. The ClientHello may be split over several TLS records (RFC 8446 §5.1
 * allows it, and clients with big key shares do it) and over several reads; the records are joined
 * before the message is parsed. Anything that is not a well-formed ClientHello is reported as such,
 * so the caller hands it to the normal TLS stack, which answers it the way it always does. Used by the
 * Jetty adapter to route validation connections and by {@link AcmeTlsGateEngine} on Tomcat.
 */
public final class ClientHello {

    private static final int HANDSHAKE_RECORD = 22;
    private static final int CLIENT_HELLO = 1;
    private static final int RECORD_HEADER = 5;
    private static final int MESSAGE_HEADER = 4;
    /** RFC 8446 §5.1: a record carries at most 2^14 bytes. */
    private static final int MAX_RECORD = 1 << 14;
    private static final int EXT_SERVER_NAME = 0;
    private static final int EXT_ALPN = 16;

    /** How far the parse got. */
    public enum Status {
        /** The bytes so far are the start of a ClientHello; more are needed. */
        NEED_MORE,
        /** A whole ClientHello was read; {@link Result#sni()} and {@link Result#alpn()} are set. */
        COMPLETE,
        /** Not a (well-formed) TLS ClientHello: plain HTTP, SSLv2, garbage or a malformed hello. */
        NOT_A_HELLO,
        /** A ClientHello longer than the caller can buffer. */
        TOO_LARGE
    }

    /**
     * @param status how far the parse got
     * @param sni    the host name asked for, lower case, or {@code null}
     * @param alpn   the offered application protocols, in the client's order
     */
    public record Result(Status status, String sni, List<String> alpn) {
        /** The result for bytes that are the start of a hello. */
        public static final Result NEED_MORE = new Result(Status.NEED_MORE, null, List.of());
        /** The result for bytes that are no hello. */
        public static final Result NOT_A_HELLO = new Result(Status.NOT_A_HELLO, null, List.of());
        /** The result for a hello over the limit. */
        public static final Result TOO_LARGE = new Result(Status.TOO_LARGE, null, List.of());
    }

    private ClientHello() {
    }

    /**
     * @param bytes the bytes received so far, between position and limit; left unchanged
     * @param limit how many bytes the caller can hold: a hello that cannot fit is {@link Status#TOO_LARGE}
     * @return the parse result
     */
    public static Result parse(ByteBuffer bytes, int limit) {
        int pos = bytes.position();
        int end = bytes.limit();
        ByteArrayOutputStream message = new ByteArrayOutputStream(Math.min(end - pos, limit));
        int messageLength = -1;
        while (true) {
            if (end - pos < RECORD_HEADER) {
                return Result.NEED_MORE;
            }
            int type = bytes.get(pos) & 0xFF;
            int major = bytes.get(pos + 1) & 0xFF;
            int length = u16(bytes, pos + 3);
            if (type != HANDSHAKE_RECORD || major != 3 || length == 0 || length > MAX_RECORD) {
                return Result.NOT_A_HELLO;
            }
            int available = Math.min(length, end - pos - RECORD_HEADER);
            byte[] fragment = new byte[available];
            bytes.get(pos + RECORD_HEADER, fragment, 0, available);
            message.write(fragment, 0, available);
            if (messageLength < 0 && message.size() >= MESSAGE_HEADER) {
                byte[] head = message.toByteArray();
                if ((head[0] & 0xFF) != CLIENT_HELLO) {
                    return Result.NOT_A_HELLO;
                }
                messageLength = ((head[1] & 0xFF) << 16) | ((head[2] & 0xFF) << 8) | (head[3] & 0xFF);
                // at least one record header in front: anything longer never fits the caller's buffer
                if (RECORD_HEADER + MESSAGE_HEADER + messageLength > limit) {
                    return Result.TOO_LARGE;
                }
            }
            if (messageLength >= 0 && message.size() >= MESSAGE_HEADER + messageLength) {
                return body(message.toByteArray(), MESSAGE_HEADER, MESSAGE_HEADER + messageLength);
            }
            if (available < length) {
                return Result.NEED_MORE;
            }
            pos += RECORD_HEADER + length;
        }
    }

    /** Walks the ClientHello body (RFC 8446 §4.1.2) to its extensions. */
    private static Result body(byte[] b, int start, int end) {
        try {
            int p = start + 2 + 32;                       // legacy_version, random
            p += 1 + u8(b, p, end);                       // legacy_session_id
            p += 2 + u16(b, p, end);                      // cipher_suites
            p += 1 + u8(b, p, end);                       // legacy_compression_methods
            if (p == end) {
                return new Result(Status.COMPLETE, null, List.of()); // no extensions at all (old clients)
            }
            int extensionsEnd = p + 2 + u16(b, p, end);
            if (extensionsEnd > end) {
                return Result.NOT_A_HELLO;
            }
            p += 2;
            String sni = null;
            List<String> alpn = new ArrayList<>();
            while (p + 4 <= extensionsEnd) {
                int type = u16(b, p, extensionsEnd);
                int length = u16(b, p + 2, extensionsEnd);
                int data = p + 4;
                if (data + length > extensionsEnd) {
                    return Result.NOT_A_HELLO;
                }
                if (type == EXT_SERVER_NAME) {
                    sni = serverName(b, data, data + length);
                } else if (type == EXT_ALPN) {
                    protocols(b, data, data + length, alpn);
                }
                p = data + length;
            }
            return p == extensionsEnd ? new Result(Status.COMPLETE, sni, List.copyOf(alpn)) : Result.NOT_A_HELLO;
        } catch (IndexOutOfBoundsException e) {
            return Result.NOT_A_HELLO; // a length pointing past the message: malformed
        }
    }

    /** RFC 6066 §3: a list of (name_type, name); type 0 is host_name. */
    private static @Nullable String serverName(byte[] b, int start, int end) {
        int listEnd = listEnd(b, start, end);
        for (int p = start + 2; p + 3 <= listEnd; ) {
            int type = u8(b, p, listEnd);
            int length = u16(b, p + 1, listEnd);
            if (p + 3 + length > listEnd) {
                throw new IndexOutOfBoundsException();
            }
            if (type == 0) {
                return new String(b, p + 3, length, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
            }
            p += 3 + length;
        }
        return null;
    }

    /** RFC 7301 §3.1: a list of length-prefixed protocol names. */
    private static void protocols(byte[] b, int start, int end, List<String> out) {
        int listEnd = listEnd(b, start, end);
        for (int p = start + 2; p < listEnd; ) {
            int length = u8(b, p, listEnd);
            if (p + 1 + length > listEnd) {
                throw new IndexOutOfBoundsException();
            }
            out.add(new String(b, p + 1, length, StandardCharsets.US_ASCII));
            p += 1 + length;
        }
    }

    /** A list inside an extension starts with its 16-bit length and must end inside the extension. */
    private static int listEnd(byte[] b, int start, int end) {
        int listEnd = start + 2 + u16(b, start, end);
        if (listEnd > end) {
            throw new IndexOutOfBoundsException();
        }
        return listEnd;
    }

    private static int u8(byte[] b, int p, int end) {
        if (p >= end) {
            throw new IndexOutOfBoundsException();
        }
        return b[p] & 0xFF;
    }

    private static int u16(byte[] b, int p, int end) {
        if (p + 2 > end) {
            throw new IndexOutOfBoundsException();
        }
        return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
    }

    private static int u16(ByteBuffer b, int p) {
        return ((b.get(p) & 0xFF) << 8) | (b.get(p + 1) & 0xFF);
    }
}
