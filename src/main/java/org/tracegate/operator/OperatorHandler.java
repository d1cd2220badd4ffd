package org.tracegate.operator;

import org.tracegate.config.TraceRule;
import org.tracegate.failtrace.FailedRequestTracer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.FormFields;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.tracegate.metrics.ServerMetrics;

/**
 * Everything the operator listener serves, and nothing of the site: requests on its own connector (with its own
 * threads, so it answers while every program slot is taken) never reach the site's handlers, and the site's never
 * reach these. Who may do what is {@link OperatorAccess}'s; docs/operator.md lists the paths.
 */
public final class OperatorHandler extends Handler.Abstract {
    private static final Pattern END = Pattern.compile("/api/v1/requests/([0-9a-f-]{36})/end");
    private static final Pattern TRACE_JSON = Pattern.compile("/api/v1/trace/([0-9a-f-]{36})");
    private static final Pattern TRACE_PAGE = Pattern.compile("/trace/([0-9a-f-]{36})");
    private static final Pattern FREB = Pattern.compile("/traces/([^/]+)/([^/]+)");

    private final Connector connector;
    private final Operator operator;
    private final OperatorAccess access;
    private final TraceSessionApi sessions;
    private final Api api;
    private final Dashboard dashboard;

    public OperatorHandler(Connector connector, Operator operator) {
        // Non-blocking, so that Jetty may call the site's handlers on the selector thread (see SiteHandler); the
        // operator's own work runs on its connector's threads, dispatched here.
        super(InvocationType.NON_BLOCKING);
        this.connector = connector;
        this.operator = operator;
        this.access = new OperatorAccess(operator.token());
        this.sessions = operator.sessions() == null ? null : new TraceSessionApi(operator.sessions());
        this.api = new Api(operator);
        this.dashboard = new Dashboard(operator, api);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (request.getConnectionMetaData().getConnector() != connector) return false;
        connector.getExecutor().execute(() -> {
            try {
                if (!serve(request, response, callback)) Response.writeError(request, response, callback, 404);
            } catch (Throwable t) {
                Response.writeError(request, response, callback, t);
            }
        });
        return true;
    }

    private boolean serve(Request request, Response response, Callback callback) throws Exception {
        String path = request.getHttpURI().getPath();
        String method = request.getMethod();
        if (path.startsWith("/admin/")) {
            if (!access.bearer(request)) return Replies.error(response, callback, 401, "missing or wrong admin token");
            if (sessions == null) return Replies.error(response, callback, 404, "no trace sessions on this server");
            return sessions.handle(request, response, callback, path);
        }
        if (path.equals("/login")) return login(request, response, callback);
        if (!access.mayRead(request)) {
            return Replies.error(response, callback, 401, "the operator listener answers other hosts only with the admin "
                    + "token (Authorization: Bearer TOKEN, or sign in at /login)");
        }
        if (path.equals("/api/v1/rules") && method.equals("POST")) return replaceRules(request, response, callback);
        if (path.equals("/api/v1/rules") && (method.equals("GET") || method.equals("HEAD"))) {
            FailedRequestTracer t = operator.rules().get();
            if (t == null) return Replies.error(response, callback, 404, "this server has no failed-request tracer");
            return Replies.json(response, callback, 200, Map.of("apiVersion", Api.VERSION, "rules", RuleText.format(t.rules())
                    .lines().toList()));
        }
        Matcher end = END.matcher(path);
        if (end.matches()) {
            if (!method.equals("POST")) return Replies.error(response, callback, 405, "ending a request takes a POST");
            return end(request, response, callback, end.group(1));
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return Replies.error(response, callback, 405, "only GET here: " + method + " " + path);
        }
        Fields q = Request.extractQueryParameters(request);
        // Queries may carry secrets of the site's users: shown only to a caller holding the token.
        boolean showQuery = "show".equals(q.getValue("query")) && (access.bearer(request) || access.sessionNonce(request) != null);
        switch (path) {
            case "/metrics" -> {
                ServerMetrics.Scrape scrape = operator.metrics().scrape(request.getHeaders().get(HttpHeader.ACCEPT));
                return Replies.bytes(response, callback, 200, scrape.contentType(),
                        scrape.body().getBytes(StandardCharsets.UTF_8));
            }
            case "/api/v1/requests" -> {
                return Replies.json(response, callback, 200, api.requests(number(q.getValue("elapsed")), showQuery));
            }
            case "/api/v1/summary" -> {
                return Replies.json(response, callback, 200, api.summary());
            }
            case "/api/v1/traces" -> {
                return Replies.json(response, callback, 200, api.traces(filter(q), (int) Math.max(1, Math.min(1000,
                        q.getValue("limit") == null ? 100 : number(q.getValue("limit"))))));
            }
            case "/", "/index.html" -> {
                return Replies.html(response, callback, 200, dashboard.render(q, access.sessionNonce(request), showQuery));
            }
            default -> { }
        }
        Matcher m;
        if ((m = TRACE_JSON.matcher(path)).matches()) {
            Map<String, Object> t = api.trace(m.group(1));
            return t == null ? Replies.error(response, callback, 404, "no such request in memory: " + m.group(1))
                    : Replies.json(response, callback, 200, t);
        }
        if ((m = TRACE_PAGE.matcher(path)).matches()) {
            String page = TracePages.request(operator, m.group(1));
            return page == null ? Replies.html(response, callback, 404, TracePages.missing(m.group(1)))
                    : Replies.html(response, callback, 200, page);
        }
        if ((m = FREB.matcher(path)).matches()) {
            Path file = TraceList.frebFile(operator.frebDir(), m.group(1), m.group(2));
            if (file == null) return Replies.error(response, callback, 404, "no such trace file");
            if (file.toString().endsWith(".xml")) {
                return Replies.bytes(response, callback, 200, "application/xml", Files.readAllBytes(file));
            }
            return Replies.html(response, callback, 200, TracePages.freb(file));
        }
        return Replies.error(response, callback, 404, "nothing here: " + method + " " + path);
    }

    /** POST /api/v1/requests/{id}/end: the bearer token, or the dashboard's form with its session's nonce. */
    private boolean end(Request request, Response response, Callback callback, String id) throws Exception {
        boolean form = String.valueOf(request.getHeaders().get(HttpHeader.CONTENT_TYPE))
                .startsWith("application/x-www-form-urlencoded");
        String nonce = form ? form(request).getValue("nonce") : null;
        if (!access.mayChange(request, nonce)) {
            return Replies.error(response, callback, 403, "ending a request needs the admin token "
                    + "(Authorization: Bearer TOKEN, or the dashboard after signing in)");
        }
        boolean ended = operator.ender().test(id);
        if (ended) {
            operator.errors().log(id, "operator: ended the request's program or FastCGI exchange (requested from "
                    + Addresses.client(request) + ")");
        }
        if (form) return Replies.seeOther(response, callback, "/?ended=" + (ended ? id : "none"), null);
        return ended ? Replies.json(response, callback, 200, Map.of("apiVersion", Api.VERSION, "ended", id))
                : Replies.error(response, callback, 404, "no program runs for request " + id
                        + " (it ended, or it still waits for a program slot or a FastCGI lane)");
    }

    /**
     * POST /api/v1/rules: replaces the failed-request rules at once. The body is the rules one a line
     * ({@link RuleText}), as text/plain with the bearer token, or the dashboard's form field "rules" with its nonce.
     */
    private boolean replaceRules(Request request, Response response, Callback callback) throws Exception {
        boolean form = String.valueOf(request.getHeaders().get(HttpHeader.CONTENT_TYPE))
                .startsWith("application/x-www-form-urlencoded");
        Fields fields = form ? form(request) : null;
        String nonce = form ? fields.getValue("nonce") : null;
        if (!access.mayChange(request, nonce)) {
            return Replies.error(response, callback, 403, "changing the rules needs the admin token "
                    + "(Authorization: Bearer TOKEN, or the dashboard after signing in)");
        }
        FailedRequestTracer t = operator.rules().get();
        if (t == null) return Replies.error(response, callback, 404, "this server has no failed-request tracer");
        String text = form ? String.valueOf(fields.getValue("rules"))
                : org.eclipse.jetty.io.Content.Source.asString(request, StandardCharsets.UTF_8);
        List<TraceRule> rules;
        try {
            rules = RuleText.parse(text);
        } catch (IllegalArgumentException e) {
            if (form) return Replies.seeOther(response, callback, "/?rules=" + java.net.URLEncoder.encode(
                    "Not changed: " + e.getMessage(), StandardCharsets.UTF_8) + "#rules", null);
            return Replies.error(response, callback, 400, "rules not changed: " + e.getMessage());
        }
        t.replaceRules(rules);
        operator.errors().log(null, "operator: failed-request rules replaced (" + rules.size() + " rule(s)): "
                + String.join("; ", RuleText.format(rules).lines().toList()));
        if (form) return Replies.seeOther(response, callback, "/?rules=" + java.net.URLEncoder.encode(
                "In force: " + rules.size() + " rule(s).", StandardCharsets.UTF_8) + "#rules", null);
        return Replies.json(response, callback, 200, Map.of("apiVersion", Api.VERSION, "rules",
                RuleText.format(rules).lines().toList()));
    }

    /** POST /login with the token as a form field: a browser session (cookie); GET shows the form. */
    private boolean login(Request request, Response response, Callback callback) throws Exception {
        if (request.getMethod().equals("POST")) {
            if (!access.isToken(form(request).getValue("token"))) {
                return Replies.html(response, callback, 403, Pages.login("That is not the admin token."));
            }
            return Replies.seeOther(response, callback, "/", OperatorAccess.cookie(access.newSession()));
        }
        return Replies.html(response, callback, 200, Pages.login(null));
    }

    private static TraceList.Filter filter(Fields q) {
        String age = q.getValue("maxAgeMinutes");
        return new TraceList.Filter(q.getValue("status"), q.getValue("url"),
                age == null || age.isEmpty() ? null : Duration.ofMinutes(number(age)));
    }

    static long number(String s) {
        if (s == null || s.isEmpty()) return 0;
        try {
            return Math.max(0, Long.parseLong(s.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** A small urlencoded form (the end and login buttons): at most 16 fields of 4 KiB in all. */
    static Fields form(Request request) {
        return FormFields.getFields(request, 16, 4096);
    }

    /** Where a request came from, for the error log line. */
    private static final class Addresses {
        static String client(Request r) {
            return String.valueOf(r.getConnectionMetaData().getRemoteSocketAddress());
        }
    }
}
