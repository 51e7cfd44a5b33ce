package dev.autocert.store.jdbc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * How private keys (PEM text) are kept in the database: {@code aes-gcm:<base64(iv ‖ ciphertext ‖ tag)>} with
 * the {@code storageKey}, or {@code plain:<pem>} without one. AES-GCM with a random 96-bit IV per write; the
 * row's identity (e.g. {@code certificate:example.com}) is the associated data, so a key copied into another
 * row does not decrypt.
 */
final class KeyCipher {

    private static final String ENCRYPTED = "aes-gcm:";
    private static final String PLAIN = "plain:";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    /** @param key the AES key (16, 24 or 32 bytes), or {@code null} to store keys in plain text */
    KeyCipher(byte[] key) {
        this.key = key == null ? null : new SecretKeySpec(key, "AES");
    }

    /** @return whether keys are encrypted */
    boolean encrypts() {
        return key != null;
    }

    /**
     * @param pem  a private key (or key pair) in PEM
     * @param row  the row it goes to, bound to the ciphertext
     * @return the column value
     */
    String seal(String pem, String row) throws IOException {
        if (key == null) {
            return PLAIN + pem;
        }
        try {
            byte[] iv = new byte[IV_BYTES];
            RANDOM.nextBytes(iv);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            c.updateAAD(row.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = c.doFinal(pem.getBytes(StandardCharsets.US_ASCII));
            return ENCRYPTED + Base64.getEncoder().encodeToString(ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot encrypt a private key with storageKey: " + e.getMessage(), e);
        }
    }

    /**
     * @param value a column value written by {@link #seal}
     * @param row   the row it was read from
     * @return the PEM text
     * @throws IOException naming {@code storageKey} when it is missing or is not the key the value was sealed with
     */
    String open(String value, String row) throws IOException {
        if (value.startsWith(PLAIN)) {
            return value.substring(PLAIN.length());
        }
        if (!value.startsWith(ENCRYPTED)) {
            throw new IOException("the private key of " + row + " is in an unknown format; was it written by a newer Autocert?");
        }
        if (key == null) {
            throw new IOException("the private key of " + row + " is encrypted and storageKey is not set: give every node"
                    + " the storageKey the cluster was set up with");
        }
        try {
            byte[] all = Base64.getDecoder().decode(value.substring(ENCRYPTED.length()));
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, IV_BYTES));
            c.updateAAD(row.getBytes(StandardCharsets.UTF_8));
            return new String(c.doFinal(all, IV_BYTES, all.length - IV_BYTES), StandardCharsets.US_ASCII);
        } catch (AEADBadTagException e) {
            throw new IOException("the private key of " + row + " does not decrypt with this storageKey: give every node the"
                    + " same storageKey", e);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("the private key of " + row + " cannot be decrypted: " + e.getMessage(), e);
        }
    }
}
