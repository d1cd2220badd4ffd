package org.tracegate.failtrace;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One W3SVC&lt;site&gt; directory: numbers files (never reusing a number, continuing after the highest one
 * found), writes each xml+htm pair, keeps at most {@code maxFiles} pairs and rewrites index.json/index.htm.
 * Thread-safe: numbers come from an AtomicLong and files are created with CREATE_NEW, so two writers (or two
 * servers on one directory) never overwrite each other; bookkeeping happens under the instance lock.
 */
final class TraceDirectory {
    private static final Pattern FILE = Pattern.compile("fr(\\d{6,18})\\.xml");
    private static final Pattern ATTR = Pattern.compile("\\s(url|verb|failureReason|statusCode|timeTaken)=\"([^\"]*)\"");
    private static final Pattern TIME = Pattern.compile("SystemTime=\"([^\"]+)\"");

    /** One line of the index. */
    record Entry(long number, String time, String url, String verb, String statusCode, String failureReason,
                 long timeTaken) {
        String name() { return String.format("fr%06d", number); }
    }

    private final Path dir;
    private final int maxFiles;
    private final AtomicLong last = new AtomicLong();
    private final TreeMap<Long, Entry> entries = new TreeMap<>(); // guarded by this

    TraceDirectory(Path dir, int maxFiles) throws IOException {
        this.dir = dir;
        this.maxFiles = maxFiles;
        Files.createDirectories(dir);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "fr*.xml")) {
            for (Path f : files) {
                Matcher m = FILE.matcher(f.getFileName().toString());
                if (!m.matches()) continue;
                long n = Long.parseLong(m.group(1));
                last.accumulateAndGet(n, Math::max);
                entries.put(n, readEntry(n, f));
            }
        }
    }

    Path dir() { return dir; }

    /** Writes fr&lt;n&gt;.xml and .htm; returns the xml file. */
    Path write(FailedRequest fr, String computer, long maxBytes) throws IOException {
        FrebXml.Rendered rendered = FrebXml.render(fr, computer, maxBytes);
        Path xml;
        long n;
        while (true) {
            n = last.incrementAndGet();
            xml = dir.resolve(String.format("fr%06d.xml", n));
            try {
                Files.write(xml, rendered.xml(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                break;
            } catch (FileAlreadyExistsException e) {
                // Another process took this number: take the next.
            }
        }
        String name = String.format("fr%06d", n);
        Files.writeString(dir.resolve(name + ".htm"), FrebHtml.render(fr, rendered.events(), name + ".xml"));
        Entry entry = new Entry(n, FrebXml.systemTime(fr.startMicros()), fr.url(), fr.verb(), fr.statusCode(),
                fr.reason().name(), fr.timeTakenMillis());
        synchronized (this) {
            entries.put(n, entry);
            while (entries.size() > maxFiles) {
                Entry old = entries.pollFirstEntry().getValue();
                Files.deleteIfExists(dir.resolve(old.name() + ".xml"));
                Files.deleteIfExists(dir.resolve(old.name() + ".htm"));
            }
            writeIndex();
        }
        return xml;
    }

    private void writeIndex() throws IOException {
        StringBuilder json = new StringBuilder("[\n");
        StringBuilder html = new StringBuilder(4096).append("""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>Failed request traces</title><style>
                body{font:14px/1.4 system-ui,sans-serif;margin:20px;color:#222}
                table{border-collapse:collapse;width:100%}th,td{border:1px solid #d5dbe1;padding:3px 7px;text-align:left}
                th{background:#eef2f6}td.u{font-family:monospace;word-break:break-all}
                </style></head><body><h1>Failed request traces</h1>
                <table><tr><th>File</th><th>Time (UTC)</th><th>Verb</th><th>URL</th><th>Status</th><th>Failure reason</th><th>Time taken (ms)</th></tr>
                """);
        boolean first = true;
        for (Entry e : entries.descendingMap().values()) {
            if (!first) json.append(",\n");
            first = false;
            json.append("  {\"number\": ").append(e.number()).append(", \"time\": ");
            Text.json(json, e.time()).append(", \"url\": ");
            Text.json(json, e.url()).append(", \"verb\": ");
            Text.json(json, e.verb()).append(", \"statusCode\": ");
            Text.json(json, e.statusCode()).append(", \"failureReason\": ");
            Text.json(json, e.failureReason()).append(", \"timeTaken\": ").append(e.timeTaken())
                    .append(", \"file\": \"").append(e.name()).append(".xml\", \"html\": \"").append(e.name()).append(".htm\"}");
            html.append("<tr><td><a href=\"").append(e.name()).append(".htm\">").append(e.name()).append("</a> (<a href=\"")
                    .append(e.name()).append(".xml\">xml</a>)</td><td>");
            Text.text(html, e.time()).append("</td><td>");
            Text.text(html, e.verb()).append("</td><td class=\"u\">");
            Text.text(html, e.url()).append("</td><td>");
            Text.text(html, e.statusCode()).append("</td><td>");
            Text.text(html, e.failureReason()).append("</td><td>").append(e.timeTaken()).append("</td></tr>\n");
        }
        json.append(first ? "]\n" : "\n]\n");
        html.append("</table></body></html>\n");
        replace(dir.resolve("index.json"), json.toString());
        replace(dir.resolve("index.htm"), html.toString());
    }

    /** Write-then-rename, so a reader never sees half an index. */
    private void replace(Path target, String content) throws IOException {
        Path tmp = Files.createTempFile(dir, ".index", ".tmp"); // unique: another server may share the directory
        try {
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** What the index needs, from the head of an existing file (written by an earlier run). */
    private static Entry readEntry(long n, Path file) {
        String head = "";
        try (InputStream in = Files.newInputStream(file)) {
            head = new String(in.readNBytes(8192), StandardCharsets.UTF_8);
        } catch (IOException e) {
            // Unreadable: listed with what we know.
        }
        Map<String, String> a = new java.util.HashMap<>();
        Matcher m = ATTR.matcher(head.substring(0, Math.max(0, head.indexOf('>', head.indexOf("<failedRequest")))));
        while (m.find()) a.putIfAbsent(m.group(1), unescape(m.group(2)));
        Matcher t = TIME.matcher(head);
        long taken;
        try {
            taken = Long.parseLong(a.getOrDefault("timeTaken", "0"));
        } catch (NumberFormatException e) {
            taken = 0;
        }
        return new Entry(n, t.find() ? t.group(1) : "", a.getOrDefault("url", ""), a.getOrDefault("verb", ""),
                a.getOrDefault("statusCode", ""), a.getOrDefault("failureReason", ""), taken);
    }

    private static String unescape(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
                .replace("&#13;", "\r").replace("&#10;", "\n").replace("&#9;", "\t").replace("&amp;", "&");
    }
}
