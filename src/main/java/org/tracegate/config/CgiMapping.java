package org.tracegate.config;

import java.nio.file.Path;

/**
 * A URL prefix mapped to a directory of programs.
 *
 * @param prefix            URL prefix, starts and ends with '/', e.g. "/cgi-bin/"
 * @param directory         the directory (absolute, normalized)
 * @param passAuthorization pass the Authorization header as HTTP_AUTHORIZATION; default false
 */
public record CgiMapping(String prefix, Path directory, boolean passAuthorization) {}
