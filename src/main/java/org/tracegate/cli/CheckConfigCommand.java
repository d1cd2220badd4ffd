package org.tracegate.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.tracegate.config.ConfigException;
import org.tracegate.config.ConfigLoader;
import org.tracegate.config.ConfigProblem;
import org.tracegate.config.DenyRule;
import org.tracegate.config.InterpreterMapping;
import org.tracegate.config.ServerConfig;
import org.tracegate.gateway.ProgramPolicies;
import org.tracegate.site.Location;
import org.tracegate.site.Router;
import org.tracegate.config.VirtualSite;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tracegate check-config --config FILE}: validates a configuration as {@code serve} would (every problem
 * with file, line and key; who programs would run as) and prints the resolved site — which URL goes where —
 * without starting anything. Exit 0 when it would serve, 2 when it would not.
 */
@Command(name = "check-config", mixinStandardHelpOptions = true,
        description = "Validate a configuration file and print which URL goes where; starts nothing.")
final class CheckConfigCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", required = true, description = "TOML configuration file.")
    Path configFile;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        ServerConfig config;
        try {
            config = ConfigLoader.load(configFile);
        } catch (ConfigException e) {
            for (ConfigProblem p : e.problems()) System.err.println("tracegate: " + p);
            return 2;
        }
        ProgramPolicies policies;
        try {
            policies = ProgramPolicies.resolve(config);
        } catch (IllegalArgumentException e) {
            System.err.println("tracegate: " + configFile + ": " + e.getMessage());
            return 2;
        }
        out.println(configFile + ": valid");
        out.println("listen " + String.join(", ", config.listen()));
        for (String line : policies.summary()) out.println(line);
        List<String> warnings = new java.util.ArrayList<>();
        for (VirtualSite vs : config.siteList()) {
            ServerConfig sc = vs.config();
            Router router = new Router(sc);
            out.println();
            if (!config.sites().isEmpty()) {
                out.println(vs.describe() + (vs.id() == 1 ? ", also every host no other site names" : "") + ":");
            }
            out.println("Which URL goes where (first match wins; deny rules before everything):");
            for (DenyRule d : router.denyRules()) out.printf("  %-28s denied (403.8)%n", d.pattern());
            for (Location l : router.locations()) out.printf("  %-28s %s%n", l.prefix() + "*", describe(l, sc));
            if (router.locations().stream().noneMatch(l -> l.prefix().equals("/"))) {
                out.printf("  %-28s nothing (404.0): no documentRoot%n", "/*");
            }
            for (String w : warnings(sc)) if (!warnings.contains(w)) warnings.add(w);
        }
        if (!config.interpreters().isEmpty()) {
            out.println();
            out.println("Scripts, wherever they are served:");
            for (InterpreterMapping im : config.interpreters()) {
                out.printf("  *%-27s %s%s%n", im.extension(), im.fastcgi() != null ? "FastCGI application " + im.fastcgi()
                        : String.join(" ", im.command()) + " SCRIPT", im.verbs().isEmpty() ? "" : " (" + String.join(", ", im.verbs()) + " only)");
            }
        }
        if (!warnings.isEmpty()) {
            out.println();
            for (String w : warnings) out.println("warning: " + w);
        }
        return 0;
    }

    private static String describe(Location l, ServerConfig config) {
        List<String> parts = new ArrayList<>();
        switch (l.kind()) {
            case PROGRAM -> parts.add("runs " + l.program() + " (the rest of the path is PATH_INFO)");
            case PROGRAMS -> parts.add("runs the programs in " + l.directory() + " (other files: 403.1)");
            case MIXED -> {
                parts.add("serves " + l.directory());
                if (!l.handlers().isEmpty()) parts.add("runs executable *" + String.join(", *", l.handlers()));
            }
            case FASTCGI -> parts.add("FastCGI " + l.fastcgi().describe() + ", scripts in " + l.directory()
                    + (l.fastcgi().extension() == null ? "" : " (*" + l.fastcgi().extension() + ")"));
        }
        if (!l.index().isEmpty() && l.kind() != Location.Kind.FASTCGI) parts.add("index " + String.join(", ", l.index()));
        if (l.followSymlinks()) parts.add("follows symlinks");
        if (!l.environment().isEmpty()) parts.add("sets " + String.join(", ", l.environment().keySet()));
        return "[" + l.key() + "] " + String.join("; ", parts);
    }

    /** What is valid but will fail at run time: an interpreter or a program that is not there. */
    private static List<String> warnings(ServerConfig config) {
        List<String> w = new ArrayList<>();
        for (InterpreterMapping im : config.interpreters()) {
            if (im.fastcgi() == null && !Files.isExecutable(Path.of(im.command().getFirst()))) {
                w.add("the interpreter " + im.command().getFirst() + " for *" + im.extension()
                        + " is not an executable file here: such scripts will answer 502.3 (ENOENT)");
            }
        }
        return w;
    }
}
