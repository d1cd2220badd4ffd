package org.tracegate.gateway;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.tracegate.config.FastCgiMapping;

/**
 * Maps a URL under a {@code [[fastcgi]]} prefix to the script the application runs, nginx's
 * {@code fastcgi_split_path_info} way: with an extension, the first path segment ending in it names the script
 * and the rest is PATH_INFO ({@code /app/index.php/about} → {@code index.php}, PATH_INFO {@code /about}); a
 * path with no such segment is not the application's. Without one, the whole path names the script.
 * SCRIPT_FILENAME is the mapping's directory plus the script's path. The same path rules as for CGI refuse
 * dot segments, encoded separators and NULs; for a managed pool (whose scripts are on this machine) a script
 * that does not exist is 404.0 here, for an external server the server says so itself.
 */
public final class FastCgiMapper {
    private final List<FastCgiMapping> mappings;

    public FastCgiMapper(List<FastCgiMapping> mappings) {
        this.mappings = mappings.stream().sorted(Comparator.comparingInt((FastCgiMapping m) -> m.prefix().length())
                .reversed()).toList();
    }

    public sealed interface Result {}

    /**
     * A script for the application.
     *
     * @param scriptName     the decoded URL path naming the script
     * @param pathInfo       the decoded rest, "" when none
     * @param scriptFilename SCRIPT_FILENAME: the mapping's directory plus the script's path
     */
    public record Script(FastCgiMapping mapping, String scriptName, String pathInfo, Path scriptFilename)
            implements Result {}

    public record Refused(Refusal refusal) implements Result {}

    public record NotMapped() implements Result {}

    public Result map(String rawPath) {
        FastCgiMapping mapping = null;
        for (FastCgiMapping m : mappings) {
            if (rawPath.startsWith(m.prefix())) { mapping = m; break; }
        }
        if (mapping == null) return new NotMapped();
        List<String> segments = new ArrayList<>();
        for (String raw : rawPath.substring(mapping.prefix().length()).split("/", -1)) {
            String seg;
            try {
                seg = ScriptMapper.decodeSegment(raw);
            } catch (IllegalArgumentException e) {
                return new Refused(new Refusal.BadRequest(e.getMessage()));
            }
            if (seg.equals("..") || seg.equals(".")) return new Refused(new Refusal.BadRequest("dot segment in path"));
            segments.add(seg);
        }
        int end = -1;
        if (mapping.extension() == null) {
            end = segments.size() - 1;
        } else {
            for (int i = 0; i < segments.size(); i++) {
                if (segments.get(i).endsWith(mapping.extension()) && segments.get(i).length() > mapping.extension().length()) {
                    end = i;
                    break;
                }
            }
            if (end < 0) return new NotMapped();
        }
        List<String> script = segments.subList(0, end + 1);
        if (script.isEmpty() || script.getLast().isEmpty()) {
            return new Refused(new Refusal.NotFound("no script named in the path", mapping.directory()));
        }
        Path file = mapping.directory();
        for (String seg : script) file = file.resolve(seg);
        String base = mapping.prefix().substring(0, mapping.prefix().length() - 1);
        String scriptName = base + "/" + String.join("/", script);
        String pathInfo = end + 1 < segments.size() ? "/" + String.join("/", segments.subList(end + 1, segments.size())) : "";
        if (mapping.managed() && !Files.isRegularFile(file)) {
            return new Refused(new Refusal.NotFound("no such script", file));
        }
        return new Script(mapping, scriptName, pathInfo, file);
    }
}
