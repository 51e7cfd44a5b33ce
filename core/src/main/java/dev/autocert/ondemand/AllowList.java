package dev.autocert.ondemand;

import java.util.List;

/**
 * The names {@code onDemandAllow} approves without asking: exact names, and {@code *.name} patterns that match
 * one label more than {@code name}, as a wildcard certificate would ({@code *.customers.example.com} approves
 * {@code a.customers.example.com}, not {@code customers.example.com} nor {@code a.b.customers.example.com}).
 */
final class AllowList {

    private final List<String> patterns;

    /** @param patterns lower-case names and {@code *.} patterns, as {@code OnDemandSettings} checked them */
    AllowList(List<String> patterns) {
        this.patterns = List.copyOf(patterns);
    }

    /** @param name a lower-case DNS name */
    boolean allows(String name) {
        int dot = name.indexOf('.');
        for (String pattern : patterns) {
            if (pattern.equals(name) || dot > 0 && pattern.startsWith("*.") && pattern.substring(1).equals(name.substring(dot))) {
                return true;
            }
        }
        return false;
    }
}
