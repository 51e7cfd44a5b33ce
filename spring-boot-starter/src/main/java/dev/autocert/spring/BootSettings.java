package dev.autocert.spring;

import dev.autocert.config.AutocertConfig;
import dev.autocert.config.ConfigException;
import dev.autocert.config.Setting;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every core {@link Setting} as an {@code autocert.*} property, bound with Boot's relaxed rules from the one list
 * of settings: {@code autocert.accept-terms}, {@code autocert.acceptTerms} and {@code AUTOCERT_ACCEPT_TERMS} are
 * the same property. Names under {@code autocert.} that are neither a setting nor a starter property are kept,
 * so that core reports them with the closest setting.
 *
 * @param settings setting name (core spelling, e.g. {@code acceptTerms}) to value, unknown names in dashed form
 */
public record BootSettings(Map<String, String> settings) {

    /** The prefix of every property. */
    public static final String PREFIX = "autocert";

    /** The starter's own properties ({@link AutocertProperties}), in Boot's uniform form (lower case, no dashes). */
    private static final Set<String> STARTER_PROPERTIES = Set.of("enabled", "failfast");

    private static final Pattern CAMEL_HUMP = Pattern.compile("([a-z0-9])([A-Z])");

    /**
     * @param environment the application's environment
     * @return the settings it gives
     */
    public static BootSettings bind(Environment environment) {
        Binder binder = Binder.get(environment);
        Map<String, String> settings = new LinkedHashMap<>();
        for (Setting setting : Setting.values()) {
            String property = propertyOf(setting);
            // a YAML list of names is one certificate's names, as "a,b" is; a YAML list of CAs is the directory list
            Optional<String> value = setting == Setting.DOMAINS || setting == Setting.DIRECTORY
                    ? Optional.ofNullable(binder.bind(property, Bindable.listOf(String.class)).map(list -> String.join(",", list))
                            .orElse(null))
                    : Optional.ofNullable(binder.bind(property, Bindable.of(String.class)).orElse(null));
            value.filter(v -> !v.isBlank()).ifPresent(v -> settings.put(setting.key(), v));
        }
        for (String unknown : unknownNames(environment)) {
            settings.putIfAbsent(unknown, "");
        }
        return new BootSettings(Map.copyOf(settings));
    }

    /**
     * @param setting a core setting
     * @return its property, e.g. {@code autocert.accept-terms}
     */
    public static String propertyOf(Setting setting) {
        return PREFIX + "." + dashed(setting.key());
    }

    /**
     * @param settingName a setting name as core reports it (core spelling, or an unknown name in dashed form)
     * @return the property a Boot user writes
     */
    public static String propertyOf(String settingName) {
        return PREFIX + "." + Setting.byKey(settingName).map(s -> dashed(s.key())).orElse(settingName);
    }

    /**
     * @param text a fix as core words it, naming settings in core spelling ({@code set acceptTerms=true})
     * @return the same text naming properties ({@code set autocert.accept-terms=true})
     */
    public static String inBootSpelling(String text) {
        String out = text;
        // longest names first: rfc2136TsigKeyName before any shorter name it contains
        List<Setting> byLength = Arrays.stream(Setting.values())
                .sorted((a, b) -> Integer.compare(b.key().length(), a.key().length())).toList();
        for (Setting s : byLength) {
            out = out.replaceAll("(?<![\\w.-])" + Pattern.quote(s.key()) + "(?![\\w-])", Matcher.quoteReplacement(propertyOf(s)));
        }
        return out;
    }

    /**
     * @param defaultStorage the store folder when {@code autocert.storage} is not set
     * @return the checked configuration
     * @throws ConfigException for the first bad, missing or unknown property
     */
    public AutocertConfig check(Path defaultStorage) throws ConfigException {
        return AutocertConfig.parse(settings, defaultStorage);
    }

    /** @return these settings with {@code storage} set to {@code defaultStorage} unless given */
    public Map<String, String> withStorage(Path defaultStorage) {
        Map<String, String> out = new LinkedHashMap<>(settings);
        out.putIfAbsent(Setting.STORAGE.key(), defaultStorage.toAbsolutePath().toString());
        return out;
    }

    static String dashed(String camel) {
        return CAMEL_HUMP.matcher(camel).replaceAll("$1-$2").toLowerCase(Locale.ROOT);
    }

    /** Names under {@code autocert.} in any property source that no setting and no starter property matches. */
    private static Set<String> unknownNames(Environment environment) {
        ConfigurationPropertyName prefix = ConfigurationPropertyName.of(PREFIX);
        Set<String> known = new LinkedHashSet<>(STARTER_PROPERTIES);
        for (Setting s : Setting.values()) {
            known.add(s.key().toLowerCase(Locale.ROOT));
        }
        Set<String> unknown = new LinkedHashSet<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (!(source instanceof IterableConfigurationPropertySource iterable)) {
                continue;
            }
            iterable.stream().filter(prefix::isAncestorOf).forEach(name -> {
                // environment variables split at every '_': AUTOCERT_ACCEPT_TERMS is autocert.accept.terms
                StringBuilder uniform = new StringBuilder();
                StringBuilder dashed = new StringBuilder();
                for (int i = 1; i < name.getNumberOfElements(); i++) {
                    if (name.isNumericIndex(i)) {
                        continue;
                    }
                    uniform.append(name.getElement(i, ConfigurationPropertyName.Form.UNIFORM));
                    dashed.append(dashed.isEmpty() ? "" : "-").append(name.getElement(i, ConfigurationPropertyName.Form.DASHED));
                }
                if (!known.contains(uniform.toString())) {
                    unknown.add(dashed.toString());
                }
            });
        }
        return unknown;
    }
}
