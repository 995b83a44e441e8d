/**
 * The service provider interface between Runnel's API and its implementation.
 *
 * <p>Applications do not use this package: {@link io.runnel.log.CommitLogBuilder#open()} finds a
 * {@link io.runnel.log.spi.CommitLogProvider} with {@link java.util.ServiceLoader} and hands it
 * the settings. The implementation module ({@code io.runnel:log-core}) provides one.
 */
package io.runnel.log.spi;
