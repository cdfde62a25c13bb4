package io.precis.gateway.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.gateway.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin page in a real headless Chromium lists accounts, creates one, revokes and reissues keys. */
class AdminPageTest {
    private static final String ADMIN = TestGateway.ADMIN_TOKEN;

    @TempDir
    Path dir;

    @Test
    void adminListsCreatesRevokesAndReissuesInThePage() throws Exception {
        try (TestGateway gw = TestGateway.start(dir); HeadlessChromium browser = HeadlessChromium.launch()) {
            String existingKey = gw.advertiser("Existing Co");
            String existing = existingKey.split("\\.")[1];

            browser.navigate(gw.base + "/admin");
            browser.evalValue("document.getElementById('token').value = 'wrong'; document.getElementById('load').click(); true");
            browser.waitFor("document.body.dataset.loaded === 'error'");
            assertEquals("That admin token was not accepted.", text("#message", browser));

            browser.evalValue("document.getElementById('token').value = " + js(ADMIN)
                    + "; document.getElementById('load').click(); true");
            browser.waitFor("document.body.dataset.loaded === 'true'");
            assertEquals("Existing Co", text(row(existing) + " td[data-field=name]", browser));
            assertEquals("true", value(existing, "keyActive", browser));

            // Create: the key is shown once, and it works.
            browser.evalValue("document.getElementById('new-type').value = 'publisher';"
                    + "document.getElementById('new-name').value = '新闻 Daily'; document.getElementById('create').click(); true");
            browser.waitFor("document.getElementById('issued-key').textContent.startsWith('prc.')");
            String created = text("#issued-key", browser);
            String createdId = created.split("\\.")[1];
            browser.waitFor("!!document.querySelector('" + row(createdId) + "')");
            assertEquals("新闻 Daily", text(row(createdId) + " td[data-field=name]", browser));
            assertEquals("Publisher", text(row(createdId) + " td[data-field=type]", browser), "shown in the page's language");
            assertEquals("publisher", browser.evalValue("document.querySelector('" + row(createdId).replace("'", "\\'")
                    + " td[data-field=type]').dataset.value").asText());
            assertNotEquals(401, gw.post("/v1/behaviour", "{}", created).status());

            // Revoke: the account's key is refused at once.
            click(existing, "revoke", browser);
            browser.waitFor("document.getElementById('confirm-yes').textContent === 'Yes, revoke'");
            browser.evalValue("document.getElementById('confirm-yes').click(); true");
            browser.waitFor("(document.querySelector('" + row(existing)
                    + " td[data-field=keyActive]') || {dataset: {}}).dataset.value === 'false'");
            assertEquals(401, gw.get("/v1/campaigns", existingKey).status());

            // Reissue: a new key for the same account, shown once; it works and the old one stays refused.
            click(existing, "reissue", browser);
            browser.evalValue("document.getElementById('confirm-yes').click(); true");
            browser.waitFor("document.getElementById('issued-key').textContent.startsWith('prc." + existing + ".')");
            String reissued = text("#issued-key", browser);
            browser.waitFor("(document.querySelector('" + row(existing)
                    + " td[data-field=keyActive]') || {dataset: {}}).dataset.value === 'true'");
            assertEquals(200, gw.get("/v1/campaigns", reissued).status());
            assertEquals(401, gw.get("/v1/campaigns", existingKey).status());

            Path shot = Path.of("target", "screenshots", "admin.png");
            browser.screenshot(shot);
            assertTrue(Files.size(shot) > 1000);

            // The token lives in this tab's sessionStorage only: a reload shows the table again,
            // and nothing is left in localStorage or cookies.
            browser.reload();
            browser.waitFor("document.body.dataset.loaded === 'true'");
            assertTrue(browser.evalValue("localStorage.length === 0 && !document.cookie.includes(" + js(ADMIN) + ")")
                    .asBoolean());
            assertEquals(2, browser.evalValue("document.querySelectorAll('#accounts tbody tr').length").asInt());
            browser.evalValue("document.getElementById('forget').click(); true");
            assertTrue(browser.evalValue("sessionStorage.getItem('precis.admin') === null").asBoolean());
        }
    }

    private static String row(String id) {
        return "#accounts tr[data-id=\"" + id + "\"]";
    }

    private static void click(String id, String action, HeadlessChromium browser) {
        browser.evalValue("document.querySelector('" + row(id) + " button[data-action=" + action + "]').click(); true");
    }

    private static String value(String id, String field, HeadlessChromium browser) {
        return browser.evalValue("document.querySelector('" + row(id) + " td[data-field=" + field + "]').dataset.value")
                .asText();
    }

    private static String text(String selector, HeadlessChromium browser) {
        return browser.evalValue("document.querySelector('" + selector + "').textContent").asText();
    }

    private static String js(String s) throws Exception {
        return TestGateway.JSON.writeValueAsString(s);
    }
}
