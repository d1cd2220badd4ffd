package org.tracegate.analysis;

import java.util.ArrayList;
import java.util.List;
import org.tracegate.traceformats.RecordedEvent;

/**
 * The cause sentences and "what to try next" bullets, in the words of docs/failures.md. One sentence
 * per cause: the operator reads it first and should be able to stop there.
 */
final class Causes {
    private Causes() {}

    static String launchFailed(Analyzer.Facts f) {
        String errno = f.program().launchError();
        return "The CGI program " + f.script() + " could not be started: exec failed with " + errno
                + errnoMeaning(errno) + ".";
    }

    static List<String> launchAdvice(Analyzer.Facts f) {
        String errno = f.program().launchError();
        List<String> a = new ArrayList<>();
        switch (errno) {
            case "ENOENT" -> {
                a.add("Check that the program still exists at the path in the command line.");
                a.add("Check the `#!` line names an interpreter that exists: `head -1 " + f.script() + "`.");
            }
            case "EACCES" -> {
                a.add("Make the program executable (`chmod +x " + f.script() + "`), and every directory on the way searchable.");
                a.add("Check the `#!` interpreter is executable by the server's user.");
            }
            case "ENOEXEC" -> a.add("Add a `#!` line: Tracegate does not fall back to /bin/sh for files without one.");
            default -> a.add("Run the command line by hand as the server's user and read the error.");
        }
        a.add("See docs/failures.md, \"The program could not start: 502.3\".");
        return a;
    }

    static String invalidHeaders(Analyzer.Facts f, RecordedEvent invalid) {
        return "The CGI program " + f.script() + " sent an invalid header block: " + invalid.text("Reason")
                + " at line " + invalid.number("Line") + ".";
    }

    static List<String> invalidHeadersAdvice(Analyzer.Facts f) {
        return List.of(
                "Look at the exact bytes it prints first: `./" + f.script() + " | head -c 512 | od -c`.",
                "Each header is `Name: value` ending in LF or CRLF, the block ends with an empty line, and it needs "
                        + "Content-Type, Location or Status.",
                "See docs/failures.md, \"The header block broke a rule\".");
    }

    static String timeout(Analyzer.Facts f) {
        Diagnosis.Program p = f.program();
        String ran = p == null || p.ran() == null ? "" : " after " + Durations.human(p.ran());
        return "The CGI program " + f.script() + " sent no complete header block within the header timeout and was "
                + "stopped" + ran + ": it hangs, waits for input it will never get, or starts too slowly.";
    }

    static List<String> timeoutAdvice(Analyzer.Facts f) {
        return List.of(
                "Run it by hand with the same request and see where it waits (`strace -f -p PID`).",
                "A program that reads the body must stop after CONTENT_LENGTH bytes, not wait for end of file.",
                "Raise `limits.headerTimeoutSeconds` only if it is really that slow to start.",
                "See docs/failures.md, \"Too slow: 502.1 (or 504.0)\".");
    }

    static String premature(Analyzer.Facts f) {
        Diagnosis.Program p = f.program();
        String verb = f.request().verb();
        boolean noHeaders = p == null || p.headers() == null || p.headers().isEmpty();
        String ended = p != null && p.exit() != null
                ? (p.exit().startsWith("signal") ? " was killed by " + p.exit() : " exited with " + p.exit())
                : " ended";
        String when = p != null && p.ran() != null ? " " + Durations.human(p.ran()) + " after it started," : "";
        String before = noHeaders ? " before sending any HTTP header" : " before finishing its HTTP headers";
        String during = "";
        if (f.hasBody() && f.received() >= (1 << 20)) {
            during = ", while handling a " + Durations.bytes(f.received()) + "-byte " + (verb == null ? "request" : verb);
        }
        String likely;
        if (p != null && p.limit() != null) likely = ": it " + p.limit();
        else if (p != null && p.exit() != null && p.exit().startsWith("signal")) likely = ": it crashed or was killed";
        else if (!during.isEmpty()) likely = ": it most likely crashed or gave up reading or processing the large request body";
        else if (p != null && p.exit() != null) likely = ": it failed and said why only on stderr, if at all";
        else likely = ": it crashed or exited early";
        return "The CGI program " + f.script() + ended + when + before + during + likely + ".";
    }

    static List<String> prematureAdvice(Analyzer.Facts f) {
        List<String> a = new ArrayList<>();
        String verb = f.request().verb() == null ? "GET" : f.request().verb();
        String len = f.hasBody() ? " CONTENT_LENGTH=" + f.received() : "";
        a.add("Run it by hand with the same method" + (f.hasBody() ? " and body size" : "") + " and watch its exit status: `REQUEST_METHOD=" + verb
                + len + " ./" + f.script() + (f.hasBody() ? " < body" : "") + "; echo $?`.");
        String replay = replayCommand(f.request());
        if (replay != null) a.add("Or rerun it exactly as the server did (argv, cwd, environment, body, user): `" + replay + "`; add --gdb for a backtrace.");
        if (f.program() == null || f.program().stderrTail().isEmpty()) {
            a.add(f.request().file().format().equals("session")
                    ? "Read what it printed on stderr: error.log lines tagged with the request id."
                    : "IIS does not keep a CGI program's stderr: run it by hand, or under Tracegate, to see what it says.");
        }
        if (f.hasBody() && f.received() >= (1 << 20)) {
            a.add("Check its own upload and memory limits and the machine's (`ulimit -v`, cgroup memory.max): "
                    + "it died during a " + Durations.bytes(f.received()) + "-byte body.");
        }
        if (f.program() != null && f.program().limit() != null) {
            a.add("It " + f.program().limit() + ": make it need less, or raise that key in [limits] (docs/configuration.md).");
        }
        a.add("If it crashes, get a core dump (`ulimit -c unlimited` for the server) and open it with gdb.");
        return a;
    }

    /** {@code tracegate replay FILE --request ID} when the trace records what a replay needs (CGI_LAUNCH's Environment). */
    static String replayCommand(RequestEvents r) {
        var launch = r.first(org.tracegate.trace.EventNames.CGI_LAUNCH);
        if (launch == null || launch.text("Environment") == null || r.file().source() == null) return null;
        return "tracegate replay " + r.file().source() + " --request '" + r.contextId() + "'";
    }

    static List<String> abortedAdvice(Analyzer.Facts f) {
        return List.of(
                "Read error.log for \"cgi: response aborted\" with this request id.",
                "If the program declares Content-Length, it must send exactly that many bytes.",
                "A program silent for `limits.idleTimeoutSeconds` mid-body is stopped; raise it only for slow producers.",
                "See docs/failures.md, \"After the response started\".");
    }

    static String byStatus(int status, int sub, long win32) {
        String s = status + "." + sub;
        String what = switch (s) {
            case "502.1" -> "The CGI program took longer than the CGI timeout";
            case "502.2" -> "The CGI program returned an incomplete or invalid set of HTTP headers (it most likely "
                    + "ended before sending them)";
            case "502.3" -> "The gateway could not start or reach the program";
            case "502.5" -> "The program's local redirects went round in a loop";
            case "502.7" -> "The operator ended the request (the dashboard's end button or `tracegate requests end`): its "
                    + "program's process group was stopped, or its FastCGI request aborted, before its headers were complete";
            case "503.2" -> "Every CGI slot was busy and the request could not wait";
            case "503.3" -> "The program was resting in a crash loop (rapid-fail protection) and was not started";
            case "403.14" -> "The URL named a directory without an index file; listings are never served";
            case "403.19" -> "suEXEC's checks refused to run the program as its mapping's user";
            case "501.0" -> "The request used a transfer coding the server does not implement";
            case "413.0" -> "The request body was over the size limit";
            default -> switch (status) {
                case 400 -> "The request was malformed";
                case 401 -> "The request needed authentication, or it failed";
                case 403 -> "Access to the resource was refused";
                case 404 -> "The requested program or file does not exist";
                case 405 -> "The method is not allowed for this resource";
                case 500 -> "The server failed while handling the request";
                case 502 -> "The gateway got no usable response from the program";
                case 503 -> "The server was too busy or unavailable";
                case 504 -> "The gateway timed out waiting for the program";
                default -> "The server answered " + s;
            };
        };
        String w = win32Meaning(win32);
        return what + (w.isEmpty() ? "" : " (win32 status " + win32 + ": " + w + ")") + ".";
    }

    static List<String> statusAdvice(Analyzer.Facts f) {
        return List.of(
                "Record a trace of this URL to see what the program did: a Tracegate session (or FREB on IIS), "
                        + "then `tracegate trace analyze` it.",
                "Look the status up in docs/failures.md.");
    }

    private static String errnoMeaning(String errno) {
        return switch (errno) {
            case "ENOENT" -> " (no such file: the program or its #! interpreter is missing)";
            case "EACCES" -> " (permission denied: not executable, or a directory on the way is not searchable)";
            case "ENOEXEC" -> " (not an executable format: a script without a #! line)";
            case "ETXTBSY" -> " (the file is being written)";
            case "E2BIG" -> " (the environment and arguments are too large)";
            case "ENOMEM", "EAGAIN" -> " (out of memory or process slots)";
            default -> "";
        };
    }

    private static String win32Meaning(long code) {
        return switch ((int) code) {
            case 2 -> "file not found";
            case 3 -> "path not found";
            case 5 -> "access denied";
            case 64 -> "the client's connection went away";
            case 121 -> "a semaphore timeout: the client or network stalled";
            case 1236 -> "the connection was aborted by the server";
            case 258 -> "a wait timed out";
            default -> "";
        };
    }
}
