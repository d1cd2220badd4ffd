package org.tracegate.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A URL prefix mapped to programs (Apache's ScriptAlias): a directory of programs, or one program for the whole
 * prefix ({@code ScriptAlias /cgit/ /usr/lib/cgit/cgit.cgi/}: the rest of the path is PATH_INFO).
 *
 * @param prefix            URL prefix, starts and ends with '/', e.g. "/cgi-bin/"
 * @param directory         the programs' directory (absolute, normalized); for {@code program}, its directory
 * @param program           the one program the whole prefix runs, or null for a directory of programs
 * @param handlers          in a directory: extensions that run ({@code [".cgi"]}, Apache's AddHandler); every other
 *                          file is served as a static file. Empty: a program-only directory, where a file that
 *                          is not a program is 403.1
 * @param index             directory URLs run or serve the first of these that exists
 * @param passAuthorization pass the Authorization header as HTTP_AUTHORIZATION; default false
 * @param user              who this mapping's programs run as, with suEXEC's checks; null: the server-wide
 *                          {@link ServerConfig#programUser()}, no extra checks
 * @param limits            this mapping's program limits; null: the server-wide {@code [limits]}
 * @param environment       variables this mapping's programs get on top of the global {@code [environment]}
 * @param followSymlinks    whether a file reached through a symlink out of the directory is served (Apache's
 *                          FollowSymLinks); default false
 */
public record CgiMapping(String prefix, Path directory, Path program, List<String> handlers, List<String> index,
                         boolean passAuthorization, ProgramUser user, ProgramLimits limits,
                         Map<String, String> environment, boolean followSymlinks) {

    public CgiMapping {
        handlers = List.copyOf(handlers);
        index = List.copyOf(index);
        environment = Map.copyOf(environment);
    }

    /** A program-only directory, as [[cgi]] has always been. */
    public CgiMapping(String prefix, Path directory, boolean passAuthorization) {
        this(prefix, directory, null, List.of(), List.of(), passAuthorization, null, null, Map.of(), false);
    }

    /** The whole prefix runs {@code program}. */
    public static CgiMapping program(String prefix, Path program) {
        return new CgiMapping(prefix, program.getParent(), program, List.of(), List.of(), false, null, null, Map.of(), false);
    }

    public CgiMapping withUser(ProgramUser v) { return new CgiMapping(prefix, directory, program, handlers, index, passAuthorization, v, limits, environment, followSymlinks); }

    public CgiMapping withLimits(ProgramLimits v) { return new CgiMapping(prefix, directory, program, handlers, index, passAuthorization, user, v, environment, followSymlinks); }

    public CgiMapping withHandlers(List<String> v) { return new CgiMapping(prefix, directory, program, v, index, passAuthorization, user, limits, environment, followSymlinks); }

    public CgiMapping withIndex(List<String> v) { return new CgiMapping(prefix, directory, program, handlers, v, passAuthorization, user, limits, environment, followSymlinks); }

    public CgiMapping withEnvironment(Map<String, String> v) { return new CgiMapping(prefix, directory, program, handlers, index, passAuthorization, user, limits, v, followSymlinks); }
}
