package org.tracegate.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A URL prefix served from another directory (Apache's Alias): static files, and — as everywhere — a file whose
 * extension an {@code [[interpreter]]} maps runs through it (a .php is never sent as its source). With
 * {@code handlers}, executable files with those extensions run as CGI programs too (Options +ExecCGI with
 * AddHandler).
 *
 * @param prefix         URL prefix, starts and ends with '/'
 * @param directory      the directory (absolute, normalized)
 * @param handlers       extensions of files that run as CGI programs; default none
 * @param index          directory URLs run or serve the first of these that exists; default ["index.html"]
 * @param user           who its programs run as (suEXEC's checks apply); null: the server-wide user
 * @param limits         its programs' limits; null: the server-wide ones
 * @param environment    variables its programs get on top of the global {@code [environment]}
 * @param followSymlinks whether files reached through symlinks out of the directory are served; default false
 */
public record AliasMapping(String prefix, Path directory, List<String> handlers, List<String> index, ProgramUser user,
                           ProgramLimits limits, Map<String, String> environment, boolean followSymlinks) {
    public AliasMapping {
        handlers = List.copyOf(handlers);
        index = List.copyOf(index);
        environment = Map.copyOf(environment);
    }

    public AliasMapping(String prefix, Path directory) {
        this(prefix, directory, List.of(), List.of("index.html"), null, null, Map.of(), false);
    }
}
