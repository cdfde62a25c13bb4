package io.precis.reports.invalid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * User agents of robots, judged the way the IAB/ABC International Spiders &amp; Bots List is
 * applied: first a valid-browser pass (a real browser's agent contains one of
 * {@code browser-user-agents.txt}, case-insensitive substrings), then the robot list.
 *
 * <p>The robot list is the maintained, MIT-licensed {@code crawler-user-agents} list
 * ({@code crawler-user-agents.json}, notice in {@code crawler-user-agents.LICENSE}; refreshed by
 * {@code reports/scripts/refresh-crawler-user-agents.sh} and checked in): about 1,500 regular
 * expressions, matched case-insensitively as the list's own Python checker does. Each pattern
 * is compiled once, with a literal that every match must contain, and the literals are indexed
 * by their first three characters: a click looks up each three characters of its agent (about
 * 150 lookups) and runs only the patterns whose literal occurs there, instead of 1,500 regular
 * expressions. A null agent is not judged. Instances are immutable and thread-safe.
 */
public final class RobotUserAgentRule implements ClickRule {
    public static final String REASON = "robot";
    static final String BROWSERS = "browser-user-agents.txt";
    static final String ROBOTS = "crawler-user-agents.json";
    /** Shorter literals ("bot") would pass the pre-check too often to be worth it. */
    private static final int MIN_LITERAL = 3;

    /**
     * One pattern of the list and a lower-case literal every match contains, or null when none
     * can be read off safely (the pattern then always runs).
     */
    private record Robot(Pattern pattern, String literal) {}

    private final List<String> browsers;
    private final List<Robot> robots;
    /** Robots with a literal, by the literal's first three characters ({@link #key}). */
    private final Map<Long, List<Robot>> byPrefix;
    /** Robots without a literal: run on every agent that passes the browser pass. */
    private final List<Robot> unindexed;

    /** The rule with the lists shipped in this package. */
    public RobotUserAgentRule() {
        this.browsers = lines(BROWSERS);
        this.robots = robots(ROBOTS);
        Map<Long, List<Robot>> index = new HashMap<>();
        for (Robot r : robots) {
            if (r.literal() != null) {
                index.computeIfAbsent(key(r.literal(), 0), k -> new ArrayList<>()).add(r);
            }
        }
        index.replaceAll((k, v) -> List.copyOf(v));
        this.byPrefix = Map.copyOf(index);
        this.unindexed = robots.stream().filter(r -> r.literal() == null).toList();
    }

    @Override
    public String reason() {
        return REASON;
    }

    @Override
    public boolean rejects(ClickFacts click) {
        String ua = click.context().userAgent();
        return ua != null && isRobot(ua);
    }

    /** Whether {@code userAgent} fails the browser pass or matches the robot list. */
    public boolean isRobot(String userAgent) {
        String lower = userAgent.toLowerCase(Locale.ROOT);
        if (browsers.stream().noneMatch(lower::contains)) {
            return true;
        }
        for (int i = 0; i + MIN_LITERAL <= lower.length(); i++) {
            List<Robot> candidates = byPrefix.get(key(lower, i));
            if (candidates == null) {
                continue;
            }
            for (Robot r : candidates) {
                if (lower.startsWith(r.literal(), i) && r.pattern().matcher(userAgent).find()) {
                    return true;
                }
            }
        }
        for (Robot r : unindexed) {
            if (r.pattern().matcher(userAgent).find()) {
                return true;
            }
        }
        return false;
    }

    /** Three characters of {@code s} from {@code at}, packed into one number. */
    private static long key(String s, int at) {
        return ((long) s.charAt(at) << 32) | ((long) s.charAt(at + 1) << 16) | s.charAt(at + 2);
    }

    /** Number of robot patterns in the shipped list. */
    int robotPatternCount() {
        return robots.size();
    }

    /** Number of patterns without a literal pre-check (they run on every agent that passes the browser pass). */
    int patternsWithoutLiteral() {
        return (int) robots.stream().filter(r -> r.literal() == null).count();
    }

    /**
     * The longest run of plain characters outside any group or class of a pattern without a
     * top-level alternation, lower-cased; null when it is shorter than {@link #MIN_LITERAL} or
     * the pattern has a top-level {@code |}. Conservative: a character followed by a quantifier
     * that may drop it ({@code ? * {n,m}}) ends the run without it.
     */
    static String requiredLiteral(String pattern) {
        String best = "";
        StringBuilder run = new StringBuilder();
        int depth = 0;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) {
                char escaped = pattern.charAt(++i);
                if (depth == 0 && !Character.isLetterOrDigit(escaped)) {
                    run.append(escaped); // \/ \. \( ...: the character itself
                } else {
                    best = longer(best, run); // \d \w \s \b, or inside a group
                }
            } else if (c == '|' && depth == 0) {
                return null;
            } else if (c == '(' || c == '[') {
                depth++;
                best = longer(best, run);
            } else if (c == ')' || c == ']') {
                depth = Math.max(0, depth - 1);
                best = longer(best, run);
            } else if (depth > 0) {
                continue;
            } else if (c == '?' || c == '*' || c == '{') {
                if (run.length() > 0) {
                    run.setLength(run.length() - 1);
                }
                best = longer(best, run);
                if (c == '{') {
                    int close = pattern.indexOf('}', i);
                    i = close < 0 ? pattern.length() : close;
                }
            } else if (c == '.' || c == '^' || c == '$' || c == '+') {
                best = longer(best, run); // '+' keeps the character before it, but ends the run
            } else {
                run.append(c);
            }
        }
        best = longer(best, run);
        return best.length() >= MIN_LITERAL ? best.toLowerCase(Locale.ROOT) : null;
    }

    private static String longer(String best, StringBuilder run) {
        String r = run.toString();
        run.setLength(0);
        return r.length() > best.length() ? r : best;
    }

    private static List<Robot> robots(String resource) {
        try (InputStream in = open(resource)) {
            List<Robot> out = new ArrayList<>();
            for (JsonNode entry : new ObjectMapper().readTree(in)) {
                String p = entry.path("pattern").asText("");
                if (!p.isEmpty()) {
                    out.add(new Robot(Pattern.compile(p, Pattern.CASE_INSENSITIVE), requiredLiteral(p)));
                }
            }
            return List.copyOf(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> lines(String resource) {
        try (InputStream in = open(resource)) {
            List<String> out = new ArrayList<>();
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                String s = line.strip().toLowerCase(Locale.ROOT);
                if (!s.isEmpty() && !s.startsWith("#")) {
                    out.add(s);
                }
            }
            return List.copyOf(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream open(String resource) {
        InputStream in = RobotUserAgentRule.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("missing resource " + resource);
        }
        return in;
    }
}
