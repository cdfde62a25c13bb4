package io.precis.gateway.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.precis.gateway.Campaigns;
import io.precis.gateway.TestGateway;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The link ./precis run prints opens the demo advertiser's dashboard once, with no key to paste. */
class OneTimeLoginTest {
    @TempDir
    Path dir;

    @Test
    void aOneTimeLoginLinkOpensTheDashboardOnceAndLeavesNoCodeInTheAddress() throws Exception {
        try (TestGateway gw = TestGateway.start(dir); HeadlessChromium browser = HeadlessChromium.launch()) {
            String key = gw.advertiser("Demo Co");
            gw.campaign(key, Campaigns.keywords("咖啡推广", "[\"咖啡\"]", "CPC", 0.5));
            String code = gw.gateway().logins().issue(key);

            browser.navigate(gw.base + "/dashboard#login=" + code);
            browser.waitFor("document.body.dataset.loaded === 'true'");
            assertEquals("", browser.evalValue("location.hash").asText(), "the spent code leaves the address bar");
            assertEquals(1, browser.evalValue("document.querySelectorAll('#manage tr[data-id]').length").asInt(),
                    "the advertiser's own campaigns are shown");

            TestGateway.Resp again = gw.post("/v1/dashboard/login", "{\"code\": \"" + code + "\"}", null);
            assertEquals(404, again.status(), "a code works once: " + again.body());
            assertEquals("code", again.json().get("field").asText());
            assertEquals(404, gw.post("/v1/dashboard/login", "{\"code\": \"guessed\"}", null).status());
        }
    }
}
