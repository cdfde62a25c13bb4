package io.precis.gateway;

/** Campaign bodies for tests, written the way an advertiser would send them. */
public final class Campaigns {
    private Campaigns() {}

    /** A banner campaign with the given contextual keywords (JSON array text, e.g. {@code ["a","b"]}). */
    public static String keywords(String name, String keywordsJson, String model, double amount) {
        return """
                {"name": "%s", "goal": "awareness",
                 "bid": {"model": "%s", "amount": %s, "currency": "CNY"},
                 "targeting": {"keywords": %s, "formats": ["banner-300x250"]},
                 "creatives": [{"id": "c1", "format": "banner-300x250", "title": "%s",
                                "imageUrl": "https://cdn.example/c1.png",
                                "landingUrl": "https://shop.example/landing?src=precis"}]}
                """.formatted(name, model, amount, keywordsJson, name);
    }

    /** As {@link #keywords(String, String, String, double)}, with a budget (JSON object text, e.g. {@code {"total": 3}}). */
    public static String keywords(String name, String keywordsJson, String model, double amount, String budgetJson) {
        return """
                {"name": "%s", "goal": "awareness",
                 "bid": {"model": "%s", "amount": %s, "currency": "CNY"},
                 "budget": %s,
                 "targeting": {"keywords": %s, "formats": ["banner-300x250"]},
                 "creatives": [{"id": "c1", "format": "banner-300x250", "title": "%s",
                                "imageUrl": "https://cdn.example/c1.png",
                                "landingUrl": "https://shop.example/landing?src=precis"}]}
                """.formatted(name, model, amount, budgetJson, keywordsJson, name);
    }

    /** An untargeted banner campaign. */
    public static String untargeted(String name, String model, double amount) {
        return """
                {"name": "%s", "bid": {"model": "%s", "amount": %s},
                 "creatives": [{"id": "c1", "format": "banner-300x250", "title": "%s",
                                "landingUrl": "https://shop.example/%s"}]}
                """.formatted(name, model, amount, name, name);
    }

    /**
     * An untargeted CPM campaign with the real-time trigger of a water purifier left in a cart
     * within the last hour ({@code targeting.trigger}).
     */
    public static String cartAbandoned(String name) {
        return untargeted(name, "CPM", 5).replace("\"creatives\"",
                "\"targeting\": {\"trigger\": {\"events\": [\"cart\"], \"keywords\": [\"净水器\"], \"withinMinutes\": 60}},"
                        + " \"creatives\"");
    }

    /** An ad request from the reader {@code user} (the publisher's id of them), as below. */
    public static String adRequest(String site, String text, String user) {
        return """
                {"slot": {"id": "top", "format": "banner-300x250", "site": "%s"},
                 "page": {"url": "https://%s/article/1", "text": "%s"}, "user": {"id": "%s"}}
                """.formatted(site, site, text, user);
    }

    /** An ad request for a banner slot on {@code site} with page {@code text}. */
    public static String adRequest(String site, String text) {
        return """
                {"slot": {"id": "top", "format": "banner-300x250", "site": "%s"},
                 "page": {"url": "https://%s/article/1", "text": "%s"}}
                """.formatted(site, site, text);
    }
}
