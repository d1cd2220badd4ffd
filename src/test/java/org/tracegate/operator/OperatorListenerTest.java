package org.tracegate.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The operator listener: its address in the runtime file, the token rules, browser sign-in, no framing or scripts. */
class OperatorListenerTest {
    static OperatorServer os;

    @BeforeAll
    static void start() throws Exception { os = OperatorServer.start(c -> c); }

    @AfterAll
    static void stop() throws Exception { os.close(); }

    @Test
    void runtimeFileNamesTheOperatorListener() throws Exception {
        JsonNode rt = new ObjectMapper().readTree(os.logDir.resolve("tracegate.runtime.json").toFile());
        assertThat(rt.path("operator").asText()).isEqualTo(os.server.operatorUrl()).startsWith("http://127.0.0.1:");
        assertThat(rt.path("admin").asText()).isEqualTo(os.server.operatorUrl() + "admin/");
    }

    @Test
    void adminApiNeedsTheToken() throws Exception {
        assertThat(os.get("/admin/trace/status").statusCode()).isEqualTo(401);
        HttpResponse<String> wrong = os.send(HttpRequest.newBuilder(os.operator("/admin/trace/status"))
                .header("Authorization", "Bearer " + "0".repeat(64)));
        assertThat(wrong.statusCode()).isEqualTo(401);
        HttpResponse<String> right = os.send(HttpRequest.newBuilder(os.operator("/admin/trace/status"))
                .header("Authorization", "Bearer " + os.token()));
        assertThat(right.statusCode()).isEqualTo(200);
        assertThat(right.body()).isEqualTo("{}");
    }

    @Test
    void theSiteDoesNotServeTheOperatorsPathsNorTheOperatorTheSites() throws Exception {
        HttpResponse<String> site = os.send(HttpRequest.newBuilder(os.site("/admin/trace/status"))
                .header("Authorization", "Bearer " + os.token()));
        assertThat(site.statusCode()).isEqualTo(404);
        assertThat(os.get("/demo/hello.sh").statusCode()).isEqualTo(404);
    }

    @Test
    void signInTakesTheTokenInAPostBodyAndGivesAnHttpOnlyCookie() throws Exception {
        HttpResponse<String> bad = os.send(HttpRequest.newBuilder(os.operator("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=nope")));
        assertThat(bad.statusCode()).isEqualTo(403);
        assertThat(bad.headers().firstValue("Set-Cookie")).isEmpty();
        HttpResponse<String> good = os.send(HttpRequest.newBuilder(os.operator("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + os.token())));
        assertThat(good.statusCode()).isEqualTo(303);
        String cookie = good.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict").doesNotContain(os.token());
        assertThat(Files.readString(os.logDir.resolve("error.log"))).doesNotContain(os.token());
    }

    /** CSRF: a signed-in browser's cookie alone does not end a request; the page's nonce must come along. */
    @Test
    void aSessionCookieWithoutTheFormsNonceChangesNothing() throws Exception {
        HttpResponse<String> good = os.send(HttpRequest.newBuilder(os.operator("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + os.token())));
        String cookie = good.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        String id = java.util.UUID.randomUUID().toString();
        for (String body : new String[] {"", "nonce=", "nonce=0123456789abcdef"}) {
            HttpResponse<String> r = os.send(HttpRequest.newBuilder(os.operator("/api/v1/requests/" + id + "/end"))
                    .header("Cookie", cookie).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)));
            assertThat(r.statusCode()).as(body).isEqualTo(403);
        }
        // With the page's nonce it is accepted (nothing runs under that id: the dashboard says so).
        String page = os.send(HttpRequest.newBuilder(os.operator("/")).header("Cookie", cookie)).body();
        assertThat(page).contains("signed in").doesNotContain(os.token());
        assertThat(os.get("/").body()).contains("sign in to end requests");
    }

    /**
     * Clickjacking and script injection: the dashboard, the API and their errors may not be framed by another page and
     * run no script nor load anything from elsewhere (Replies sets both headers on every answer with a body).
     */
    @Test
    void pagesAndApiAnswersForbidFramingAndScripts() throws Exception {
        String csp = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; "
                + "frame-ancestors 'none'";
        for (String path : new String[] {"/", "/api/v1/summary", "/api/v1/no-such-thing", "/admin/trace/status"}) {
            HttpResponse<String> r = os.get(path);
            assertThat(r.statusCode()).as(path).isIn(200, 401, 404);
            assertThat(r.headers().allValues("X-Frame-Options")).as(path).containsExactly("DENY");
            assertThat(r.headers().allValues("Content-Security-Policy")).as(path).containsExactly(csp);
        }
        assertThat(os.get("/").headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(os.get("/api/v1/summary").headers().firstValue("Content-Type").orElseThrow())
                .startsWith("application/json");
    }

    /** From another host, even reading needs the token. */
    @Test
    void otherHostsNeedTheTokenEvenToRead() throws Exception {
        java.net.InetAddress external = java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
                .filter(i -> { try { return i.isUp() && !i.isLoopback(); } catch (java.net.SocketException e) { return false; } })
                .flatMap(i -> java.util.Collections.list(i.getInetAddresses()).stream())
                .filter(a -> a instanceof java.net.Inet4Address && !a.isLoopbackAddress()).findFirst().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(external != null, "this machine has no non-loopback IPv4 address");
        try (OperatorServer wide = OperatorServer.start(c -> c.withOperatorListen("0.0.0.0:0"))) {
            int port = java.net.URI.create(wide.server.operatorUrl()).getPort();
            java.net.URI summary = java.net.URI.create("http://" + external.getHostAddress() + ":" + port + "/api/v1/summary");
            for (String path : new String[] {"/api/v1/summary", "/metrics", "/"}) {
                java.net.URI u = summary.resolve(path);
                assertThat(wide.send(HttpRequest.newBuilder(u)).statusCode()).as(path).isEqualTo(401);
            }
            assertThat(wide.send(HttpRequest.newBuilder(summary).header("Authorization", "Bearer " + wide.token()))
                    .statusCode()).isEqualTo(200);
            assertThat(wide.get("/api/v1/summary").statusCode()).as("loopback still reads").isEqualTo(200);
        }
    }
}
