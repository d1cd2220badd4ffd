package org.tracegate.config;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The configuration is unusable: one or more {@link ConfigProblem}s, in the order found. The message is
 * the problems, one per line, so a caller that prints only it still shows them all.
 */
public final class ConfigException extends Exception {
    private final List<ConfigProblem> problems;

    public ConfigException(String message) { this(List.of(ConfigProblem.of(message))); }

    public ConfigException(Path file, int line, String key, String problem) {
        this(List.of(new ConfigProblem(file, line, key, problem)));
    }

    public ConfigException(List<ConfigProblem> problems) {
        super(problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n")));
        if (problems.isEmpty()) throw new IllegalArgumentException("a ConfigException needs at least one problem");
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() { return problems; }
}
