package org.tracegate.config;

import java.nio.file.Path;

/**
 * A URL prefix mapped to a directory of programs.
 *
 * @param prefix            URL prefix, starts and ends with '/', e.g. "/cgi-bin/"
 * @param directory         the directory (absolute, normalized)
 * @param passAuthorization pass the Authorization header as HTTP_AUTHORIZATION; default false
 * @param user              who this mapping's programs run as, with suEXEC's checks; null: the server-wide
 *                          {@link ServerConfig#programUser()}, no extra checks
 * @param limits            this mapping's program limits; null: the server-wide {@code [limits]}
 */
public record CgiMapping(String prefix, Path directory, boolean passAuthorization, ProgramUser user,
                         ProgramLimits limits) {

    public CgiMapping(String prefix, Path directory, boolean passAuthorization) {
        this(prefix, directory, passAuthorization, null, null);
    }

    public CgiMapping withUser(ProgramUser v) { return new CgiMapping(prefix, directory, passAuthorization, v, limits); }

    public CgiMapping withLimits(ProgramLimits v) { return new CgiMapping(prefix, directory, passAuthorization, user, v); }
}
