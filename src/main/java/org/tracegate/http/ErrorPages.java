package org.tracegate.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tracegate.crash.CrashCapture;
import org.tracegate.text.ByteQuote;
import org.tracegate.text.Markup;

/**
 * Renders a {@link Problem} as IIS does: a detailed page for those allowed to see it (by default
 * loopback callers), a generic one for everyone else, and RFC 9457 problem+json for JSON clients.
 */
final class ErrorPages {
    private static final int MAX_QUOTED_HEADER_BYTES = 4096;
    private static final ObjectMapper JSON = new ObjectMapper();

    private ErrorPages() {}

    static String detailedHtml(Problem p) {
        StringBuilder sb = new StringBuilder(4096);
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(Markup.html(title(p))).append("</title>\n<style>")
                .append("body{font-family:system-ui,sans-serif;margin:2em;max-width:60em;color:#222}")
                .append("h1{color:#b00;font-size:1.5em}h2{font-size:1.1em;margin-top:1.5em}")
                .append("table{border-collapse:collapse}th{text-align:left;padding:.2em 1em .2em 0;vertical-align:top;white-space:nowrap}")
                .append("td{padding:.2em 0}pre{background:#f5f5f5;padding:.6em;overflow:auto;white-space:pre-wrap}")
                .append("</style></head><body>\n<h1>").append(Markup.html(title(p))).append("</h1>\n<p class=\"cause\">")
                .append(Markup.html(p.cause())).append("</p>\n<h2>Detailed Error Information</h2>\n<table>\n");
        row(sb, "Module", p.request().module());
        row(sb, "Handler", p.request().handler());
        row(sb, "Error Code", p.errorCode());
        row(sb, "Requested URL", p.request().requestedUrl());
        row(sb, "Physical Path", p.request().physicalPath());
        row(sb, "Elapsed", p.request().elapsedMillis() + " ms");
        row(sb, "Bytes Received", Long.toString(p.request().bytesReceived()));
        row(sb, "Bytes Sent", Long.toString(p.bytesSent()));
        row(sb, "Request Id", p.request().requestId());
        if (!p.limit().isEmpty()) row(sb, "Limit", "the program " + p.limit());
        if (!p.runAs().isEmpty()) row(sb, "Ran As", p.runAs());
        sb.append("</table>\n");
        if (p.headerBytes() != null) {
            sb.append("<h2>Headers returned by the program (").append(p.headerBytes().length).append(" bytes)</h2>\n<pre class=\"headers\">")
                    .append(Markup.html(quotedHeaders(p))).append("</pre>\n");
        }
        CrashCapture crash = p.crash();
        if (crash != null) {
            sb.append("<h2>Crash</h2>\n<p class=\"crash\">").append(Markup.html(crashText(crash)))
                    .append("</p>\n");
        }
        if (!p.stderrTail().isEmpty()) {
            sb.append("<h2>Program stderr (last 8 KiB)</h2>\n<pre class=\"stderr\">").append(Markup.html(p.stderrTail()))
                    .append("</pre>\n");
        }
        sb.append("<h2>Things you can try</h2>\n<ul>\n");
        for (String t : p.thingsToTry()) sb.append("<li>").append(Markup.html(t)).append("</li>\n");
        sb.append("</ul>\n</body></html>\n");
        return sb.toString();
    }

    static String genericHtml(Problem p) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + p.status() + " - "
                + Markup.html(p.title()) + "</title></head><body>\n<h1>" + p.status() + " - " + Markup.html(p.title())
                + "</h1>\n<p>The server could not complete this request. Request id: " + Markup.html(p.request().requestId())
                + "</p>\n</body></html>\n";
    }

    static String json(Problem p, boolean detailed) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "about:blank");
        m.put("title", p.title());
        m.put("status", p.status());
        m.put("requestId", p.request().requestId());
        if (detailed) {
            m.put("subStatus", p.subStatus());
            m.put("statusCode", p.statusCode());
            m.put("detail", p.cause());
            m.put("module", p.request().module());
            m.put("handler", p.request().handler());
            m.put("errorCode", p.errorCode());
            m.put("requestedUrl", p.request().requestedUrl());
            m.put("physicalPath", p.request().physicalPath());
            if (p.headerBytes() != null) m.put("headers", new String(p.headerBytes(), StandardCharsets.ISO_8859_1));
            m.put("stderrTail", p.stderrTail());
            if (!p.limit().isEmpty()) m.put("limit", "the program " + p.limit());
            if (!p.runAs().isEmpty()) m.put("runAs", p.runAs());
            if (p.crash() != null) m.put("crash", crashJson(p.crash()));
            m.put("elapsedMillis", p.request().elapsedMillis());
            m.put("bytesReceived", p.request().bytesReceived());
            m.put("bytesSent", p.bytesSent());
            m.put("thingsToTry", p.thingsToTry());
        }
        try {
            return JSON.writeValueAsString(m) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings and numbers always serializes", e);
        }
    }

    /**
     * What the page can say about a crash when it is sent: the backtrace is read afterwards (never in the request
     * path), so the page says where it will be.
     */
    static String crashText(CrashCapture c) {
        if (c.core() == null) {
            return "The program died by " + c.signal() + (c.coreDumped() ? " and dumped core" : "") + "; no core was kept: "
                    + c.problem() + ".";
        }
        String text = "The program died by " + c.signal() + " and dumped core; it is kept as " + c.core() + ". ";
        if (c.backtraceComing()) {
            return text + "gdb is reading its backtrace now: it will be in " + summaryFile(c) + ", in this request's"
                    + " failed-request trace and session (CGI_CRASH_DUMP), and in `tracegate trace analyze`, within seconds.";
        }
        return text + "gdb is not installed, so there will be no backtrace (apt-get install gdb).";
    }

    private static String summaryFile(CrashCapture c) {
        String name = c.core().getFileName().toString();
        return c.core().resolveSibling(name.substring(0, name.length() - ".core".length()) + ".txt").toString();
    }

    private static Map<String, Object> crashJson(CrashCapture c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("signal", c.signal());
        m.put("coreDumped", c.coreDumped());
        if (c.core() != null) m.put("core", c.core().toString());
        m.put("backtrace", c.core() == null ? "none" : c.backtraceComing() ? "pending" : "none");
        if (c.core() != null && c.backtraceComing()) m.put("backtraceFile", summaryFile(c));
        if (c.problem() != null) m.put("problem", c.problem());
        return m;
    }

    /** JSON when the client ranks a JSON type above text/html (curl's and browsers' defaults give HTML). */
    static boolean prefersJson(String accept) {
        if (accept == null) return false;
        double json = 0, html = 0;
        for (String part : accept.split(",")) {
            String[] bits = part.trim().split(";");
            String type = bits[0].trim().toLowerCase(java.util.Locale.ROOT);
            double q = 1;
            for (int i = 1; i < bits.length; i++) {
                String b = bits[i].trim();
                if (b.startsWith("q=")) {
                    try { q = Double.parseDouble(b.substring(2)); } catch (NumberFormatException e) { q = 0; }
                }
            }
            if (type.equals("application/problem+json") || type.equals("application/json")) json = Math.max(json, q);
            if (type.equals("text/html")) html = Math.max(html, q);
        }
        return json > 0 && json > html;
    }

    /** "HTTP Error 502.2 - Bad Gateway". */
    static String title(Problem p) { return "HTTP Error " + p.statusCode() + " - " + p.title(); }

    private static String quotedHeaders(Problem p) {
        byte[] h = p.headerBytes();
        if (h.length == 0) return "(none: the program returned no header bytes)";
        return ByteQuote.quote(h, MAX_QUOTED_HEADER_BYTES);
    }

    private static void row(StringBuilder sb, String k, String v) {
        sb.append("<tr><th>").append(Markup.html(k)).append("</th><td>")
                .append(Markup.html(v == null || v.isEmpty() ? "-" : v)).append("</td></tr>\n");
    }
}
