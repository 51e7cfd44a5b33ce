package dev.autocert.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AsciiNamesTest {

    @Test
    void anAsciiNameIsOnlyLowerCased() {
        assertThat(AsciiNames.toAscii("WWW.Example.COM")).isEqualTo("www.example.com");
        assertThat(AsciiNames.toAscii("xn--bcher-kva.example")).isEqualTo("xn--bcher-kva.example");
    }

    @Test
    void aUnicodeNameBecomesPunycode() {
        assertThat(AsciiNames.toAscii("Bücher.example")).isEqualTo("xn--bcher-kva.example");
        assertThat(AsciiNames.toAscii("bücher。example")).as("an ideographic full stop separates labels").isEqualTo("xn--bcher-kva.example");
    }

    @Test
    void anAsciiNameIsRefusedWhereIdnaRefusesIt() {
        assertThatThrownBy(() -> AsciiNames.toAscii("a..test")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AsciiNames.toAscii("a".repeat(64) + ".test")).isInstanceOf(IllegalArgumentException.class);
        assertThat(AsciiNames.toAscii("a.test.")).isEqualTo("a.test.");
    }

    @Test
    void aUnicodeNameIdnaCannotConvertIsRefused() {
        assertThatThrownBy(() -> AsciiNames.toAscii("ü" + "a".repeat(70) + ".example")).isInstanceOf(IllegalArgumentException.class);
    }
}
