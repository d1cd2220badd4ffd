package org.tracegate.config;

import java.nio.file.Path;
import java.util.Set;

/**
 * IIS's CGI restriction list: when enabled, only these programs and interpreters may run (else 404.2).
 *
 * @param enabled default false
 * @param allowed absolute, normalized paths of programs or interpreters
 */
public record Restrictions(boolean enabled, Set<Path> allowed) {
    public Restrictions {
        allowed = Set.copyOf(allowed);
    }

    public static Restrictions disabled() { return new Restrictions(false, Set.of()); }

    public boolean permits(Path executable) { return !enabled || allowed.contains(executable); }
}
