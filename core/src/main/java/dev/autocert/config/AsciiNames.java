package dev.autocert.config;

import java.net.IDN;
import java.util.Locale;

/** DNS names in the lower-case ASCII form CAs and SNI use. */
final class AsciiNames {

    private AsciiNames() {
    }

    /**
     * An ASCII name is only lower-cased: {@link IDN}'s first use loads the ICU normalization data (15 ms of every
     * start, for the names nearly everyone writes), and refused as IDNA would refuse it (an empty label, a label over 63
     * characters); a name with other characters goes through IDNA (punycode). Callers check the labels' characters.
     *
     * @param name a DNS name as written, Unicode or ASCII
     * @return its lower-case ASCII form
     * @throws IllegalArgumentException when IDNA cannot convert it
     */
    static String toAscii(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) > 0x7f) {
                return IDN.toASCII(name, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
            }
        }
        String[] labels = name.split("\\.", -1);
        for (int i = 0; i < labels.length; i++) {
            boolean root = i == labels.length - 1 && i > 0; // "a.test." ends with the root's empty label
            if (labels[i].length() > 63 || labels[i].isEmpty() && !root) {
                throw new IllegalArgumentException("the label '" + labels[i] + "' of " + name + " is empty or too long");
            }
        }
        return name.toLowerCase(Locale.ROOT);
    }
}
