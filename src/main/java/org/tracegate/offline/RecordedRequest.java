package org.tracegate.offline;

import static org.tracegate.trace.EventNames.*;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tracegate.analysis.RequestEvents;
import org.tracegate.gateway.GatewayRequest;
import org.tracegate.gateway.cgi.CgiGateway;
import org.tracegate.text.OctetText;
import org.tracegate.traceformats.RecordedEvent;
import org.tracegate.traceformats.TraceFile;

/**
 * A failed request as a trace recorded it, and what is needed to run its program again: argv (from CGI_LAUNCH's
 * CommandLine), working directory, who it ran as and environment (CGI_LAUNCH's fields) and the body
 * (CGI_REQUEST_BODY), with what the server answered then (GENERAL_REQUEST_END, the cause sentence).
 *
 * @param notes what a reader of the replay must know (a partial body, a hidden credential), one sentence each
 */
public record RecordedRequest(String contextId, String method, String url, List<String> argv, Path cwd,
                              String runAs, Map<String, String> environment, byte[] body, long bodyTotal,
                              boolean bodyPartial, String statusCode, String cause, List<String> notes) {

    /** Why a trace cannot be replayed; {@code usage} when the caller must choose or fix the command (exit 2). */
    public static final class Unusable extends Exception {
        public final boolean usage;

        Unusable(String message, boolean usage) {
            super(message);
            this.usage = usage;
        }
    }

    /**
     * The request {@code id} names (a ContextId, with or without braces), or the file's only failed request that ran
     * a CGI program.
     */
    public static RecordedRequest from(TraceFile file, String id) throws Unusable {
        List<RequestEvents> ran = new ArrayList<>();
        for (RequestEvents r : RequestEvents.group(file)) if (r.first(CGI_LAUNCH) != null) ran.add(r);
        if (ran.isEmpty()) throw new Unusable(file.source() + ": no CGI program ran in this trace (no CGI_LAUNCH)", false);
        if (id != null) {
            String want = id.strip().replaceAll("^\\{|}$", "");
            for (RequestEvents r : ran) {
                if (r.contextId().replaceAll("^\\{|}$", "").equalsIgnoreCase(want)) return of(r);
            }
            throw new Unusable(file.source() + ": no request " + id + " that ran a CGI program; there are:\n"
                    + list(ran), true);
        }
        List<RequestEvents> failed = ran.stream().filter(RequestEvents::failed).toList();
        if (failed.size() == 1) return of(failed.getFirst());
        if (failed.isEmpty() && ran.size() == 1) return of(ran.getFirst());
        List<RequestEvents> choices = failed.isEmpty() ? ran : failed;
        throw new Unusable(file.source() + " holds " + choices.size() + (failed.isEmpty() ? "" : " failed")
                + " requests; choose one with --request ID:\n" + list(choices), true);
    }

    private static String list(List<RequestEvents> rs) {
        StringBuilder sb = new StringBuilder();
        for (RequestEvents r : rs) {
            sb.append("  ").append(r.contextId()).append("  ").append(r.statusText()).append("  ")
                    .append(r.verb()).append(' ').append(r.url()).append('\n');
        }
        return sb.toString().stripTrailing();
    }

    private static RecordedRequest of(RequestEvents r) throws Unusable {
        RecordedEvent launch = r.first(CGI_LAUNCH);
        List<String> notes = new ArrayList<>();
        String envText = launch.text("Environment");
        if (envText == null) {
            throw new Unusable("request " + r.contextId() + ": its CGI_LAUNCH does not record the program's environment"
                    + " and working directory (a trace written by IIS or by Tracegate before 0.2.0), so it cannot be"
                    + " replayed", false);
        }
        Map<String, String> env = environment(envText, notes);
        List<String> argv = argv(launch.text("CommandLine"));
        if (argv.isEmpty()) throw new Unusable("request " + r.contextId() + ": CGI_LAUNCH has no CommandLine", false);
        String cwdText = launch.text("WorkingDirectory");
        Path cwd = cwdText != null && !cwdText.isEmpty() ? Path.of(cwdText) : Path.of(argv.getLast()).getParent();
        byte[] body = null;
        long total = -1;
        boolean partial = false;
        RecordedEvent b = r.first(CGI_REQUEST_BODY);
        if (b != null) {
            body = Base64.getDecoder().decode(String.valueOf(b.text("Base64")));
            total = b.number("TotalBytes");
            partial = body.length < total;
            if (partial) {
                notes.add("the body is partial: the trace kept its first " + body.length + " of " + total
                        + " bytes ([failedRequestTracing] maxBodyKiB), so the program sees the end of its input early"
                        + " and may do something else than it did");
            } else if (!sha256(body).equalsIgnoreCase(String.valueOf(b.text("Sha256")))) {
                notes.add("the recorded body does not match its recorded SHA-256: the trace file was changed");
            }
        } else if (env.containsKey("CONTENT_LENGTH")) {
            body = new byte[0];
            notes.add("the trace does not hold the request body (CONTENT_LENGTH " + env.get("CONTENT_LENGTH")
                    + "): the program gets an empty stdin. Failed-request traces keep it ([failedRequestTracing]"
                    + " maxBodyKiB); a session file only when failed-request tracing is on too");
        }
        RecordedEvent error = r.last(MODULE_SET_RESPONSE_ERROR_STATUS);
        String cause = error == null ? null : error.text("Cause");
        String method = r.verb() != null ? r.verb() : env.getOrDefault("REQUEST_METHOD", "GET");
        return new RecordedRequest(r.contextId(), method, r.url(), argv, cwd, launch.text("RunAs"), env, body, total,
                partial, r.statusText(), cause, notes);
    }

    /** CGI_LAUNCH's Environment: one NAME=VALUE a line, in {@link OctetText}. */
    static Map<String, String> environment(String text, List<String> notes) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq <= 0) {
                if (line.endsWith("more variables left out)")) {
                    notes.add("the trace left out some variables (" + line.substring(1, line.length() - 1)
                            + "): the program runs without them");
                }
                continue;
            }
            String name = OctetText.decode(line.substring(0, eq));
            String value = OctetText.decode(line.substring(eq + 1));
            if (value.equals(CgiGateway.HIDDEN)) {
                notes.add(name + " was hidden in the trace (a credential) and is left out: give it with --env "
                        + name + "=VALUE");
                continue;
            }
            env.put(name, value);
        }
        return env;
    }

    /** LaunchSpec's command line: each argument in double quotes, a quote inside as \". */
    static List<String> argv(String commandLine) {
        List<String> argv = new ArrayList<>();
        if (commandLine == null) return argv;
        StringBuilder arg = null;
        for (int i = 0; i < commandLine.length(); i++) {
            char c = commandLine.charAt(i);
            if (arg == null) {
                if (c == '"') arg = new StringBuilder();
            } else if (c == '\\' && i + 1 < commandLine.length() && commandLine.charAt(i + 1) == '"') {
                arg.append('"');
                i++;
            } else if (c == '"') {
                argv.add(arg.toString());
                arg = null;
            } else {
                arg.append(c);
            }
        }
        return argv;
    }

    /** The request as the gateway needs it to run the program again: method (HEAD) and script (NPH). */
    public GatewayRequest gatewayRequest(Map<String, String> env) {
        String script = env.getOrDefault("SCRIPT_FILENAME", argv.getLast());
        long length = body == null ? -1 : bodyTotal >= 0 ? bodyTotal : body.length;
        return new GatewayRequest(method, env.getOrDefault("REQUEST_URI", url == null ? "" : url),
                env.getOrDefault("QUERY_STRING", ""), env.getOrDefault("SCRIPT_NAME", ""), env.getOrDefault("PATH_INFO", ""),
                Path.of(script), null, env.getOrDefault("SERVER_PROTOCOL", "HTTP/1.1"), "", 0, "", "", 0, false, length,
                env.get("CONTENT_TYPE"), List.of(), false);
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
