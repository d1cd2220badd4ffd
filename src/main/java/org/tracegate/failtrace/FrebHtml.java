package org.tracegate.failtrace;

import java.util.List;
import java.util.Map;
import java.nio.charset.StandardCharsets;
import org.tracegate.text.ByteQuote;
import org.tracegate.text.Markup;

/**
 * fr000001.htm: the three views IIS's freb.xsl gives, as one self-contained page with no script (current
 * browsers have no XSLT): Request Summary with Errors &amp; Warnings, Request Details (the timeline) and
 * Compact View (every field of every event). Everything from the request is escaped as in the .xml file
 * ({@link Markup#xmlText}), so stray control bytes of a program show here the same way.
 */
final class FrebHtml {
    private FrebHtml() {}

    /** How an empty field reads. */
    static final String NONE = "(none)";
    /** Header bytes quoted in a summary line, as many as the error page quotes. */
    private static final int HEADER_BYTES = 4096;

    private static final String CSS = """
            body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#222;background:#fafafa}
            header{background:#1f3b57;color:#fff;padding:12px 20px}
            header h1{margin:0;font-size:20px}
            header .url{font-family:monospace;word-break:break-all;opacity:.9}
            nav{background:#e8eef4;padding:6px 20px;border-bottom:1px solid #c9d3dd}
            nav a{margin-right:18px;color:#1f3b57;font-weight:600;text-decoration:none}
            section{padding:6px 20px 18px}
            h2{font-size:17px;border-bottom:2px solid #1f3b57;padding-bottom:3px}
            table{border-collapse:collapse;width:100%;background:#fff;margin-bottom:10px}
            th,td{border:1px solid #d5dbe1;padding:3px 7px;text-align:left;vertical-align:top}
            th{background:#eef2f6;font-weight:600}
            table.kv th{width:190px}
            td.num{text-align:right;font-family:monospace;white-space:nowrap}
            .v{font-family:monospace;white-space:pre-wrap;word-break:break-all}
            .L1,.L2{color:#a40000;font-weight:600}.L3{color:#9a5b00;font-weight:600}
            tr.L1 td,tr.L2 td{background:#fdecec}tr.L3 td{background:#fff6e0}
            .reason{display:inline-block;padding:1px 8px;border-radius:3px;background:#a40000;color:#fff}
            .ev h3{font-size:14px;margin:12px 0 3px}
            """;

    static String render(FailedRequest fr, List<FrebEvent> events, String fileName) {
        StringBuilder sb = new StringBuilder(16_384);
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>");
        Markup.xmlText(sb, fileName + " " + fr.statusCode() + " " + fr.verb() + " " + fr.path()).append("</title>\n");
        sb.append("<style>").append(CSS).append("</style></head>\n<body>\n");
        sb.append("<header><h1>Failed request trace ").append(Markup.xmlText(fileName)).append("</h1><div class=\"url\">");
        Markup.xmlText(sb, fr.verb() + " " + fr.url()).append("</div></header>\n");
        sb.append("<nav><a href=\"#summary\">Request Summary</a><a href=\"#details\">Request Details</a>"
                + "<a href=\"#compact\">Compact View</a><a href=\"index.htm\">All traces</a></nav>\n");
        summary(sb, fr, events);
        details(sb, events);
        compact(sb, events);
        return sb.append("</body></html>\n").toString();
    }

    private static void summary(StringBuilder sb, FailedRequest fr, List<FrebEvent> events) {
        sb.append("<section id=\"summary\"><h2>Request Summary</h2>\n<table class=\"kv\">\n");
        row(sb, "Url", fr.url());
        row(sb, "Verb", fr.verb());
        row(sb, "Site", Integer.toString(fr.siteId()));
        row(sb, "App Pool", fr.appPoolId());
        row(sb, "Process", Long.toString(fr.processId()));
        row(sb, "Activity ID", fr.activityId());
        sb.append("<tr><th>Failure Reason</th><td><span class=\"reason\">").append(fr.reason()).append("</span></td></tr>\n");
        row(sb, "Status Code", fr.statusCode());
        row(sb, "Trigger Status Code", fr.triggerStatusCode());
        row(sb, "Time Taken", fr.timeTakenMillis() + " msec");
        row(sb, "Events", events.size() + (fr.lostEvents() > 0 ? " (" + fr.lostEvents() + " more dropped by the request's trace buffer)" : ""));
        sb.append("</table>\n<h2>Errors &amp; Warnings</h2>\n");
        sb.append("<table><tr><th>No.</th><th>Severity</th><th>Event</th><th>Module Name</th><th>Notification</th>"
                + "<th>Status</th><th>Details</th></tr>\n");
        int shown = 0;
        for (int i = 0; i < events.size(); i++) {
            FrebEvent e = events.get(i);
            if (e.level().ordinal() > org.tracegate.trace.Level.WARNING.ordinal()) continue;
            shown++;
            String module = e.field("ModuleName");
            String status = e.field("HttpStatus") == null ? null : e.field("HttpStatus") + "." + e.field("HttpSubStatus");
            sb.append("<tr class=\"L").append(e.levelNumber()).append("\"><td class=\"num\">").append(i + 1)
                    .append("</td><td>").append(e.levelName()).append("</td><td>").append(e.name()).append("</td><td>");
            Markup.xmlText(sb, module == null ? e.area().providerName() : module).append("</td><td>");
            Markup.xmlText(sb, nz(e.field("Notification"))).append("</td><td>");
            Markup.xmlText(sb, nz(status)).append("</td><td class=\"v\">");
            Markup.xmlText(sb, brief(e, 400)).append("</td></tr>\n");
        }
        if (shown == 0) sb.append("<tr><td colspan=\"7\">No errors or warnings were recorded.</td></tr>\n");
        sb.append("</table></section>\n");
    }

    private static void details(StringBuilder sb, List<FrebEvent> events) {
        sb.append("<section id=\"details\"><h2>Request Details</h2>\n");
        sb.append("<table><tr><th>No.</th><th>Time (UTC)</th><th>+prev ms</th><th>+start ms</th><th>Level</th>"
                + "<th>Event</th><th>Data</th></tr>\n");
        long start = events.isEmpty() ? 0 : events.get(0).epochMicros();
        long prev = start;
        for (int i = 0; i < events.size(); i++) {
            FrebEvent e = events.get(i);
            sb.append("<tr class=\"L").append(e.levelNumber()).append("\"><td class=\"num\">").append(i + 1)
                    .append("</td><td class=\"num\">").append(FrebXml.systemTime(e.epochMicros()), 11, 26)
                    .append("</td><td class=\"num\">").append(millis(e.epochMicros() - prev))
                    .append("</td><td class=\"num\">").append(millis(e.epochMicros() - start))
                    .append("</td><td>").append(e.levelName()).append("</td><td>").append(e.name())
                    .append("</td><td class=\"v\">");
            Markup.xmlText(sb, brief(e, 200)).append("</td></tr>\n");
            prev = e.epochMicros();
        }
        sb.append("</table></section>\n");
    }

    private static void compact(StringBuilder sb, List<FrebEvent> events) {
        sb.append("<section id=\"compact\"><h2>Compact View</h2>\n");
        for (int i = 0; i < events.size(); i++) {
            FrebEvent e = events.get(i);
            sb.append("<div class=\"ev\" id=\"e").append(i + 1).append("\"><h3 class=\"L").append(e.levelNumber())
                    .append("\">").append(i + 1).append(". ").append(e.name()).append(" <small>(")
                    .append(e.levelName()).append(", ").append(FrebXml.systemTime(e.epochMicros())).append(")</small></h3>\n");
            sb.append("<table class=\"kv\">\n");
            for (Map.Entry<String, Object> f : e.fields().entrySet()) {
                String description = e.descriptions().get(f.getKey());
                String value = shown(f.getKey(), f.getValue());
                row(sb, f.getKey(), description == null ? value : value + " (" + description + ")");
            }
            sb.append("</table></div>\n");
        }
        sb.append("</section>\n");
    }

    private static void row(StringBuilder sb, String key, String value) {
        sb.append("<tr><th>");
        Markup.xmlText(sb, key).append("</th><td class=\"v\">");
        Markup.xmlText(sb, value).append("</td></tr>\n");
    }

    /**
     * The event's fields on one line, "Key=value", cut to {@code max} characters. An empty field reads "(none)"
     * rather than "Signal=,"; header bytes are quoted as the error page quotes them ({@link ByteQuote}: CR, LF,
     * control and non-ASCII bytes escaped, in quotes), so a stray byte looks the same on both.
     */
    private static String brief(FrebEvent e, int max) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Object> f : e.fields().entrySet()) {
            if (!b.isEmpty()) b.append(", ");
            b.append(f.getKey()).append('=').append(shown(f.getKey(), f.getValue()));
            if (b.length() > max) return b.substring(0, max) + "…";
        }
        return b.toString();
    }

    /** A field's value for the summary and the timeline: see {@link #brief}. */
    static String shown(String key, Object value) {
        String v = value == null ? "" : value.toString();
        if (v.isEmpty()) return NONE;
        if (key.equals("Headers")) return ByteQuote.quote(v.getBytes(StandardCharsets.ISO_8859_1), HEADER_BYTES);
        return v;
    }

    private static String millis(long micros) { return String.format(java.util.Locale.ROOT, "%.3f", micros / 1000.0); }

    private static String nz(String s) { return s == null ? "" : s; }
}
