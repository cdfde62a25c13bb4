package io.precis.reports.invalid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The robot rule against the list's own fixtures: every robot agent {@code crawler-user-agents}
 * gives as an instance of its patterns (about 2,100), and the real browser agents its own test
 * checks against ({@code top-user-agents}, checked in as a test resource).
 */
class RobotUserAgentRuleTest {
    private static final RobotUserAgentRule RULE = new RobotUserAgentRule();

    static List<String> robotInstances() throws IOException {
        try (InputStream in = RobotUserAgentRule.class.getResourceAsStream("crawler-user-agents.json")) {
            List<String> out = new ArrayList<>();
            for (JsonNode entry : new ObjectMapper().readTree(in)) {
                entry.path("instances").forEach(i -> out.add(i.textValue()));
            }
            return out;
        }
    }

    static List<String> browsers() throws IOException {
        try (InputStream in = RobotUserAgentRuleTest.class.getResourceAsStream("browser-user-agents-top.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        }
    }

    @Test
    void everyRobotInstanceOfTheMaintainedListIsARobot() throws IOException {
        List<String> robots = robotInstances();
        assertTrue(robots.size() > 1000, "the list's own fixtures: " + robots.size());
        List<String> missed = robots.stream().filter(ua -> !RULE.isRobot(ua)).toList();
        assertEquals(List.of(), missed);
    }

    @Test
    void everyTopBrowserAgentPasses() throws IOException {
        List<String> browsers = browsers();
        assertTrue(browsers.size() >= 100, "browser fixtures: " + browsers.size());
        List<String> flagged = browsers.stream().filter(RULE::isRobot).toList();
        assertEquals(List.of(), flagged);
    }

    @Test
    void theShippedListIsTheMaintainedOneNotAHandKeptFew() {
        assertTrue(RULE.robotPatternCount() > 1000, "patterns: " + RULE.robotPatternCount());
        // Nearly every pattern has a literal pre-check, which keeps a click's cost small.
        assertTrue(RULE.patternsWithoutLiteral() < RULE.robotPatternCount() / 10, "without: " + RULE.patternsWithoutLiteral());
    }

    @Test
    void theLiteralPreCheckIsOneEveryMatchContains() {
        assertEquals("googlebot/", RobotUserAgentRule.requiredLiteral("Googlebot\\/"));
        assertEquals("adsbot-google", RobotUserAgentRule.requiredLiteral("AdsBot-Google([^-]|$)"));
        assertEquals("mediapartners (googlebot)", RobotUserAgentRule.requiredLiteral("Mediapartners \\(Googlebot\\)"));
        assertEquals("seekbot", RobotUserAgentRule.requiredLiteral("^Seekbot"));
        assertEquals("spider", RobotUserAgentRule.requiredLiteral("web-?spider"));
        assertEquals("crawler", RobotUserAgentRule.requiredLiteral("x{2,3}crawler"));
        assertEquals(null, RobotUserAgentRule.requiredLiteral("curl|wget"));
        assertEquals(null, RobotUserAgentRule.requiredLiteral("^ab\\d"));
    }

    @Test
    void chineseSearchEnginesAndAutomationAreRobotsAndChineseInAppBrowsersAreNot() {
        for (String robot : new String[] {
                "Mozilla/5.0 (compatible; Baiduspider-render/2.0; +http://www.baidu.com/search/spider.html)",
                "Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)",
                "Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 (compatible; Bytespider; spider-feedback@bytedance.com)",
                "Mozilla/5.0 (compatible;PetalBot;+https://webmaster.petalsearch.com/site/petalbot)",
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36",
                "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)"}) {
            assertTrue(RULE.isRobot(robot), robot);
        }
        for (String browser : new String[] {
                "Mozilla/5.0 (Linux; Android 13; V2049A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MMWEBID/2247 MicroMessenger/8.0.47.2560(0x28002F51) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64",
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 AliApp(AP/10.5.36.6000) AlipayClient/10.5.36.6000 Language/zh-Hans",
                "Mozilla/5.0 (Linux; Android 12; NOH-AN00 Build/HUAWEINOH-AN00; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/99.0.4844.88 Mobile Safari/537.36 aweme_290100 JsSdk/1.0 NetType/WIFI Channel/huawei_1128_64 AppName/aweme app_version/29.1.0 ByteLocale/zh-CN"}) {
            assertFalse(RULE.isRobot(browser), browser);
        }
    }
}
