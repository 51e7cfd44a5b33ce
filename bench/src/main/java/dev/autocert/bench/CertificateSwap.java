package dev.autocert.bench;

import dev.autocert.tls.CertifiedKey;

import java.io.IOException;

/**
 * One way of replacing the certificate a server presents for a name, split into the steps the swap
 * benchmark times apart: {@link #store} (its end is the swap's t0), {@link #activate}, and work that
 * may go on while clients already connect ({@link #awaitFollowUp}).
 */
interface CertificateSwap {

    /**
     * Stores the new certificate where this way keeps it (files on disk). The swap's t0 is taken when
     * this returns.
     *
     * @param next the new key and chain
     * @throws IOException when it cannot be stored
     */
    void store(CertifiedKey next) throws IOException;

    /**
     * Makes the stored certificate the one new handshakes get; returns when that is done, or, for
     * work that runs on while clients connect, once that work has been started.
     *
     * @param next the certificate just stored
     * @throws IOException when it cannot be activated
     */
    void activate(CertifiedKey next) throws IOException;

    /**
     * Waits for the work {@link #activate} left running.
     *
     * @return how long that work took, in nanoseconds; 0 when there was none
     * @throws IOException when that work failed
     */
    default long awaitFollowUp() throws IOException {
        return 0;
    }
}
