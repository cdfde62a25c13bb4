package io.precis.gateway.ad;

import io.precis.matcher.campaign.Creative;
import java.net.URI;
import java.util.Locale;

/**
 * The {@code adm} of a bid: the creative as inert HTML that the exchange's page renders. No
 * creative field ever becomes markup: every value is an HTML-escaped attribute or text, an
 * image is used only when its URL is http(s), and there is no script. The impression pixel
 * (Precis' own impression URL, counted once however often it fires) makes the ad count where
 * the exchange does not call {@code burl}.
 */
final class OpenRtbMarkup {
    private OpenRtbMarkup() {
    }

    static String adm(Creative creative, String clickUrl, String impressionUrl, int width, int height) {
        String title = creative.title() == null ? "" : creative.title();
        StringBuilder html = new StringBuilder(512);
        html.append("<a href=\"").append(escape(clickUrl)).append("\" target=\"_blank\" rel=\"noopener noreferrer\">");
        if (isHttp(creative.imageUrl())) {
            html.append("<img src=\"").append(escape(creative.imageUrl())).append("\" width=\"").append(width)
                    .append("\" height=\"").append(height).append("\" alt=\"").append(escape(title)).append("\">");
        } else {
            html.append(escape(title));
        }
        html.append("</a><img src=\"").append(escape(impressionUrl))
                .append("\" width=\"1\" height=\"1\" alt=\"\" aria-hidden=\"true\">");
        return html.toString();
    }

    /** Whether {@code url} is an absolute http or https URL. */
    static boolean isHttp(String url) {
        if (url == null) {
            return false;
        }
        try {
            String scheme = URI.create(url).getScheme();
            return scheme != null && (scheme.toLowerCase(Locale.ROOT).equals("http")
                    || scheme.toLowerCase(Locale.ROOT).equals("https"));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Text or a double-quoted attribute value, escaped for HTML. */
    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
