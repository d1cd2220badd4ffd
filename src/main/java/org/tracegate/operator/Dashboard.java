package org.tracegate.operator;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.util.Fields;
import org.tracegate.metrics.LiveRequests;
import org.tracegate.metrics.RecentRequests;
import org.tracegate.text.Markup;

/**
 * The dashboard at / of the operator listener: server-rendered HTML that works without JavaScript. It refreshes
 * itself every few seconds (a meta refresh) unless paused ({@code ?pause=1}); the in-flight table is oldest first,
 * and its end buttons are POST forms carrying the browser session's nonce — never the token, never in a URL.
 */
final class Dashboard {
    static final int REFRESH_SECONDS = 5;
    private final Operator op;
    private final Api api;

    Dashboard(Operator op, Api api) {
        this.op = op;
        this.api = api;
    }

    /** @param nonce the signed-in session's form nonce, or null (then no end buttons) */
    @SuppressWarnings("unchecked")
    String render(Fields q, String nonce, boolean showQuery) {
        boolean paused = "1".equals(q.getValue("pause"));
        long elapsed = OperatorHandler.number(q.getValue("elapsed"));
        String status = value(q, "status"), url = value(q, "url"), age = value(q, "maxAgeMinutes");
        String keep = query(Map.of("elapsed", elapsed == 0 ? "" : Long.toString(elapsed), "status", status, "url", url,
                "maxAgeMinutes", age));
        Map<String, Object> summary = api.summary();
        Map<String, Object> server = (Map<String, Object>) summary.get("server");
        StringBuilder sb = new StringBuilder(32 * 1024).append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">");
        if (!paused) {
            sb.append("<meta http-equiv=\"refresh\" content=\"").append(REFRESH_SECONDS).append("; url=/")
                    .append(keep.isEmpty() ? "" : "?" + Markup.html(keep)).append("\">");
        }
        sb.append("<title>Tracegate operator</title>").append(Pages.STYLE).append("</head><body>")
                .append("<h1>Tracegate ").append(Markup.html(String.valueOf(server.get("version")))).append("</h1><nav>")
                .append("<span class=\"muted\">up ").append(human(Duration.ofSeconds((Long) server.get("uptimeSeconds"))))
                .append(" · pid ").append(server.get("pid")).append(" · ")
                .append(Markup.html(String.join(" ", (List<String>) server.get("listeners")))).append("</span> · ")
                .append(paused ? "<a id=\"resume\" href=\"/" + (keep.isEmpty() ? "" : "?" + Markup.html(keep)) + "\">resume refresh</a>"
                        : "<a id=\"pause\" href=\"/?" + Markup.html(keep.isEmpty() ? "pause=1" : keep + "&pause=1")
                                + "\">pause refresh (every " + REFRESH_SECONDS + " s)</a>")
                .append(nonce == null ? " · <a id=\"login\" href=\"/login\">sign in to end requests</a>" : " · signed in")
                .append(" · <a href=\"/metrics\">/metrics</a> · <a href=\"/api/v1/summary\">/api/v1/summary</a></nav>");
        String ended = q.getValue("ended");
        if (ended != null) {
            sb.append("<p id=\"notice\" class=\"cause\">").append(ended.equals("none") ? "That request had already ended."
                    : "Ended request " + Markup.html(ended) + ": its program was stopped or its FastCGI request aborted.").append("</p>");
        }
        health(sb, summary);
        fastcgi(sb, (List<Map<String, Object>>) summary.get("fastcgi"));
        inFlight(sb, elapsed, nonce, showQuery, paused);
        badGateways(sb, (List<Map<String, Object>>) summary.get("badGateways"));
        scripts(sb);
        traces(sb, status, url, age);
        rules(sb, nonce, q.getValue("rules"));
        return sb.append("</body></html>").toString();
    }

    /** The failed-request rules in force; signed in, a form that replaces them at once (POST /api/v1/rules). */
    private void rules(StringBuilder sb, String nonce, String notice) {
        var tracer = op.rules().get();
        sb.append("<h2>Failed-request rules</h2>");
        if (tracer == null) {
            sb.append("<p class=\"muted\">This server was not started with a failed-request tracer.</p>");
            return;
        }
        if (notice != null) sb.append("<p id=\"rules-notice\" class=\"cause\">").append(Markup.html(notice)).append("</p>");
        String text = RuleText.format(tracer.rules());
        sb.append("<p class=\"muted\">One rule a line: PATH STATUS_CODES [timeTaken=SECONDS] [verbosity=NAME]; the first")
                .append(" that matches writes the request's trace. In force at once, until the server restarts (the config")
                .append(" file is not changed).</p>");
        if (nonce == null) {
            sb.append("<pre id=\"rules\">").append(Markup.html(text.isEmpty() ? "(none: tracing is off)\n" : text)).append("</pre>");
            return;
        }
        sb.append("<form method=\"post\" action=\"/api/v1/rules\"><input type=\"hidden\" name=\"nonce\" value=\"")
                .append(nonce).append("\"><textarea id=\"rules\" name=\"rules\" rows=\"5\" cols=\"70\">")
                .append(Markup.html(text)).append("</textarea><br><button id=\"rules-save\" type=\"submit\">Put these rules in force")
                .append("</button></form>");
    }

    @SuppressWarnings("unchecked")
    private void health(StringBuilder sb, Map<String, Object> s) {
        Map<String, Object> slots = (Map<String, Object>) s.get("slots"), queue = (Map<String, Object>) s.get("queue");
        Map<String, Object> w5 = (Map<String, Object>) ((Map<String, Object>) s.get("windows")).get("5m");
        Map<String, Object> w60 = (Map<String, Object>) ((Map<String, Object>) s.get("windows")).get("60m");
        sb.append("<h2>Health</h2><div class=\"cards\" id=\"health\">");
        card(sb, "requests/s (5 min · 60 min)", w5.get("requestsPerSecond") + " · " + w60.get("requestsPerSecond"));
        card(sb, "error rate 5xx (5 · 60)", pct(w5.get("errorRate")) + " · " + pct(w60.get("errorRate")));
        card(sb, "p50 ms (5 · 60)", w5.get("p50Millis") + " · " + w60.get("p50Millis"));
        card(sb, "p99 ms (5 · 60)", w5.get("p99Millis") + " · " + w60.get("p99Millis"));
        card(sb, "CGI slots busy / free", slots.get("busy") + " / " + slots.get("free"));
        card(sb, "queue · mean wait ms", queue.get("length") + " · " + queue.get("waitMeanMillis"));
        card(sb, "in flight", String.valueOf(s.get("inFlight")));
        card(sb, "crash loops tripped", String.valueOf(s.get("crashLoopsTripped")));
        sb.append("</div><div class=\"cards\">");
        List<long[]> minutes = op.recent().perMinute(60);
        List<Long> requests = new ArrayList<>(), errors = new ArrayList<>(), p99 = new ArrayList<>();
        for (long[] m : minutes) {
            requests.add(m[0]);
            errors.add(m[1]);
            p99.add(m[2]);
        }
        sb.append("<div class=\"card\">requests per minute<br>").append(Plots.bars("requests per minute", requests, "#3b6ea8"))
                .append("</div><div class=\"card\">5xx per minute<br>").append(Plots.bars("5xx per minute", errors, "#a4161a"))
                .append("</div><div class=\"card\">p99 ms per minute<br>").append(Plots.bars("p99 per minute", p99, "#6a4c93"))
                .append("</div></div>");
    }

    /** One row per FastCGI application: its connections or processes and its queue, from our own counters. */
    @SuppressWarnings("unchecked")
    private static void fastcgi(StringBuilder sb, List<Map<String, Object>> pools) {
        if (pools == null || pools.isEmpty()) return;
        sb.append("<h2>FastCGI</h2><table id=\"fastcgi\"><tr><th>Site</th><th>Application</th><th>Kind</th><th>Target</th>"
                + "<th>Busy / idle of</th><th>Queue</th><th>State</th></tr>");
        for (Map<String, Object> p : pools) {
            Map<String, Object> queue = (Map<String, Object>) p.get("queue");
            Object until = p.get("stoppedUntil"), last = p.get("lastFailure");
            String state = until == null ? "running" : "stopped by rapid-fail protection until " + until;
            if (last != null) state += "; last failure: " + last;
            sb.append("<tr><td>").append(p.get("site")).append("</td><td>").append(Markup.html(String.valueOf(p.get("application"))))
                    .append("</td><td>").append(p.get("kind")).append("</td><td>").append(Markup.html(String.valueOf(p.get("target"))))
                    .append("</td><td>").append(p.get("busy")).append(" / ").append(p.get("idle")).append(" of ").append(p.get("capacity"))
                    .append("</td><td>").append(queue.get("length")).append(" of ").append(queue.get("capacity"))
                    .append("</td><td>").append(Markup.html(state)).append("</td></tr>");
        }
        sb.append("</table>");
    }

    private void inFlight(StringBuilder sb, long elapsed, String nonce, boolean showQuery, boolean paused) {
        List<LiveRequests.InFlight> all = op.live().snapshot();
        sb.append("<h2>In flight (").append(all.size()).append(")</h2>")
                .append("<form method=\"get\" action=\"/\">older than <input name=\"elapsed\" size=\"6\" value=\"")
                .append(elapsed == 0 ? "" : elapsed).append("\"> ms ")
                .append(paused ? "<input type=\"hidden\" name=\"pause\" value=\"1\">" : "")
                .append("<button type=\"submit\">filter</button></form>")
                .append("<table id=\"inflight\"><tr><th>Request id</th><th>Verb</th><th>URL</th><th>Client</th><th>Age</th>"
                        + "<th>Stage (last event)</th><th>PID</th><th>Bytes in / out</th><th></th></tr>");
        int shown = 0;
        for (LiveRequests.InFlight r : all) {
            if (r.ageMillis() < elapsed) continue;
            shown++;
            sb.append("<tr data-id=\"").append(r.id()).append("\"><td class=\"u\"><a href=\"/trace/").append(r.id()).append("\">")
                    .append(r.id()).append("</a></td><td>").append(Markup.html(r.verb())).append("</td><td class=\"u\">")
                    .append(Markup.html(Urls.redact(r.url(), showQuery))).append("</td><td>").append(Markup.html(r.client()))
                    .append("</td><td class=\"n age\" data-ms=\"").append(r.ageMillis()).append("\">").append(r.ageMillis())
                    .append(" ms</td><td>").append(r.stage()).append(" <span class=\"muted\">(").append(r.lastEvent())
                    .append(")</span></td><td class=\"n pid\">").append(r.pid() < 0 ? "" : r.pid()).append("</td><td class=\"n\">")
                    .append(r.bytesIn()).append(" / ").append(r.bytesOut()).append("</td><td>");
            if (nonce != null && r.pid() > 0) {
                sb.append("<form class=\"inline\" method=\"post\" action=\"/api/v1/requests/").append(r.id())
                        .append("/end\"><input type=\"hidden\" name=\"nonce\" value=\"").append(nonce)
                        .append("\"><button type=\"submit\" class=\"end\">end</button></form>");
            }
            sb.append("</td></tr>");
        }
        if (shown == 0) sb.append("<tr><td colspan=\"9\" class=\"muted\">none</td></tr>");
        sb.append("</table>");
    }

    private void badGateways(StringBuilder sb, List<Map<String, Object>> causes) {
        sb.append("<h2>502s by cause</h2><table id=\"badgateways\"><tr><th>Cause</th><th>Status</th><th>Count</th>"
                + "<th>Latest example</th></tr>");
        for (Map<String, Object> c : causes) {
            if (((Number) c.get("count")).longValue() == 0) continue;
            @SuppressWarnings("unchecked")
            Map<String, Object> latest = (Map<String, Object>) c.get("latest");
            sb.append("<tr data-cause=\"").append(c.get("cause")).append("\"><td><b>").append(c.get("cause"))
                    .append("</b><br><span class=\"muted\">").append(Markup.html((String) c.get("description")))
                    .append("</span></td><td>").append(c.get("statusCode")).append("</td><td class=\"n count\">")
                    .append(c.get("count")).append("</td><td>");
            if (latest != null) {
                sb.append("<a class=\"trace\" href=\"").append(latest.get("trace")).append("\">")
                        .append(Markup.html((String) latest.get("url"))).append("</a> <span class=\"muted\">")
                        .append(latest.get("time")).append("</span>");
            }
            sb.append("</td></tr>");
        }
        sb.append("</table>");
    }

    private void scripts(StringBuilder sb) {
        sb.append("<h2>Scripts</h2><div class=\"cards\">");
        for (Duration d : List.of(Duration.ofMinutes(5), RecentRequests.HOUR)) {
            sb.append("<div class=\"card\"><b>top failing, ").append(d.toMinutes()).append(" min</b>");
            scriptTable(sb, op.recent().topFailing(d, 5), true);
            sb.append("</div><div class=\"card\"><b>slowest (p99), ").append(d.toMinutes()).append(" min</b>");
            scriptTable(sb, op.recent().slowest(d, 5), false);
            sb.append("</div>");
        }
        sb.append("</div>");
    }

    private void scriptTable(StringBuilder sb, List<RecentRequests.ScriptStats> rows, boolean failing) {
        sb.append("<table><tr><th>Script</th><th>").append(failing ? "5xx / requests" : "p99 / max ms").append("</th></tr>");
        for (RecentRequests.ScriptStats s : rows) {
            sb.append("<tr><td class=\"u\"><a href=\"/trace/").append(s.exampleRequestId()).append("\">")
                    .append(Markup.html(s.script())).append("</a></td><td class=\"n\">")
                    .append(failing ? s.failures() + " / " + s.requests()
                            : String.format(Locale.ROOT, "%.0f / %.0f", s.p99Millis(), s.maxMillis()))
                    .append("</td></tr>");
        }
        if (rows.isEmpty()) sb.append("<tr><td colspan=\"2\" class=\"muted\">none</td></tr>");
        sb.append("</table>");
    }

    private void traces(StringBuilder sb, String status, String url, String age) {
        sb.append("<h2>Traces</h2>");
        if (op.frebDir() == null) {
            sb.append("<p class=\"muted\">Failed-request tracing is off (--trace-failed, [failedRequestTracing]).</p>");
        }
        sb.append("<form method=\"get\" action=\"/\" id=\"tracefilter\">status <input name=\"status\" size=\"6\" value=\"")
                .append(Markup.html(status)).append("\"> URL contains <input name=\"url\" size=\"20\" value=\"")
                .append(Markup.html(url)).append("\"> younger than <input name=\"maxAgeMinutes\" size=\"4\" value=\"")
                .append(Markup.html(age)).append("\"> min <button type=\"submit\">filter</button></form>")
                .append("<table id=\"traces\"><tr><th>File</th><th>Time (UTC)</th><th>Verb</th><th>URL</th><th>Status</th>"
                        + "<th>Reason</th><th>Time taken ms</th></tr>");
        TraceList.Filter f = new TraceList.Filter(status, url, age.isEmpty() ? null
                : Duration.ofMinutes(OperatorHandler.number(age)));
        List<TraceList.Freb> list = TraceList.freb(op.frebDir(), f, 50);
        for (TraceList.Freb t : list) {
            sb.append("<tr><td><a href=\"").append(Markup.html(t.href())).append("\">").append(Markup.html(t.site())).append('/')
                    .append(Markup.html(t.file().replace(".xml", ""))).append("</a></td><td>").append(Markup.html(t.time()))
                    .append("</td><td>").append(Markup.html(t.verb())).append("</td><td class=\"u\">")
                    .append(Markup.html(Urls.redact(t.url(), false))).append("</td><td>").append(Markup.html(t.statusCode()))
                    .append("</td><td>").append(Markup.html(t.failureReason())).append("</td><td class=\"n\">")
                    .append(t.timeTakenMillis()).append("</td></tr>");
        }
        if (list.isEmpty()) sb.append("<tr><td colspan=\"7\" class=\"muted\">none</td></tr>");
        sb.append("</table>");
        List<TraceList.Session> sessions = TraceList.sessions(op.sessionsDir());
        if (!sessions.isEmpty()) {
            sb.append("<h2>Trace sessions</h2><table><tr><th>File</th><th>Bytes</th><th>Modified</th></tr>");
            for (TraceList.Session s : sessions) {
                sb.append("<tr><td class=\"u\">").append(Markup.html(s.file())).append("</td><td class=\"n\">").append(s.bytes())
                        .append("</td><td>").append(s.modified()).append("</td></tr>");
            }
            sb.append("</table><p class=\"muted\">Read them with <code>tracegate trace analyze FILE</code>.</p>");
        }
    }

    private static void card(StringBuilder sb, String label, String value) {
        sb.append("<div class=\"card\"><span class=\"muted\">").append(Markup.html(label)).append("</span><b>")
                .append(Markup.html(value)).append("</b></div>");
    }

    private static String pct(Object rate) {
        return String.format(Locale.ROOT, "%.1f %%", ((Number) rate).doubleValue() * 100);
    }

    private static String value(Fields q, String name) {
        String v = q.getValue(name);
        return v == null ? "" : v;
    }

    /** The filters as a query string (empty values left out), in a fixed order. */
    private static String query(Map<String, String> params) {
        StringBuilder sb = new StringBuilder();
        for (String k : List.of("elapsed", "status", "url", "maxAgeMinutes")) {
            String v = params.get(k);
            if (v == null || v.isEmpty()) continue;
            if (!sb.isEmpty()) sb.append('&');
            sb.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        if (s < 120) return s + " s";
        if (s < 7200) return s / 60 + " min";
        return s / 3600 + " h " + (s % 3600) / 60 + " min";
    }
}
