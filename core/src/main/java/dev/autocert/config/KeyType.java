package dev.autocert.config;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The kind of private key generated for each certificate. */
public enum KeyType {
    /** ECDSA on NIST P-256: small, fast, accepted everywhere. The default. */
    EC256("ec256"),
    /** ECDSA on NIST P-384. */
    EC384("ec384"),
    /** RSA with a 2048-bit modulus, for old clients. */
    RSA2048("rsa2048"),
    /** RSA with a 4096-bit modulus. */
    RSA4096("rsa4096");

    private final String settingValue;

    KeyType(String settingValue) {
        this.settingValue = settingValue;
    }

    /** @return the value users write for this type, e.g. {@code ec256} */
    public String settingValue() {
        return settingValue;
    }

    /** @return a fresh key pair of this type, generated with the JDK's own providers */
    public KeyPair generate() {
        try {
            switch (this) {
                case EC256:
                case EC384: {
                    KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
                    gen.initialize(new ECGenParameterSpec(this == EC256 ? "secp256r1" : "secp384r1"));
                    return gen.generateKeyPair();
                }
                default: {
                    KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
                    gen.initialize(this == RSA2048 ? 2048 : 4096);
                    return gen.generateKeyPair();
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The JDK cannot generate a " + settingValue + " key", e);
        }
    }

    /**
     * @param value a setting value such as {@code ec256}
     * @return the matching type
     * @throws ConfigException naming {@code keyType} when the value is unknown
     */
    public static KeyType parse(String value) throws ConfigException {
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (KeyType t : values()) {
            if (t.settingValue.equals(v)) {
                return t;
            }
        }
        throw new ConfigException("keyType", "has the unknown value '" + value + "'",
                "use one of " + Arrays.stream(values()).map(KeyType::settingValue).collect(Collectors.joining(", ")));
    }
}
