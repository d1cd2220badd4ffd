package org.tracegate.config;

import java.util.List;
import java.util.Set;

/**
 * Scripts whose name ends in {@code extension} run as {@code [command..., script]}.
 *
 * @param extension with its dot, e.g. ".php"
 * @param command   the interpreter's absolute path and fixed arguments, e.g. ["/usr/bin/php-cgi"]
 * @param verbs     allowed methods (upper case); empty means all
 */
public record InterpreterMapping(String extension, List<String> command, Set<String> verbs) {
    public InterpreterMapping {
        command = List.copyOf(command);
        verbs = Set.copyOf(verbs);
    }

    public boolean allows(String method) { return verbs.isEmpty() || verbs.contains(method); }
}
