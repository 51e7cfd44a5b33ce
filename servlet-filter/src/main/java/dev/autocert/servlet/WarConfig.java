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
 * The validated settings of one webapp: core's settings plus those of {@link WarSetting}.
 *
 * @param core                      core's settings
 * @param connectorKeystore         the keystore the container's TLS connector reads, or {@code null}
 *                                  when certificates are only stored
 * @param connectorKeystorePassword its password
 * @param statusPath                where the JSON status is served, or {@code null} for nowhere
 * @param statusRole                the realm role that may read it from elsewhere, or {@code null}
 * @param origins                   for each setting given, its name and source (never its value)
 */
record WarConfig(AutocertConfig core, Path connectorKeystore, String connectorKeystorePassword, String statusPath,
                 String statusRole, List<String> origins) {

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
        Path keystore = get(sources, WarSetting.CONNECTOR_KEYSTORE, origins).map(base::resolve).orElse(null);
        String password = get(sources, WarSetting.CONNECTOR_KEYSTORE_PASSWORD, origins).orElse(config.keystorePassword());
        Optional<String> statusPath = get(sources, WarSetting.STATUS_PATH, origins);
        String checkedStatusPath = statusPath.isEmpty() ? null : StatusPage.checkedPath(statusPath.get());
        String statusRole = get(sources, WarSetting.STATUS_ROLE, origins).orElse(null);
        return Optional.of(new WarConfig(config, keystore, password, checkedStatusPath, statusRole, List.copyOf(origins)));
    }

    /** @return the setting's value, its name and source added to {@code origins} when it is set */
    private static Optional<String> get(SettingSources sources, WarSetting setting, List<String> origins) {
        Optional<SettingSources.Value> value = sources.get(setting.key(), setting.environmentVariable());
        value.ifPresent(v -> origins.add(setting.key() + " (" + v.origin() + ")"));
        return value.map(SettingSources.Value::value);
    }
}
