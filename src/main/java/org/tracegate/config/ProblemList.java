package org.tracegate.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The problems found so far in one config file. The loader reads every key through {@link #read} or
 * {@link #check}: a bad key is recorded and reading goes on, so one mistake never hides the next and the
 * operator fixes them all in one round.
 */
final class ProblemList {
    /** Reads one key: its value, null when it is absent, or a ConfigException when it is wrong. */
    @FunctionalInterface
    interface Read<T> {
        T get() throws ConfigException;
    }

    /** Checks one key or element, throwing a ConfigException when it is wrong. */
    @FunctionalInterface
    interface Check {
        void run() throws ConfigException;
    }

    private final List<ConfigProblem> found = new ArrayList<>();

    /** The value read; {@code fallback} when the key is absent, or wrong (then its problems are recorded). */
    <T> T read(Read<T> read, T fallback) {
        try {
            T value = read.get();
            return value == null ? fallback : value;
        } catch (ConfigException e) {
            found.addAll(e.problems());
            return fallback;
        }
    }

    void check(Check check) {
        read(() -> {
            check.run();
            return null;
        }, null);
    }

    void add(ConfigProblem problem) { found.add(problem); }

    /** How many problems were found so far: a check that depends on other keys runs only when they were fine. */
    int count() { return found.size(); }

    /** Ends a load: everything found, in the file's line order, so it reads like the file (stable within a line). */
    void throwIfAny() throws ConfigException {
        if (found.isEmpty()) return;
        List<ConfigProblem> byLine = new ArrayList<>(found);
        byLine.sort(Comparator.comparingInt(ConfigProblem::line));
        throw new ConfigException(byLine);
    }
}
