package org.tracegate.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/** {@code --env KEY=VALUE}, repeated: checked once for both offline commands. */
final class EnvOption {
    private EnvOption() {}

    static Map<String, String> parse(List<String> pairs, CommandLine cli) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String p : pairs) {
            int eq = p.indexOf('=');
            if (eq <= 0 || p.indexOf('\0') >= 0) {
                throw new CommandLine.ParameterException(cli, "--env \"" + p + "\": expected KEY=VALUE");
            }
            env.put(p.substring(0, eq), p.substring(eq + 1));
        }
        return env;
    }
}
