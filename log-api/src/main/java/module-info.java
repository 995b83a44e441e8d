/**
 * Runnel's public API. No dependencies; the implementation ({@code io.runnel.log.core}) is found
 * with {@link java.util.ServiceLoader} through {@link io.runnel.log.spi.CommitLogProvider}.
 */
module io.runnel.log.api {
    exports io.runnel.log;
    exports io.runnel.log.spi;

    uses io.runnel.log.spi.CommitLogProvider;
}
