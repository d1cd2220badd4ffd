package org.tracegate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tracegate.http.TestServer;

/** The demo's Perl programs: form.pl (CGI.pm) and upload-size.pl (Digest::SHA). */
class PerlCgiTest {
    @RegisterExtension
    static final TestServer server = TestServer.fixture();

    @Test
    void getShowsTheEmptyForm() throws Exception {
        HttpResponse<String> r = server.get("/demo/form.pl");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("text/html").containsIgnoringCase("charset=utf-8"));
        assertThat(r.body()).contains("<h1>form.pl (Perl, CGI.pm)</h1>")
                .contains("<form method=\"post\" action=\"/cgi-bin/form.pl\">")
                .doesNotContain("You posted");
    }

    @Test
    void postUrlencodedEchoesEveryFieldEscaped() throws Exception {
        String form = "name=" + enc("Ada Lovelace") + "&comment=" + enc("<b>bold</b> & \"more\"") + "&tag=a&tag=b";
        HttpResponse<String> r = server.send(server.request("/demo/form.pl")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
        assertThat(r.statusCode()).isEqualTo(200);
        String echoed = posted(r.body());
        assertThat(echoed).contains("<tr><td>name</td><td>Ada Lovelace</td></tr>")
                .contains("<tr><td>comment</td><td>&lt;b&gt;bold&lt;/b&gt; &amp; &quot;more&quot;</td></tr>")
                .contains("<tr><td>tag</td><td>a</td></tr>\n<tr><td>tag</td><td>b</td></tr>")
                .doesNotContain("<b>bold</b>")
                .doesNotContain("(no fields)");
    }

    @Test
    void postMultipartEchoesFieldsAndTheUploadedFileName() throws Exception {
        String boundary = "----tracegate" + Long.toHexString(new Random(1).nextLong());
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        part(body, boundary, "name", null, "Grace <Hopper>".getBytes(StandardCharsets.UTF_8));
        part(body, boundary, "comment", null, "line 1\r\n<b>line 2</b>".getBytes(StandardCharsets.UTF_8));
        part(body, boundary, "upload", "notes<1>.txt", "file contents\n".getBytes(StandardCharsets.UTF_8));
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));

        HttpResponse<String> r = server.send(server.request("/demo/form.pl")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
        assertThat(r.statusCode()).isEqualTo(200);
        String echoed = posted(r.body());
        assertThat(echoed).contains("<tr><td>name</td><td>Grace &lt;Hopper&gt;</td></tr>")
                .contains("<tr><td>comment</td><td>line 1\r\n&lt;b&gt;line 2&lt;/b&gt;</td></tr>")
                // CGI.pm gives a file field's value as its client-side file name.
                .contains("<tr><td>upload</td><td>notes&lt;1&gt;.txt</td></tr>")
                .doesNotContain("<b>line 2</b>");
    }

    @Test
    void uploadSizeReportsTheSha256OfA5MiBBody() throws Exception {
        byte[] data = random(5 << 20, 5);
        HttpResponse<String> r = server.send(server.request("/demo/upload-size.pl")
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(data)));
        assertUploadReport(r, data);
    }

    @Test
    void uploadSizeGetsAChunkedBodyWithItsLength() throws Exception {
        // No Content-Length: HttpClient sends the body chunked; the server spools it and sets CONTENT_LENGTH.
        byte[] data = random(3 << 20, 6);
        HttpResponse<String> r = server.send(server.request("/demo/upload-size.pl")
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(data))));
        assertUploadReport(r, data);
    }

    private static void assertUploadReport(HttpResponse<String> r, byte[] data) throws Exception {
        assertThat(r.statusCode()).as("response: %s", r.body()).isEqualTo(200);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        assertThat(r.body()).contains("method:          POST\n")
                .contains("content type:    application/octet-stream\n")
                .contains("CONTENT_LENGTH:  " + data.length + "\n")
                .contains("bytes read:      " + data.length + "\n")
                .contains("sha256:          " + sha + "\n")
                .contains("complete:        yes\n");
    }

    private static String posted(String html) {
        int at = html.indexOf("<h2>You posted</h2>");
        assertThat(at).as("no 'You posted' section in:\n%s", html).isGreaterThanOrEqualTo(0);
        return html.substring(at, html.indexOf("</table>", at));
    }

    private static void part(ByteArrayOutputStream out, String boundary, String name, String filename, byte[] value) {
        StringBuilder h = new StringBuilder("--").append(boundary).append("\r\n")
                .append("Content-Disposition: form-data; name=\"").append(name).append('"');
        if (filename != null) h.append("; filename=\"").append(filename).append("\"\r\nContent-Type: text/plain");
        h.append("\r\n\r\n");
        out.writeBytes(h.toString().getBytes(StandardCharsets.UTF_8));
        out.writeBytes(value);
        out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String enc(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
