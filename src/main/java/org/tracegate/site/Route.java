package org.tracegate.site;

import java.nio.file.Path;
import java.util.List;
import org.tracegate.gateway.Refusal;

/** Where a request goes, as the router decided it. */
public sealed interface Route {

    /**
     * A CGI program runs.
     *
     * @param argv            [program] or [interpreter..., script]
     * @param handlerName     "CGI-exe", or the interpreter mapping's "CGI-php", as IIS shows it
     * @param scriptProcessor the executable that runs
     */
    record Program(Location location, Path script, String scriptName, String pathInfo, List<String> argv,
                   String handlerName, String scriptProcessor) implements Route {}

    /** A FastCGI application runs {@code scriptFilename}; {@code application} is its mapping. */
    record FastCgi(Location location, org.tracegate.config.FastCgiMapping application, String scriptName,
                   String pathInfo, Path scriptFilename) implements Route {}

    /** A static file is served. */
    record File(Location location, Path file) implements Route {}

    /** A directory URL without its trailing slash: the client is sent to the one with it. */
    record Redirect(String location) implements Route {}

    record Refused(Refusal refusal) implements Route {}

    /** Nothing is mapped at the path; {@code why} says what is mapped. */
    record Unmapped(String why) implements Route {}
}
