package io.precis.matcher.match;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Host names of slots: their normal form and parent domains (a site covers its sub-domains). */
final class SiteNames {
    private SiteNames() {
    }

    /** {@code site} lower case, without scheme, port or trailing dot; null when blank or null. */
    static String normalise(String site) {
        if (site == null || site.isBlank()) {
            return null;
        }
        String s = site.strip().toLowerCase(Locale.ROOT);
        if (s.contains("://")) {
            try {
                String host = URI.create(s).getHost();
                s = host == null ? s : host;
            } catch (IllegalArgumentException e) {
                // not a URL after all: keep it as given
            }
        }
        int colon = s.indexOf(':');
        if (colon >= 0) {
            s = s.substring(0, colon);
        }
        while (s.endsWith(".")) {
            s = s.substring(0, s.length() - 1);
        }
        return s.isEmpty() ? null : s;
    }

    /** {@code m.news.example} → [m.news.example, news.example, example]; empty for null. */
    static List<String> withParents(String host) {
        List<String> out = new ArrayList<>();
        if (host == null) {
            return out;
        }
        String h = host;
        while (true) {
            out.add(h);
            int dot = h.indexOf('.');
            if (dot < 0) {
                return out;
            }
            h = h.substring(dot + 1);
        }
    }
}
