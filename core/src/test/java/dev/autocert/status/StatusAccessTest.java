package dev.autocert.status;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StatusAccessTest {

    @Test
    void loopbackIsLocalUnlessAProxyForwardedIt() {
        assertThat(StatusAccess.isLocal("127.0.0.1", name -> null)).isTrue();
        assertThat(StatusAccess.isLocal("::1", name -> null)).isTrue();
        assertThat(StatusAccess.isLocal("203.0.113.7", name -> null)).isFalse();
        assertThat(StatusAccess.isLocal(null, name -> null)).isFalse();
        assertThat(StatusAccess.isLocal("", name -> null)).isFalse();
        assertThat(StatusAccess.isLocal("127.0.0.1", Map.of("X-Forwarded-For", "203.0.113.7")::get)).isFalse();
        assertThat(StatusAccess.isLocal("127.0.0.1", Map.of("Forwarded", "for=203.0.113.7")::get)).isFalse();
    }

    @Test
    void basicCredentialsAreReadAndThePasswordNeverPrinted() {
        String header = "basic " + Base64.getEncoder().encodeToString("ops:pa:ss".getBytes(StandardCharsets.UTF_8));
        StatusAccess.Credentials c = StatusAccess.basic(header).orElseThrow();
        assertThat(c.user()).isEqualTo("ops");
        assertThat(c.password()).isEqualTo("pa:ss");
        assertThat(c.toString()).contains("ops").doesNotContain("pa:ss");
        assertThat(StatusAccess.basic(null)).isEmpty();
        assertThat(StatusAccess.basic("Bearer abc")).isEmpty();
        assertThat(StatusAccess.basic("Basic !!!")).isEmpty();
        assertThat(StatusAccess.basic("Basic " + Base64.getEncoder().encodeToString("nocolon".getBytes()))).isEmpty();
    }
}
