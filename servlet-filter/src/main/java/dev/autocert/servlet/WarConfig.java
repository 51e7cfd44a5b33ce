package dev.autocert.servlet;

import dev.autocert.config.Adapter;
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
 * The validated settings of one webapp: core's settings (those {@link Adapter#WAR} reads) plus those of
 * {@link WarSetting}.
 *
 * @param core                      core's settings, {@code statusPath} and {@code statusRole} included
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
     * @throws ConfigException for an unknown {@code autocert.*} context-param (naming the closest setting), one
     *                         of another adapter, or a bad value
     */
    static Optional<WarConfig> parse(SettingSources sources, ContainerBase base) throws ConfigException {
        List<String> warKeys = Arrays.stream(WarSetting.values()).map(WarSetting::key).toList();
        List<String> known = new ArrayList<>(warKeys);
        Setting.readBy(Adapter.WAR).forEach(s -> known.add(s.key()));
        for (String param : sources.unknownContextParams(known)) {
            String name = param.substring(WarSetting.PREFIX.length());
            try {
                Setting.lookup(name, Adapter.WAR, warKeys);
            } catch (ConfigException e) {
                throw new ConfigException(param, e.problem(), e.fix()); // named as written, prefix included
            }
        }
        if (sources.get(Setting.DOMAINS.key(), Setting.DOMAINS.environmentVariable()).isEmpty()) {
            return Optional.empty();
        }
        List<String> origins = new ArrayList<>();
        Map<String, String> core = new LinkedHashMap<>();
        for (Setting s : Setting.readBy(Adapter.WAR)) {
            sources.get(s.key(), s.environmentVariable()).ifPresent(v -> {
                core.put(s.key(), v.value());
                origins.add(s.key() + " (" + v.origin() + ")");
            });
        }
        AutocertConfig config = AutocertConfig.parse(core, base.defaultStorage(), Adapter.WAR);
        Path keystore = get(sources, WarSetting.CONNECTOR_KEYSTORE, origins).map(base::resolve).orElse(null);
        String password = get(sources, WarSetting.CONNECTOR_KEYSTORE_PASSWORD, origins).orElse(config.keystorePassword());
        return Optional.of(new WarConfig(config, keystore, password, List.copyOf(origins)));
    }

    /** @return the setting's value, its name and source added to {@code origins} when it is set */
    private static Optional<String> get(SettingSources sources, WarSetting setting, List<String> origins) {
        Optional<SettingSources.Value> value = sources.get(setting.key(), setting.environmentVariable());
        value.ifPresent(v -> origins.add(setting.key() + " (" + v.origin() + ")"));
        return value.map(SettingSources.Value::value);
    }
}
