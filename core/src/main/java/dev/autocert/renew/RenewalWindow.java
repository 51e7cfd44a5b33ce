package dev.autocert.renew;

import java.time.Instant;

/**
 * The CA's suggestion of when to renew one certificate (ACME Renewal Information, RFC 9773).
 *
 * @param start          the window's start; a window that started or lies in the past means renew now
 * @param end            the window's end
 * @param checkAgainAt   when to ask the CA again: its {@code Retry-After}, kept between 6 and 24 hours ahead
 */
public record RenewalWindow(Instant start, Instant end, Instant checkAgainAt) {
}
