package io.precis.gateway.browser;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.gateway.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The privacy centre in a real headless Chromium: toggle a purpose, save, reload, still on. */
class PrivacyCentrePageTest {
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

            Path shot = Path.of("target", "screenshots", "privacy-centre.png");
            browser.screenshot(shot);
            assertTrue(Files.size(shot) > 1000);
        }
    }
}
