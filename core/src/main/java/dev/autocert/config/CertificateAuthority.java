package dev.autocert.config;

import org.jspecify.annotations.Nullable;

import java.net.URI;
import java.util.Optional;

/**
 * One CA of the {@code directory} list, with the External Account Binding given for it: the entry at the same
 * position of {@code eabKid} and {@code eabHmacKey}.
 *
 * @param position   its place in the list, from 1, for messages ("the 2nd entry of eabKid")
 * @param directory  its ACME directory URL
 * @param eabKid     the EAB key id for this CA, or {@code null}
 * @param eabHmacKey the EAB MAC key (base64url) for this CA, or {@code null}; given exactly when {@code eabKid} is
 */
public record CertificateAuthority(int position, URI directory, @Nullable String eabKid, @Nullable String eabHmacKey) {

    /** @return the EAB key id for this CA, if one is given */
    public Optional<String> kid() {
        return Optional.ofNullable(eabKid);
    }

    /** @return the EAB MAC key for this CA, if one is given */
    public Optional<String> hmacKey() {
        return Optional.ofNullable(eabHmacKey);
    }

    @Override
    public String toString() {
        return directory.toString();
    }
}
