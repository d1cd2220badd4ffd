package org.tracegate.operator;

import org.tracegate.text.Markup;

/** The operator's small HTML pages that are not the dashboard. */
final class Pages {
    private Pages() {}

    static final String STYLE = """
            <style>body{font:14px/1.4 system-ui,sans-serif;margin:16px;color:#1d2329}h1{font-size:20px;margin:0 0 8px}
            h2{font-size:16px;margin:18px 0 6px}table{border-collapse:collapse;width:100%}
            th,td{border:1px solid #d5dbe1;padding:3px 7px;text-align:left;vertical-align:top}th{background:#eef2f6}
            td.n{text-align:right;font-variant-numeric:tabular-nums}td.u{font-family:monospace;word-break:break-all}
            .bad{color:#a4161a}.muted{color:#5c6670}.cards{display:flex;flex-wrap:wrap;gap:8px}
            .card{border:1px solid #d5dbe1;border-radius:4px;padding:6px 10px;min-width:130px}.card b{font-size:18px;display:block}
            .cause{background:#fff3cd;border:1px solid #e0c36a;padding:8px 12px;margin:0 0 10px}
            form.inline{display:inline;margin:0}nav a{margin-right:12px}</style>
            """;

    static String login(String problem) {
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Tracegate operator: sign in</title>"
                + STYLE + "</head><body><h1>Sign in</h1>"
                + (problem == null ? "" : "<p class=\"bad\">" + Markup.html(problem) + "</p>")
                + "<p>Paste the admin token (the file <code>admin.token</code> in the server's log directory). It is sent "
                + "once, in this form's body; the browser keeps only a session cookie.</p>"
                + "<form method=\"post\" action=\"/login\"><input type=\"password\" name=\"token\" size=\"70\" "
                + "autocomplete=\"off\" id=\"token\"> <button type=\"submit\" id=\"signin\">Sign in</button></form></body></html>";
    }
}
