package io.precis.reports.invalid;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * User agents of robots, judged the way the IAB/ABC International Spiders &amp; Bots List is
 * applied: first a valid-browser pass (a real browser's agent contains one of
 * {@code browser-user-agents.txt}), then the robot list ({@code robot-user-agents.txt}), both
 * case-insensitive substrings. A robot line may carry exceptions after {@code !}: {@code bot
 * !cubot} flags "bot" unless "cubot" (a phone maker) is also present. A null agent is not judged.
 */
public final class RobotUserAgentRule implements ClickRule {
    public static final String REASON = "robot";
    static final String BROWSERS = "browser-user-agents.txt";
    static final String ROBOTS = "robot-user-agents.txt";

    private record Pattern(String needle, List<String> exceptions) {
    }

    private final List<String> browsers;
    private final List<Pattern> robots;

    /** The rule with the lists shipped in this package. */
    public RobotUserAgentRule() {
        this.browsers = lines(BROWSERS);
        this.robots = lines(ROBOTS).stream().map(RobotUserAgentRule::pattern).toList();
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
        String ua = userAgent.toLowerCase(Locale.ROOT);
        if (browsers.stream().noneMatch(ua::contains)) {
            return true;
        }
        for (Pattern p : robots) {
            if (ua.contains(p.needle()) && p.exceptions().stream().noneMatch(ua::contains)) {
                return true;
            }
        }
        return false;
    }

    private static Pattern pattern(String line) {
        String[] parts = line.split("\\s+!");
        List<String> exceptions = new ArrayList<>();
        for (int i = 1; i < parts.length; i++) {
            exceptions.add(parts[i].strip());
        }
        return new Pattern(parts[0].strip(), List.copyOf(exceptions));
    }

    private static List<String> lines(String resource) {
        try (InputStream in = RobotUserAgentRule.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
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
}
