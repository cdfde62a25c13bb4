package io.precis.reports.token;

/** What a tracking token may be redeemed for: one impression beacon or one click redirect. */
public enum TokenKind {
    IMPRESSION("i"),
    CLICK("c");

    private final String code;

    TokenKind(String code) {
        this.code = code;
    }

    /** One-letter code used inside the signed payload, to keep tokens short. */
    String code() {
        return code;
    }

    static TokenKind ofCode(String code) {
        for (TokenKind k : values()) {
            if (k.code.equals(code)) {
                return k;
            }
        }
        return null;
    }
}
