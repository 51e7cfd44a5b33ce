package dev.autocert.config;

import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;

/**
 * The known name a mistyped one most likely meant: the fewest single-character edits (case aside), close
 * enough that the suggestion helps rather than puzzles, or a known name that contains the typed one.
 */
final class ClosestName {

    private ClosestName() {
    }

    /**
     * @param typed a name that is not known
     * @param known the known names
     * @return the closest known name, if one is close
     */
    static Optional<String> among(String typed, Collection<String> known) {
        String t = typed.toLowerCase(Locale.ROOT);
        int allowed = Math.max(2, t.length() / 3);
        return known.stream()
                .filter(k -> distance(t, k.toLowerCase(Locale.ROOT)) <= allowed
                        || t.length() >= 4 && k.toLowerCase(Locale.ROOT).contains(t))
                .min(Comparator.comparingInt(k -> distance(t, k.toLowerCase(Locale.ROOT))));
    }

    /** @return the Levenshtein distance: insertions, deletions and substitutions turning {@code a} into {@code b} */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
