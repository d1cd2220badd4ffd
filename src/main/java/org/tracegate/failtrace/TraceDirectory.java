package org.tracegate.failtrace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tracegate.files.ServerFiles;

/**
 * One W3SVC&lt;site&gt; directory: numbers files (never reusing a number, continuing after the highest one
 * found), writes each xml+htm pair, keeps at most {@code maxFiles} pairs and rewrites index.json/index.htm.
 * Thread-safe: numbers come from an AtomicLong and files are created with CREATE_NEW, so two writers (or two
 * servers on one directory) never overwrite each other; bookkeeping happens under the instance lock.
 */
final class TraceDirectory {
    private static final Pattern FILE = Pattern.compile("fr(\\d{6,18})\\.xml");

    private final Path dir;
    private final int maxFiles;
    private final AtomicLong last = new AtomicLong();
    private final TreeMap<Long, TraceIndex.Entry> entries = new TreeMap<>(); // guarded by this

    TraceDirectory(Path dir, int maxFiles) throws IOException {
        this.dir = dir;
        this.maxFiles = maxFiles;
        ServerFiles.directory(dir);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "fr*.xml")) {
            for (Path f : files) {
                Matcher m = FILE.matcher(f.getFileName().toString());
                if (!m.matches()) continue;
                long n = Long.parseLong(m.group(1));
                last.accumulateAndGet(n, Math::max);
                entries.put(n, TraceIndex.read(n, f));
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
                try (var out = ServerFiles.createNew(xml, ServerFiles.FILE)) {
                    out.write(rendered.xml());
                }
                break;
            } catch (FileAlreadyExistsException e) {
                // Another process took this number: take the next.
            }
        }
        String name = String.format("fr%06d", n);
        ServerFiles.write(dir.resolve(name + ".htm"),
                FrebHtml.render(fr, rendered.events(), name + ".xml").getBytes(StandardCharsets.UTF_8), ServerFiles.FILE);
        TraceIndex.Entry entry = new TraceIndex.Entry(n, FrebXml.systemTime(fr.startMicros()), fr.url(), fr.verb(),
                fr.statusCode(), fr.reason().name(), fr.timeTakenMillis());
        synchronized (this) {
            entries.put(n, entry);
            while (entries.size() > maxFiles) {
                TraceIndex.Entry old = entries.pollFirstEntry().getValue();
                Files.deleteIfExists(dir.resolve(old.name() + ".xml"));
                Files.deleteIfExists(dir.resolve(old.name() + ".htm"));
            }
            writeIndex();
        }
        return xml;
    }

    private void writeIndex() throws IOException {
        replace(dir.resolve("index.json"), TraceIndex.json(entries.descendingMap().values()));
        replace(dir.resolve("index.htm"), TraceIndex.html(entries.descendingMap().values()));
    }

    /** Write-then-rename, so a reader never sees half an index. */
    private void replace(Path target, String content) throws IOException {
        // The temp file is unique: another server may share the directory.
        ServerFiles.replace(target, content.getBytes(StandardCharsets.UTF_8), ServerFiles.FILE);
    }
}
