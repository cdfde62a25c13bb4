package io.precis.gateway.storage;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

/**
 * Whether a failure means the database (or the shared Redis) is away (a PostgreSQL server stopped or restarting, no
 * connection to be had within the pool's timeout) rather than a fault of the request or of the
 * gateway: such a request is answered 503 {@code unavailable} with {@code Retry-After}, never
 * 500, and the client may simply try again once the server is back.
 */
public final class StoreOutage {
    private StoreOutage() {
    }

    /** True when {@code t} or any of its causes says the database cannot be reached. */
    public static boolean is(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof StoreUnavailableException) {
                return true;
            }
            if (c instanceof SQLTransientConnectionException || c instanceof SQLNonTransientConnectionException) {
                return true;
            }
            if (c instanceof SQLException e && e.getSQLState() != null) {
                String state = e.getSQLState();
                // 08: connection exceptions; 57P01-03: the server is shutting down or starting up.
                if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")) {
                    return true;
                }
            }
        }
        return false;
    }
}
