/**
 * Runnel's public API. No dependencies; the implementation ({@code io.runnel.log.core}) is found
 * with {@link java.util.ServiceLoader}.
 */
module io.runnel.log.api {
    exports io.runnel.log;
}
