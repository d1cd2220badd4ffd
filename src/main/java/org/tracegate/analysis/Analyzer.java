package org.tracegate.analysis;

import static org.tracegate.trace.EventNames.*;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.tracegate.traceformats.RecordedEvent;
import org.tracegate.traceformats.TraceFile;

/**
 * Turns a file's events into diagnoses of its failed requests. The rules are ordered by how much
 * they explain: a launch that failed, an invalid header block, a header timeout, a program that ended
 * before its headers, a response cut off; FastCGI's own rules first for a FastCGI request; a program that
 * answered 5xx itself; and last the status alone (all a W3C log has).
 */
public final class Analyzer {
    /** Requests with more body than this are "large" for the cause sentence: bodies that size are where programs die. */
    private static final long LARGE_BODY = 1 << 20;
    private static final Set<String> TIMELINE = Set.of(GENERAL_REQUEST_START, CGI_LAUNCH, CGI_HEADERS_RECEIVED,
            CGI_INVALID_HEADERS, CGI_TIMEOUT, CGI_PREMATURE_TERMINATION, CGI_RESPONSE_ABORTED, CGI_EXIT,
            FASTCGI_REQUEST_START, FASTCGI_ASSIGN_PROCESS, FASTCGI_RESPONSE_HEADERS, FASTCGI_UNEXPECTED_EXIT, FASTCGI_END,
            CGI_CRASH_DUMP, MODULE_SET_RESPONSE_ERROR_STATUS, GENERAL_REQUEST_END);
    private static final int MAX_TIMELINE = 12;
    private static final int STDERR_TAIL = 5;
    private static final int MAX_RESPONSE_BYTES = 1024;

    private Analyzer() {}

    /** Every request in the files, and the diagnoses of those that failed. */
    public static Report analyze(List<TraceFile> files) {
        List<Diagnosis> failures = new ArrayList<>();
        int requests = 0;
        for (TraceFile f : files) {
            for (RequestEvents r : RequestEvents.group(f)) {
                requests++;
                if (r.failed()) failures.add(diagnose(r));
            }
        }
        return new Report(files, requests, failures);
    }

    public static Diagnosis diagnose(RequestEvents r) {
        RecordedEvent launch = r.first(CGI_LAUNCH);
        RecordedEvent invalid = r.first(CGI_INVALID_HEADERS);
        RecordedEvent timeout = r.first(CGI_TIMEOUT);
        RecordedEvent premature = r.first(CGI_PREMATURE_TERMINATION);
        RecordedEvent aborted = r.first(CGI_RESPONSE_ABORTED);
        RecordedEvent exitEvent = r.last(CGI_EXIT);
        RecordedEvent fail = invalid != null ? invalid : timeout != null ? timeout : premature;

        String script = r.script();
        boolean fastCgi = FastCgiFindings.applies(r);
        Diagnosis.Program program = null;
        if (fastCgi) {
            script = RequestEvents.baseName(orEmpty(r.first(FASTCGI_REQUEST_START).text("ScriptFilename")));
            String exit = exit(null, r.first(FASTCGI_UNEXPECTED_EXIT));
            // A managed worker the server killed after a timeout has no UNEXPECTED_EXIT, but it did die: its DIED says
            // so. The DIED of the process that served the request last (a request sent again had another before).
            RecordedEvent assigned = r.last(FASTCGI_ASSIGN_PROCESS);
            RecordedEvent died = r.all(FASTCGI_PROCESS_DIED).stream()
                    .filter(d -> assigned == null || d.number("ProcessId") == assigned.number("ProcessId"))
                    .reduce((a, b) -> b).orElse(null);
            String diedOf = died == null ? null : exit(null, died);
            if (exit == null && diedOf != null) {
                boolean signalled = !orEmpty(died.text("Signal")).isEmpty();
                exit = diedOf + (died.flag("Unexpected") ? "" : signalled ? ", ended by the server" : ", by itself");
            }
            program = FastCgiFindings.program(r, script, exit != null ? exit
                    : r.first(FASTCGI_UNEXPECTED_EXIT) == null && died == null
                    ? "did not exit (a FastCGI worker outlives its requests)" : null);
        } else if (launch != null) {
            boolean launchFailed = RequestEvents.launchFailed(launch);
            RecordedEvent until = exitEvent != null ? exitEvent : fail != null ? fail : aborted != null ? aborted
                    : r.last(GENERAL_REQUEST_END);
            Duration ran = launchFailed || until == null ? null : Duration.between(launch.time(), until.time());
            String headers = fail != null ? orEmpty(fail.text("Headers"))
                    : r.first(CGI_HEADERS_RECEIVED) != null ? orEmpty(r.first(CGI_HEADERS_RECEIVED).text("Headers")) : null;
            List<String> stderr = r.all(CGI_STDERR).stream().map(e -> orEmpty(e.text("Text"))).toList();
            program = new Diagnosis.Program(script, launchFailed ? -1 : launch.number("ProcessId"),
                    launch.text("CommandLine"), launchFailed ? launch.text("ErrorCode") : null, ran,
                    exit(premature, exitEvent), headers, tail(stderr), limit(exitEvent), crash(r.last(CGI_CRASH_DUMP)));
        }

        long received = r.endNumber("BytesReceived");
        Facts facts = new Facts(r, script, program, received);
        Finding found = fastCgi ? FastCgiFindings.find(facts) : null;
        if (found == null) found = cgi(facts, invalid, timeout, premature, aborted);
        if (found == null) found = OwnFailure.find(facts);
        if (found == null) {
            found = new Finding("status " + r.statusText(), Causes.byStatus(r.status(), r.subStatus(),
                    r.endNumber("Win32Status")), Causes.statusAdvice(facts), null);
        }
        String kind = found.kind();
        String cause = found.cause();
        List<String> advice = found.advice();
        if (program != null && program.crash() != null && program.crash().crashedIn().isEmpty()
                && !program.crash().problem().isEmpty()) {
            advice = new ArrayList<>(advice);
            advice.add("No backtrace: " + program.crash().problem() + ".");
        }
        String did = found.did();

        String path = r.path() == null ? "(unknown URL)" : r.path();
        String verb = r.verb() == null ? "(unknown method)" : r.verb();
        String request = facts.hasBody() ? verb + " of " + Durations.bytes(received) + " bytes to " + path : verb + " " + path;
        String headline = request + (did == null ? "" : "; " + did) + "; " + r.statusText() + " was returned.";

        byte[] response = responseBytes(r);
        RecordedEvent buffer = r.last(GENERAL_RESPONSE_ENTITY_BUFFER);
        List<String> notes = new ArrayList<>(r.file().notes());
        if (r.file().format().equals("etw-rows")) {
            notes.add("IIS ETW rows have one-second timestamps: gaps under a second show as 0 s");
        }
        return new Diagnosis(r.file().source().toString(), r.file().formatDescription(), r.contextId(), r.verb(),
                r.url(), r.path(), script, received, r.endNumber("BytesSent"), r.statusText(), r.endNumber("Win32Status"),
                r.endNumber("TimeTaken"), timeline(r), program, headline, cause, kind, advice, response,
                buffer == null ? -1 : buffer.number("TotalBytes"), notes);
    }

    /** CGI_CRASH_DUMP's facts, or null. */
    private static Diagnosis.Crash crash(RecordedEvent e) {
        if (e == null) return null;
        String bt = orEmpty(e.text("Backtrace"));
        return new Diagnosis.Crash(orEmpty(e.text("Signal")), orEmpty(e.text("CrashedIn")),
                bt.isEmpty() ? List.of() : List.of(bt.split("\n")), orEmpty(e.text("CorePath")), orEmpty(e.text("Problem")));
    }

    /** The program file for gdb: the command line's first word. */
    private static String executable(Diagnosis.Program p) {
        String c = p.commandLine() == null ? "" : p.commandLine().strip();
        if (c.startsWith("\"")) {
            int end = c.indexOf('"', 1);
            return end > 0 ? c.substring(1, end) : c;
        }
        int sp = c.indexOf(' ');
        return sp < 0 ? c : c.substring(0, sp);
    }

    /** The CGI rules, in order of how much they explain; null when none applies. */
    private static Finding cgi(Facts facts, RecordedEvent invalid, RecordedEvent timeout, RecordedEvent premature,
                               RecordedEvent aborted) {
        Diagnosis.Program program = facts.program();
        String script = facts.script();
        if (program != null && program.launchError() != null) {
            return new Finding("could not start (" + program.launchError() + ")", Causes.launchFailed(facts),
                    Causes.launchAdvice(facts),
                    "the program " + script + " could not be started (" + program.launchError() + ")");
        }
        if (program != null && program.crash() != null && !program.crash().crashedIn().isEmpty()) {
            Diagnosis.Crash c = program.crash();
            boolean none = program.headers() == null || program.headers().isEmpty();
            String when = premature == null ? "" : none ? " before sending any header" : " in the middle of its headers";
            List<String> advice = new ArrayList<>();
            advice.add("Open the core where it crashed: `gdb " + executable(program) + " " + c.core() + "` (then `bt full`, `info locals`).");
            String replay = Causes.replayCommand(facts.request());
            if (replay != null) advice.add("Replay the request offline under gdb: `" + replay + " --gdb`.");
            advice.add("The whole backtrace is in the trace's CGI_CRASH_DUMP event and beside the core (.txt).");
            return new Finding("crashed (" + c.signal() + ")", "The program " + script + " " + c.crashedIn() + when + ".",
                    advice, "the program " + who(facts) + " " + c.crashedIn());
        }
        if (invalid != null) {
            return new Finding("invalid header block", Causes.invalidHeaders(facts, invalid),
                    Causes.invalidHeadersAdvice(facts), "the program " + who(facts) + " sent an invalid header block ("
                            + invalid.text("Reason") + " at line " + invalid.number("Line") + ")");
        }
        if (timeout != null) {
            return new Finding("no complete headers in time (timeout)", Causes.timeout(facts), Causes.timeoutAdvice(facts),
                    "the program " + who(facts) + " sent no complete header block" + ranFor(program) + " and was stopped");
        }
        if (premature != null) {
            boolean none = program == null || program.headers() == null || program.headers().isEmpty();
            return new Finding(none ? "ended before any header" : "ended in the middle of its headers",
                    Causes.premature(facts), Causes.prematureAdvice(facts),
                    "the program " + who(facts) + (program != null && program.ran() != null
                            ? " ran " + Durations.human(program.ran()) + " and" : "") + " ended"
                            + (program != null && program.exit() != null ? " (" + program.exit() + ")" : "")
                            + (none ? " before sending any header (Headers= empty)"
                                    : " after sending only part of its headers (" + program.headers().length() + " bytes)"));
        }
        if (aborted != null) {
            return new Finding("response cut off",
                    "The response was cut off after it had started: " + aborted.text("Reason") + ".",
                    Causes.abortedAdvice(facts),
                    "the response from " + who(facts) + " was cut off (" + aborted.text("Reason") + ")");
        }
        return null;
    }

    /** The last few stderr lines: the end of what a program said is where it says why it stopped. */
    static List<String> tail(List<String> stderr) {
        return stderr.subList(Math.max(0, stderr.size() - STDERR_TAIL), stderr.size());
    }

    /** What the reports need about the request, for the cause and advice sentences. */
    record Facts(RequestEvents request, String script, Diagnosis.Program program, long received) {
        /**
         * Whether the request carried a body worth naming. IIS's BytesReceived counts the request
         * head too, so for GET and HEAD it is a few hundred bytes of headers, not a body.
         */
        boolean hasBody() {
            String verb = request.verb();
            return received > 0 && verb != null && !verb.equals("GET") && !verb.equals("HEAD");
        }
    }

    private static String who(Facts f) {
        return f.script() + (f.program() != null && f.program().pid() > 0 ? " (pid " + f.program().pid() + ")" : "");
    }

    private static String ranFor(Diagnosis.Program p) {
        return p == null || p.ran() == null ? "" : " in " + Durations.human(p.ran());
    }

    /** Our events say how the program ended; IIS's do not (null). */
    private static String exit(RecordedEvent premature, RecordedEvent exitEvent) {
        RecordedEvent e = exitEvent != null ? exitEvent : premature;
        if (e == null) return null;
        String signal = e.text("Signal");
        String code = e.text("ExitCode");
        if (signal != null && !signal.isEmpty()) {
            return "signal " + signal + (e.flag("CoreDumped") ? " (core dumped)" : "");
        }
        if (code != null && !code.isEmpty()) return "exit status " + code;
        return null;
    }

    private static List<Diagnosis.Step> timeline(RequestEvents r) {
        List<Diagnosis.Step> steps = new ArrayList<>();
        for (RecordedEvent e : r.events()) {
            if (!TIMELINE.contains(e.name())) continue;
            if (steps.size() == MAX_TIMELINE - 1 && !e.name().equals(GENERAL_REQUEST_END)) continue;
            steps.add(new Diagnosis.Step(e.time(), e.name(), detail(e)));
        }
        return steps;
    }

    private static String detail(RecordedEvent e) {
        return switch (e.name()) {
            case GENERAL_REQUEST_START -> orEmpty(e.text("RequestVerb"));
            case CGI_LAUNCH -> RequestEvents.launchFailed(e) ? "ErrorCode " + e.text("ErrorCode")
                    : "pid " + e.number("ProcessId");
            case CGI_HEADERS_RECEIVED -> orEmpty(e.text("Headers")).length() + " header bytes";
            case CGI_PREMATURE_TERMINATION, CGI_TIMEOUT -> headersDetail(e.text("Headers"))
                    + (exit(e, null) == null ? "" : ", " + exit(e, null));
            case FASTCGI_REQUEST_START -> orEmpty(e.text("Application"));
            case FASTCGI_ASSIGN_PROCESS -> (e.number("ProcessId") > 0 ? "pid " + e.number("ProcessId") + ", " : "")
                    + "request " + e.number("RequestNumber") + (e.flag("IsNewProcess") ? ", new" : ", kept");
            case FASTCGI_RESPONSE_HEADERS -> orEmpty(e.text("Headers")).length() + " header bytes";
            case FASTCGI_UNEXPECTED_EXIT -> orEmpty(e.text("Stage")) + ", " + orEmpty(e.text("ErrorCode"))
                    + (exit(null, e) == null ? "" : ", " + exit(null, e));
            case FASTCGI_END -> orEmpty(e.text("End")) + (orEmpty(e.text("ProtocolStatus")).isEmpty() ? ""
                    : " " + e.text("ProtocolStatus") + ", appStatus " + e.number("AppStatus"));
            case CGI_INVALID_HEADERS -> e.text("Reason") + " at line " + e.number("Line");
            case CGI_RESPONSE_ABORTED -> orEmpty(e.text("Reason"));
            case CGI_EXIT -> (exit(null, e) == null ? "" : exit(null, e))
                    + (e.text("EndedBy") == null ? "" : ", ended by " + e.text("EndedBy"))
                    + (limit(e) == null ? "" : "; it " + limit(e));
            case CGI_CRASH_DUMP -> !orEmpty(e.text("CrashedIn")).isEmpty() ? e.text("CrashedIn")
                    : orEmpty(e.text("Signal")) + (orEmpty(e.text("Problem")).isEmpty() ? "" : ", " + e.text("Problem"));
            case MODULE_SET_RESPONSE_ERROR_STATUS -> e.number("HttpStatus") + "." + Math.max(0, e.number("HttpSubStatus"))
                    + (e.text("ErrorCode") == null ? "" : " ErrorCode " + e.text("ErrorCode"));
            case GENERAL_REQUEST_END -> e.number("HttpStatus") + "." + Math.max(0, e.number("HttpSubStatus"))
                    + (e.number("BytesSent") >= 0 ? ", sent " + Durations.bytes(e.number("BytesSent")) + " bytes" : "");
            default -> "";
        };
    }

    /** The limit that fired, in words, or null (our CGI_EXIT has LimitDetail; IIS's has no such field). */
    private static String limit(RecordedEvent exitEvent) {
        String d = exitEvent == null ? null : exitEvent.text("LimitDetail");
        return d == null || d.isEmpty() ? null : d;
    }

    private static String headersDetail(String headers) {
        return headers == null || headers.isEmpty() ? "Headers= (empty)" : "Headers= " + headers.length() + " bytes";
    }

    /** The status line and headers, a blank line, then the body prefix: the bytes as the client got them. */
    private static byte[] responseBytes(RequestEvents r) {
        RecordedEvent head = r.last(GENERAL_RESPONSE_HEADERS);
        RecordedEvent body = r.last(GENERAL_RESPONSE_ENTITY_BUFFER);
        if (head == null && body == null) return null;
        String text = (head == null ? "" : orEmpty(head.text("Headers")) + "\r\n") + (body == null ? "" : orEmpty(body.text("Buffer")));
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1); // the trace keeps bytes as latin-1 text
        return b.length <= MAX_RESPONSE_BYTES ? b : java.util.Arrays.copyOf(b, MAX_RESPONSE_BYTES);
    }

    static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
