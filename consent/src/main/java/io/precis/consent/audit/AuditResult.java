package io.precis.consent.audit;

/**
 * The outcome of an audit of the consent log.
 *
 * @param ok whether every line verified
 * @param entries lines checked (all of them when ok; the good ones before the break otherwise)
 * @param firstBrokenLine the 1-based line number of the first failure, null when ok
 * @param reason what is wrong with that line, null when ok
 */
public record AuditResult(boolean ok, long entries, Long firstBrokenLine, String reason) {
    static AuditResult passed(long entries) {
        return new AuditResult(true, entries, null, null);
    }

    static AuditResult broken(long line, String reason) {
        return new AuditResult(false, line - 1, line, reason);
    }
}
