package io.precis.perf.audiences;

import io.precis.consent.identity.Pseudonym;
import io.precis.gateway.audiences.AudienceMembership;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Customer lists at the scale: {@code lists} lists totalling {@code members} members
 * in the gateway's {@link AudienceMembership} (a sorted {@code long[]} per list), then the
 * per-request lookup the ad path makes (every list, two delivery aliases: the current epoch's
 * and the previous one's) for people half of whom are members of some list. Prints the heap per
 * member (after GC) and the lookup time per request (mean and percentiles over batches).
 *
 * <p>Baseline, in the same run: the same lists at a tenth of the size as {@code HashSet<Long>}
 * per list (the obvious structure), its heap per member and its lookup time.
 *
 * <p>Usage: {@code AudienceMembershipBench [lists=100] [members=20000000] [requests=300000]};
 * needs a heap of about 1 GB ({@code -Xmx2g}).
 */
public final class AudienceMembershipBench {
    private AudienceMembershipBench() {}

    public static void main(String[] args) {
        int lists = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        long members = args.length > 1 ? Long.parseLong(args[1]) : 20_000_000;
        int requests = args.length > 2 ? Integer.parseInt(args[2]) : 300_000;
        SplittableRandom random = new SplittableRandom(16);
        // Members are pseudonyms of the pseudonymiser's shape: epoch "1" and 16 bytes of MAC.
        int sample = 100_000;
        List<Pseudonym> someMembers = new ArrayList<>(sample);

        long before = heapAfterGc();
        AudienceMembership membership = new AudienceMembership();
        long perList = members / lists;
        for (int l = 0; l < lists; l++) {
            long[] prints = new long[(int) perList];
            for (int i = 0; i < prints.length; i++) {
                Pseudonym p = pseudonym(random);
                prints[i] = io.precis.gateway.audiences.AudienceFingerprint.of(p);
                if (someMembers.size() < sample && random.nextInt(lists * 2) == 0) {
                    someMembers.add(p);
                }
            }
            membership.replace("list-" + l, prints);
        }
        long used = heapAfterGc() - before;
        System.out.printf("sorted long[] per list: %d lists, %d members, heap %d MB, %.2f bytes per member%n",
                lists, perList * lists, used >> 20, (double) used / (perList * lists));
        double arrays = lookups("sorted long[]", requests, random, someMembers, membership::listsOf);

        // Baseline: HashSet<Long> per list, a tenth of the members.
        long baseBefore = heapAfterGc();
        List<Set<Long>> sets = new ArrayList<>();
        List<Pseudonym> baseMembers = new ArrayList<>(sample);
        long basePerList = perList / 10;
        for (int l = 0; l < lists; l++) {
            Set<Long> set = new HashSet<>();
            for (long i = 0; i < basePerList; i++) {
                Pseudonym p = pseudonym(random);
                set.add(io.precis.gateway.audiences.AudienceFingerprint.of(p));
                if (baseMembers.size() < sample && random.nextInt(lists * 2) == 0) {
                    baseMembers.add(p);
                }
            }
            sets.add(set);
        }
        long baseUsed = heapAfterGc() - baseBefore;
        System.out.printf("baseline HashSet<Long> per list: %d members, heap %d MB, %.2f bytes per member%n",
                basePerList * lists, baseUsed >> 20, (double) baseUsed / (basePerList * lists));
        double base = lookups("HashSet<Long>", requests, random, baseMembers, aliases -> {
            Set<String> out = new HashSet<>();
            for (int l = 0; l < sets.size(); l++) {
                for (Pseudonym p : aliases) {
                    if (sets.get(l).contains(io.precis.gateway.audiences.AudienceFingerprint.of(p))) {
                        out.add("list-" + l);
                        break;
                    }
                }
            }
            return out;
        });
        System.out.printf("lookup per request, sorted long[] (full size) / HashSet<Long> (a tenth): %.2f%n", arrays / base);
        System.out.println(sets.size() + membership.size("list-0") > 0 ? "" : "(kept alive)");
    }

    /** Mean ns per request over {@code requests}, half of them with a member's alias; prints percentiles of 1000-request batches. */
    private static double lookups(String name, int requests, SplittableRandom random, List<Pseudonym> someMembers,
                                  java.util.function.Function<List<Pseudonym>, Set<String>> lookup) {
        int batch = 1000;
        Pseudonym[][] aliases = new Pseudonym[requests][];
        for (int i = 0; i < requests; i++) {
            Pseudonym current = random.nextBoolean() ? someMembers.get(random.nextInt(someMembers.size()))
                    : pseudonym(random);
            aliases[i] = new Pseudonym[] {current, pseudonym(random)};
        }
        long found = 0;
        for (int i = 0; i < Math.min(requests, 200_000); i++) { // warm-up
            found += lookup.apply(List.of(aliases[i])).size();
        }
        long[] batches = new long[requests / batch];
        long start = System.nanoTime();
        for (int b = 0; b < batches.length; b++) {
            long t = System.nanoTime();
            for (int i = b * batch; i < (b + 1) * batch; i++) {
                found += lookup.apply(List.of(aliases[i])).size();
            }
            batches[b] = System.nanoTime() - t;
        }
        double mean = (double) (System.nanoTime() - start) / (batches.length * (long) batch);
        Arrays.sort(batches);
        System.out.printf("%s: %.0f ns per request (batch p50 %.0f, p99 %.0f ns per request), %d memberships found%n",
                name, mean, batches[batches.length / 2] / (double) batch,
                batches[(int) (batches.length * 0.99)] / (double) batch, found);
        return mean;
    }

    private static Pseudonym pseudonym(SplittableRandom random) {
        byte[] mac = new byte[16];
        random.nextBytes(mac);
        return new Pseudonym("1" + Base64.getUrlEncoder().withoutPadding().encodeToString(mac));
    }

    static long heapAfterGc() {
        var memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 2; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
