package io.runnel.log.core;

import io.runnel.log.CommitLog;
import io.runnel.log.CommitLogBuilder;
import io.runnel.log.spi.CommitLogProvider;

/**
 * The {@link java.util.ServiceLoader} entry point that {@link CommitLog#open} finds.
 *
 * <p>Thread-safe: stateless.
 */
public final class RunnelProvider implements CommitLogProvider {

    /** Called by the service loader. */
    public RunnelProvider() {
    }

    @Override
    public CommitLog open(CommitLogBuilder settings) {
        return RunnelCommitLog.open(settings);
    }
}
