package org.tracegate.analysis;

import static org.tracegate.trace.EventNames.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.tracegate.traceformats.RecordedEvent;

/**
 * The rules for a request that went to a FastCGI application (it has FASTCGI_REQUEST_START): the application
 * could not be reached, had no free instance, was stopped by rapid-fail protection, refused the request in
 * END_REQUEST, sent no headers in time, or its worker died or closed the connection — each in the words of
 * docs/fastcgi.md, with the worker's pid, its request number and how it ended.
 */
final class FastCgiFindings {
    private static final Set<String> REFUSALS = Set.of("OVERLOADED", "CANT_MPX_CONN", "UNKNOWN_ROLE");

    private FastCgiFindings() {}

    static boolean applies(RequestEvents r) {
        return r.first(FASTCGI_REQUEST_START) != null;
    }

    /** The worker as the trace knows it: pid (-1 for an external server), command line or address, how it ended. */
    static Diagnosis.Program program(RequestEvents r, String script, String exit) {
        RecordedEvent start = r.first(FASTCGI_REQUEST_START);
        RecordedEvent assign = r.last(FASTCGI_ASSIGN_PROCESS);
        RecordedEvent head = r.last(FASTCGI_RESPONSE_HEADERS);
        RecordedEvent end = r.last(FASTCGI_END);
        Duration ran = assign == null || end == null ? null : Duration.between(assign.time(), end.time());
        String commandLine = assign != null && assign.text("CommandLine") != null ? assign.text("CommandLine")
                : start.text("Application");
        List<String> stderr = r.all(CGI_STDERR).stream().map(e -> Analyzer.orEmpty(e.text("Text"))).toList();
        return new Diagnosis.Program(script, assign == null ? -1 : assign.number("ProcessId"), commandLine, null, ran,
                exit, head == null ? (assign == null ? null : "") : Analyzer.orEmpty(head.text("Headers")),
                Analyzer.tail(stderr), null);
    }

    /** The finding for a failed FastCGI request, or null when no FastCGI rule explains it. */
    static Finding find(Analyzer.Facts f) {
        RequestEvents r = f.request();
        String app = Analyzer.orEmpty(r.first(FASTCGI_REQUEST_START).text("Application"));
        RecordedEvent set = r.last(MODULE_SET_RESPONSE_ERROR_STATUS);
        RecordedEvent end = r.last(FASTCGI_END);
        RecordedEvent broke = r.first(FASTCGI_UNEXPECTED_EXIT);
        RecordedEvent aborted = r.first(CGI_RESPONSE_ABORTED);
        String status = r.statusText();
        String errorCode = set == null ? "" : Analyzer.orEmpty(set.text("ErrorCode"));
        String worker = worker(r, f.program());

        if (status.equals("502.3") && r.first(FASTCGI_ASSIGN_PROCESS) == null) {
            return new Finding("FastCGI application unreachable (" + errorCode + ")",
                    "The FastCGI application at " + app + " could not be reached: the connect failed with " + errorCode
                            + errnoMeaning(errorCode) + ".",
                    unreachableAdvice(errorCode, app), "the FastCGI application at " + app + " could not be reached ("
                            + errorCode + ")");
        }
        if (status.equals("503.2")) {
            return new Finding("no free FastCGI instance",
                    "Every instance of the FastCGI application " + app + " was busy and the request waited its "
                            + "queueTimeout in vain: the pool is saturated.",
                    List.of("Look for requests that run long (the access log's time-taken, `tracegate requests` "
                                    + "while it happens) and why.",
                            "Raise maxInstances (a managed pool) or the server's workers (php-fpm's pm.max_children) if "
                                    + "the machine has room; raise queueTimeout only if a slower answer is better than none.",
                            "See docs/fastcgi.md, \"Failures\"."),
                    "no instance of " + app + " was free within the queue timeout");
        }
        if (status.equals("503.3")) {
            return new Finding("FastCGI pool stopped (rapid-fail protection)",
                    "The FastCGI pool " + app + " was stopped by rapid-fail protection: its workers failed "
                            + "rapidFailsPerMinute times within a minute, so requests are refused until it recovers.",
                    List.of("Read the failures before this one in the same trace or error.log: the last failure's "
                                    + "cause is on the 503.3 page.",
                            "Run the command by hand to see it start (php-cgi -b 127.0.0.1:9999).",
                            "See docs/fastcgi.md, \"Failures\"."),
                    "the pool " + app + " was stopped by rapid-fail protection");
        }
        String protocolStatus = end == null ? "" : Analyzer.orEmpty(end.text("ProtocolStatus"));
        if (REFUSALS.contains(protocolStatus)) {
            return new Finding("FastCGI request refused (" + protocolStatus + ")",
                    "The FastCGI application " + app + " refused the request in its END_REQUEST: " + switch (protocolStatus) {
                        case "OVERLOADED" -> "it is overloaded (FCGI_OVERLOADED)";
                        case "CANT_MPX_CONN" -> "it cannot take a second request on one connection (FCGI_CANT_MPX_CONN)";
                        default -> "it does not play the RESPONDER role (FCGI_UNKNOWN_ROLE)";
                    } + ".",
                    List.of(protocolStatus.equals("OVERLOADED")
                                    ? "Give the application more workers, or lower maxInstances so Tracegate queues instead."
                                    : "The address may name the wrong kind of server: check it is a FastCGI responder such as php-fpm.",
                            "See docs/fastcgi.md, \"Failures\"."),
                    "the FastCGI application " + app + " refused the request (" + protocolStatus + ")");
        }
        if (status.equals("502.1")) {
            Diagnosis.Program p = f.program();
            String ran = p == null || p.ran() == null ? "" : " after " + Durations.human(p.ran());
            return new Finding("FastCGI timeout",
                    "The FastCGI application " + app + " did not complete its headers within its activity or request "
                            + "timeout and the request was aborted" + ran + worker(worker) + ": the script hangs or waits "
                            + "for something slow (a database, a lock, a remote API).",
                    List.of("Find what the script waits for: its stderr, a slow-query log, or `strace -p` on the worker "
                                    + "while it hangs.",
                            "Raise activityTimeout / requestTimeout in its [[fastcgi]] table only if it is really that slow.",
                            "See docs/fastcgi.md, \"Failures\"."),
                    "the FastCGI application " + app + " sent no complete header block in time" + ran);
        }
        if (broke != null) {
            String how = Analyzer.orEmpty(broke.text("Detail"));
            String exit = f.program() == null ? null : f.program().exit();
            boolean none = f.program() == null || f.program().headers() == null || f.program().headers().isEmpty();
            List<String> advice = new ArrayList<>();
            advice.add(exit != null && exit.startsWith("signal SIGKILL")
                    ? "SIGKILL comes from outside: the OOM killer (`dmesg | grep -i oom`), an operator, or a supervisor."
                    : "Read the worker's stderr above and the application's own log (php-fpm: \"child N exited on signal …\").");
            advice.add("A worker killed mid-request (OOM killer, a crash, max_execution_time, pm.max_requests) closes "
                    + "its connection: check dmesg and the FastCGI server's log at that time.");
            if (exit != null && exit.contains("core dumped")) {
                advice.add("It dumped core: open the core with gdb to see where it crashed.");
            }
            advice.add("See docs/fastcgi.md, \"Failures\".");
            return new Finding(none ? "FastCGI worker ended before any header" : "FastCGI worker ended in its headers",
                    "The FastCGI application " + app + " " + how + worker(worker) + ".", advice,
                    "the FastCGI application " + app + " " + how + worker(worker));
        }
        if (aborted != null) {
            return new Finding("FastCGI response cut off",
                    "The response from the FastCGI application " + app + " was cut off after it had started: "
                            + aborted.text("Reason") + worker(worker) + ".",
                    Causes.abortedAdvice(f),
                    "the response from " + app + " was cut off (" + aborted.text("Reason") + ")");
        }
        if (r.status() == 404 && r.all(CGI_STDERR).stream().anyMatch(e -> Analyzer.orEmpty(e.text("Text"))
                .contains("Primary script unknown"))) {
            String file = Analyzer.orEmpty(r.first(FASTCGI_REQUEST_START).text("ScriptFilename"));
            return new Finding("script unknown to the FastCGI application",
                    "The FastCGI application " + app + " has no script " + file + " (it said \"Primary script unknown\"): "
                            + "the file is missing, or the application sees another file system (a chroot, a container).",
                    List.of("Check the file exists where the application looks: `ls -l " + file + "`.",
                            "The [[fastcgi]] table's directory must be the path as the FastCGI server sees it.",
                            "See docs/fastcgi.md, \"Failures\"."),
                    "the FastCGI application " + app + " has no script " + file);
        }
        return null;
    }

    /** "worker pid 4242, its 17th request" — or "" for an external server, whose pid we do not know. */
    private static String worker(RequestEvents r, Diagnosis.Program p) {
        RecordedEvent assign = r.last(FASTCGI_ASSIGN_PROCESS);
        if (assign == null || assign.number("ProcessId") <= 0) return "";
        String exit = p == null || p.exit() == null ? "" : p.exit().startsWith("signal") ? ", killed by " + p.exit()
                : p.exit().startsWith("exit status") ? ", " + p.exit() : "";
        return "worker pid " + assign.number("ProcessId") + " (request " + assign.number("RequestNumber") + " for it"
                + exit + ")";
    }

    private static String worker(String w) {
        return w.isEmpty() ? "" : "; " + w;
    }

    private static List<String> unreachableAdvice(String errno, String app) {
        String first = switch (errno) {
            case "ENOENT" -> "No socket at that path: is the FastCGI server (php-fpm) running, and is " + app + " its listen address?";
            case "ECONNREFUSED" -> "Nothing listens there: start the FastCGI server, or correct the address.";
            case "EAGAIN" -> "Its listen queue is full: the server is overloaded; raise its workers or its listen.backlog.";
            case "ETIMEDOUT" -> "The connect did not complete: is the host reachable and the port open?";
            case "EACCES" -> "Permission denied on the socket: the server's user must be able to connect (listen.owner, listen.mode).";
            default -> "Check the address in [[fastcgi]] and that the FastCGI server runs.";
        };
        return List.of(first, "See docs/fastcgi.md, \"Failures\".");
    }

    private static String errnoMeaning(String errno) {
        return switch (errno) {
            case "ENOENT" -> " (no socket at that path)";
            case "ECONNREFUSED" -> " (nothing listens there)";
            case "EAGAIN" -> " (the listen queue is full)";
            case "ETIMEDOUT" -> " (the connect timed out)";
            case "EACCES" -> " (permission denied on the socket)";
            case "ECONNRESET" -> " (the connection was reset)";
            default -> "";
        };
    }
}
