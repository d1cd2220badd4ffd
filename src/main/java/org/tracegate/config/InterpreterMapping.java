package org.tracegate.config;

import java.util.List;
import java.util.Set;

/**
 * Scripts whose name ends in {@code extension} run as {@code [command..., script]} (CGI), or go to the named
 * FastCGI application — wherever they are served: CGI directories, aliases and the document root alike.
 *
 * @param extension with its dot, e.g. ".php"
 * @param command   the interpreter's absolute path and fixed arguments, e.g. ["/usr/bin/php-cgi"]; empty when
 *                  {@code fastcgi} is set
 * @param verbs     allowed methods (upper case); empty means all
 * @param fastcgi   the {@code name} of the [[fastcgi]] application that runs these scripts, or null
 */
public record InterpreterMapping(String extension, List<String> command, Set<String> verbs, String fastcgi) {
    public InterpreterMapping {
        command = List.copyOf(command);
        verbs = Set.copyOf(verbs);
    }

    public InterpreterMapping(String extension, List<String> command, Set<String> verbs) {
        this(extension, command, verbs, null);
    }

    public boolean allows(String method) { return verbs.isEmpty() || verbs.contains(method); }
}
