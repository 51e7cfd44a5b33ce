package dev.autocert.jetty;

import dev.autocert.config.Setting;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The jetty-base files stay in step with the core's settings. */
class ModuleFilesTest {

    private static final Path BASE = Path.of("src", "main", "jetty-base");

    @Test
    void everySettingIsReadFromItsPropertyAndDocumented() throws Exception {
        String xml = Files.readString(BASE.resolve("etc/autocert.xml"));
        String mod = Files.readString(BASE.resolve("modules/autocert.mod"));
        List<String> keys = new ArrayList<>(StatusPage.SETTINGS); // the Jetty-only ones, beside core's
        Arrays.stream(Setting.values()).map(Setting::key).forEach(keys::add);
        for (String key : keys) {
            assertThat(xml).as("etc/autocert.xml").contains("<Item>" + key + "</Item>")
                    .contains("<Property name=\"jetty.autocert." + key + "\"/>");
            assertThat(mod).as("ini-template of autocert.mod").contains("# jetty.autocert." + key + "=");
        }
    }

    @Test
    void theModuleNeedsNoKeystoreAndHidesItsLibrariesFromWebapps() throws Exception {
        String mod = Files.readString(BASE.resolve("modules/autocert.mod"));
        assertThat(mod).contains("[depend]\nserver\nhttp\nhttps\n").contains("lib/autocert/*.jar").contains("etc/autocert.xml")
                .contains("jetty.sslContext.keyStorePath?=\n")
                .contains("jetty.webapp.addHiddenClasses+=,${jetty.base.uri}/lib/autocert/");
    }
}
