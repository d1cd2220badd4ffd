package org.tracegate.operator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.tracegate.analysis.Diagnosis;
import org.tracegate.text.Markup;
import org.tracegate.trace.RequestTrace;
import org.tracegate.trace.TraceRecord;

/**
 * Trace views: a FREB .htm page as the tracer wrote it, with the analyzer's cause line on top; and a recent failed
 * request kept in memory (no rule may have written it to disk), in the same spirit: cause, then every event.
 */
final class TracePages {
    private TracePages() {}

    static String freb(Path htm) throws IOException {
        String page = Files.readString(htm, StandardCharsets.UTF_8);
        Path xml = htm.resolveSibling(htm.getFileName().toString().replaceFirst("\\.htm$", ".xml"));
        Diagnosis d = Files.isRegularFile(xml) ? CauseLine.of(xml) : null;
        String banner = "<div class=\"cause\" id=\"cause\" style=\"background:#fff3cd;border:1px solid #e0c36a;"
                + "padding:8px 12px;margin:0 0 10px;font:14px system-ui,sans-serif\"><a href=\"/\">&larr; dashboard</a> &nbsp; "
                + (d == null ? "The analyzer found no failure in this trace." : "<b>Cause:</b> " + Markup.html(d.cause()))
                + "</div>\n";
        int body = page.indexOf("<body");
        int at = body < 0 ? -1 : page.indexOf('>', body);
        return at < 0 ? banner + page : page.substring(0, at + 1) + "\n" + banner + page.substring(at + 1);
    }

    /** The in-memory trace of a recent failed (or running) request, or null when it is not kept. */
    static String request(Operator op, String id) {
        RequestTrace t = op.failed().get(id);
        if (t == null) t = op.live().trace(id);
        if (t == null) return null;
        Diagnosis d = CauseLine.of(t);
        StringBuilder sb = new StringBuilder(8192).append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<title>Request ").append(id).append("</title>").append(Pages.STYLE).append("</head><body>")
                .append("<p><a href=\"/\">&larr; dashboard</a></p><h1>Request ").append(id).append("</h1>")
                .append("<div class=\"cause\" id=\"cause\">")
                .append(d == null ? "The analyzer found no failure in this request (yet)." : "<b>Cause:</b> " + Markup.html(d.cause()))
                .append("</div>");
        if (d != null && !d.advice().isEmpty()) {
            sb.append("<ul>");
            for (String a : d.advice()) sb.append("<li>").append(Markup.html(a)).append("</li>");
            sb.append("</ul>");
        }
        sb.append("<h2>Events</h2><table><tr><th>Time (UTC)</th><th>Event</th><th>Level</th><th>Data</th></tr>");
        for (TraceRecord r : t.records()) {
            long us = r.epochMicros();
            sb.append("<tr><td>").append(Instant.ofEpochSecond(us / 1_000_000, (us % 1_000_000) * 1000))
                    .append("</td><td>").append(r.event().name()).append("</td><td>").append(r.event().level().iisName())
                    .append("</td><td class=\"u\">");
            r.event().fields().forEach((k, v) -> sb.append("<b>").append(Markup.html(k)).append("</b>=")
                    .append(Markup.html(shorten(String.valueOf(v)))).append(' '));
            sb.append("</td></tr>");
        }
        return sb.append("</table></body></html>").toString();
    }

    static String missing(String id) {
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>No such request</title>" + Pages.STYLE
                + "</head><body><p><a href=\"/\">&larr; dashboard</a></p><p>Request " + Markup.html(id)
                + " is not in memory (only the latest failed requests are kept); look for it in the traces list.</p></body></html>";
    }

    private static String shorten(String s) { return s.length() > 2000 ? s.substring(0, 2000) + "…" : s; }
}
