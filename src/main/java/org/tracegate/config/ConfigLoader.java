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

/**
 * Reads a TOML configuration file into a {@link ServerConfig}; the schema is in docs/configuration.md.
 *
 * <p>Every problem is a {@link ConfigException} naming the file, the 1-based line and the dotted key,
 * e.g. {@code conf/t.toml:7: key 'limits.headerTimeoutSeconds': expected a positive number, got "abc"}.
 * Values are read strictly: a string is never taken for a number or a boolean, unknown keys are errors.
 * Relative paths resolve against the config file's directory; all paths come out absolute and normalized.
 */
public final class ConfigLoader {

    private static final TomlMapper TOML = TomlMapper.builder().enable(TomlReadFeature.PARSE_JAVA_TIME).build();

    private static final Set<String> TOP_KEYS = Set.of("listen", "documentRoot", "logDir", "traceDir", "errorMode",
            "limits", "cgi", "interpreter", "restrictions", "environment", "failedRequestTracing");
    private static final Set<String> LIMITS_KEYS = Set.of("headerTimeoutSeconds", "headerTimeoutStatus",
            "idleTimeoutSeconds", "killGraceMillis", "shutdownGraceSeconds", "maxRequestBodyBytes", "spoolMemoryBytes",
            "headerLineBytes", "headerLines", "headerBlockBytes", "maxConcurrent", "queueSize", "queueTimeoutSeconds",
            "redirectHops");
    private static final Set<String> CGI_KEYS = Set.of("prefix", "directory", "passAuthorization");
    private static final Set<String> INTERPRETER_KEYS = Set.of("extension", "command", "verbs");
    private static final Set<String> RESTRICTIONS_KEYS = Set.of("enabled", "allowed");
    private static final Set<String> ENVIRONMENT_KEYS = Set.of("inherit", "set");
    private static final Set<String> FRT_KEYS = Set.of("enabled", "directory", "maxLogFiles", "maxLogFileSizeKB", "rule");
    private static final Set<String> RULE_KEYS = Set.of("path", "statusCodes", "timeTakenSeconds", "verbosity", "areas");

    /** Longest duration accepted, in seconds: 365 days. */
    private static final long MAX_SECONDS = 365L * 24 * 3600;
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern HOSTNAME =
            Pattern.compile("(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+"); // RFC 9110 token

    private final Path file;
    private final Path baseDir;
    private final TomlLocator locator;

    private ConfigLoader(Path file, TomlLocator locator) {
        this.file = file;
        this.baseDir = file.toAbsolutePath().normalize().getParent();
        this.locator = locator;
    }

    /**
     * Loads {@code file}. Keys it does not set keep the values of {@link ServerConfig#defaults()}.
     *
     * @throws ConfigException when the file cannot be read, is not valid TOML, or holds an unknown key,
     *                         a value of the wrong type or out of range; the message names file:line and key
     */
    public static ServerConfig load(Path file) throws ConfigException {
        String text = read(file);
        ObjectNode root = parse(file, text);
        return new ConfigLoader(file, TomlLocator.of(text)).config(root);
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

    // ---- one method per table ------------------------------------------------------------------

    private ServerConfig config(ObjectNode root) throws ConfigException {
        knownKeys(root, "", TOP_KEYS);
        ServerConfig d = ServerConfig.defaults();
        List<String> listen = listen(root);
        Path documentRoot = path(root, "documentRoot", true);
        Path logDir = path(root, "logDir", false);
        Path traceDir = path(root, "traceDir", false);
        ErrorMode errorMode = errorMode(root);
        Limits limits = limits(table(root, "limits"));
        List<CgiMapping> cgi = cgi(tables(root, "cgi"));
        List<InterpreterMapping> interpreters = interpreters(tables(root, "interpreter"));
        Restrictions restrictions = restrictions(table(root, "restrictions"));
        EnvironmentPolicy environment = environment(table(root, "environment"));
        FailedRequestTracing frt = failedRequestTracing(table(root, "failedRequestTracing"));
        return new ServerConfig(listen == null ? d.listen() : listen, cgi, interpreters, restrictions, limits,
                environment, documentRoot, logDir, traceDir, errorMode == null ? d.errorMode() : errorMode, frt,
                file.toAbsolutePath().normalize());
    }

    private List<String> listen(ObjectNode root) throws ConfigException {
        List<String> addresses = strings(root, "", "listen");
        if (addresses == null) return null;
        if (addresses.isEmpty()) throw error("listen", "expected at least one HOST:PORT address");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < addresses.size(); i++) {
            String key = "listen[" + i + "]";
            String problem = checkAddress(addresses.get(i));
            if (problem != null) throw error(key, "invalid address " + quote(addresses.get(i)) + ": " + problem);
            if (!seen.add(addresses.get(i))) throw error(key, "address " + quote(addresses.get(i)) + " listed twice");
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

    private Limits limits(ObjectNode t) throws ConfigException {
        Limits d = Limits.defaults();
        if (t == null) return d;
        knownKeys(t, "limits", LIMITS_KEYS);
        int status = (int) integer(t, "limits", "headerTimeoutStatus", d.headerTimeoutStatus(), 0, Integer.MAX_VALUE);
        if (status != 502 && status != 504) {
            throw error("limits.headerTimeoutStatus", "expected 502 or 504, got " + status);
        }
        return new Limits(
                duration(t, "limits", "headerTimeoutSeconds", d.headerTimeout(), 0, true),
                status,
                duration(t, "limits", "idleTimeoutSeconds", d.idleTimeout(), 0, true),
                duration(t, "limits", "killGraceMillis", d.killGrace(), 3, false),
                duration(t, "limits", "shutdownGraceSeconds", d.shutdownGrace(), 0, false),
                integer(t, "limits", "maxRequestBodyBytes", d.maxRequestBody(), 0, Long.MAX_VALUE),
                integer(t, "limits", "spoolMemoryBytes", d.spoolMemory(), 0, Long.MAX_VALUE),
                (int) integer(t, "limits", "headerLineBytes", d.headerLineBytes(), 1, Integer.MAX_VALUE),
                (int) integer(t, "limits", "headerLines", d.headerLines(), 1, Integer.MAX_VALUE),
                (int) integer(t, "limits", "headerBlockBytes", d.headerBlockBytes(), 1, Integer.MAX_VALUE),
                (int) integer(t, "limits", "maxConcurrent", d.maxConcurrent(), 1, Integer.MAX_VALUE),
                (int) integer(t, "limits", "queueSize", d.queueSize(), 0, Integer.MAX_VALUE),
                duration(t, "limits", "queueTimeoutSeconds", d.queueTimeout(), 0, true),
                (int) integer(t, "limits", "redirectHops", d.redirectHops(), 0, Integer.MAX_VALUE));
    }

    private List<CgiMapping> cgi(List<ObjectNode> tables) throws ConfigException {
        List<CgiMapping> mappings = new ArrayList<>();
        Map<String, Integer> prefixes = new LinkedHashMap<>();
        for (int i = 0; i < tables.size(); i++) {
            ObjectNode t = tables.get(i);
            String at = "cgi[" + i + "]";
            knownKeys(t, at, CGI_KEYS);
            String prefix = required(string(t, at, "prefix"), at, "prefix", "a URL prefix such as \"/cgi-bin/\"");
            if (!prefix.startsWith("/") || !prefix.endsWith("/")) {
                throw error(at + ".prefix", "expected a URL prefix starting and ending with '/', e.g. \"/cgi-bin/\", got " + quote(prefix));
            }
            Integer first = prefixes.putIfAbsent(prefix, i);
            if (first != null) {
                throw error(at + ".prefix", "duplicate prefix " + quote(prefix) + " (already mapped by cgi[" + first
                        + "] at line " + locator.line("cgi[" + first + "].prefix") + ")");
            }
            Path directory = required(path(t, at, "directory", true), at, "directory", "a directory of programs");
            boolean passAuthorization = bool(t, at, "passAuthorization", false);
            mappings.add(new CgiMapping(prefix, directory, passAuthorization));
        }
        return mappings;
    }

    private List<InterpreterMapping> interpreters(List<ObjectNode> tables) throws ConfigException {
        List<InterpreterMapping> mappings = new ArrayList<>();
        Set<String> extensions = new HashSet<>();
        for (int i = 0; i < tables.size(); i++) {
            ObjectNode t = tables.get(i);
            String at = "interpreter[" + i + "]";
            knownKeys(t, at, INTERPRETER_KEYS);
            String extension = required(string(t, at, "extension"), at, "extension", "an extension such as \".php\"");
            if (extension.length() < 2 || !extension.startsWith(".") || extension.indexOf('/') >= 0) {
                throw error(at + ".extension", "expected an extension starting with '.', e.g. \".php\", got " + quote(extension));
            }
            if (!extensions.add(extension)) throw error(at + ".extension", "duplicate extension " + quote(extension));

            boolean single = t.path("command").isTextual(); // command = "/usr/bin/php-cgi" means ["/usr/bin/php-cgi"]
            List<String> command = single ? List.of(t.get("command").textValue()) : strings(t, at, "command");
            required(command, at, "command", "the interpreter's absolute path, e.g. [\"/usr/bin/php-cgi\"]");
            if (command.isEmpty()) throw error(at + ".command", "expected at least the interpreter's absolute path");
            String program = at + ".command" + (single ? "" : "[0]");
            if (!command.getFirst().startsWith("/")) {
                throw error(program, "expected an absolute path to the interpreter, got " + quote(command.getFirst()));
            }
            Path executable = resolve(program, command.getFirst(), false);
            command = new ArrayList<>(command);
            command.set(0, executable.toString());

            List<String> verbs = strings(t, at, "verbs");
            Set<String> verbSet = new LinkedHashSet<>();
            if (verbs != null) {
                if (verbs.isEmpty()) throw error(at + ".verbs", "expected at least one method (leave the key out to allow all)");
                for (int v = 0; v < verbs.size(); v++) {
                    if (!TOKEN.matcher(verbs.get(v)).matches()) {
                        throw error(at + ".verbs[" + v + "]", "expected an HTTP method such as \"GET\", got " + quote(verbs.get(v)));
                    }
                    verbSet.add(verbs.get(v).toUpperCase(Locale.ROOT));
                }
            }
            mappings.add(new InterpreterMapping(extension, command, verbSet));
        }
        return mappings;
    }

    private Restrictions restrictions(ObjectNode t) throws ConfigException {
        if (t == null) return Restrictions.disabled();
        knownKeys(t, "restrictions", RESTRICTIONS_KEYS);
        boolean enabled = bool(t, "restrictions", "enabled", false);
        List<String> allowed = strings(t, "restrictions", "allowed");
        Set<Path> paths = new LinkedHashSet<>();
        for (int i = 0; allowed != null && i < allowed.size(); i++) {
            paths.add(resolve("restrictions.allowed[" + i + "]", allowed.get(i), false));
        }
        return new Restrictions(enabled, paths);
    }

    private EnvironmentPolicy environment(ObjectNode t) throws ConfigException {
        EnvironmentPolicy d = EnvironmentPolicy.defaults();
        if (t == null) return d;
        knownKeys(t, "environment", ENVIRONMENT_KEYS);
        List<String> inherit = strings(t, "environment", "inherit");
        for (int i = 0; inherit != null && i < inherit.size(); i++) {
            checkVariableName("environment.inherit[" + i + "]", inherit.get(i));
        }
        Map<String, String> set = new LinkedHashMap<>();
        ObjectNode vars = table(t, "environment.set");
        for (var e : vars == null ? Set.<Map.Entry<String, JsonNode>>of() : vars.properties()) {
            String key = "environment.set." + e.getKey();
            checkVariableName(key, e.getKey());
            if (!e.getValue().isTextual()) throw error(key, "expected a string, got " + describe(e.getValue()));
            if (e.getValue().textValue().indexOf('\0') >= 0) throw error(key, "a value cannot contain a NUL character");
            set.put(e.getKey(), e.getValue().textValue());
        }
        return new EnvironmentPolicy(inherit == null ? d.inherit() : inherit, set);
    }

    private FailedRequestTracing failedRequestTracing(ObjectNode t) throws ConfigException {
        if (t == null) return FailedRequestTracing.disabled();
        String at = "failedRequestTracing";
        knownKeys(t, at, FRT_KEYS);
        List<TraceRule> rules = new ArrayList<>();
        List<ObjectNode> tables = tables(t, at, "rule");
        for (int i = 0; i < tables.size(); i++) rules.add(rule(tables.get(i), at + ".rule[" + i + "]"));
        return new FailedRequestTracing(
                bool(t, at, "enabled", !rules.isEmpty()),
                path(t, at, "directory", false),
                (int) integer(t, at, "maxLogFiles", FailedRequestTracing.DEFAULT_MAX_LOG_FILES, 1, 100_000),
                (int) integer(t, at, "maxLogFileSizeKB", FailedRequestTracing.DEFAULT_MAX_LOG_FILE_SIZE_KB, 1, 1L << 20),
                rules);
    }

    private TraceRule rule(ObjectNode t, String at) throws ConfigException {
        knownKeys(t, at, RULE_KEYS);
        String path = string(t, at, "path");
        if (path != null && path.isEmpty()) throw error(at + ".path", "expected a pattern such as \"*\" or \"/cgi-bin/*\", got \"\"");
        String codes = string(t, at, "statusCodes");
        List<StatusRange> ranges = List.of();
        if (codes != null) {
            try {
                ranges = StatusRange.parseList(codes);
            } catch (IllegalArgumentException e) {
                throw error(at + ".statusCodes", e.getMessage());
            }
        }
        Duration timeTaken = duration(t, at, "timeTakenSeconds", null, 0, true);
        if (ranges.isEmpty() && timeTaken == null) {
            throw error(at, "a rule needs statusCodes or timeTakenSeconds (or both) to say when a request has failed");
        }
        String verbosityName = string(t, at, "verbosity");
        TraceVerbosity verbosity = verbosityName == null ? TraceVerbosity.VERBOSE : TraceVerbosity.parse(verbosityName);
        if (verbosity == null) {
            throw error(at + ".verbosity", "expected one of CriticalError, Error, Warning, Information, Verbose, got " + quote(verbosityName));
        }
        List<String> areaNames = strings(t, at, "areas");
        Set<String> areas = new LinkedHashSet<>(areaNames == null ? TraceRule.AREAS : List.of());
        for (int i = 0; areaNames != null && i < areaNames.size(); i++) {
            String area = TraceRule.area(areaNames.get(i));
            if (area == null) {
                throw error(at + ".areas[" + i + "]", "expected one of " + String.join(", ", TraceRule.AREAS) + ", got " + quote(areaNames.get(i)));
            }
            areas.add(area);
        }
        if (areas.isEmpty()) throw error(at + ".areas", "expected at least one area (leave the key out for all)");
        return new TraceRule(path == null ? "*" : path, ranges, timeTaken, verbosity, areas);
    }

    // ---- typed readers: each returns null (or the default) when the key is absent ---------------

    /** Reads {@code parent.name} as a table: null when absent. Tables and keys share one path namespace. */
    private ObjectNode table(ObjectNode node, String path) throws ConfigException {
        String name = path.substring(path.lastIndexOf('.') + 1);
        JsonNode v = node.get(name);
        if (v == null) return null;
        if (!v.isObject()) throw error(path, "expected a table ([" + path + "]), got " + describe(v));
        return (ObjectNode) v;
    }

    private List<ObjectNode> tables(ObjectNode root, String name) throws ConfigException {
        return tables(root, "", name);
    }

    private List<ObjectNode> tables(ObjectNode node, String at, String name) throws ConfigException {
        JsonNode v = node.get(name);
        String key = TomlLocator.join(at, name);
        if (v == null) return List.of();
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

    /** An array of strings. */
    private List<String> strings(ObjectNode t, String at, String name) throws ConfigException {
        JsonNode v = t.get(name);
        if (v == null) return null;
        String key = TomlLocator.join(at, name);
        if (!v.isArray()) throw error(key, "expected an array of strings, got " + describe(v));
        List<String> values = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual()) throw error(key + "[" + i + "]", "expected a string, got " + describe(v.get(i)));
            values.add(v.get(i).textValue());
        }
        return values;
    }

    private boolean bool(ObjectNode t, String at, String name, boolean dflt) throws ConfigException {
        JsonNode v = t.get(name);
        if (v == null) return dflt;
        if (!v.isBoolean()) throw error(TomlLocator.join(at, name), "expected true or false, got " + describe(v));
        return v.booleanValue();
    }

    /** An integer in [min, max]. */
    private long integer(ObjectNode t, String at, String name, long dflt, long min, long max) throws ConfigException {
        JsonNode v = t.get(name);
        if (v == null) return dflt;
        String key = TomlLocator.join(at, name);
        String expected = "expected " + (min == 0 ? "a non-negative integer" : min == 1 ? "a positive integer" : "an integer >= " + min);
        BigInteger n = v.isIntegralNumber() ? v.bigIntegerValue() : null;
        if (n == null || n.compareTo(BigInteger.valueOf(min)) < 0) throw error(key, expected + ", got " + describe(v));
        if (n.compareTo(BigInteger.valueOf(max)) > 0) throw error(key, expected + " no larger than " + max + ", got " + describe(v));
        return n.longValueExact();
    }

    /**
     * A number of 10^-scale seconds (scale 0: seconds, 3: milliseconds), fractions allowed, up to 365 days;
     * positive, or with {@code positive} false also zero.
     */
    private Duration duration(ObjectNode t, String at, String name, Duration dflt, int scale, boolean positive)
            throws ConfigException {
        JsonNode v = t.get(name);
        if (v == null) return dflt;
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

    private Path path(ObjectNode root, String name, boolean directory) throws ConfigException {
        return path(root, "", name, directory);
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

    /** The one way errors are made: file, the key's line (or its table's), the key, the problem. */
    private ConfigException error(String key, String problem) {
        return new ConfigException(file, locator.line(key), key, problem);
    }

    private void knownKeys(ObjectNode t, String at, Set<String> known) throws ConfigException {
        for (var property : t.properties()) {
            String name = property.getKey();
            if (!known.contains(name)) {
                throw error(TomlLocator.join(at, name), "unknown key" + KeyHints.hint(name, at, known));
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

    /** "Did you mean …?" suggestions and hints for misplaced keys. */
    static final class KeyHints {
        /** Ordered, so a name found in several tables is hinted the same way every time. */
        private static final Map<String, Set<String>> SECTIONS = sections(
                "", TOP_KEYS, "limits", LIMITS_KEYS, "cgi", CGI_KEYS, "interpreter", INTERPRETER_KEYS,
                "restrictions", RESTRICTIONS_KEYS, "environment", ENVIRONMENT_KEYS, "failedRequestTracing", FRT_KEYS,
                "failedRequestTracing.rule", RULE_KEYS);

        @SuppressWarnings("unchecked")
        private static Map<String, Set<String>> sections(Object... kv) {
            Map<String, Set<String>> m = new LinkedHashMap<>();
            for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], (Set<String>) kv[i + 1]);
            return m;
        }

        private KeyHints() {}

        /** " (did you mean 'x'?)", a hint where the key belongs, or "" when there is nothing useful to say. */
        static String hint(String name, String at, Set<String> known) {
            String best = null;
            int bestDistance = Integer.MAX_VALUE;
            for (String candidate : known.stream().sorted().toList()) {
                int d = distance(name, candidate);
                if (d < bestDistance) { best = candidate; bestDistance = d; }
            }
            int tolerance = name.length() <= 4 ? 1 : name.length() <= 9 ? 2 : 3;
            if (best != null && bestDistance <= tolerance) return " (did you mean '" + best + "'?)";
            if (!at.isEmpty() && TOP_KEYS.contains(name)) {
                return " ('" + name + "' is a top-level key: move it above the first [table] header)";
            }
            List<String> homes = new ArrayList<>();
            for (var section : SECTIONS.entrySet()) {
                String home = section.getKey();
                if (!home.isEmpty() && !at.replaceAll("\\[\\d+]$", "").equals(home) && section.getValue().contains(name)) {
                    boolean array = home.equals("cgi") || home.equals("interpreter") || home.endsWith(".rule");
                    homes.add(array ? "[[" + home + "]]" : "[" + home + "]");
                }
            }
            return homes.isEmpty() ? "" : " ('" + name + "' belongs in " + String.join(" or ", homes) + ")";
        }

        /**
         * Edit distance, case-insensitive, also comparing with unit suffixes removed ("idleTimeoutMillis" ~
         * "idleTimeoutSeconds"); a prefix of four or more letters counts as 1 ("passAuth" ~ "passAuthorization").
         */
        static int distance(String a, String b) {
            String x = a.toLowerCase(Locale.ROOT), y = b.toLowerCase(Locale.ROOT);
            if (x.length() >= 4 && y.startsWith(x)) return 1; // an abbreviation: "passAuth"
            return Math.min(levenshtein(x, y), levenshtein(stem(x), stem(y)));
        }

        private static String stem(String s) {
            for (String unit : List.of("seconds", "secs", "millis", "ms", "bytes")) {
                if (s.endsWith(unit) && s.length() > unit.length()) return s.substring(0, s.length() - unit.length());
            }
            return s;
        }

        private static int levenshtein(String a, String b) {
            int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
            for (int j = 0; j <= b.length(); j++) prev[j] = j;
            for (int i = 1; i <= a.length(); i++) {
                cur[0] = i;
                for (int j = 1; j <= b.length(); j++) {
                    int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                    cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
                }
                int[] t = prev; prev = cur; cur = t;
            }
            return prev[b.length()];
        }
    }
}
