package org.tracegate.config;

import java.util.List;
import java.util.Map;

/**
 * What the programs' environment gets beyond RFC 3875's meta-variables.
 *
 * @param inherit names copied from the server's own environment when set there; default ["PATH"]
 * @param set     fixed variables added last (they win over everything else); default none
 */
public record EnvironmentPolicy(List<String> inherit, Map<String, String> set) {
    public EnvironmentPolicy {
        inherit = List.copyOf(inherit);
        set = Map.copyOf(set);
    }

    public static EnvironmentPolicy defaults() { return new EnvironmentPolicy(List.of("PATH"), Map.of()); }
}
