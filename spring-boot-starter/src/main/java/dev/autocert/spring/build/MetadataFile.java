package dev.autocert.spring.build;

import dev.autocert.config.Setting;
import dev.autocert.spring.BootSettings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Build tool, not shipped: writes {@code META-INF/spring-configuration-metadata.json}, the file IDEs read to
 * complete {@code autocert.*} properties, from core's {@link Setting} list (one property per setting, its
 * documentation and default) plus the starter's own properties. Run by the build at {@code process-classes}:
 * {@code MetadataFile <classes folder>}.
 */
public final class MetadataFile {

    private MetadataFile() {
    }

    /**
     * @param args the classes folder
     * @throws IOException when the file cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path folder = Path.of(args[0], "META-INF");
        Path file = folder.resolve("spring-configuration-metadata.json");
        Files.createDirectories(folder);
        Files.writeString(file, render(), StandardCharsets.UTF_8);
    }

    /** @return the metadata document */
    public static String render() {
        List<String> properties = new ArrayList<>();
        properties.add(property("autocert.enabled", "java.lang.Boolean",
                "Whether the starter wires Autocert into the embedded server at all.", Optional.of("true")));
        properties.add(property("autocert.fail-fast", "java.lang.Boolean",
                "Whether a bad autocert.* property stops the application (a failure analysis naming the property and"
                        + " the fix) instead of being logged while the application starts and serves without Autocert.",
                Optional.of("false")));
        for (Setting s : Setting.values()) {
            properties.add(property(BootSettings.propertyOf(s), type(s), doc(s), s.defaultValue()));
        }
        return "{\n  \"groups\": [\n    {\"name\": \"autocert\", \"type\": \"dev.autocert.spring.AutocertProperties\","
                + " \"sourceType\": \"dev.autocert.spring.AutocertProperties\"}\n  ],\n  \"properties\": [\n    "
                + String.join(",\n    ", properties) + "\n  ]\n}\n";
    }

    private static String doc(Setting s) {
        String doc = BootSettings.inBootSpelling(s.doc());
        if (s == Setting.STORAGE) {
            doc += " With the starter: an autocert folder beside the application's jar.";
        } else if (s == Setting.HTTPS_PORT || s == Setting.HTTPS_ADDRESS) {
            doc += " With the starter: the connector added when no server.ssl.* is configured (Tomcat and Jetty).";
        }
        return doc;
    }

    private static String type(Setting s) {
        String d = s.defaultValue().orElse("");
        if (d.equals("true") || d.equals("false")) {
            return "java.lang.Boolean";
        }
        if (!d.isEmpty() && d.chars().allMatch(Character::isDigit)) {
            return "java.lang.Integer";
        }
        return "java.lang.String";
    }

    private static String property(String name, String type, String description, Optional<String> defaultValue) {
        StringBuilder sb = new StringBuilder("{\"name\": ").append(quote(name)).append(", \"type\": ").append(quote(type))
                .append(", \"description\": ").append(quote(description))
                .append(", \"sourceType\": \"dev.autocert.spring.AutocertProperties\"");
        defaultValue.ifPresent(d -> sb.append(", \"defaultValue\": ")
                .append(type.equals("java.lang.String") ? quote(d) : d));
        return sb.append('}').toString();
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> sb.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return sb.append('"').toString();
    }
}
