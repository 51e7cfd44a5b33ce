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

    @Test
    void decidesInTheSameOrderForEveryContainer() {
        String ops = "Basic " + Base64.getEncoder().encodeToString("ops:secret".getBytes(StandardCharsets.UTF_8));
        StatusAccess.RoleCheck users = c -> c.map(cr -> cr.user().equals("ops") ? StatusAccess.Verdict.IN_ROLE
                : StatusAccess.Verdict.NOT_IN_ROLE).orElse(StatusAccess.Verdict.NOT_AUTHENTICATED);
        StatusAccess.RoleCheck never = c -> {
            throw new AssertionError("the users must not be asked");
        };
        assertThat(StatusAccess.decide("r", true, false, null, never)).isEqualTo(StatusAccess.Decision.SERVE);
        assertThat(StatusAccess.decide(null, false, true, ops, never)).isEqualTo(StatusAccess.Decision.NOT_FOUND);
        assertThat(StatusAccess.decide("r", false, false, ops, never)).isEqualTo(StatusAccess.Decision.HTTPS_ONLY);
        assertThat(StatusAccess.decide("r", false, true, ops, null)).isEqualTo(StatusAccess.Decision.NO_USERS);
        assertThat(StatusAccess.decide("r", false, true, null, users)).isEqualTo(StatusAccess.Decision.ASK_CREDENTIALS);
        String dev = "Basic " + Base64.getEncoder().encodeToString("dev:x".getBytes(StandardCharsets.UTF_8));
        assertThat(StatusAccess.decide("r", false, true, dev, users)).isEqualTo(StatusAccess.Decision.NOT_IN_ROLE);
        assertThat(StatusAccess.decide("r", false, true, ops, users)).isEqualTo(StatusAccess.Decision.SERVE);
    }
}
