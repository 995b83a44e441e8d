/**
 * Runnel's implementation. Exports nothing: applications use {@code io.runnel.log.api}, which
 * finds this module's provider through {@link java.util.ServiceLoader}.
 */
module io.runnel.log.core {
    requires transitive io.runnel.log.api;
    requires org.slf4j;
    // sun.misc.Unsafe#invokeCleaner: unmap a segment deterministically once no reader holds it.
    requires jdk.unsupported;

    provides io.runnel.log.spi.CommitLogProvider with io.runnel.log.core.RunnelProvider;
}
