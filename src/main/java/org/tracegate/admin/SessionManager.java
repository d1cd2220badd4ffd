package org.tracegate.admin;

import java.io.IOException;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.tracegate.traceformats.SessionFilter;
import org.tracegate.session.SessionSummary;
import org.tracegate.session.SessionWriter;
import org.tracegate.trace.Area;
import org.tracegate.trace.ErrorLog;
import org.tracegate.trace.RequestTrace;
import org.tracegate.trace.TraceSink;
import org.tracegate.files.ServerFiles;

/**
 * At most one trace session at a time, started and stopped through the admin endpoint; while one runs,
 * every finished request's events go to its {@link SessionWriter} (which filters and queues them).
 */
public final class SessionManager implements SessionControl, TraceSink {
    /** Session files stop growing here (the stop output says so when it happened). */
    public static final long DEFAULT_MAX_BYTES = 256L << 20;
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final Path directory;
    private final ErrorLog errors;
    private volatile SessionWriter current;
    private volatile long currentMaxBytes;
    private final AtomicLong requests = new AtomicLong();

    /** As {@link #SessionManager(Path, ErrorLog)}, reporting to standard error. */
    public SessionManager(Path directory) { this(directory, ErrorLog.standardError()); }

    /**
     * @param directory where sessions go when `trace start` names no file
     * @param errors    where a session that cannot be written or closed is reported (the server's error log)
     */
    public SessionManager(Path directory, ErrorLog errors) {
        this.directory = directory;
        this.errors = errors;
    }

    @Override
    public void requestEnded(RequestTrace trace) {
        SessionWriter w = current;
        if (w != null) {
            requests.incrementAndGet();
            w.requestEnded(trace);
        }
    }

    @Override
    public synchronized Path start(String urlPattern, List<String> areas, Path output, long maxBytes) throws IOException {
        if (current != null) throw new IllegalStateException("a trace session is already running: " + current.file());
        Set<Area> set = areas.isEmpty() ? EnumSet.allOf(Area.class) : EnumSet.noneOf(Area.class);
        for (String a : areas) {
            try {
                set.add(Area.valueOf(a.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown area '" + a + "' (expected General, CGI or FastCGI)");
            }
        }
        Path file = output != null ? output
                : directory.resolve("session-" + NAME.format(ZonedDateTime.now(ZoneOffset.UTC)) + ".jsonl");
        ServerFiles.directory(file.toAbsolutePath().getParent());
        requests.set(0);
        currentMaxBytes = maxBytes;
        current = SessionWriter.open(file, new SessionFilter(urlPattern, set), maxBytes, errors);
        return file;
    }

    @Override
    public synchronized Map<String, Object> stop() throws IOException {
        SessionWriter w = current;
        if (w == null) throw new IllegalStateException("no trace session is running");
        current = null;
        SessionSummary s = w.close();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", s.file().toString());
        m.put("events", s.events());
        m.put("requests", requests.get());
        m.put("dropped", s.dropped());
        m.put("bytes", s.bytes());
        m.put("maxBytes", currentMaxBytes);
        m.put("truncated", s.truncated());
        return m;
    }

    @Override
    public Map<String, Object> status() {
        SessionWriter w = current;
        return w == null ? Map.of() : Map.of("file", w.file().toString(), "requests", requests.get());
    }

    /** Server shutdown: a running session is closed properly so its file ends with the end line. */
    public synchronized void close() {
        if (current == null) return;
        try {
            stop();
        } catch (IOException e) {
            errors.log(null, "closing the trace session failed: " + e.getMessage());
        }
    }
}
