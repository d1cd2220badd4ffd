package org.tracegate.metrics;

import java.util.function.IntSupplier;

/**
 * The CGI program slots (the concurrency gate) as the gauges read them.
 *
 * @param capacity {@code limits.maxConcurrent}
 * @param busy     slots taken now
 * @param waiting  requests queued for a slot now
 */
public record Slots(int capacity, IntSupplier busy, IntSupplier waiting) {}
