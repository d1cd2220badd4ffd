package org.tracegate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Collections;
import java.util.HexFormat;

/**
 * The small PHP application both FastCGI modes serve (external php-fpm, managed php-cgi), and the checks a real
 * application needs from either: sessions, a form POST, a file upload, a 100 MB upload, a streamed response.
 */
final class PhpApp {
    private PhpApp() {}

    /** Writes a script into the application's directory. */
    @FunctionalInterface
    interface Scripts {
        void write(String name, String php) throws Exception;
    }

    /** form.php, upload.php and stream.php, served at {@code /php/}. */
    static void writeScripts(Scripts s) throws Exception {
        s.write("form.php", "<?php header('Content-Type: text/plain'); session_start();"
                + " $_SESSION['n'] = ($_SESSION['n'] ?? 0) + 1; echo 'visit=', $_SESSION['n'], \"\\n\";"
                + " foreach ($_POST as $k => $v) echo 'post.', $k, '=', $v, \"\\n\";"
                + " foreach ($_FILES as $k => $f) echo 'file.', $k, '=', $f['name'], ' ', $f['size'], ' ', md5_file($f['tmp_name']), \"\\n\";");
        s.write("upload.php", "<?php header('Content-Type: text/plain'); $h = hash_init('sha256'); $in = fopen('php://input', 'rb');"
                + " $n = 0; while (!feof($in)) { $b = fread($in, 1 << 20); $n += strlen($b); hash_update($h, $b); }"
                + " echo $n, ' ', hash_final($h), \"\\n\";");
        s.write("stream.php", "<?php header('Content-Type: application/octet-stream'); $chunk = str_repeat('x', 65536);"
                + " for ($i = 0; $i < 320; $i++) { echo $chunk; flush(); }");
    }

    static void formPostSessionsAndAFileUpload(org.tracegate.http.TestServer ts) throws Exception {
        HttpResponse<String> first = ts.send(ts.request("/php/form.php")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("name=Ada&lang=php")));
        assertThat(first.body()).contains("visit=1\n", "post.name=Ada\n", "post.lang=php\n");
        String cookie = first.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        HttpResponse<String> second = ts.send(ts.request("/php/form.php").header("Cookie", cookie));
        assertThat(second.body()).contains("visit=2\n");

        byte[] file = "file contents for the upload test\n".repeat(1000).getBytes(StandardCharsets.UTF_8);
        String boundary = "tracegateBoundary42";
        byte[] multipart = concat(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"a.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\n").getBytes(StandardCharsets.UTF_8), file,
                ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> up = ts.send(ts.request("/php/form.php").header("Cookie", cookie)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(multipart)));
        assertThat(up.body()).contains("visit=3\n", "file.doc=a.txt " + file.length + " " + md5(file));
    }

    static void a100MegabyteUploadReachesPhpWhole(org.tracegate.http.TestServer ts) throws Exception {
        byte[] block = new byte[1 << 20];
        for (int i = 0; i < block.length; i++) block[i] = (byte) (i * 31 + 7);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < 100; i++) sha.update(block);
        HttpResponse<String> r = ts.send(ts.request("/php/upload.php").header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new SequenceInputStream(
                        Collections.enumeration(Collections.nCopies(100, block).stream()
                                .map(b -> (InputStream) new ByteArrayInputStream(b)).toList())))));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body().strip()).isEqualTo((100L << 20) + " " + HexFormat.of().formatHex(sha.digest()));
    }

    static void aStreamedResponseArrivesWhole(org.tracegate.http.TestServer ts) throws Exception {
        HttpResponse<byte[]> r = ts.client.send(ts.request("/php/stream.php").timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).hasSize(320 * 65536);
    }

    private static String md5(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }
}
