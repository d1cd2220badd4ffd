package org.tracegate.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import com.fasterxml.jackson.dataformat.toml.TomlReadFeature;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.tracegate.text.HttpToken;

/**
 * Reads a TOML configuration file into a {@link ServerConfig}; the schema is in docs/configuration.md.
 *
 * <p>Every problem names the file, the 1-based line and the dotted key, e.g.
 * {@code conf/t.toml:7: key 'limits.headerTimeoutSeconds': expected a positive number, got "abc"}, and all
 * of a file's problems come in one {@link ConfigException}: each key is read through a {@link ProblemList},
 * so a bad key is recorded and the next is still read.
 * Values are read strictly: a string is never taken for a number or a boolean, unknown keys are errors.
 * Relative paths resolve against the config file's directory; all paths come out absolute and normalized.
 */
public final class ConfigLoader {

    private static final TomlMapper TOML = TomlMapper.builder().enable(TomlReadFeature.PARSE_JAVA_TIME).build();

    static final Set<String> TOP_KEYS = Set.of("listen", "operatorListen", "documentRoot", "logDir", "traceDir", "errorMode",
            "index", "user", "group", "allowRootPrograms", "limits", "crashLoop", "crashDumps", "cgi", "alias", "fastcgi", "deny", "interpreter",
            "restrictions",
            "environment", "failedRequestTracing", "site");
    /** What a program may use: global in [limits], overridable in a mapping's own limits table. */
    static final Set<String> PROGRAM_LIMITS_KEYS = Set.of("cpuSeconds", "memoryMiB", "processes", "openFiles",
            "outputMiB", "stderrKiB");
    static final Set<String> LIMITS_KEYS = union(PROGRAM_LIMITS_KEYS, Set.of("headerTimeoutSeconds",
            "headerTimeoutStatus", "idleTimeoutSeconds", "totalTimeoutSeconds", "killGraceMillis",
            "shutdownGraceSeconds", "maxRequestBodyBytes", "spoolMemoryBytes", "spoolDirectory", "headerLineBytes", "headerLines",
            "headerBlockBytes", "maxConcurrent", "queueSize", "queueTimeoutSeconds", "redirectHops",
            "requestHeadTimeoutSeconds", "maxConnections", "maxConnectionsPerClient"));
    static final Set<String> CRASH_LOOP_KEYS = Set.of("failures", "windowSeconds", "cooldownSeconds");
    static final Set<String> CRASH_DUMP_KEYS = Set.of("enabled", "maxSizeMiB", "keep", "directory");
    static final Set<String> FASTCGI_KEYS = Set.of("name", "prefix", "directory", "extension", "address", "command",
            "maxInstances", "instanceMaxRequests", "idleTimeout", "activityTimeout", "requestTimeout", "queueLength",
            "queueTimeout", "rapidFailsPerMinute", "monitorChangesTo", "environment", "sendAhead", "requestBuffering");
    /** What only a managed pool does: an external server (php-fpm) has its own settings for these. */
    static final List<String> MANAGED_ONLY_KEYS = List.of("instanceMaxRequests", "idleTimeout", "rapidFailsPerMinute",
            "monitorChangesTo", "environment");
    static final Set<String> CGI_KEYS = Set.of("prefix", "directory", "program", "handlers", "index",
            "passAuthorization", "user", "group", "limits", "environment", "followSymlinks");
    static final Set<String> ALIAS_KEYS = Set.of("prefix", "directory", "handlers", "index", "user", "group", "limits",
            "environment", "followSymlinks");
    static final Set<String> DENY_KEYS = Set.of("prefix", "glob");
    static final Set<String> SITE_KEYS = Set.of("hosts", "documentRoot", "index", "cgi", "alias", "fastcgi", "deny");
    /** What a [[site]] has of its own; with [[site]] tables none of these may stay at the top. */
    private static final List<String> SITE_MAPPING_KEYS = List.of("documentRoot", "index", "cgi", "alias", "fastcgi", "deny");
    static final Set<String> INTERPRETER_KEYS = Set.of("extension", "command", "verbs", "fastcgi");
    static final Set<String> RESTRICTIONS_KEYS = Set.of("enabled", "allowed");
    static final Set<String> ENVIRONMENT_KEYS = Set.of("inherit", "set");
    static final Set<String> FRT_KEYS = Set.of("enabled", "directory", "maxLogFiles", "maxLogFileSizeKB", "maxBodyKiB", "rule");
    static final Set<String> RULE_KEYS = Set.of("path", "statusCodes", "timeTakenSeconds", "verbosity", "areas");

    /** Longest duration accepted, in seconds: 365 days. */
    private static final long MAX_SECONDS = 365L * 24 * 3600;
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern HOSTNAME =
            Pattern.compile("(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");

    private final Path file;
    private final Path baseDir;
    private final TomlLocator locator;
    private final ProblemList problems = new ProblemList();
    /** "site[1]." while a [[site]] table's mappings are read, so every key names where it is; "" otherwise. */
    private String scope = "";

    private ConfigLoader(Path file, TomlLocator locator) {
        this.file = file;
        this.baseDir = file.toAbsolutePath().normalize().getParent();
        this.locator = locator;
    }

    /**
     * Loads {@code file}. Keys it does not set keep the values of {@link ServerConfig#defaults()}.
     *
     * @throws ConfigException when the file cannot be read, is not valid TOML (one problem: nothing after a
     *                         syntax error can be trusted), or holds unknown keys, values of the wrong type or
     *                         out of range (every one of them, each naming file:line and key)
     */
    public static ServerConfig load(Path file) throws ConfigException {
        String text = read(file);
        ObjectNode root = parse(file, text);
        ConfigLoader loader = new ConfigLoader(file, TomlLocator.of(text));
        ServerConfig config = loader.config(root);
        loader.problems.throwIfAny();
        return config;
    }

    private static String read(Path file) throws ConfigException {
        try {
            byte[] bytes = Files.readAllBytes(file);
            String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (NoSuchFileException e) {
            throw new ConfigException(file, 0, null, "no such file");
        } catch (CharacterCodingException e) {
            throw new ConfigException(file, 0, null, "not valid UTF-8 (TOML files must be UTF-8)");
        } catch (AccessDeniedException e) {
            throw new ConfigException(file, 0, null, "cannot read: permission denied");
        } catch (IOException e) {
            throw new ConfigException(file, 0, null, "cannot read: " + (Files.isDirectory(file) ? "is a directory" : e));
        }
    }

    private static ObjectNode parse(Path file, String text) throws ConfigException {
        try {
            return TOML.readTree(text) instanceof ObjectNode root ? root : TOML.createObjectNode();
        } catch (JacksonException e) {
            if (e.getOriginalMessage().startsWith("Duplicate key")) { // Jackson points past the value: find the key
                Optional<TomlLocator.Redefinition> again = TomlLocator.of(text).redefinition();
                if (again.isPresent()) {
                    throw new ConfigException(file, again.get().line(), again.get().path(),
                            "defined twice (first at line " + again.get().firstLine() + ")");
                }
            }
            JsonLocation at = e.getLocation();
            int line = at == null ? 0 : at.getLineNr();
            String column = at == null || at.getColumnNr() < 1 ? "" : " (column " + at.getColumnNr() + ")";
            throw new ConfigException(file, line, null, "TOML syntax error: " + e.getOriginalMessage() + column);
        }
    }

    // ---- one method per table: each key read through problems, so none stops the others -------

    private <T> T read(ProblemList.Read<T> read, T fallback) { return problems.read(read, fallback); }

    private ServerConfig config(ObjectNode root) {
        knownKeys(root, "", TOP_KEYS);
        ServerConfig d = ServerConfig.defaults();
        List<String> listen = read(() -> listen(root), d.listen());
        String operatorListen = read(() -> operatorListen(root), d.operatorListen());
        Path logDir = read(() -> path(root, "", "logDir", false), null);
        Path traceDir = read(() -> path(root, "", "traceDir", false), null);
        ErrorMode errorMode = read(() -> errorMode(root), d.errorMode());
        ObjectNode limitsTable = read(() -> table(root, "limits"), null);
        Limits limits = limits(limitsTable);
        ProgramLimits programLimits = programLimits(limitsTable, "limits", ProgramLimits.defaults());
        ConnectionLimits connections = connections(limitsTable);
        ProgramUser programUser = programUser(root, "", d.programUser());
        CrashLoopPolicy crashLoop = crashLoop(read(() -> table(root, "crashLoop"), null));
        CrashDumpPolicy crashDumps = crashDumps(read(() -> table(root, "crashDumps"), null));
        List<ObjectNode> siteTables = read(() -> tables(root, "", "site"), List.of());
        List<SiteParts> parts = new ArrayList<>();
        if (siteTables.isEmpty()) {
            parts.add(siteParts(root, "", programLimits, List.of()));
        } else {
            for (String k : SITE_MAPPING_KEYS) {
                if (root.has(k)) problems.add(problem(k, "with [[site]] tables every mapping belongs to a site: move it into"
                        + " the [[site]] it serves (the first [[site]] also answers every host no other names)"));
            }
            Set<String> hosts = new HashSet<>();
            for (int i = 0; i < siteTables.size(); i++) {
                ObjectNode t = siteTables.get(i);
                String at = "site[" + i + "]";
                knownKeys(t, at, SITE_KEYS);
                List<String> names = read(() -> siteHosts(t, at, hosts), List.of());
                scope = at + ".";
                parts.add(siteParts(t, at, programLimits, names));
                scope = "";
            }
        }
        List<FastCgiMapping> allFastcgi = parts.stream().flatMap(p -> p.fastcgi().stream()).toList();
        List<InterpreterMapping> interpreters = interpreters(read(() -> tables(root, "", "interpreter"), List.of()), allFastcgi);
        if (!siteTables.isEmpty()) {
            // Interpreters are server-wide: an application they name must exist in every site, or its scripts there
            // would have nowhere to go.
            for (int i = 0; i < interpreters.size(); i++) {
                String app = interpreters.get(i).fastcgi();
                if (app == null) continue;
                for (int k = 0; k < parts.size(); k++) {
                    if (parts.get(k).fastcgi().stream().noneMatch(f -> app.equals(f.name()))) {
                        problems.add(problem("interpreter[" + i + "].fastcgi", "site[" + k + "] has no [[site.fastcgi]] named "
                                + quote(app) + ": with [[site]] tables every site that may serve these scripts needs one"));
                    }
                }
            }
        }
        SiteParts first = parts.getFirst();
        List<CgiMapping> cgi = first.cgi();
        List<AliasMapping> aliases = first.aliases();
        List<FastCgiMapping> fastcgi = first.fastcgi();
        List<DenyRule> deny = first.deny();
        List<String> index = first.index();
        Path documentRoot = first.documentRoot();
        Restrictions restrictions = restrictions(read(() -> table(root, "restrictions"), null));
        EnvironmentPolicy environment = environment(read(() -> table(root, "environment"), null));
        FailedRequestTracing frt = failedRequestTracing(read(() -> table(root, "failedRequestTracing"), null));
        ServerConfig base = d.toBuilder().listen(listen).cgi(cgi).aliases(aliases).fastcgi(fastcgi).deny(deny).index(index)
                .interpreters(interpreters).restrictions(restrictions)
                .limits(limits).programLimits(programLimits).connections(connections).programUser(programUser)
                .crashLoop(crashLoop).crashDumps(crashDumps).environment(environment).documentRoot(documentRoot).logDir(logDir).traceDir(traceDir)
                .errorMode(errorMode).failedRequestTracing(frt).source(file.toAbsolutePath().normalize())
                .operatorListen(operatorListen).build();
        if (siteTables.isEmpty()) return base;
        List<VirtualSite> sites = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            SiteParts p = parts.get(i);
            sites.add(new VirtualSite(i + 1, p.hosts(), base.toBuilder().cgi(p.cgi()).aliases(p.aliases())
                    .fastcgi(p.fastcgi()).deny(p.deny()).index(p.index()).documentRoot(p.documentRoot()).build()));
        }
        return base.toBuilder().sites(sites).build();
    }

    /** A site's own part of the configuration: the top level's, or one [[site]] table's. */
    private record SiteParts(List<String> hosts, Path documentRoot, List<String> index, List<CgiMapping> cgi,
                             List<AliasMapping> aliases, List<FastCgiMapping> fastcgi, List<DenyRule> deny) {}

    private SiteParts siteParts(ObjectNode t, String at, ProgramLimits programLimits, List<String> hosts) {
        Map<String, String> prefixes = new LinkedHashMap<>(); // every mapping's prefix → its key, across kinds
        Path documentRoot = read(() -> path(t, at, "documentRoot", true), null);
        List<CgiMapping> cgi = cgi(read(() -> tables(t, at, "cgi"), List.of()), programLimits, prefixes);
        List<AliasMapping> aliases = aliases(read(() -> tables(t, at, "alias"), List.of()), programLimits, prefixes);
        List<FastCgiMapping> fastcgi = fastcgi(read(() -> tables(t, at, "fastcgi"), List.of()), prefixes);
        List<DenyRule> deny = deny(read(() -> tables(t, at, "deny"), List.of()));
        List<String> index = read(() -> indexFiles(t, at, "index"), List.of("index.html"));
        return new SiteParts(hosts, documentRoot, index, cgi, aliases, fastcgi, deny);
    }

    /** A [[site]]'s host names: lower-case DNS names or IPv4 literals, "*.example.com" wildcards, each in one site. */
    private List<String> siteHosts(ObjectNode t, String at, Set<String> seen) throws ConfigException {
        List<String> names = strings(t, at, "hosts");
        if (names == null) throw error(at, "missing key 'hosts' (e.g. hosts = [\"git.example.com\"])");
        if (names.isEmpty()) throw error(at + ".hosts", "expected at least one host name");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String key = at + ".hosts[" + i + "]";
            String given = names.get(i);
            String n = given.toLowerCase(java.util.Locale.ROOT);
            String bare = n.startsWith("*.") ? n.substring(2) : n;
            problems.check(() -> {
                if (!HOSTNAME.matcher(bare).matches() && !IPV4.matcher(bare).matches()) {
                    throw error(key, "expected a host name such as \"git.example.com\" or \"*.example.com\", got " + quote(given));
                }
                if (!seen.add(n)) throw error(key, "the host " + quote(n) + " is named by another [[site]]");
            });
            out.add(n);
        }
        return out;

    }

    /** "HOST:PORT", or "off" for no operator listener (then `tracegate trace`, `requests` and `status` cannot reach it). */
    private String operatorListen(ObjectNode root) throws ConfigException {
        String address = string(root, "", "operatorListen");
        if (address == null) return ServerConfig.DEFAULT_OPERATOR_LISTEN;
        if (address.equals("off")) return null;
        String problem = checkAddress(address);
        if (problem != null) throw error("operatorListen", "invalid address " + quote(address) + ": " + problem + " (or \"off\")");
        return address;
    }

    private List<String> listen(ObjectNode root) throws ConfigException {
        List<String> addresses = strings(root, "", "listen");
        if (addresses == null) return null;
        if (addresses.isEmpty()) throw error("listen", "expected at least one HOST:PORT address");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < addresses.size(); i++) {
            String key = "listen[" + i + "]", address = addresses.get(i);
            problems.check(() -> {
                String problem = checkAddress(address);
                if (problem != null) throw error(key, "invalid address " + quote(address) + ": " + problem);
                if (!seen.add(address)) throw error(key, "address " + quote(address) + " listed twice");
            });
        }
        return addresses;
    }

    private ErrorMode errorMode(ObjectNode root) throws ConfigException {
        String mode = string(root, "", "errorMode");
        if (mode == null) return null;
        return switch (mode.replaceAll("[-_ ]", "").toLowerCase(Locale.ROOT)) {
            case "detailed" -> ErrorMode.DETAILED;
            case "detailedlocalonly" -> ErrorMode.DETAILED_LOCAL_ONLY;
            case "custom" -> ErrorMode.CUSTOM;
            default -> throw error("errorMode", "expected one of Detailed, DetailedLocalOnly, Custom, got " + quote(mode));
        };
    }

    private Limits limits(ObjectNode t) {
        Limits d = Limits.defaults();
        if (t == null) return d;
        String at = "limits";
        knownKeys(t, at, LIMITS_KEYS);
        return new Limits(
                read(() -> duration(t, at, "headerTimeoutSeconds", 0, true), d.headerTimeout()),
                read(() -> headerTimeoutStatus(t), d.headerTimeoutStatus()),
                read(() -> duration(t, at, "idleTimeoutSeconds", 0, true), d.idleTimeout()),
                read(() -> duration(t, at, "killGraceMillis", 3, false), d.killGrace()),
                read(() -> duration(t, at, "shutdownGraceSeconds", 0, false), d.shutdownGrace()),
                read(() -> integer(t, at, "maxRequestBodyBytes", 0, Long.MAX_VALUE), d.maxRequestBody()),
                read(() -> integer(t, at, "spoolMemoryBytes", 0, Long.MAX_VALUE), d.spoolMemory()),
                read(() -> count(t, at, "headerLineBytes", 1), d.headerLineBytes()),
                read(() -> count(t, at, "headerLines", 1), d.headerLines()),
                read(() -> count(t, at, "headerBlockBytes", 1), d.headerBlockBytes()),
                read(() -> count(t, at, "maxConcurrent", 1), d.maxConcurrent()),
                read(() -> count(t, at, "queueSize", 0), d.queueSize()),
                read(() -> duration(t, at, "queueTimeoutSeconds", 0, true), d.queueTimeout()),
                read(() -> count(t, at, "redirectHops", 0), d.redirectHops()),
                read(() -> duration(t, at, "totalTimeoutSeconds", 0, true), d.totalTimeout()),
                read(() -> path(t, at, "spoolDirectory", true), d.spoolDirectory()));
    }

    /** The program limits of a [limits] table (or a mapping's), over {@code base} for the keys it leaves out. */
    private ProgramLimits programLimits(ObjectNode t, String at, ProgramLimits base) {
        if (t == null) return base;
        return new ProgramLimits(
                read(() -> integer(t, at, "cpuSeconds", 0, Integer.MAX_VALUE), base.cpuSeconds()),
                read(() -> integer(t, at, "memoryMiB", 0, 1L << 40), base.memoryMiB()),
                read(() -> integer(t, at, "processes", 0, Integer.MAX_VALUE), base.processes()),
                read(() -> integer(t, at, "openFiles", 0, Integer.MAX_VALUE), base.openFiles()),
                read(() -> integer(t, at, "outputMiB", 0, 1L << 40), base.outputMiB()),
                read(() -> integer(t, at, "stderrKiB", 0, 1L << 30), base.stderrKiB()));
    }

    private ConnectionLimits connections(ObjectNode t) {
        ConnectionLimits d = ConnectionLimits.defaults();
        if (t == null) return d;
        String at = "limits";
        return new ConnectionLimits(
                read(() -> duration(t, at, "requestHeadTimeoutSeconds", 0, true), d.requestHeadTimeout()),
                read(() -> count(t, at, "maxConnections", 1), d.maxConnections()),
                read(() -> count(t, at, "maxConnectionsPerClient", 1), d.maxPerClient()));
    }

    /** user, group and allowRootPrograms of the top level or of a mapping ({@code at} "" or "cgi[0]"). */
    private ProgramUser programUser(ObjectNode t, String at, ProgramUser base) {
        String user = read(() -> userOrGroup(t, at, "user"), null);
        String group = read(() -> userOrGroup(t, at, "group"), null);
        boolean allowRoot = at.isEmpty() ? read(() -> bool(t, at, "allowRootPrograms"), base.allowRootPrograms())
                : base.allowRootPrograms();
        if (user == null && group == null && allowRoot == base.allowRootPrograms()) return at.isEmpty() ? base : null;
        // A user without a group runs with that user's primary group (null), as id(1) would show it.
        ProgramUser u = new ProgramUser(user == null ? base.user() : user,
                group != null ? group : user != null ? null : base.group(), allowRoot);
        if (u.isRoot() && !u.allowRootPrograms()) {
            problems.check(() -> {
                throw error(at.isEmpty() ? "user" : at + ".user", "\"root\" is refused: programs never run as root "
                        + "unless allowRootPrograms = true is set as well");
            });
        }
        return u;
    }

    private String userOrGroup(ObjectNode t, String at, String name) throws ConfigException {
        String v = string(t, at, name);
        if (v != null && !v.matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}\\$?")) {
            throw error(at.isEmpty() ? name : at + "." + name, "expected a user or group name or number, got " + quote(v));
        }
        return v;
    }

    private CrashLoopPolicy crashLoop(ObjectNode t) {
        CrashLoopPolicy d = CrashLoopPolicy.defaults();
        if (t == null) return d;
        String at = "crashLoop";
        knownKeys(t, at, CRASH_LOOP_KEYS);
        return new CrashLoopPolicy(
                read(() -> count(t, at, "failures", 0), d.failures()),
                read(() -> duration(t, at, "windowSeconds", 0, true), d.window()),
                read(() -> duration(t, at, "cooldownSeconds", 0, true), d.cooldown()));
    }

    private CrashDumpPolicy crashDumps(ObjectNode t) {
        CrashDumpPolicy d = CrashDumpPolicy.defaults();
        if (t == null) return d;
        String at = "crashDumps";
        knownKeys(t, at, CRASH_DUMP_KEYS);
        return new CrashDumpPolicy(
                read(() -> bool(t, at, "enabled"), d.enabled()),
                read(() -> count(t, at, "maxSizeMiB", 1, 65536), d.maxSizeMiB()),
                read(() -> count(t, at, "keep", 1), d.keep()),
                read(() -> path(t, at, "directory", false), null));
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new HashSet<>(a);
        u.addAll(b);
        return Set.copyOf(u);
    }

    private Integer headerTimeoutStatus(ObjectNode t) throws ConfigException {
        Integer status = count(t, "limits", "headerTimeoutStatus", 0);
        if (status != null && status != 502 && status != 504) {
            throw error("limits.headerTimeoutStatus", "expected 502 or 504, got " + status);
        }
        return status;
    }

    private List<CgiMapping> cgi(List<ObjectNode> tables, ProgramLimits globalLimits, Map<String, String> prefixes) {
        List<CgiMapping> mappings = new ArrayList<>();
        for (int i = 0; i < tables.size(); i++) {
            ObjectNode t = tables.get(i);
            String at = scope + "cgi[" + i + "]";
            knownKeys(t, at, CGI_KEYS);
            String prefix = read(() -> prefix(t, at, prefixes, "\"/cgi-bin/\""), null);
            Path program = read(() -> path(t, at, "program", false), null);
            Path directory;
            if (program != null) {
                if (t.has("directory")) problems.check(() -> { throw error(at, "set directory (programs) or program (one program for the prefix), not both"); });
                problems.check(() -> {
                    if (!Files.isRegularFile(program)) throw error(at + ".program", "no such program file " + quote(program.toString()));
                });
                directory = program.getParent();
            } else {
                directory = read(() -> required(path(t, at, "directory", true), at, "directory",
                        "a directory of programs, or program = one program file"), null);
            }
            List<String> handlers = read(() -> extensions(t, at, "handlers"), List.of());
            List<String> index = read(() -> indexFiles(t, at, "index"), List.of());
            boolean passAuthorization = read(() -> bool(t, at, "passAuthorization"), false);
            ProgramUser user = programUser(t, at, ProgramUser.defaults());
            ProgramLimits limits = mappingLimits(t, at, globalLimits);
            Map<String, String> environment = mappingEnvironment(t, at);
            boolean follow = read(() -> bool(t, at, "followSymlinks"), false);
            if (prefix != null && directory != null) {
                mappings.add(new CgiMapping(prefix, directory, program, handlers, index, passAuthorization, user, limits,
                        environment, follow));
            }
        }
        return mappings;
    }

    private List<AliasMapping> aliases(List<ObjectNode> tables, ProgramLimits globalLimits, Map<String, String> prefixes) {
        List<AliasMapping> mappings = new ArrayList<>();
        for (int i = 0; i < tables.size(); i++) {
            ObjectNode t = tables.get(i);
            String at = scope + "alias[" + i + "]";
            knownKeys(t, at, ALIAS_KEYS);
            String prefix = read(() -> prefix(t, at, prefixes, "\"/static/\""), null);
            Path directory = read(() -> required(path(t, at, "directory", true), at, "directory", "the directory to serve"), null);
            List<String> handlers = read(() -> extensions(t, at, "handlers"), List.of());
            List<String> index = read(() -> indexFiles(t, at, "index"), List.of("index.html"));
            ProgramUser user = programUser(t, at, ProgramUser.defaults());
            ProgramLimits limits = mappingLimits(t, at, globalLimits);
            Map<String, String> environment = mappingEnvironment(t, at);
            boolean follow = read(() -> bool(t, at, "followSymlinks"), false);
            if (prefix != null && directory != null) {
                mappings.add(new AliasMapping(prefix, directory, handlers, index, user, limits, environment, follow));
            }
        }
        return mappings;
    }

    private List<DenyRule> deny(List<ObjectNode> tables) {
        List<DenyRule> rules = new ArrayList<>();
        for (int i = 0; i < tables.size(); i++) {
            ObjectNode t = tables.get(i);
            String at = scope + "deny[" + i + "]";
            knownKeys(t, at, DENY_KEYS);
            String rule = read(() -> {
                String prefix = string(t, at, "prefix"), glob = string(t, at, "glob");
                if ((prefix == null) == (glob == null)) throw error(at, "set prefix (\"/app/data/\") or glob (\"/**/.ht*\"), one of them");
                if (prefix != null && (!prefix.startsWith("/") || !prefix.endsWith("/"))) {
                    throw error(at + ".prefix", "expected a URL prefix starting and ending with '/', got " + quote(prefix));
                }
                if (glob != null && !glob.startsWith("/")) throw error(at + ".glob", "expected a glob starting with '/', got " + quote(glob));
                if (prefix != null && (prefix.indexOf('*') >= 0 || prefix.indexOf('?') >= 0)) {
                    throw error(at + ".prefix", "a prefix has no wildcards: use glob for " + quote(prefix));
                }
                return prefix != null ? prefix : glob;
            }, null);
            if (rule != null) rules.add(new DenyRule(rule));
        }
        return rules;
    }

    /** {@code prefixes}: each prefix seen so far (of any mapping kind) → the key that has it. */
    private String prefix(ObjectNode t, String at, Map<String, String> prefixes, String example) throws ConfigException {
        String prefix = required(string(t, at, "prefix"), at, "prefix", "a URL prefix such as " + example);
        if (!prefix.startsWith("/") || !prefix.endsWith("/")) {
            throw error(at + ".prefix", "expected a URL prefix starting and ending with '/', e.g. " + example + ", got " + quote(prefix));
        }
        String first = prefixes.putIfAbsent(prefix, at);
        if (first != null) {
            throw error(at + ".prefix", "duplicate prefix " + quote(prefix) + " (already mapped by " + first
                    + " at line " + locator.line(first + ".prefix") + ")");
        }
        return prefix;
    }

    /** ".php"-style extensions: handlers = [".cgi", ".pl"]. */
    private List<String> extensions(ObjectNode t, String at, String name) throws ConfigException {
        List<String> list = strings(t, at, name);
        if (list == null) return null;
        for (int i = 0; i < list.size(); i++) {
            String e = list.get(i);
            if (e.length() < 2 || !e.startsWith(".") || e.indexOf('/') >= 0) {
                throw error(at.isEmpty() ? name : at + "." + name + "[" + i + "]", "expected an extension such as \".cgi\", got " + quote(e));
            }
        }
        return list;
    }

    /** index = ["index.php", "index.html"]: plain file names. */
    private List<String> indexFiles(ObjectNode t, String at, String name) throws ConfigException {
        List<String> list = strings(t, at, name);
        if (list == null) return null;
        for (int i = 0; i < list.size(); i++) {
            String f = list.get(i);
            if (f.isEmpty() || f.indexOf('/') >= 0 || f.equals(".") || f.equals("..")) {
                throw error((at.isEmpty() ? "" : at + ".") + name + "[" + i + "]", "expected a file name such as \"index.php\", got " + quote(f));
            }
        }
        return list;
    }

    private ProgramLimits mappingLimits(ObjectNode t, String at, ProgramLimits globalLimits) {
        ObjectNode limitsTable = read(() -> table(t, at + ".limits"), null);
        if (limitsTable == null) return null;
        knownKeys(limitsTable, at + ".limits", PROGRAM_LIMITS_KEYS);
        return programLimits(limitsTable, at + ".limits", globalLimits);
    }

    /** A mapping's environment: a table of fixed variables its programs get on top of the global ones. */
    private Map<String, String> mappingEnvironment(ObjectNode t, String at) {
        ObjectNode vars = read(() -> table(t, at + ".environment"), null);
        Map<String, String> set = new LinkedHashMap<>();
        if (vars == null) return set;
        for (var e : vars.properties()) {
            problems.check(() -> set.put(e.getKey(), variable(at + ".environment." + e.getKey(), e.getKey(), e.getValue())));
        }
        return set;
    }

    private List<FastCgiMapping> fastcgi(List<ObjectNode> tables, Map<String, String> prefixes) {
        List<FastCgiMapping> mappings = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < tables.size(); i++) {
            ObjectNode t = tables.get(i);
            String at = scope + "fastcgi[" + i + "]";
            knownKeys(t, at, FASTCGI_KEYS);
            String name = read(() -> {
                String n = string(t, at, "name");
                if (n != null && !n.matches("[A-Za-z0-9_.-]+")) throw error(at + ".name", "expected a name of letters, digits, '.', '_' and '-', got " + quote(n));
                if (n != null && !names.add(n)) throw error(at + ".name", "duplicate name " + quote(n));
                return n;
            }, null);
            // Without a prefix it serves only the scripts an [[interpreter]] sends it, by name.
            String prefix = t.has("prefix") || name == null ? read(() -> prefix(t, at, prefixes, "\"/app/\""), null) : null;
            // An external server may see another tree: its script directory is not checked here.
            boolean managed = t.has("command");
            Path directory = read(() -> required(path(t, at, "directory", managed), at, "directory",
                    "the scripts' directory as the application sees it"), null);
            String extension = read(() -> fastcgiExtension(t, at), null);
            String address = read(() -> fastcgiAddress(t, at), null);
            List<String> command = read(() -> t.has("command") ? command(t, at) : null, null);
            if (t.has("address") && t.has("command")) {
                problems.check(() -> { throw error(at, "set address (an external server) or command (processes Tracegate starts), not both"); });
            } else if (!t.has("address") && !t.has("command")) {
                problems.check(() -> { throw error(at, "missing key 'address' (e.g. \"unix:/run/php/php8.2-fpm.sock\") or 'command' (e.g. [\"/usr/bin/php-cgi\"])"); });
            }
            if (t.has("address") && !managed) {
                // A key that would do nothing is a mistake the operator should hear about, not a silent no-op.
                for (String key : MANAGED_ONLY_KEYS) {
                    if (t.has(key)) problems.add(problem(at + "." + key, "applies only to a managed pool (command = [...]); "
                            + "an external server at address manages its own processes"));
                }
            }
            if (managed && t.has("sendAhead")) {
                // A managed pool's requests run on its instances' own connections, one lane each: nothing waits to go ahead.
                problems.add(problem(at + ".sendAhead", "applies only to an external server (address = \"...\"); "
                        + "a managed pool has an instance per request: raise maxInstances instead"));
            }
            FastCgiPool d = FastCgiPool.defaults();
            FastCgiPool pool = new FastCgiPool(
                    read(() -> count(t, at, "maxInstances", 1), d.maxInstances()),
                    read(() -> count(t, at, "instanceMaxRequests", 1), d.instanceMaxRequests()),
                    read(() -> duration(t, at, "idleTimeout", 0, true), d.idleTimeout()),
                    read(() -> duration(t, at, "activityTimeout", 0, true), d.activityTimeout()),
                    read(() -> duration(t, at, "requestTimeout", 0, true), d.requestTimeout()),
                    read(() -> count(t, at, "queueLength", 0), d.queueLength()),
                    read(() -> duration(t, at, "queueTimeout", 0, true), d.queueTimeout()),
                    read(() -> count(t, at, "rapidFailsPerMinute", 0), d.rapidFailsPerMinute()),
                    read(() -> path(t, at, "monitorChangesTo", false), null),
                    read(() -> bool(t, at, "sendAhead"), null) == Boolean.TRUE,
                    read(() -> bool(t, at, "requestBuffering"), null) != Boolean.FALSE);
            EnvironmentPolicy environment = fastcgiEnvironment(t, at);
            if ((prefix != null || name != null) && directory != null && (address != null) != (command != null)) {
                mappings.add(new FastCgiMapping(name, prefix, directory, extension, address, command, pool, environment));
            }
        }
        return mappings;
    }

    private String fastcgiExtension(ObjectNode t, String at) throws ConfigException {
        String extension = string(t, at, "extension");
        if (extension != null && (extension.length() < 2 || !extension.startsWith(".") || extension.indexOf('/') >= 0)) {
            throw error(at + ".extension", "expected an extension starting with '.', e.g. \".php\", got " + quote(extension));
        }
        return extension;
    }

    /** "unix:/absolute/path" or "tcp:HOST:PORT". */
    private String fastcgiAddress(ObjectNode t, String at) throws ConfigException {
        String a = string(t, at, "address");
        if (a == null) return null;
        String key = at + ".address";
        if (a.startsWith("unix:")) {
            if (!a.substring(5).startsWith("/")) throw error(key, "expected unix:/absolute/path/to.sock, got " + quote(a));
            return "unix:" + resolve(key, a.substring(5), false);
        }
        if (a.startsWith("tcp:")) {
            String problem = checkAddress(a.substring(4));
            if (problem != null) throw error(key, "invalid address " + quote(a) + ": " + problem);
            return a;
        }
        throw error(key, "expected \"unix:/path/to.sock\" or \"tcp:HOST:PORT\", got " + quote(a));
    }

    /** A managed pool's environment: a table of fixed variables, on top of the global policy's inherit list. */
    private EnvironmentPolicy fastcgiEnvironment(ObjectNode t, String at) {
        EnvironmentPolicy d = EnvironmentPolicy.defaults();
        ObjectNode vars = read(() -> table(t, at + ".environment"), null);
        if (vars == null) return d;
        Map<String, String> set = new LinkedHashMap<>();
        for (var e : vars.properties()) {
            problems.check(() -> set.put(e.getKey(), variable(at + ".environment." + e.getKey(), e.getKey(), e.getValue())));
        }
        return new EnvironmentPolicy(d.inherit(), set);
    }

    private List<InterpreterMapping> interpreters(List<ObjectNode> tables, List<FastCgiMapping> fastcgi) {
        List<InterpreterMapping> mappings = new ArrayList<>();
        Set<String> extensions = new HashSet<>();
        for (int i = 0; i < tables.size(); i++) {
            ObjectNode t = tables.get(i);
            String at = "interpreter[" + i + "]";
            knownKeys(t, at, INTERPRETER_KEYS);
            String extension = read(() -> extension(t, at, extensions), null);
            String app = read(() -> {
                String n = string(t, at, "fastcgi");
                if (n == null) return null;
                if (t.has("command")) throw error(at, "set command (a CGI interpreter) or fastcgi (an application's name), not both");
                if (fastcgi.stream().noneMatch(f -> n.equals(f.name()))) {
                    throw error(at + ".fastcgi", "no [[fastcgi]] has name = " + quote(n));
                }
                return n;
            }, null);
            List<String> command = t.has("fastcgi") ? List.of() : read(() -> command(t, at), null);
            Set<String> verbs = read(() -> verbs(t, at), Set.of());
            if (extension != null && command != null && (app != null || !command.isEmpty())) {
                mappings.add(new InterpreterMapping(extension, command, verbs, app));
            }
        }
        return mappings;
    }

    private String extension(ObjectNode t, String at, Set<String> extensions) throws ConfigException {
        String extension = required(string(t, at, "extension"), at, "extension", "an extension such as \".php\"");
        if (extension.length() < 2 || !extension.startsWith(".") || extension.indexOf('/') >= 0) {
            throw error(at + ".extension", "expected an extension starting with '.', e.g. \".php\", got " + quote(extension));
        }
        if (!extensions.add(extension)) throw error(at + ".extension", "duplicate extension " + quote(extension));
        return extension;
    }

    /** The interpreter and its arguments, the interpreter's path resolved. */
    private List<String> command(ObjectNode t, String at) throws ConfigException {
        boolean single = t.path("command").isTextual(); // command = "/usr/bin/php-cgi" means ["/usr/bin/php-cgi"]
        List<String> command = single ? List.of(t.get("command").textValue()) : strings(t, at, "command");
        required(command, at, "command", "the interpreter's absolute path, e.g. [\"/usr/bin/php-cgi\"]");
        if (command.isEmpty()) throw error(at + ".command", "expected at least the interpreter's absolute path");
        String program = at + ".command" + (single ? "" : "[0]");
        if (!command.getFirst().startsWith("/")) {
            throw error(program, "expected an absolute path to the interpreter, got " + quote(command.getFirst()));
        }
        List<String> resolved = new ArrayList<>(command);
        resolved.set(0, resolve(program, command.getFirst(), false).toString());
        return resolved;
    }

    /** The allowed methods, upper-cased; empty (all allowed) when the key is absent. */
    private Set<String> verbs(ObjectNode t, String at) throws ConfigException {
        List<String> verbs = strings(t, at, "verbs");
        if (verbs == null) return null;
        if (verbs.isEmpty()) throw error(at + ".verbs", "expected at least one method (leave the key out to allow all)");
        Set<String> verbSet = new LinkedHashSet<>();
        for (int v = 0; v < verbs.size(); v++) {
            String key = at + ".verbs[" + v + "]", verb = verbs.get(v);
            problems.check(() -> {
                if (!HttpToken.isToken(verb)) throw error(key, "expected an HTTP method such as \"GET\", got " + quote(verb));
                verbSet.add(verb.toUpperCase(Locale.ROOT));
            });
        }
        return verbSet;
    }

    private Restrictions restrictions(ObjectNode t) {
        if (t == null) return Restrictions.disabled();
        String at = "restrictions";
        knownKeys(t, at, RESTRICTIONS_KEYS);
        boolean enabled = read(() -> bool(t, at, "enabled"), false);
        List<String> allowed = read(() -> strings(t, at, "allowed"), List.of());
        Set<Path> paths = new LinkedHashSet<>();
        for (int i = 0; i < allowed.size(); i++) {
            String key = at + ".allowed[" + i + "]", value = allowed.get(i);
            problems.check(() -> paths.add(resolve(key, value, false)));
        }
        return new Restrictions(enabled, paths);
    }

    private EnvironmentPolicy environment(ObjectNode t) {
        EnvironmentPolicy d = EnvironmentPolicy.defaults();
        if (t == null) return d;
        String at = "environment";
        knownKeys(t, at, ENVIRONMENT_KEYS);
        List<String> inherit = read(() -> strings(t, at, "inherit"), d.inherit());
        for (int i = 0; i < inherit.size(); i++) {
            String key = at + ".inherit[" + i + "]", name = inherit.get(i);
            problems.check(() -> checkVariableName(key, name));
        }
        Map<String, String> set = new LinkedHashMap<>();
        ObjectNode vars = read(() -> table(t, at + ".set"), null);
        for (var e : vars == null ? Set.<Map.Entry<String, JsonNode>>of() : vars.properties()) {
            problems.check(() -> set.put(e.getKey(), variable(at + ".set." + e.getKey(), e.getKey(), e.getValue())));
        }
        return new EnvironmentPolicy(inherit, set);
    }

    /** A fixed variable's value. */
    private String variable(String key, String name, JsonNode value) throws ConfigException {
        checkVariableName(key, name);
        if (!value.isTextual()) throw error(key, "expected a string, got " + describe(value));
        if (value.textValue().indexOf('\0') >= 0) throw error(key, "a value cannot contain a NUL character");
        return value.textValue();
    }

    private FailedRequestTracing failedRequestTracing(ObjectNode t) {
        if (t == null) return FailedRequestTracing.disabled();
        String at = "failedRequestTracing";
        knownKeys(t, at, FRT_KEYS);
        List<TraceRule> rules = new ArrayList<>();
        List<ObjectNode> tables = read(() -> tables(t, at, "rule"), List.of());
        for (int i = 0; i < tables.size(); i++) {
            TraceRule rule = rule(tables.get(i), at + ".rule[" + i + "]");
            if (rule != null) rules.add(rule);
        }
        return new FailedRequestTracing(
                read(() -> bool(t, at, "enabled"), !tables.isEmpty()),
                read(() -> path(t, at, "directory", false), null),
                read(() -> count(t, at, "maxLogFiles", 1, 100_000), FailedRequestTracing.DEFAULT_MAX_LOG_FILES),
                read(() -> count(t, at, "maxLogFileSizeKB", 1, 1 << 20), FailedRequestTracing.DEFAULT_MAX_LOG_FILE_SIZE_KB),
                rules,
                read(() -> count(t, at, "maxBodyKiB", 0, 1 << 20), FailedRequestTracing.DEFAULT_MAX_BODY_KIB));
    }

    /** A rule, or null when any of its keys is wrong (their problems recorded). */
    private TraceRule rule(ObjectNode t, String at) {
        int before = problems.count();
        knownKeys(t, at, RULE_KEYS);
        String path = read(() -> rulePath(t, at), "*");
        List<StatusRange> ranges = read(() -> statusCodes(t, at), List.of());
        Duration timeTaken = read(() -> duration(t, at, "timeTakenSeconds", 0, true), null);
        TraceVerbosity verbosity = read(() -> verbosity(t, at), TraceVerbosity.VERBOSE);
        Set<String> areas = read(() -> areas(t, at), new LinkedHashSet<>(TraceRule.AREAS));
        if (problems.count() > before) return null;
        if (ranges.isEmpty() && timeTaken == null) { // only once its keys are right: a bad statusCodes is not a missing one
            problems.add(problem(at, "a rule needs statusCodes or timeTakenSeconds (or both) to say when a request has failed"));
            return null;
        }
        return new TraceRule(path, ranges, timeTaken, verbosity, areas);
    }

    private String rulePath(ObjectNode t, String at) throws ConfigException {
        String path = string(t, at, "path");
        if (path != null && path.isEmpty()) throw error(at + ".path", "expected a pattern such as \"*\" or \"/cgi-bin/*\", got \"\"");
        return path;
    }

    private List<StatusRange> statusCodes(ObjectNode t, String at) throws ConfigException {
        String codes = string(t, at, "statusCodes");
        if (codes == null) return null;
        try {
            return StatusRange.parseList(codes);
        } catch (IllegalArgumentException e) {
            throw error(at + ".statusCodes", e.getMessage());
        }
    }

    private TraceVerbosity verbosity(ObjectNode t, String at) throws ConfigException {
        String name = string(t, at, "verbosity");
        if (name == null) return null;
        TraceVerbosity verbosity = TraceVerbosity.parse(name);
        if (verbosity == null) {
            throw error(at + ".verbosity", "expected one of CriticalError, Error, Warning, Information, Verbose, got " + quote(name));
        }
        return verbosity;
    }

    private Set<String> areas(ObjectNode t, String at) throws ConfigException {
        List<String> names = strings(t, at, "areas");
        if (names == null) return null;
        if (names.isEmpty()) throw error(at + ".areas", "expected at least one area (leave the key out for all)");
        Set<String> areas = new LinkedHashSet<>();
        List<ConfigProblem> unknown = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String area = TraceRule.area(names.get(i));
            if (area != null) areas.add(area);
            else unknown.add(problem(at + ".areas[" + i + "]",
                    "expected one of " + String.join(", ", TraceRule.AREAS) + ", got " + quote(names.get(i))));
        }
        if (!unknown.isEmpty()) throw new ConfigException(unknown);
        return areas;
    }

    // ---- typed readers: each returns null when the key is absent and throws when it is wrong -----

    /** Reads {@code parent.name} as a table: null when absent. Tables and keys share one path namespace. */
    private ObjectNode table(ObjectNode node, String path) throws ConfigException {
        String name = path.substring(path.lastIndexOf('.') + 1);
        JsonNode v = node.get(name);
        if (v == null) return null;
        if (!v.isObject()) throw error(path, "expected a table ([" + path + "]), got " + describe(v));
        return (ObjectNode) v;
    }

    private List<ObjectNode> tables(ObjectNode node, String at, String name) throws ConfigException {
        JsonNode v = node.get(name);
        String key = TomlLocator.join(at, name);
        if (v == null) return null;
        if (!v.isArray()) throw error(key, "expected an array of tables ([[" + key + "]]), got " + describe(v));
        List<ObjectNode> tables = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isObject()) throw error(key + "[" + i + "]", "expected a table, got " + describe(v.get(i)));
            tables.add((ObjectNode) v.get(i));
        }
        return tables;
    }

    private String string(ObjectNode t, String at, String name) throws ConfigException {
        JsonNode v = t.get(name);
        if (v == null) return null;
        if (!v.isTextual()) throw error(TomlLocator.join(at, name), "expected a string, got " + describe(v));
        return v.textValue();
    }

    /** An array of strings; every element that is not one is a problem of its own. */
    private List<String> strings(ObjectNode t, String at, String name) throws ConfigException {
        JsonNode v = t.get(name);
        if (v == null) return null;
        String key = TomlLocator.join(at, name);
        if (!v.isArray()) throw error(key, "expected an array of strings, got " + describe(v));
        List<String> values = new ArrayList<>();
        List<ConfigProblem> wrong = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (v.get(i).isTextual()) values.add(v.get(i).textValue());
            else wrong.add(problem(key + "[" + i + "]", "expected a string, got " + describe(v.get(i))));
        }
        if (!wrong.isEmpty()) throw new ConfigException(wrong);
        return values;
    }

    private Boolean bool(ObjectNode t, String at, String name) throws ConfigException {
        JsonNode v = t.get(name);
        if (v == null) return null;
        if (!v.isBoolean()) throw error(TomlLocator.join(at, name), "expected true or false, got " + describe(v));
        return v.booleanValue();
    }

    /** An integer in [min, max]. */
    private Long integer(ObjectNode t, String at, String name, long min, long max) throws ConfigException {
        JsonNode v = t.get(name);
        if (v == null) return null;
        String key = TomlLocator.join(at, name);
        String expected = "expected " + (min == 0 ? "a non-negative integer" : min == 1 ? "a positive integer" : "an integer >= " + min);
        BigInteger n = v.isIntegralNumber() ? v.bigIntegerValue() : null;
        if (n == null || n.compareTo(BigInteger.valueOf(min)) < 0) throw error(key, expected + ", got " + describe(v));
        if (n.compareTo(BigInteger.valueOf(max)) > 0) throw error(key, expected + " no larger than " + max + ", got " + describe(v));
        return n.longValueExact();
    }

    /** An int-sized integer, at least {@code min}. */
    private Integer count(ObjectNode t, String at, String name, int min) throws ConfigException {
        return count(t, at, name, min, Integer.MAX_VALUE);
    }

    private Integer count(ObjectNode t, String at, String name, int min, int max) throws ConfigException {
        Long n = integer(t, at, name, min, max);
        return n == null ? null : Math.toIntExact(n);
    }

    /**
     * A number of 10^-scale seconds (scale 0: seconds, 3: milliseconds), fractions allowed, up to 365 days;
     * positive, or with {@code positive} false also zero.
     */
    private Duration duration(ObjectNode t, String at, String name, int scale, boolean positive) throws ConfigException {
        JsonNode v = t.get(name);
        if (v == null) return null;
        String key = TomlLocator.join(at, name);
        String expected = "expected " + (positive ? "a positive number" : "a non-negative number");
        boolean nonFinite = (v.isDouble() || v.isFloat()) && !Double.isFinite(v.doubleValue());
        if (!v.isNumber() || nonFinite) throw error(key, expected + ", got " + describe(v));
        BigDecimal nanos = v.decimalValue().movePointRight(9 - scale).setScale(0, RoundingMode.HALF_UP);
        if (nanos.signum() < 0 || (positive && nanos.signum() == 0)) throw error(key, expected + ", got " + describe(v));
        if (nanos.compareTo(BigDecimal.valueOf(MAX_SECONDS).movePointRight(9)) > 0) {
            String max = BigDecimal.valueOf(MAX_SECONDS).movePointRight(scale).toPlainString();
            throw error(key, expected + " no larger than " + max + " (365 days), got " + describe(v));
        }
        return Duration.ofNanos(nanos.longValueExact());
    }

    /** A path key, resolved against the config file's directory; with {@code directory}, it must be an existing one. */
    private Path path(ObjectNode t, String at, String name, boolean directory) throws ConfigException {
        String s = string(t, at, name);
        return s == null ? null : resolve(TomlLocator.join(at, name), s, directory);
    }

    private Path resolve(String key, String value, boolean directory) throws ConfigException {
        if (value.isEmpty()) throw error(key, "expected a path, got \"\"");
        Path p;
        try {
            p = baseDir.resolve(value).normalize();
        } catch (InvalidPathException e) {
            throw error(key, "not a valid path: " + quote(value));
        }
        if (directory && !Files.isDirectory(p)) {
            throw error(key, Files.exists(p) ? "not a directory: " + p : "no such directory: " + p);
        }
        return p;
    }

    private <T> T required(T value, String at, String name, String what) throws ConfigException {
        if (value == null) throw error(at + "." + name, "missing: every [[" + at.replaceAll("\\[\\d+]$", "") + "]] needs " + what);
        return value;
    }

    // ---- validation helpers -------------------------------------------------------------------

    /** The one way problems are made: file, the key's line (or its table's), the key, the problem. */
    private ConfigProblem problem(String key, String problem) {
        return new ConfigProblem(file, locator.line(key), key, problem);
    }

    private ConfigException error(String key, String problem) {
        return new ConfigException(List.of(problem(key, problem)));
    }

    /** Records every key of {@code t} not in {@code known}. */
    private void knownKeys(ObjectNode t, String at, Set<String> known) {
        for (var property : t.properties()) {
            String name = property.getKey();
            if (!known.contains(name)) {
                problems.add(problem(TomlLocator.join(at, name), "unknown key" + KeyHints.hint(name, at, known)));
            }
        }
    }

    private void checkVariableName(String key, String name) throws ConfigException {
        if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
            throw error(key, "expected an environment variable name (non-empty, without '=' or NUL), got " + quote(name));
        }
    }

    /** Why {@code address} is not a valid HOST:PORT, or null when it is. */
    public static String checkAddress(String address) {
        int colon = address.lastIndexOf(':');
        if (colon < 0 || address.endsWith("]")) {
            return "missing the port (expected HOST:PORT, e.g. \"127.0.0.1:8080\" or \"[::1]:8080\")";
        }
        String host = address.substring(0, colon);
        String port = address.substring(colon + 1);
        if (!port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) return "the port must be a number from 0 to 65535";
        if (host.startsWith("[") && host.endsWith("]")) {
            try {
                Inet6Address.ofLiteral(host.substring(1, host.length() - 1));
                return null;
            } catch (IllegalArgumentException e) {
                return "not a valid IPv6 address";
            }
        }
        if (host.isEmpty()) return "missing the host (use \"0.0.0.0\" for all IPv4 interfaces)";
        if (host.indexOf(':') >= 0) return "an IPv6 address must be in brackets, e.g. \"[::1]:8080\"";
        if (IPV4.matcher(host).matches()) {
            try {
                Inet4Address.ofLiteral(host);
                return null;
            } catch (IllegalArgumentException e) {
                return "not a valid IPv4 address";
            }
        }
        return HOSTNAME.matcher(host).matches() ? null : "not a valid host name";
    }

    private static String quote(String s) {
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(s).toString();
    }

    /** How a wrong value is shown: "abc" quoted, numbers and booleans as written, else its kind. */
    static String describe(JsonNode v) {
        if (v.isTextual()) return quote(v.textValue());
        if (v.isBigDecimal()) return v.decimalValue().toString();
        if (v.isNumber() || v.isBoolean()) return v.asText();
        if (v.isArray()) return "an array";
        if (v.isObject()) return "a table";
        if (v instanceof POJONode p) return "a date/time " + p.getPojo();
        return v.getNodeType().toString().toLowerCase(Locale.ROOT);
    }
}
