/**
 * Runnel's implementation. Exports nothing: applications use {@code io.runnel.log.api}, which
 * finds this module's provider through {@link java.util.ServiceLoader}.
 *
 * <p>The compression libraries are optional ({@code requires static}): an application that uses
 * a codec puts its jar on the path, and on the module path also resolves its module (a
 * {@code requires} in the application's own module, or {@code --add-modules}). lz4-java and
 * snappy-java are automatic modules, hence the suppressed lint.
 */
@SuppressWarnings("requires-automatic") // lz4-java, snappy-java and org.agrona are automatic modules
module io.runnel.log.core {
    requires transitive io.runnel.log.api;
    requires org.slf4j;
    // Agrona's idle strategies (consumer wait strategies); an automatic module.
    requires org.agrona;
    // sun.misc.Unsafe#invokeCleaner: unmap a segment deterministically once no reader holds it.
    requires jdk.unsupported;

    // Compression codecs (docs/COMPRESSION.md): gzip is java.util.zip; the others are optional jars.
    requires static org.lz4.java;
    requires static snappy.java;
    requires static com.github.luben.zstd_jni;

    provides io.runnel.log.spi.CommitLogProvider with io.runnel.log.core.RunnelProvider;
}
