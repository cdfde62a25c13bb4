package io.precis.consent.cli;

import io.precis.consent.audit.AuditResult;
import io.precis.consent.audit.AuditVerifier;
import io.precis.consent.pseudonym.Pseudonymiser;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

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

    private ConsentCli() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, Clock.systemUTC()));
    }

    /** Runs one command and returns its exit status; for tests and for the {@code precis} launcher. */
    public static int run(String[] args, PrintStream out, PrintStream err, Clock clock) {
        if (args.length < 2) {
            return usage(err);
        }
        Map<String, String> opts = new HashMap<>();
        for (int i = 2; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                return usage(err);
            }
            opts.put(args[i].substring(2), args[++i]);
        }
        try {
            String command = args[0] + " " + args[1];
            switch (command) {
                case "keys rotate" -> {
                    int days = Integer.parseInt(opts.getOrDefault("overlap-days", String.valueOf(DEFAULT_OVERLAP_DAYS)));
                    if (days < 0) {
                        throw new IllegalArgumentException("--overlap-days must be 0 or more");
                    }
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
                    AuditResult r = AuditVerifier.verify(dir(opts, "data-dir"), dir(opts, "keys-dir"));
                    if (r.ok()) {
                        out.println("ok: " + r.entries() + " entries");
                        return 0;
                    }
                    out.println("broken at line " + r.firstBrokenLine() + ": " + r.reason());
                    return 1;
                }
                default -> {
                    return usage(err);
                }
            }
        } catch (RuntimeException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
    }

    private static Path dir(Map<String, String> opts, String name) {
        String v = opts.get(name);
        if (v == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return Path.of(v);
    }

    private static int usage(PrintStream err) {
        err.println("usage: keys rotate --keys-dir DIR [--overlap-days N]");
        err.println("       keys destroy-expired --keys-dir DIR");
        err.println("       audit verify --data-dir DIR --keys-dir DIR");
        return 2;
    }
}
