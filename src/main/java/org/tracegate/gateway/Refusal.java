package org.tracegate.gateway;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The server's own refusals: decided before any program runs, each with its status.substatus, a cause
 * sentence and advice. A refusal never shows the contents of the file it refused.
 */
public sealed interface Refusal extends GatewayFailure {

    /** The file the URL mapped to, or null when it mapped to none. */
    Path physicalPath();

    /** The request itself is malformed: a bad path, a broken chunked body, an unparsable head. */
    record BadRequest(String reason) implements Refusal {
        public int status() { return 400; }
        public int subStatus() { return 0; }
        public String errorCode() { return "BAD_REQUEST"; }
        public Path physicalPath() { return null; }
        public String cause() { return "The request is malformed: " + reason + "."; }
        public List<String> thingsToTry() {
            return List.of("Check what the client sends: the request line, the path's percent-encoding and, for a "
                    + "chunked body, its chunk sizes and line ends (docs/failures.md).");
        }
    }

    /** Nothing exists at the path: no program, no file, or no mapping at all. */
    record NotFound(String reason, Path physicalPath) implements Refusal {
        public int status() { return 404; }
        public int subStatus() { return 0; }
        public String errorCode() { return "NOT_FOUND"; }
        public String cause() { return "Nothing is served at this URL: " + reason + "."; }
        public List<String> thingsToTry() {
            return List.of("Check the URL against the mappings (bin/tracegate serve --help, docs/configuration.md): "
                    + "a CGI prefix must be followed by the name of a program file in its directory.");
        }
    }

    /** A {@code [[deny]]} rule covers the path (Apache's Require all denied); nothing under it is served. */
    record Denied(String rule, Path physicalPath) implements Refusal {
        public int status() { return 403; }
        public int subStatus() { return 8; }
        public String errorCode() { return "DENIED"; }
        public String cause() { return "Access to this path is denied by the [[deny]] rule " + rule + "."; }
        public List<String> thingsToTry() {
            return List.of("Nothing under a denied path is served, on purpose (data, configuration, tools): if this one "
                    + "should be, narrow the rule in the configuration's [[deny]] tables.");
        }
    }

    /** A directory without an index file; its listing is never shown (IIS 403.14). */
    record DirectoryListingDenied(Path physicalPath) implements Refusal {
        public int status() { return 403; }
        public int subStatus() { return 14; }
        public String errorCode() { return "DIRECTORY_LISTING_DENIED"; }
        public String cause() { return "The URL names a directory without an index file, and directory listings are never served."; }
        public List<String> thingsToTry() {
            return List.of("Request a file in the directory, or add an index.html to it.");
        }
    }

    /** The file exists but is neither executable nor mapped to an interpreter (IIS 403.1). */
    record NotExecutable(String reason, Path physicalPath) implements Refusal {
        public int status() { return 403; }
        public int subStatus() { return 1; }
        public String errorCode() { return "NOT_EXECUTABLE"; }
        public String cause() {
            return "The file exists but may not be executed: " + reason + "; its contents are never served.";
        }
        public List<String> thingsToTry() {
            return List.of("Make the program executable (chmod +x) or map its extension to an interpreter.");
        }
    }

    /** The program or its interpreter is not on the executable allow-list (IIS 404.2). */
    record NotOnAllowList(String reason, Path physicalPath) implements Refusal {
        public int status() { return 404; }
        public int subStatus() { return 2; }
        public String errorCode() { return "NOT_ALLOWED"; }
        public String cause() { return "The program is not allowed to run: " + reason + "."; }
        public List<String> thingsToTry() {
            return List.of("Add the program (or its interpreter) to restrictions.allowed if it should run.");
        }
    }

    /** The interpreter mapping does not accept this method. */
    record MethodNotAllowed(String method, String reason, Path physicalPath) implements Refusal {
        public int status() { return 405; }
        public int subStatus() { return 0; }
        public String errorCode() { return "METHOD_NOT_ALLOWED"; }
        public String cause() { return "The method " + method + " is not allowed: " + reason + "."; }
        public List<String> thingsToTry() {
            return List.of("Add the method to the interpreter mapping's verbs if it should be allowed.");
        }
    }

    /** The request body is over limits.maxRequestBodyBytes (declared, or grown while spooling). */
    record BodyTooLarge(long limit, boolean chunked, Path physicalPath) implements Refusal {
        public int status() { return 413; }
        public int subStatus() { return 0; }
        public String errorCode() { return "BODY_TOO_LARGE"; }
        public String cause() {
            return chunked ? "The chunked request body grew over the limit of " + limit + " bytes."
                    : "The request body is larger than the limit of " + limit + " bytes.";
        }
        public List<String> thingsToTry() {
            return List.of("Send a smaller body, or raise limits.maxRequestBodyBytes.");
        }
    }

    /**
     * The client stopped sending its request body for the connection's idle timeout while the server read it whole
     * (a chunked body, or a FastCGI application's requestBuffering): 408, nginx's client_body_timeout. While the
     * server shuts down its connections wait only a moment for more bytes: then 503 with Retry-After, since the
     * restarted server will take the upload.
     *
     * @param declared the Content-Length, or -1 for a chunked body
     */
    record BodyTimedOut(Duration idle, long received, long declared, boolean stopping, Path physicalPath) implements Refusal {
        public int status() { return stopping ? 503 : 408; }
        public int subStatus() { return 0; }
        public String errorCode() { return stopping ? "SHUTTING_DOWN" : "BODY_TIMEOUT"; }
        public long retryAfterSeconds() { return stopping ? 5 : 0; }
        public String cause() {
            String got = declared >= 0 ? received + " of its " + declared + " bytes had arrived"
                    : received + " bytes of its chunked body had arrived";
            long ms = idle.toMillis();
            String wait = ms % 1000 == 0 ? (ms / 1000) + " s" : ms + " ms";
            return stopping
                    ? "The server is shutting down, and the client sent no more of its request body within the " + wait
                      + " its connections now wait for bytes (" + got + ")."
                    : "The client sent no more of its request body for " + wait + ", the connection's idle timeout (" + got + ").";
        }
        public List<String> thingsToTry() {
            return stopping
                    ? List.of("Retry the upload shortly (see Retry-After): the restarted server takes it.")
                    : List.of("Check the client and the network between: the body stalled. A client that is slow on purpose is "
                              + "cut so; a legitimate one needs limits.idleTimeout raised.");
        }
    }

    /**
     * The server could not hold the request body it reads whole: its spool file could not be made, written or read
     * (a full disk, a quota, permissions). The server's trouble, not the client's.
     */
    record BodyNotStored(String directory, String reason, Path physicalPath) implements Refusal {
        public int status() { return 500; }
        public int subStatus() { return 0; }
        public String errorCode() { return "BODY_NOT_STORED"; }
        public String cause() {
            return "The server could not store the request body in its spool file in " + directory + ": " + reason + ".";
        }
        public List<String> thingsToTry() {
            return List.of("Free space in " + directory + " (limits.spoolDirectory, by default java.io.tmpdir) or fix its"
                    + " permissions: bodies over "
                    + "limits.spoolMemoryBytes, and any body once the in-memory spools hold a quarter of the heap, are held "
                    + "there until the program has read them.");
        }
    }

    /** A request feature the server does not implement, such as a transfer coding other than chunked. */
    record NotImplemented(String reason) implements Refusal {
        public int status() { return 501; }
        public int subStatus() { return 0; }
        public String errorCode() { return "NOT_IMPLEMENTED"; }
        public Path physicalPath() { return null; }
        public String cause() { return "The server does not implement " + reason + "."; }
        public List<String> thingsToTry() {
            return List.of("Send the body with Content-Length or Transfer-Encoding: chunked only (RFC 9112 §6.1).");
        }
    }

    /**
     * suEXEC's checks refused the program a mapping runs as a user of its own (IIS 403.19: cannot execute CGI
     * applications in this pool's identity): another user could change it, or it is setuid.
     */
    record SuexecViolation(String reason, String runAs, Path physicalPath) implements Refusal {
        public int status() { return 403; }
        public int subStatus() { return 19; }
        public String errorCode() { return "SUEXEC"; }
        public String cause() {
            return "The program may not run as " + runAs + ": " + reason + ". A program that runs as its own user must"
                    + " be changeable by that user (or root) alone.";
        }
        public List<String> thingsToTry() {
            return List.of("Make the program and its directory owned by that user or root and not writable by group or"
                            + " others (chmod go-w), and not setuid or setgid.",
                    "See docs/security.md, \"Per-mapping users\", for the exact checks.");
        }
    }

    /**
     * The program failed too often too fast and rests until {@code retryAt} (IIS's rapid-fail protection; our
     * substatus 503.3).
     */
    record CrashLoop(Path physicalPath, int failures, Duration window, Instant retryAt, String lastCause, String setting)
            implements Refusal {
        /** A CGI program's: the protection is the [crashLoop] table's. */
        public CrashLoop(Path physicalPath, int failures, Duration window, Instant retryAt, String lastCause) {
            this(physicalPath, failures, window, retryAt, lastCause, "[crashLoop] (failures = 0 turns it off)");
        }

        public int status() { return 503; }
        public int subStatus() { return 3; }
        public String errorCode() { return "CRASH_LOOP"; }
        public String cause() {
            long in = Math.max(1, Duration.between(Instant.now(), retryAt).toSeconds());
            return "The program is in a crash loop: it failed " + failures + " times within " + window.toSeconds()
                    + " s and will not be started again before " + retryAt + " (in " + in + " s). Its last failure: "
                    + lastCause;
        }
        public long retryAfterSeconds() { return Math.max(1, Duration.between(Instant.now(), retryAt).toSeconds() + 1); }
        public List<String> thingsToTry() {
            return List.of("Fix the last failure quoted above; the program is tried again by itself after the cooldown.",
                    "The protection is configured in " + setting + ".");
        }
    }
}
