package org.tracegate.metrics;

import java.util.function.IntSupplier;

/**
 * One managed FastCGI pool's processes, by state, for {@code tracegate_fastcgi_pool_processes}.
 *
 * @param application the mapping's URL prefix (bounded: the configuration fixes the set)
 */
public record PoolGauge(String application, IntSupplier idle, IntSupplier busy) {}
