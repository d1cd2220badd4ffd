package org.tracegate.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * Tracegate's version. The pom's {@code <version>} is the single source: Maven filters it into
 * {@code org/tracegate/version.properties}, and {@code --version}, SERVER_SOFTWARE, the access log's
 * {@code #Software} line and the jar manifest all come from there.
 */
public final class Version {
    private static final String RESOURCE = "/org/tracegate/version.properties";

    /** The version number, e.g. "0.2.0". */
    public static final String NUMBER = load();

    /** The RFC 9110 product token, as SERVER_SOFTWARE carries it: "Tracegate/0.2.0". */
    public static final String PRODUCT = "Tracegate/" + NUMBER;

    private Version() {}

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream(RESOURCE)) {
            // Both cases mean the classes were not built by Maven: better to stop than to report a made-up version.
            if (in == null) throw new IllegalStateException(RESOURCE + " is missing from the class path (build with Maven)");
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "");
            if (v.isBlank() || v.contains("${")) {
                throw new IllegalStateException(RESOURCE + " was not filtered by Maven (version=" + v + ")");
            }
            return v.trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}
