package org.tracegate.admin;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** What the admin endpoint can do with trace sessions (implemented over the session package). */
public interface SessionControl {

    /**
     * Starts recording every event of every matching request.
     *
     * @param urlPattern glob on the URL path, or null for all
     * @param areas      areas to record ("General", "CGI"), empty for all
     * @param output     the session file, or null for a generated name in the sessions directory
     * @param maxBytes   the file stops growing at this size (later events are counted as dropped)
     * @return the session file
     * @throws IllegalStateException when a session is already running
     */
    Path start(String urlPattern, List<String> areas, Path output, long maxBytes) throws IOException;

    /** Ends the running session; returns its summary (file, events, dropped, bytes, maxBytes, truncated). */
    Map<String, Object> stop() throws IOException;

    /** The running session's details, or an empty map. */
    Map<String, Object> status();
}
