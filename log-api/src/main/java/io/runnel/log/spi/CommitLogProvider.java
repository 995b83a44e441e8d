package io.runnel.log.spi;

import io.runnel.log.CommitLog;
import io.runnel.log.CommitLogBuilder;

/**
 * The implementation's entry point, found by {@link CommitLogBuilder#open()} with
 * {@link java.util.ServiceLoader}: declared with {@code provides} in the implementation's
 * {@code module-info.java} and in {@code META-INF/services/io.runnel.log.spi.CommitLogProvider}
 * for the class path. A provider needs a public no-argument constructor (or a public static
 * {@code provider()} method on the module path).
 *
 * <p>Implementations must be thread-safe: {@link #open(CommitLogBuilder)} may be called by several
 * threads at once, for different directories or, to be refused with
 * {@link io.runnel.log.LogLockedException}, for the same one.
 */
public interface CommitLogProvider {

    /**
     * Opens (creating when missing) the log in {@link CommitLogBuilder#directory()} with the
     * builder's settings. The provider reads every setting it needs during this call and keeps
     * no reference to the builder, which the caller may change or reuse afterwards.
     *
     * @param settings the directory, flush policy and topic defaults to open with
     * @return the open log, which the caller closes
     * @throws io.runnel.log.LogLockedException if the directory is already open, in this process
     *                                          or another
     * @throws io.runnel.log.StorageException   if the directory cannot be created, read or locked
     * @throws io.runnel.log.CorruptLogException if a file holds bytes recovery cannot repair
     */
    CommitLog open(CommitLogBuilder settings);
}
