package io.precis.consent.cli;

import io.precis.consent.audit.AuditResult;
import io.precis.consent.audit.AuditVerifier;
import io.precis.consent.pseudonym.Pseudonymiser;
import io.precis.consent.log.ConsentLog;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The operator commands of the consent module:
 * <pre>
 *   keys rotate --keys-dir DIR [--overlap-days N]   start a new pseudonym epoch (overlap default 30 days)
 *   keys destroy-expired --keys-dir DIR             destroy keys of epochs past their overlap
 *   audit verify --data-dir DIR --keys-dir DIR      check every receipt and link of the consent log and its signed head
 * </pre>
 * Exit status 0 on success, 1 when the audit finds a broken line, 2 on a usage or runtime error.
 */
public final class ConsentCli {
    /** Overlap after a rotation unless {@code --overlap-days} says otherwise. */
    public static final int DEFAULT_OVERLAP_DAYS = 30;

    /** The options each command takes (each with a value). */
    private static final Map<String, Set<String>> OPTIONS = Map.of(
            "keys rotate", Set.of("--keys-dir", "--overlap-days"),
            "keys destroy-expired", Set.of("--keys-dir"),
            "audit verify", Set.of("--data-dir", "--keys-dir"));

    private ConsentCli() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, Clock.systemUTC()));
    }

    /** Runs one command and returns its exit status; for tests and for the {@code precis} launcher. */
    public static int run(String[] args, PrintStream out, PrintStream err, Clock clock) {
        if (args.length < 2) {
            return usage(err);
        }
        String command = args[0] + " " + args[1];
        Set<String> known = OPTIONS.get(command);
        if (known == null) {
            err.println("error: unknown command " + command);
            return usage(err);
        }
        Map<String, String> opts = new HashMap<>();
        for (int i = 2; i < args.length; i++) {
            if (!known.contains(args[i])) {
                err.println("error: unknown option " + args[i] + " for " + command);
                return usage(err);
            }
            if (i + 1 >= args.length) {
                err.println("error: " + args[i] + " needs a value");
                return usage(err);
            }
            opts.put(args[i].substring(2), args[++i]);
        }
        try {
            switch (command) {
                case "keys rotate" -> {
                    int days = overlapDays(opts.getOrDefault("overlap-days", String.valueOf(DEFAULT_OVERLAP_DAYS)));
                    Pseudonymiser p = Pseudonymiser.open(dir(opts, "keys-dir"), Duration.ofDays(days), clock, Map.of());
                    int epoch = p.rotate();
                    out.println("started pseudonym epoch " + epoch + "; the previous one stays resolvable for "
                            + days + " days");
                    return 0;
                }
                case "keys destroy-expired" -> {
                    Pseudonymiser p = Pseudonymiser.open(dir(opts, "keys-dir"), Duration.ZERO, clock, Map.of());
                    int n = p.destroyExpired();
                    out.println("destroyed " + n + " expired pseudonym key" + (n == 1 ? "" : "s"));
                    return 0;
                }
                case "audit verify" -> {
                    Path data = dir(opts, "data-dir");
                    // The gateway creates the log on its first start: without one, this is not a
                    // gateway's data dir, and "ok: 0 entries" would be a false pass.
                    if (!Files.isRegularFile(ConsentLog.fileOf(data))) {
                        err.println("error: no consent log at " + ConsentLog.fileOf(data)
                                + " (is " + data + " the data dir of a gateway that has run?)");
                        return 2;
                    }
                    AuditResult r = AuditVerifier.verify(data, dir(opts, "keys-dir"));
                    if (r.ok()) {
                        out.println("ok: " + r.entries() + " entries");
                        return 0;
                    }
                    out.println("broken at line " + r.firstBrokenLine() + ": " + r.reason());
                    return 1;
                }
                    default -> throw new IllegalStateException("no handler for " + command);
            }
        } catch (RuntimeException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
    }

    private static int overlapDays(String text) {
        int days;
        try {
            days = Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--overlap-days must be a whole number of days, not \"" + text + "\"");
        }
        if (days < 0) {
            throw new IllegalArgumentException("--overlap-days must be 0 or more");
        }
        return days;
    }

    private static Path dir(Map<String, String> opts, String name) {
        String v = opts.get(name);
        if (v == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return Path.of(v);
    }

    private static int usage(PrintStream err) {
        err.println("usage: precis keys rotate --keys-dir DIR [--overlap-days N]");
        err.println("       precis keys destroy-expired --keys-dir DIR");
        err.println("       precis audit verify --data-dir DIR --keys-dir DIR");
        return 2;
    }
}
