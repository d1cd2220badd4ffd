package org.tracegate.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.tracegate.config.CgiMapping;
import org.tracegate.config.InterpreterMapping;
import org.tracegate.config.Restrictions;

/**
 * Maps a URL path to a program, ScriptAlias-style: under a prefix, the longest leading path that names
 * an existing regular file inside the directory is the script; the rest is PATH_INFO. Refusals happen
 * here, before anything is spawned, and never reveal a file's contents.
 */
public final class ScriptMapper {
    private final List<CgiMapping> mappings;
    private final List<InterpreterMapping> interpreters;
    private final Restrictions restrictions;

    public ScriptMapper(List<CgiMapping> mappings, List<InterpreterMapping> interpreters, Restrictions restrictions) {
        this.mappings = mappings.stream().sorted(Comparator.comparingInt((CgiMapping m) -> m.prefix().length())
                .reversed()).toList();
        this.interpreters = List.copyOf(interpreters);
        this.restrictions = restrictions;
    }

    /** The outcome of mapping. */
    public sealed interface Result {}

    /** A program to run. {@code handlerName} is "CGI-exe" or the interpreter mapping's name, as IIS shows it. */
    public record Script(CgiMapping mapping, Path scriptFile, String scriptName, String pathInfo, List<String> argv,
                         String handlerName, String scriptProcessor) implements Result {}

    /** Refused before spawning. */
    public record Refused(Refusal refusal) implements Result {}

    /** The path is under no CGI prefix: not ours. */
    public record NotMapped() implements Result {}

    /**
     * @param rawPath the request path exactly as sent (percent-encoded, no query)
     * @param method  the request method, for interpreter verb lists
     */
    public Result map(String rawPath, String method) {
        CgiMapping mapping = null;
        for (CgiMapping m : mappings) {
            if (rawPath.startsWith(m.prefix())) { mapping = m; break; }
        }
        if (mapping == null) return new NotMapped();

        String rest = rawPath.substring(mapping.prefix().length());
        List<String> segments = new ArrayList<>();
        for (String raw : rest.split("/", -1)) {
            String seg;
            try {
                seg = decodeSegment(raw);
            } catch (IllegalArgumentException e) {
                return new Refused(new Refusal.BadRequest(e.getMessage()));
            }
            if (seg.equals("..") || seg.equals(".")) return new Refused(new Refusal.BadRequest("dot segment in path"));
            segments.add(seg);
        }

        Path dir = mapping.directory();
        Path candidate = dir;
        String scriptName = mapping.prefix().substring(0, mapping.prefix().length() - 1);
        for (int i = 0; i < segments.size(); i++) {
            String seg = segments.get(i);
            if (seg.isEmpty()) return new Refused(new Refusal.NotFound("no program named in the path", candidate));
            candidate = candidate.resolve(seg);
            scriptName = scriptName + "/" + seg;
            if (Files.isDirectory(candidate, LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(candidate)) continue;
            if (!Files.isRegularFile(candidate)) return new Refused(new Refusal.NotFound("no such program", candidate));
            String pathInfo = i + 1 < segments.size() ? "/" + String.join("/", segments.subList(i + 1, segments.size())) : "";
            return script(mapping, candidate, scriptName, pathInfo, method);
        }
        return new Refused(new Refusal.NotFound("the path names a directory, not a program", candidate));
    }

    private Result script(CgiMapping mapping, Path file, String scriptName, String pathInfo, String method) {
        Path real;
        Path realDir;
        try {
            real = file.toRealPath();
            realDir = mapping.directory().toRealPath();
        } catch (IOException e) {
            return new Refused(new Refusal.NotFound("cannot resolve the program's real path: " + e.getMessage(), file));
        }
        if (!real.startsWith(realDir)) {
            return new Refused(new Refusal.NotFound("the program's real path " + real + " is outside " + realDir, file));
        }
        String name = real.getFileName().toString();
        for (InterpreterMapping im : interpreters) {
            if (!name.endsWith(im.extension())) continue;
            if (!im.allows(method)) {
                return new Refused(new Refusal.MethodNotAllowed(method, "the " + im.extension() + " mapping does not allow it", real));
            }
            Path interpreter = Path.of(im.command().get(0));
            if (!restrictions.permits(interpreter)) {
                return new Refused(new Refusal.NotOnAllowList("the interpreter " + interpreter + " is not on the CGI allow-list", real));
            }
            List<String> argv = new ArrayList<>(im.command());
            argv.add(real.toString());
            return new Script(mapping, real, scriptName, pathInfo, argv, "CGI-" + im.extension().substring(1),
                    interpreter.toString());
        }
        if (!Files.isExecutable(real)) {
            return new Refused(new Refusal.NotExecutable("the file is not executable and no interpreter is mapped to it", real));
        }
        if (!restrictions.permits(real) && !restrictions.permits(file)) {
            return new Refused(new Refusal.NotOnAllowList("the program is not on the CGI allow-list", real));
        }
        return new Script(mapping, real, scriptName, pathInfo, List.of(real.toString()), "CGI-exe", real.toString());
    }

    /**
     * Percent-decodes one path segment exactly once. An encoded '/' or '\', a NUL (raw or encoded), a
     * raw backslash or malformed UTF-8 is refused: each has been used to escape a script directory.
     */
    static String decodeSegment(String raw) {
        if (raw.indexOf('%') < 0) {
            if (raw.indexOf('\\') >= 0 || raw.indexOf('\0') >= 0) throw new IllegalArgumentException("backslash or NUL in path");
            return raw;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) throw new IllegalArgumentException("truncated percent-encoding in path");
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) throw new IllegalArgumentException("invalid percent-encoding in path");
                int b = hi << 4 | lo;
                if (b == '/' || b == '\\' || b == 0) throw new IllegalArgumentException("encoded '/', '\\' or NUL in path");
                out.write(b);
                i += 2;
            } else {
                if (c == '\\' || c == 0) throw new IllegalArgumentException("backslash or NUL in path");
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        var decoder = StandardCharsets.UTF_8.newDecoder();
        try {
            return decoder.decode(java.nio.ByteBuffer.wrap(out.toByteArray())).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException("path is not valid UTF-8");
        }
    }
}
