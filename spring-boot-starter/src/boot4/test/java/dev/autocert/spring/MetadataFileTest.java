package dev.autocert.spring;

import dev.autocert.config.Setting;
import org.junit.jupiter.api.Test;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataProperty;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataRepository;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataRepositoryJsonBuilder;

import java.io.InputStream;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The IDE metadata the build writes, read with Boot's own metadata reader: every setting, documented, with its default. */
class MetadataFileTest {

    @Test
    void everySettingIsADocumentedProperty() throws Exception {
        ConfigurationMetadataRepository repository;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("written at process-classes by MetadataFile").isNotNull();
            repository = ConfigurationMetadataRepositoryJsonBuilder.create(in).build();
        }
        Map<String, ConfigurationMetadataProperty> properties = repository.getAllProperties();
        for (Setting s : Setting.values()) {
            ConfigurationMetadataProperty p = properties.get(BootSettings.propertyOf(s));
            assertThat(p).as(BootSettings.propertyOf(s)).isNotNull();
            assertThat(p.getDescription()).isNotBlank();
            s.defaultValue().ifPresent(d -> assertThat(String.valueOf(p.getDefaultValue())).isEqualTo(d));
        }
        assertThat(properties.get("autocert.accept-terms").getType()).isEqualTo("java.lang.Boolean");
        assertThat(properties.get("autocert.https-port").getDefaultValue()).isEqualTo(8443);
        assertThat(properties).containsKeys("autocert.fail-fast", "autocert.enabled");
        assertThat(properties.get("autocert.keystore-password").getDescription()).doesNotContain("keystorePassword");
    }
}
