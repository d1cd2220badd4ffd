package org.tracegate.site;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tracegate.config.FastCgiMapping;

/**
 * One place URLs are served from, whichever table it came from: a {@code [[cgi]]} directory or program, an
 * {@code [[alias]]}, a {@code [[fastcgi]]} prefix, or the document root. The router works on these alone.
 *
 * @param key               the table it came from, as config errors name it: "cgi[0]", "alias[1]", "documentRoot"
 * @param kind              how a file under it is served
 * @param prefix            URL prefix ending in '/' ("/" for the document root)
 * @param directory         the directory under the prefix
 * @param program           for {@link Kind#PROGRAM}: the one program
 * @param handlers          for {@link Kind#MIXED}: extensions whose (executable) files run as CGI programs
 * @param index             directory URLs run or serve the first of these that exists
 * @param followSymlinks    whether a file's real path may be outside the directory
 * @param passAuthorization whether its programs get HTTP_AUTHORIZATION
 * @param environment       variables its programs get on top of the global ones
 * @param fastcgi           for {@link Kind#FASTCGI}: the application
 */
public record Location(String key, Kind kind, String prefix, Path directory, Path program, Set<String> handlers,
                       List<String> index, boolean followSymlinks, boolean passAuthorization,
                       Map<String, String> environment, FastCgiMapping fastcgi) {

    public enum Kind {
        /** A directory of programs only (a [[cgi]] without handlers): a file that is not a program is 403.1. */
        PROGRAMS,
        /** One program for the whole prefix; the rest of the path is PATH_INFO. */
        PROGRAM,
        /** Static files beside programs: handler extensions and interpreter-mapped scripts run, the rest is served. */
        MIXED,
        /** Everything under the prefix goes to a FastCGI application. */
        FASTCGI
    }

    public Location {
        handlers = Set.copyOf(handlers);
        index = List.copyOf(index);
        environment = Map.copyOf(environment);
    }

    /** "the program-only mapping /cgi-bin/ (cgi[0], directory /srv/cgi)", for messages. */
    public String describe() {
        String what = switch (kind) {
            case PROGRAMS -> "the program-only mapping " + prefix;
            case PROGRAM -> "the mapping " + prefix + ", which runs " + program;
            case MIXED -> (key.equals("documentRoot") ? "the document root" : "the mapping " + prefix);
            case FASTCGI -> "the FastCGI mapping " + prefix;
        };
        return what + " (" + key + (kind == Kind.PROGRAM ? "" : ", directory " + directory) + ")";
    }
}
