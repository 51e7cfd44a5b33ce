package dev.autocert.jetty;

import dev.autocert.config.Adapter;
import dev.autocert.config.Setting;
import dev.autocert.jetty.build.ModuleFiles;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;

import static org.assertj.core.api.Assertions.assertThat;

/** The jetty-base files the module archive ships, as the build wrote them from core's {@link Setting}. */
class ModuleFilesTest {

    /** What the build (ModuleFiles, process-classes) wrote and the assembly packs. */
    private static final Path BASE = Path.of("target", "jetty-base");

    @Test
    void everySettingJettyReadsIsOneMapEntryOfItsProperty() throws Exception {
        Document xml = parse(BASE.resolve("etc/autocert.xml"));
        NodeList entries = xml.getElementsByTagName("Entry");
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < entries.getLength(); i++) {
            Element entry = (Element) entries.item(i);
            String key = entry.getElementsByTagName("Item").item(0).getTextContent();
            keys.add(key);
            NodeList properties = entry.getElementsByTagName("Property");
            Element property = (Element) properties.item(properties.getLength() - 1);
            assertThat(property.getAttribute("name")).isEqualTo("jetty.autocert." + key);
            assertThat(entry.getElementsByTagName("Call").getLength()).as("%s passed as given (installInBase resolves paths)", key)
                    .isZero();
        }
        assertThat(keys).containsExactlyElementsOf(Setting.readBy(Adapter.JETTY).stream().map(Setting::key).toList())
                .contains("storage", "statusPath").doesNotContain("httpsPort", "httpsAddress");
    }

    @Test
    void relativePathsAreResolvedAgainstJettyBaseAndADatabaseUrlIsLeftAlone() {
        Path base = Path.of("/srv/jetty-base");
        Map<String, String> given = new LinkedHashMap<>();
        given.put("storage", "etc/certs");
        given.put("caTrust", "/etc/ssl/ca.pem");
        given.put("domains", "a.test");
        given.put("email", null);
        assertThat(JettyAutocert.resolvedAgainst(base, given)).containsEntry("storage", base.resolve("etc/certs").toString())
                .containsEntry("caTrust", "/etc/ssl/ca.pem").containsEntry("domains", "a.test").containsEntry("email", null);
        assertThat(JettyAutocert.resolvedAgainst(base, Map.of("storage", "jdbc:postgresql://db:5432/autocert")))
                .containsEntry("storage", "jdbc:postgresql://db:5432/autocert");
    }

    @Test
    void everySettingJettyReadsIsDocumentedInTheIniTemplate() throws Exception {
        String mod = Files.readString(BASE.resolve("modules/autocert.mod"));
        String template = mod.substring(mod.indexOf("[ini-template]"));
        for (Setting s : Setting.readBy(Adapter.JETTY)) {
            String firstWords = String.join(" ", List.of(s.doc().split(" ")).subList(0, 3));
            assertThat(template).as(s.key()).contains("## " + firstWords)
                    .contains("\n# jetty.autocert." + s.key() + "=" + s.example() + "\n");
        }
        assertThat(template).doesNotContain("jetty.autocert.httpsPort").doesNotContain(ModuleFiles.INI_MARKER)
                .contains("## Folder of the certificate store").contains("Relative paths are resolved against $JETTY_BASE.");
        assertThat(Files.readString(BASE.resolve("etc/autocert.xml"))).doesNotContain(ModuleFiles.XML_MARKER);
    }

    @Test
    void theModuleNeedsNoKeystoreAndHidesItsLibrariesFromWebapps() throws Exception {
        String mod = Files.readString(BASE.resolve("modules/autocert.mod"));
        assertThat(mod).contains("[depend]\nserver\nhttp\nhttps\n").contains("lib/autocert/*.jar").contains("etc/autocert.xml")
                .contains("jetty.sslContext.keyStorePath?=\n")
                .contains("jetty.webapp.addHiddenClasses+=,${jetty.base.uri}/lib/autocert/");
    }

    private static Document parse(Path file) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false); // Jetty's DTD: offline
        return factory.newDocumentBuilder().parse(file.toFile());
    }
}
