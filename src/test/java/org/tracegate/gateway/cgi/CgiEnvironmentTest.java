package org.tracegate.gateway.cgi;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.tracegate.config.EnvironmentPolicy;
import org.tracegate.gateway.GatewayRequest;

class CgiEnvironmentTest {

    private static final Map<String, String> SERVER_ENV = Map.of(
            "PATH", "/usr/bin:/bin", "HOME", "/root", "SECRET_TOKEN", "s3cr3t", "LANG", "C.UTF-8");

    /** A mutable description of a request; {@link #build()} turns it into a GatewayRequest. */
    private static final class Req {
        String method = "GET", uri = "/cgi-bin/env.sh/extra/path?a=1&b=%20", query = "a=1&b=%20";
        String scriptName = "/cgi-bin/env.sh", pathInfo = "/extra/path";
        Path scriptFile = Path.of("/srv/www/cgi-bin/env.sh"), docRoot = Path.of("/srv/www");
        String protocol = "HTTP/1.1", serverName = "example.org", serverAddr = "10.0.0.1";
        String remoteAddr = "192.0.2.7";
        int serverPort = 8080, remotePort = 54321;
        boolean https, passAuth;
        long contentLength = -1;
        String contentType;
        final List<Map.Entry<String, String>> headers = new ArrayList<>();

        Req header(String n, String v) { headers.add(entry(n, v)); return this; }

        GatewayRequest build() {
            return new GatewayRequest(method, uri, query, scriptName, pathInfo, scriptFile, docRoot, protocol,
                    serverName, serverPort, serverAddr, remoteAddr, remotePort, https, contentLength, contentType,
                    headers, passAuth);
        }

        Map<String, String> env() { return env(EnvironmentPolicy.defaults()); }

        Map<String, String> env(EnvironmentPolicy policy) {
            return CgiEnvironment.build(build(), policy, SERVER_ENV);
        }
    }

    @Test
    void metaVariablesForAPlainGet() {
        Map<String, String> env = new Req().header("Host", "example.org:8080").env();
        assertThat(env).containsExactly(
                entry("GATEWAY_INTERFACE", "CGI/1.1"),
                entry("SERVER_SOFTWARE", "Tracegate/" + CgiEnvironment.VERSION),
                entry("REQUEST_METHOD", "GET"),
                entry("SCRIPT_NAME", "/cgi-bin/env.sh"),
                entry("PATH_INFO", "/extra/path"),
                entry("PATH_TRANSLATED", "/srv/www/extra/path"),
                entry("QUERY_STRING", "a=1&b=%20"),
                entry("SERVER_NAME", "example.org"),
                entry("SERVER_PORT", "8080"),
                entry("SERVER_PROTOCOL", "HTTP/1.1"),
                entry("SERVER_ADDR", "10.0.0.1"),
                entry("REMOTE_ADDR", "192.0.2.7"),
                entry("REMOTE_HOST", "192.0.2.7"),
                entry("REMOTE_PORT", "54321"),
                entry("REQUEST_URI", "/cgi-bin/env.sh/extra/path?a=1&b=%20"),
                entry("SCRIPT_FILENAME", "/srv/www/cgi-bin/env.sh"),
                entry("DOCUMENT_ROOT", "/srv/www"),
                entry("REDIRECT_STATUS", "200"),
                entry("HTTP_HOST", "example.org:8080"),
                entry("PATH", "/usr/bin:/bin"));
        assertThat(env).isInstanceOf(java.util.LinkedHashMap.class);
    }

    @Test
    void metaVariableConstantsAreSpelledAsTheRfc() {
        assertThat(List.of(MetaVariables.AUTH_TYPE, MetaVariables.CONTENT_LENGTH, MetaVariables.CONTENT_TYPE,
                MetaVariables.GATEWAY_INTERFACE, MetaVariables.PATH_INFO, MetaVariables.PATH_TRANSLATED,
                MetaVariables.QUERY_STRING, MetaVariables.REMOTE_ADDR, MetaVariables.REMOTE_HOST,
                MetaVariables.REMOTE_IDENT, MetaVariables.REMOTE_USER, MetaVariables.REQUEST_METHOD,
                MetaVariables.SCRIPT_NAME, MetaVariables.SERVER_NAME, MetaVariables.SERVER_PORT,
                MetaVariables.SERVER_PROTOCOL, MetaVariables.SERVER_SOFTWARE)).containsExactly(
                "AUTH_TYPE", "CONTENT_LENGTH", "CONTENT_TYPE", "GATEWAY_INTERFACE", "PATH_INFO", "PATH_TRANSLATED",
                "QUERY_STRING", "REMOTE_ADDR", "REMOTE_HOST", "REMOTE_IDENT", "REMOTE_USER", "REQUEST_METHOD",
                "SCRIPT_NAME", "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL", "SERVER_SOFTWARE");
    }

    // ---- PATH_INFO / PATH_TRANSLATED / QUERY_STRING ----

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        // pathInfo        | docRoot     | PATH_INFO       | PATH_TRANSLATED
        "/extra/path       | /srv/www    | /extra/path     | /srv/www/extra/path",
        "/a b/ü            | /srv/www/   | /a b/ü          | /srv/www/a b/ü",
        "/x                | /           | /x              | /x",
        "/../etc/passwd    | /srv/www    | /../etc/passwd  | /srv/www/../etc/passwd",
        "''                | /srv/www    | NULL            | NULL",
    })
    void pathInfoAndPathTranslated(String pathInfo, String root, String expectInfo, String expectTranslated) {
        Req r = new Req();
        r.pathInfo = pathInfo;
        r.docRoot = Path.of(root);
        Map<String, String> env = r.env();
        assertThat(env.get("PATH_INFO")).isEqualTo(CgiEnvironment.octets(expectInfo));
        assertThat(env.get("PATH_TRANSLATED")).isEqualTo(CgiEnvironment.octets(expectTranslated));
        assertThat(env.containsKey("PATH_INFO")).isEqualTo(expectInfo != null);
        assertThat(env.containsKey("PATH_TRANSLATED")).isEqualTo(expectTranslated != null);
    }

    @Test
    void queryStringIsAlwaysSetAndRaw() {
        Req r = new Req();
        r.query = "";
        assertThat(r.env()).containsEntry("QUERY_STRING", "");
        r.query = "x=%2F+y&&z";
        assertThat(r.env()).containsEntry("QUERY_STRING", "x=%2F+y&&z");
    }

    // ---- addresses ----

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "192.0.2.7       | 192.0.2.7", "[2001:db8::1]   | 2001:db8::1", "2001:db8::1     | 2001:db8::1",
        "[::1]           | ::1", "[fe80::1%eth0]  | fe80::1%eth0"})
    void remoteAddressLosesIpv6BracketsAndIsAlsoRemoteHost(String given, String expected) {
        Req r = new Req();
        r.remoteAddr = given;
        r.serverAddr = given;
        Map<String, String> env = r.env();
        assertThat(env).containsEntry("REMOTE_ADDR", expected).containsEntry("REMOTE_HOST", expected)
                .containsEntry("SERVER_ADDR", expected);
    }

    @Test
    void protocolAndHttpsAsTheClientSpoke() {
        Req r = new Req();
        r.protocol = "HTTP/1.0";
        assertThat(r.env()).containsEntry("SERVER_PROTOCOL", "HTTP/1.0").doesNotContainKey("HTTPS");
        r.https = true;
        r.serverPort = 443;
        assertThat(r.env()).containsEntry("HTTPS", "on").containsEntry("SERVER_PORT", "443");
    }

    // ---- body ----

    @Test
    void contentVariablesOnlyWithABody() {
        Req r = new Req().header("Content-Type", "text/plain").header("Content-Length", "0");
        r.contentType = "text/plain";
        assertThat(r.env()).doesNotContainKeys("CONTENT_LENGTH", "CONTENT_TYPE", "HTTP_CONTENT_TYPE",
                "HTTP_CONTENT_LENGTH");

        r.method = "POST";
        r.contentLength = 0;
        assertThat(r.env()).containsEntry("CONTENT_LENGTH", "0").containsEntry("CONTENT_TYPE", "text/plain")
                .doesNotContainKeys("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH");

        r.contentLength = 12345678901L;
        r.contentType = null;
        assertThat(r.env()).containsEntry("CONTENT_LENGTH", "12345678901").doesNotContainKey("CONTENT_TYPE");
    }

    // ---- Authorization ----

    /** The server authenticates nobody, so a client's Authorization header never becomes AUTH_TYPE (issue 9). */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"Basic dXNlcjpwYXNz", "Bearer abc.def.ghi", "'  Digest\tusername=x'", "Negotiate"})
    void authTypeIsNeverTakenFromTheClient(String value) {
        Map<String, String> env = new Req().header("Authorization", value).env();
        assertThat(env).doesNotContainKey("AUTH_TYPE").doesNotContainKey("REMOTE_USER");
        assertThat(env.values()).noneMatch(v -> v.contains("dXNlcjpwYXNz") || v.contains("abc.def"));
    }

    @Test
    void authorizationIsPassedOnlyWhenTheMappingAllowsIt() {
        Req r = new Req().header("authorization", "Basic dXNlcjpwYXNz");
        assertThat(r.env()).doesNotContainKey("HTTP_AUTHORIZATION").doesNotContainKey("AUTH_TYPE");
        r.passAuth = true;
        assertThat(r.env()).containsEntry("HTTP_AUTHORIZATION", "Basic dXNlcjpwYXNz").doesNotContainKey("AUTH_TYPE");
    }

    @Test
    void proxyCredentialsNeverReachTheProgram() {
        Req r = new Req().header("Proxy-Authorization", "Basic cHJveHk6c2VjcmV0");
        r.passAuth = true;
        assertThat(r.env()).doesNotContainKey("HTTP_PROXY_AUTHORIZATION");
        assertThat(r.env().values()).noneMatch(v -> v.contains("cHJveHk6c2VjcmV0"));
    }

    @Test
    void noAuthTypeWithoutAuthorization() {
        assertThat(new Req().env()).doesNotContainKey("AUTH_TYPE");
    }

    // ---- HTTP_* ----

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "User-Agent        | HTTP_USER_AGENT", "accept-language | HTTP_ACCEPT_LANGUAGE", "X-Forwarded-For | HTTP_X_FORWARDED_FOR",
        "DNT               | HTTP_DNT", "x-1-2           | HTTP_X_1_2", "A                 | HTTP_A"})
    void headerNamesAreUpperCasedWithUnderscores(String name, String var) {
        assertThat(new Req().header(name, "v").env()).containsEntry(var, "v");
    }

    @ParameterizedTest
    @ValueSource(strings = {"X_Forwarded_For", "X Forwarded", "X.Y", "Über", "X:Y", "", "X=Y", "X\u0000Y", "Ｘ"})
    void headerNamesWithOtherCharactersAreDropped(String name) {
        Map<String, String> env = new Req().header(name, "v").env();
        assertThat(env.keySet()).noneMatch(k -> k.startsWith("HTTP_"));
    }

    @Test
    void underscoreNamesCannotShadowDashNames() {
        Map<String, String> env = new Req().header("X-Real-IP", "192.0.2.7").header("X_Real_IP", "127.0.0.1").env();
        assertThat(env).containsEntry("HTTP_X_REAL_IP", "192.0.2.7");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Proxy", "proxy", "PROXY"})
    void httpoxyHeaderIsNeverPassed(String name) {
        Req r = new Req().header(name, "http://evil.example:3128");
        r.passAuth = true;
        assertThat(r.env()).doesNotContainKey("HTTP_PROXY")
                .doesNotContainValue("http://evil.example:3128");
    }

    @Test
    void repeatedHeadersAreJoinedInArrivalOrder() {
        Map<String, String> env = new Req()
                .header("Cookie", "a=1").header("Accept", "text/html").header("cookie", "b=2")
                .header("Accept", "*/*").header("COOKIE", "c=3").env();
        assertThat(env).containsEntry("HTTP_COOKIE", "a=1; b=2; c=3")
                .containsEntry("HTTP_ACCEPT", "text/html, */*");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\r\nX-Injected: 1", "a\nb", "a\rb", "a\u0000b"})
    void valuesWithCrLfOrNulAreDropped(String value) {
        Map<String, String> env = new Req().header("X-Thing", "ok").header("X-Thing", value)
                .header("X-Other", value).env();
        assertThat(env).containsEntry("HTTP_X_THING", "ok").doesNotContainKey("HTTP_X_OTHER");
    }

    @Test
    void otherValuesArePassedVerbatim() {
        assertThat(new Req().header("X-V", "  caf\u00e9\t\"q\"; x ").env()).containsEntry("HTTP_X_V", "  caf\u00e9\t\"q\"; x ");
    }

    // ---- policy ----

    @Test
    void onlyInheritedNamesComeFromTheServerEnvironment() {
        Map<String, String> env = new Req().env();
        assertThat(env).containsEntry("PATH", "/usr/bin:/bin").doesNotContainKeys("HOME", "SECRET_TOKEN", "LANG");

        env = new Req().env(new EnvironmentPolicy(List.of("LANG", "NOT_SET_ANYWHERE"), Map.of()));
        assertThat(env).containsEntry("LANG", "C.UTF-8").doesNotContainKeys("PATH", "NOT_SET_ANYWHERE", "HOME");

        env = new Req().env(new EnvironmentPolicy(List.of(), Map.of()));
        assertThat(env.keySet()).noneMatch(SERVER_ENV::containsKey);
    }

    @Test
    void setComesLastAndOverridesEverything() {
        EnvironmentPolicy policy = new EnvironmentPolicy(List.of("PATH"),
                Map.of("PATH", "/opt/bin", "SERVER_SOFTWARE", "Hidden", "HTTP_HOST", "fixed", "APP_ENV", "prod"));
        Map<String, String> env = new Req().header("Host", "example.org").env(policy);
        assertThat(env).containsEntry("PATH", "/opt/bin").containsEntry("SERVER_SOFTWARE", "Hidden")
                .containsEntry("HTTP_HOST", "fixed").containsEntry("APP_ENV", "prod");
        assertThat(List.copyOf(env.keySet())).last().isEqualTo("APP_ENV");
    }

    @Test
    void inheritedNamesOverrideMetaVariablesLikeGoLastWins() {
        Map<String, String> serverEnv = Map.of("SERVER_NAME", "from-server");
        Map<String, String> env = CgiEnvironment.build(new Req().build(),
                new EnvironmentPolicy(List.of("SERVER_NAME"), Map.of()), serverEnv);
        assertThat(env).containsEntry("SERVER_NAME", "from-server");
    }

    // ---- octet strings ----

    @Test
    void headerValueBytesPassUnchangedEvenWhenNotUtf8() {
        // As Jetty hands them over: one char per octet of the wire ("caf" C3 A9, then a lone FF).
        Map<String, String> env = new Req().header("X-Name", "caf\u00c3\u00a9").header("X-Raw", "a\u00ffb")
                .header("Content-Type", "text/plain; name=\u00c3\u00a9").env();
        assertThat(env).containsEntry("HTTP_X_NAME", "caf\u00c3\u00a9").containsEntry("HTTP_X_RAW", "a\u00ffb");
        Req post = new Req();
        post.contentLength = 0;
        post.contentType = "text/plain; name=\u00c3\u00a9";
        assertThat(post.env()).containsEntry("CONTENT_TYPE", "text/plain; name=\u00c3\u00a9");
    }

    @Test
    void ourOwnTextBecomesItsUtf8Octets() {
        Req r = new Req();
        r.scriptName = "/cgi-bin/caf\u00e9.sh";
        r.pathInfo = "/\u00fc";
        r.uri = "/cgi-bin/caf\u00e9.sh/\u00fc?q=\u20ac";
        r.query = "q=\u20ac";
        r.scriptFile = Path.of("/srv/www/cgi-bin/caf\u00e9.sh");
        r.docRoot = Path.of("/srv/w\u00e9b");
        Map<String, String> env = r.env(new EnvironmentPolicy(List.of("LANG"), Map.of("GREETING", "gr\u00fc\u00df")));
        assertThat(env).containsEntry("SCRIPT_NAME", "/cgi-bin/caf\u00c3\u00a9.sh")
                .containsEntry("PATH_INFO", "/\u00c3\u00bc")
                .containsEntry("PATH_TRANSLATED", "/srv/w\u00c3\u00a9b/\u00c3\u00bc")
                .containsEntry("REQUEST_URI", "/cgi-bin/caf\u00c3\u00a9.sh/\u00c3\u00bc?q=\u00e2\u0082\u00ac")
                .containsEntry("QUERY_STRING", "q=\u00e2\u0082\u00ac")
                .containsEntry("SCRIPT_FILENAME", "/srv/www/cgi-bin/caf\u00c3\u00a9.sh")
                .containsEntry("DOCUMENT_ROOT", "/srv/w\u00c3\u00a9b")
                .containsEntry("GREETING", "gr\u00c3\u00bc\u00c3\u009f");
    }

    @Test
    void everyNameAndValueIsAnOctetString() {
        Req r = new Req().header("X-Name", "caf\u00c3\u00a9");
        r.pathInfo = "/\u65e5\u672c";
        Map<String, String> env = r.env(new EnvironmentPolicy(List.of("PATH"), Map.of("K\u00e9", "\ud83d\ude00")));
        env.forEach((k, v) -> assertThat(k + v).as(k).matches("[\\x00-\\xff]*"));
        assertThat(env).containsEntry("K\u00c3\u00a9", "\u00f0\u009f\u0098\u0080");
    }

    @Test
    void asciiTextIsTheSameString() {
        String s = "/cgi-bin/env.sh";
        assertThat(CgiEnvironment.octets(s)).isSameAs(s);
        assertThat(CgiEnvironment.octets(null)).isNull();
    }
}
