package io.precis.gateway.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.precis.gateway.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The privacy centre in a real headless Chromium: toggle a purpose, save, reload, still on; the
 * browser is known by the cookie the gateway issued it, and a cookie it did not issue is replaced.
 */
class PrivacyCentrePageTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aToggledPurposeIsSavedAndStillOnAfterReload() throws Exception {
        try (TestGateway gw = TestGateway.start(dir); HeadlessChromium browser = HeadlessChromium.launch()) {
            browser.navigate(gw.base + "/privacy");
            browser.waitFor("document.body.dataset.loaded === 'true'");
            assertFalse(browser.evalValue("document.getElementById('measurement').checked").asBoolean(),
                    "opt-in: nothing is on by default");

            browser.evalValue("document.querySelector('#measurement + .slider').click(); true");
            browser.evalValue("document.getElementById('save').click(); true");
            browser.waitFor("document.getElementById('status').textContent.startsWith('Saved')");

            browser.reload();
            browser.waitFor("document.body.dataset.loaded === 'true'");
            assertTrue(browser.evalValue("document.getElementById('measurement').checked").asBoolean());
            assertFalse(browser.evalValue("document.getElementById('personalisation').checked").asBoolean());
            assertTrue(browser.evalValue("document.getElementById('meta').textContent").asText().contains("your choice"));

            // The choice belongs to the cookie the gateway issued this browser, and to nothing else.
            String cookie = uidCookie(browser, gw);
            assertTrue(cookie.matches("[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{22}"), "an issued value: id.mac");
            JsonNode state = gw.send(gw.builder("/v1/consent", null).header("Cookie", "precis_uid=" + cookie)
                    .GET().build()).json();
            assertTrue(state.get("purposes").get("measurement").asBoolean(), state.toString());

            Path shot = Path.of("target", "screenshots", "privacy-centre.png");
            browser.screenshot(shot);
            assertTrue(Files.size(shot) > 1000);
        }
    }

    @Test
    void aBrowserCarryingAPublishersUserIdAsItsCookieSeesAndChangesNothingOfTheirs() throws Exception {
        try (TestGateway gw = TestGateway.start(dir); HeadlessChromium browser = HeadlessChromium.launch()) {
            String publisher = gw.account("publisher", "News");
            assertEquals(200, gw.put("/v1/consent?user=reader-1", "{\"purposes\": {\"measurement\": true}}",
                    publisher).status());
            browser.call("Network.setCookie", JSON.createObjectNode().put("name", "precis_uid").put("value", "reader-1")
                    .put("url", gw.base + "/"));

            browser.navigate(gw.base + "/privacy");
            browser.waitFor("document.body.dataset.loaded === 'true'");
            assertFalse(browser.evalValue("document.getElementById('measurement').checked").asBoolean(),
                    "reader-1's choice must not show in a browser that merely names them");
            String cookie = uidCookie(browser, gw);
            assertNotEquals("reader-1", cookie, "the forged cookie is replaced by an issued one");

            browser.evalValue("document.querySelector('#personalisation + .slider').click(); true");
            browser.evalValue("document.getElementById('save').click(); true");
            browser.waitFor("document.getElementById('status').textContent.startsWith('Saved')");
            assertEquals(cookie, uidCookie(browser, gw), "the issued cookie is kept");
            JsonNode victim = gw.get("/v1/consent?user=reader-1", publisher).json().get("purposes");
            assertTrue(victim.get("measurement").asBoolean());
            assertFalse(victim.get("personalisation").asBoolean(), "reader-1's consent is unchanged: " + victim);
        }
    }

    /** The browser's {@code precis_uid} cookie for the gateway (HttpOnly: read through DevTools). */
    private static String uidCookie(HeadlessChromium browser, TestGateway gw) {
        JsonNode cookies = browser.call("Network.getCookies",
                JSON.createObjectNode().set("urls", JSON.createArrayNode().add(gw.base + "/"))).get("cookies");
        for (JsonNode c : cookies) {
            if (c.get("name").asText().equals("precis_uid")) {
                assertTrue(c.get("httpOnly").asBoolean());
                return c.get("value").asText();
            }
        }
        throw new AssertionError("no precis_uid cookie in the browser: " + cookies);
    }
}
