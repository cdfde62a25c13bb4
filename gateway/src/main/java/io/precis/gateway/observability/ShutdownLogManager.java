package io.precis.gateway.observability;

import java.util.logging.LogManager;

/**
 * The JDK's log manager, except that its own shutdown hook does not close the handlers: that
 * hook runs at the same time as the gateway's, which then could not log its shutdown. The
 * gateway's hook calls {@link #finish} when it is done. Installed by {@code Main} through the
 * {@code java.util.logging.manager} property before anything logs.
 */
public final class ShutdownLogManager extends LogManager {
    private volatile boolean finished;

    @Override
    public void reset() {
        if (!finished && Thread.currentThread().getClass().getName().equals("java.util.logging.LogManager$Cleaner")) {
            return;
        }
        super.reset();
    }

    /** Closes every handler now (the last thing a shutdown hook does); a no-op under another manager. */
    public static void finish() {
        if (LogManager.getLogManager() instanceof ShutdownLogManager m) {
            m.finished = true;
            m.reset();
        }
    }
}
