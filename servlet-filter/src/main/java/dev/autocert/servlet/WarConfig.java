package dev.autocert.servlet;

import dev.autocert.config.AutocertConfig;
import dev.autocert.config.ConfigException;
import dev.autocert.config.Setting;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The validated settings of one webapp: core's settings plus the connector keystore of
 * {@link WarSetting}.
 *
 * @param core                      core's settings
 * @param connectorKeystore         the keystore the container's TLS connector reads, or {@code null}
 *                                  when certificates are only stored
 * @param connectorKeystorePassword its password
 * @param origins                   for each setting given, its name and source (never its value)
 */
record WarConfig(AutocertConfig core, Path connectorKeystore, String connectorKeystorePassword, List<String> origins) {

    /**
     * @param sources where settings come from
     * @param base    the container's base, for the default store and relative paths
     * @return the settings, or empty when {@code domains} is set nowhere (Autocert stays idle, e.g. in
     *         a developer's container)
     * @throws ConfigException for an unknown {@code autocert.*} context-param or a bad value
     */
    static Optional<WarConfig> parse(SettingSources sources, ContainerBase base) throws ConfigException {
        List<String> known = new ArrayList<>();
        Arrays.stream(Setting.values()).map(Setting::key).forEach(known::add);
        Arrays.stream(WarSetting.values()).map(WarSetting::key).forEach(known::add);
        List<String> unknown = sources.unknownContextParams(known);
        if (!unknown.isEmpty()) {
            throw new ConfigException(unknown.get(0), "is not a known setting (context-param)",
                    "use one of " + String.join(", ", known) + " after the prefix " + WarSetting.PREFIX);
        }
        if (sources.get(Setting.DOMAINS.key(), Setting.DOMAINS.environmentVariable()).isEmpty()) {
            return Optional.empty();
        }
        List<String> origins = new ArrayList<>();
        Map<String, String> core = new LinkedHashMap<>();
        for (Setting s : Setting.values()) {
            sources.get(s.key(), s.environmentVariable()).ifPresent(v -> {
                core.put(s.key(), v.value());
                origins.add(s.key() + " (" + v.origin() + ")");
            });
        }
        AutocertConfig config = AutocertConfig.parse(core, base.defaultStorage());
        Path keystore = null;
        Optional<SettingSources.Value> path = get(sources, WarSetting.CONNECTOR_KEYSTORE);
        if (path.isPresent()) {
            keystore = base.resolve(path.get().value());
            origins.add(WarSetting.CONNECTOR_KEYSTORE.key() + " (" + path.get().origin() + ")");
        }
        String password = config.keystorePassword();
        Optional<SettingSources.Value> pw = get(sources, WarSetting.CONNECTOR_KEYSTORE_PASSWORD);
        if (pw.isPresent()) {
            password = pw.get().value();
            origins.add(WarSetting.CONNECTOR_KEYSTORE_PASSWORD.key() + " (" + pw.get().origin() + ")");
        }
        return Optional.of(new WarConfig(config, keystore, password, List.copyOf(origins)));
    }

    private static Optional<SettingSources.Value> get(SettingSources sources, WarSetting setting) {
        return sources.get(setting.key(), setting.environmentVariable());
    }
}
