package org.tracegate.analysis;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.tracegate.traceformats.SessionFormat;
import org.tracegate.traceformats.TraceFile;

/** The same report as {@link TextReport}, as one JSON document for scripts and dashboards. */
public final class JsonReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {}

    public static void print(Report report, boolean hex, PrintWriter out) {
        ObjectNode root = JSON.createObjectNode();
        root.put("requests", report.requests());
        root.put("failed", report.failures().size());
        ArrayNode files = root.putArray("files");
        for (TraceFile f : report.files()) {
            ObjectNode o = files.addObject();
            o.put("path", f.source().toString());
            o.put("format", f.format());
            o.put("events", f.events().size());
            f.notes().forEach(o.putArray("notes")::add);
        }
        ObjectNode summary = root.putObject("summary");
        counts(summary.putObject("byStatus"), report.byStatus());
        counts(summary.putObject("byScript"), report.byScript());
        counts(summary.putObject("byCause"), report.byCause());
        ArrayNode failures = root.putArray("failures");
        for (Diagnosis d : report.failures()) failure(failures.addObject(), d, hex);
        try {
            out.println(JSON.writeValueAsString(root));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e); // a tree of plain nodes always serializes
        }
        out.flush();
    }

    private static void failure(ObjectNode o, Diagnosis d, boolean hex) {
        o.put("source", d.source());
        o.put("sourceFormat", d.sourceFormat());
        o.put("contextId", d.contextId());
        o.put("verb", d.verb());
        o.put("url", d.url());
        o.put("script", d.script());
        o.put("bytesReceived", d.bytesReceived());
        o.put("bytesSent", d.bytesSent());
        o.put("status", d.status());
        o.put("win32Status", d.win32Status());
        o.put("timeTakenMillis", d.timeTakenMillis());
        o.put("headline", d.headline());
        ArrayNode timeline = o.putArray("timeline");
        Instant previous = null;
        for (Diagnosis.Step s : d.timeline()) {
            ObjectNode step = timeline.addObject();
            step.put("time", SessionFormat.time(s.time()));
            step.put("event", s.event());
            step.put("detail", s.detail());
            if (previous != null) {
                Duration gap = Duration.between(previous, s.time());
                step.put("gapMillis", gap.toMillis());
                step.put("gap", Durations.human(gap));
            }
            previous = s.time();
        }
        Diagnosis.Program p = d.program();
        if (p != null) {
            ObjectNode prog = o.putObject("program");
            prog.put("script", p.script());
            prog.put("pid", p.pid());
            prog.put("commandLine", p.commandLine());
            prog.put("launchError", p.launchError());
            if (p.ran() != null) {
                prog.put("ranMillis", p.ran().toMillis());
                prog.put("ran", Durations.human(p.ran()));
            }
            prog.put("exit", p.exit());
            if (p.limit() != null) prog.put("limit", p.limit());
            prog.put("headers", p.headers());
            p.stderrTail().forEach(prog.putArray("stderrTail")::add);
        }
        o.put("cause", d.cause());
        o.put("causeKind", d.causeKind());
        d.advice().forEach(o.putArray("advice")::add);
        d.notes().forEach(o.putArray("notes")::add);
        if (hex && d.response() != null) HexDump.lines(d.response()).forEach(o.putArray("responseHex")::add);
    }

    private static void counts(ObjectNode o, Map<String, Long> counts) {
        counts.forEach(o::put);
    }
}
