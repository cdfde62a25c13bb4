package io.precis.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.Test;

/** Route templates of raw paths: what metrics, rate limits and the 404/405 gate see. */
class RoutesTest {
    @Test
    void aPathFallsUnderItsTemplateAndAnExactTemplateBeatsAParameter() {
        Vertx vertx = Vertx.vertx();
        try {
            Routes routes = new Routes(Router.router(vertx));
            routes.on(HttpMethod.GET, "/v1/audiences/:id", ctx -> { });
            routes.on(HttpMethod.POST, "/v1/audiences/lookalike", ctx -> { });
            routes.on(HttpMethod.POST, "/v1/ad", ctx -> { });
            routes.on(HttpMethod.GET, "/v1/campaigns/:id/report", ctx -> { });
            assertEquals("/v1/ad", routes.template("/v1/ad"));
            assertEquals("/v1/audiences/lookalike", routes.template("/v1/audiences/lookalike"));
            assertEquals("/v1/audiences/:id", routes.template("/v1/audiences/a-123"));
            assertEquals("/v1/campaigns/:id/report", routes.template("/v1/campaigns/c%201/report"));
            assertNull(routes.template("/v1/campaigns/c1/report/x"));
            assertNull(routes.template("/v1/ad/"));
            assertNull(routes.template(null));
            assertTrue(routes.knows("/v1/ad"));
            assertFalse(routes.knows("/v1/adx"));
        } finally {
            vertx.close();
        }
    }
}
