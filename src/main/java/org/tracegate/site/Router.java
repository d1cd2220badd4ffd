package org.tracegate.site;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.tracegate.config.AliasMapping;
import org.tracegate.config.CgiMapping;
import org.tracegate.config.DenyRule;
import org.tracegate.config.FastCgiMapping;
import org.tracegate.config.InterpreterMapping;
import org.tracegate.config.Restrictions;
import org.tracegate.config.ServerConfig;
import org.tracegate.gateway.Refusal;
import org.tracegate.text.PathGlob;

/**
 * The site model: which of the configured places serves a URL, and how. In order: {@code [[deny]]} rules; the
 * longest mapping prefix ({@code [[cgi]]}, {@code [[alias]]}, {@code [[fastcgi]]}); the document root. Under a
 * directory, the longest leading path naming an existing regular file is the script or file and the rest is
 * PATH_INFO; a directory URL runs or serves its index, or is redirected to its trailing slash. Wherever a file
 * is served, a script whose extension an {@code [[interpreter]]} maps runs through it — a mapped script is never
 * sent as its source. Refusals say what is mapped where and what would serve the path, and never reveal a
 * file's contents.
 */
public final class Router {
    private final List<Location> locations;
    private final Location root;
    private final List<InterpreterMapping> interpreters;
    private final Map<String, FastCgiMapping> fastcgiByName;
    private final Restrictions restrictions;
    private final List<Deny> deny;

    private record Deny(DenyRule rule, Pattern glob) {}

    public Router(ServerConfig config) {
        List<Location> all = new ArrayList<>();
        for (int i = 0; i < config.cgi().size(); i++) all.add(location("cgi[" + i + "]", config.cgi().get(i)));
        for (int i = 0; i < config.aliases().size(); i++) all.add(location("alias[" + i + "]", config.aliases().get(i)));
        for (int i = 0; i < config.fastcgi().size(); i++) {
            FastCgiMapping f = config.fastcgi().get(i);
            if (f.prefix() == null) continue;
            all.add(new Location("fastcgi[" + i + "]", Location.Kind.FASTCGI, f.prefix(), f.directory(), null, Set.of(),
                    List.of(), false, false, Map.of(), f));
        }
        all.sort(Comparator.comparingInt((Location l) -> l.prefix().length()).reversed());
        this.locations = List.copyOf(all);
        this.root = config.documentRoot() == null ? null : new Location("documentRoot", Location.Kind.MIXED, "/",
                config.documentRoot(), null, Set.of(), config.index(), false, false, Map.of(), null);
        this.interpreters = List.copyOf(config.interpreters());
        this.fastcgiByName = config.fastcgi().stream().filter(f -> f.name() != null)
                .collect(Collectors.toUnmodifiableMap(FastCgiMapping::name, f -> f));
        this.restrictions = config.restrictions();
        this.deny = config.deny().stream().map(r -> new Deny(r, r.isGlob() ? PathGlob.compile(r.pattern()) : null)).toList();
    }

    private static Location location(String key, CgiMapping m) {
        Location.Kind kind = m.program() != null ? Location.Kind.PROGRAM
                : m.handlers().isEmpty() ? Location.Kind.PROGRAMS : Location.Kind.MIXED;
        return new Location(key, kind, m.prefix(), m.directory(), m.program(), Set.copyOf(m.handlers()), m.index(),
                m.followSymlinks(), m.passAuthorization(), m.environment(), null);
    }

    private static Location location(String key, AliasMapping m) {
        return new Location(key, Location.Kind.MIXED, m.prefix(), m.directory(), null, Set.copyOf(m.handlers()), m.index(),
                m.followSymlinks(), false, m.environment(), null);
    }

    /** Every place URLs are served from, longest prefix first, the document root last: for check-config. */
    public List<Location> locations() {
        List<Location> out = new ArrayList<>(locations);
        if (root != null) out.add(root);
        return out;
    }

    public List<DenyRule> denyRules() { return deny.stream().map(Deny::rule).toList(); }

    /**
     * @param rawPath the request path as sent (percent-encoded, no query)
     * @param method  the request method, for interpreter verb lists
     */
    public Route route(String rawPath, String method) {
        Location loc = null;
        for (Location l : locations) {
            if (rawPath.startsWith(l.prefix())) { loc = l; break; }
            if (rawPath.equals(l.prefix().substring(0, l.prefix().length() - 1))) return new Route.Redirect(l.prefix());
        }
        if (loc == null) loc = root;
        String rest = loc == null ? rawPath.substring(1) : rawPath.substring(loc.prefix().length());
        List<String> segments = new ArrayList<>();
        for (String raw : rest.split("/", -1)) {
            String seg;
            try {
                seg = PathSegments.decode(raw);
            } catch (IllegalArgumentException e) {
                return new Route.Refused(new Refusal.BadRequest(e.getMessage()));
            }
            if (seg.equals("..") || seg.equals(".")) return new Route.Refused(new Refusal.BadRequest("dot segment in path"));
            segments.add(seg);
        }
        String decoded = (loc == null ? "/" : loc.prefix()) + String.join("/", segments);
        for (Deny d : deny) {
            if (d.glob != null ? d.glob.matcher(decoded).matches()
                    : decoded.startsWith(d.rule.pattern()) || (decoded + "/").equals(d.rule.pattern())) {
                return new Route.Refused(new Refusal.Denied(d.rule.pattern(), null));
            }
        }
        if (loc == null) return new Route.Unmapped(unmapped(decoded));
        return switch (loc.kind()) {
            case PROGRAM -> program(loc, segments);
            case FASTCGI -> fastcgi(loc, segments);
            case PROGRAMS, MIXED -> walk(loc, segments, rawPath, method);
        };
    }

    /** The whole prefix runs one program: SCRIPT_NAME is the prefix, the rest PATH_INFO (ScriptAlias to a file). */
    private Route program(Location loc, List<String> segments) {
        String scriptName = loc.prefix().substring(0, loc.prefix().length() - 1);
        String pathInfo = "/" + String.join("/", segments);
        Path program = loc.program();
        if (!Files.isRegularFile(program)) {
            return new Route.Refused(new Refusal.NotFound("the program " + program + " of " + loc.describe()
                    + " does not exist", program));
        }
        if (!Files.isExecutable(program)) {
            return new Route.Refused(new Refusal.NotExecutable("the program " + program + " of " + loc.describe()
                    + " is not executable", program));
        }
        if (!restrictions.permits(program)) {
            return new Route.Refused(new Refusal.NotOnAllowList("the program is not on the CGI allow-list", program));
        }
        return new Route.Program(loc, program, scriptName, pathInfo, List.of(program.toString()), "CGI-exe",
                program.toString());
    }

    /** nginx's fastcgi_split_path_info: the first segment ending in the extension names the script. */
    private Route fastcgi(Location loc, List<String> segments) {
        FastCgiMapping m = loc.fastcgi();
        int end = -1;
        if (m.extension() == null) {
            end = segments.size() - 1;
        } else {
            for (int i = 0; i < segments.size(); i++) {
                String s = segments.get(i);
                if (s.endsWith(m.extension()) && s.length() > m.extension().length()) { end = i; break; }
            }
            if (end < 0) {
                return new Route.Refused(new Refusal.NotFound("no script ending in " + m.extension() + " is named under "
                        + loc.describe(), null));
            }
        }
        List<String> script = segments.subList(0, end + 1);
        if (script.isEmpty() || script.getLast().isEmpty()) {
            return new Route.Refused(new Refusal.NotFound("no script named under " + loc.describe(), m.directory()));
        }
        Path file = m.directory();
        for (String seg : script) file = file.resolve(seg);
        if (m.managed() && !Files.isRegularFile(file)) {
            return new Route.Refused(new Refusal.NotFound("no such script under " + loc.describe(), file));
        }
        String pathInfo = end + 1 < segments.size() ? "/" + String.join("/", segments.subList(end + 1, segments.size())) : "";
        return new Route.FastCgi(loc, m, loc.prefix() + String.join("/", script), pathInfo, file);
    }

    /** Walks a directory: the first path segment naming a regular file is the script (or file); the rest PATH_INFO. */
    private Route walk(Location loc, List<String> segments, String rawPath, String method) {
        Path candidate = loc.directory();
        StringBuilder scriptName = new StringBuilder(loc.prefix().substring(0, loc.prefix().length() - 1));
        for (int i = 0; i < segments.size(); i++) {
            String seg = segments.get(i);
            if (seg.isEmpty()) {
                if (i == segments.size() - 1) return directory(loc, candidate, scriptName + "/", method);
                return new Route.Refused(new Refusal.NotFound("an empty path segment (\"//\")", candidate));
            }
            candidate = candidate.resolve(seg);
            scriptName.append('/').append(seg);
            if (Files.isDirectory(candidate)) continue;
            if (!Files.isRegularFile(candidate)) return new Route.Refused(notFound(loc, candidate));
            String pathInfo = i + 1 < segments.size()
                    ? "/" + String.join("/", segments.subList(i + 1, segments.size())) : "";
            return file(loc, candidate, scriptName.toString(), pathInfo, method);
        }
        return new Route.Redirect(rawPath + "/"); // a directory named without its trailing slash
    }

    private Route directory(Location loc, Path dir, String scriptDir, String method) {
        for (String name : loc.index()) {
            Path f = dir.resolve(name);
            if (Files.isRegularFile(f)) return file(loc, f, scriptDir + name, "", method);
        }
        if (loc.kind() == Location.Kind.PROGRAMS) {
            return new Route.Refused(new Refusal.NotFound("the path names a directory, not a program"
                    + (loc.index().isEmpty() ? "" : ", and it holds none of the index files " + loc.index()), dir));
        }
        return new Route.Refused(new Refusal.DirectoryListingDenied(dir));
    }

    /** A regular file under a directory location: run it, serve it, or refuse it. */
    private Route file(Location loc, Path file, String scriptName, String pathInfo, String method) {
        Path real;
        try {
            real = file.toRealPath();
            Path realDir = loc.directory().toRealPath();
            if (!loc.followSymlinks() && !real.startsWith(realDir)) {
                return new Route.Refused(new Refusal.NotFound("the file's real path " + real + " is outside " + realDir
                        + " (a symlink out of " + loc.describe() + "; set followSymlinks = true to serve it)", file));
            }
        } catch (IOException e) {
            return new Route.Refused(new Refusal.NotFound("cannot resolve the file's real path: " + e.getMessage(), file));
        }
        String name = real.getFileName().toString();
        for (InterpreterMapping im : interpreters) {
            if (!name.endsWith(im.extension()) && !file.getFileName().toString().endsWith(im.extension())) continue;
            return interpreted(loc, im, real, scriptName, pathInfo, method);
        }
        boolean handler = loc.kind() == Location.Kind.PROGRAMS || loc.handlers().stream().anyMatch(name::endsWith);
        if (handler) {
            if (!Files.isExecutable(real)) {
                return new Route.Refused(new Refusal.NotExecutable(loc.kind() == Location.Kind.PROGRAMS
                        ? "the file is not executable and no interpreter is mapped to it; it is under " + loc.describe()
                                + (isStaticLooking(name) ? ", where every file is a program: to serve static files beside"
                                        + " programs, give the mapping handlers (e.g. handlers = [\".cgi\"])" : "")
                        : "it has a handler extension of " + loc.describe() + " but is not executable", real));
            }
            if (!restrictions.permits(real) && !restrictions.permits(file)) {
                return new Route.Refused(new Refusal.NotOnAllowList("the program is not on the CGI allow-list", real));
            }
            return new Route.Program(loc, real, scriptName, pathInfo, List.of(real.toString()), "CGI-exe", real.toString());
        }
        if (isScript(name)) {
            // A script nobody maps is still a script: its source (passwords, keys) is never sent as a static file.
            return new Route.Refused(new Refusal.NotExecutable("it is a " + name.substring(name.lastIndexOf('.'))
                    + " script under " + loc.describe() + ", and no [[interpreter]] maps its extension (nor do the"
                    + " mapping's handlers)", real));
        }
        if (!pathInfo.isEmpty()) {
            return new Route.Refused(new Refusal.NotFound(file.getFileName() + " is a static file of " + loc.describe()
                    + ", and a static file takes no path after it (" + pathInfo + ")", real));
        }
        return new Route.File(loc, real);
    }

    private Route interpreted(Location loc, InterpreterMapping im, Path real, String scriptName, String pathInfo,
                              String method) {
        if (!im.allows(method)) {
            return new Route.Refused(new Refusal.MethodNotAllowed(method, "the " + im.extension() + " mapping does not allow it", real));
        }
        if (im.fastcgi() != null) {
            FastCgiMapping app = fastcgiByName.get(im.fastcgi());
            if (app == null) { // the loader refuses such a config; never send the script instead
                return new Route.Refused(new Refusal.NotExecutable("the " + im.extension() + " interpreter names the FastCGI"
                        + " application \"" + im.fastcgi() + "\", which this site does not define", real));
            }
            return new Route.FastCgi(loc, app, scriptName, pathInfo, real);
        }
        Path interpreter = Path.of(im.command().getFirst());
        if (!restrictions.permits(interpreter)) {
            return new Route.Refused(new Refusal.NotOnAllowList("the interpreter " + interpreter + " is not on the CGI allow-list", real));
        }
        List<String> argv = new ArrayList<>(im.command());
        argv.add(real.toString());
        return new Route.Program(loc, real, scriptName, pathInfo, argv, "CGI-" + im.extension().substring(1),
                interpreter.toString());
    }

    private Refusal notFound(Location loc, Path candidate) {
        return new Refusal.NotFound("no file " + candidate + " under " + loc.describe(), candidate);
    }

    private String unmapped(String decoded) {
        List<String> where = new ArrayList<>();
        for (Location l : locations) where.add(l.prefix() + " (" + l.key() + ")");
        return "nothing is mapped at " + decoded + ": the mappings are "
                + (where.isEmpty() ? "none" : String.join(", ", where))
                + ", and there is no documentRoot (set one to serve static files at /)";
    }

    /** Extensions of scripts whose source must never go out as a static file, mapped or not. */
    private static final Pattern SCRIPT = Pattern.compile(
            "(?i).*\\.(php[0-9]?|phtml|phar|inc|cgi|fcgi|pl|pm|py|rb|sh|bash|lua|tcl|asp|aspx|jsp|cfm)$");

    static boolean isScript(String name) { return SCRIPT.matcher(name).matches(); }

    private static boolean isStaticLooking(String name) {
        return name.matches("(?i).*\\.(png|gif|jpe?g|svg|ico|css|js|html?|txt|woff2?|ttf|map)$");
    }

    /** Whether {@code dir} holds a regular file named {@code name}, without following a final symlink. */
    static boolean exists(Path dir, String name) {
        return Files.isRegularFile(dir.resolve(name), LinkOption.NOFOLLOW_LINKS);
    }
}
