package org.tracegate.config;

import java.nio.file.Path;
import java.util.List;

/**
 * A URL prefix served by a FastCGI application: an external server (nginx's fastcgi_pass, Apache's
 * mod_proxy_fcgi) at {@code address}, or processes Tracegate starts itself from {@code command} (IIS's
 * FastCgiModule, mod_fcgid). Exactly one of the two is set.
 *
 * @param name        how an {@code [[interpreter]]} names it (fastcgi = "php"), or null
 * @param prefix      URL prefix, starts and ends with '/'; null for an application reached only through an
 *                    interpreter mapping
 * @param directory   where the scripts are: SCRIPT_FILENAME = directory + the path after the prefix, as the
 *                    application sees it (an external server may see another tree than ours)
 * @param extension   only paths whose script ends with it go to the application (".php"), the rest of the path
 *                    being PATH_INFO; null: the whole path names the script
 * @param address     "unix:/run/php/php8.2-fpm.sock" or "tcp:127.0.0.1:9000", or null
 * @param command     the application's argv (it listens on the socket it gets as fd 0), or null
 * @param pool        how many at once, recycling and timeouts (IIS's names)
 * @param environment what the application's processes get, beyond what each request's params carry; for a
 *                    managed pool only
 */
public record FastCgiMapping(String name, String prefix, Path directory, String extension, String address,
                             List<String> command, FastCgiPool pool, EnvironmentPolicy environment) {
    public FastCgiMapping(String prefix, Path directory, String extension, String address, List<String> command,
                          FastCgiPool pool, EnvironmentPolicy environment) {
        this(null, prefix, directory, extension, address, command, pool, environment);
    }

    public FastCgiMapping {
        command = command == null ? null : List.copyOf(command);
        if ((address == null) == (command == null)) {
            throw new IllegalArgumentException("exactly one of address and command is set");
        }
    }

    public boolean managed() { return command != null; }

    /** "unix:/run/php.sock" or "/usr/bin/php-cgi" for messages and traces. */
    public String describe() { return managed() ? String.join(" ", command) : address; }
}
