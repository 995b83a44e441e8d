/**
 * Runnel's implementation. Exports nothing: applications use {@code io.runnel.log.api}, which
 * finds this module's provider through {@link java.util.ServiceLoader}.
 */
@SuppressWarnings("requires-automatic") // org.agrona has no module-info, only an Automatic-Module-Name
module io.runnel.log.core {
    requires transitive io.runnel.log.api;
    requires org.slf4j;
    // Agrona's idle strategies (consumer wait strategies); an automatic module.
    requires org.agrona;
    // sun.misc.Unsafe#invokeCleaner: unmap a segment deterministically once no reader holds it.
    requires jdk.unsupported;

    provides io.runnel.log.spi.CommitLogProvider with io.runnel.log.core.RunnelProvider;
}
