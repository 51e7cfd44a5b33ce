package dev.autocert.tomcat;

import dev.autocert.config.Setting;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** server.xml can set every setting: the listener has a String setter per {@link Setting}. */
class AutocertListenerSettersTest {

    @Test
    void everySettingIsAnAttribute() {
        for (Setting s : Setting.values()) {
            String setter = "set" + Character.toUpperCase(s.key().charAt(0)) + s.key().substring(1);
            assertThatCode(() -> AutocertListener.class.getMethod(setter, String.class)).as(setter).doesNotThrowAnyException();
        }
        assertThat(Setting.values()).isNotEmpty();
    }
}
