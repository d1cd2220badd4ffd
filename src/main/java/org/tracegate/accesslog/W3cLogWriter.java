package org.tracegate.accesslog;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;

/**
 * IIS's W3C extended log format, as IIS writes it: files {@code u_exYYMMDD.log} (UTF-8), a header
 * block on every (re)open, one space-separated line per request, {@code -} for no value. Lines end
 * in LF, not IIS's CRLF: these files live on Linux and are read with grep and awk.
 */
public final class W3cLogWriter extends AccessLogWriter {
    public static final String SOFTWARE = "Tracegate " + org.tracegate.config.Version.NUMBER;
    /** In {@code #Fields} order; {@code x-} fields are ours (IIS allows custom fields). */
    public static final List<String> FIELDS = List.of("date", "time", "s-ip", "cs-method", "cs-uri-stem",
            "cs-uri-query", "s-port", "cs-username", "c-ip", "cs(User-Agent)", "cs(Referer)", "sc-status",
            "sc-substatus", "sc-win32-status", "sc-bytes", "cs-bytes", "time-taken", "x-activity-id",
            "x-program-exit");

    private static final DateTimeFormatter DATE_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter FILE_DAY = DateTimeFormatter.ofPattern("uuMMdd");
    private static final HexFormat HEX = HexFormat.of().withUpperCase();
    private static final LineFormat FORMAT =
            new LineFormat(d -> "u_ex" + FILE_DAY.format(d), W3cLogWriter::header, W3cLogWriter::line);

    public W3cLogWriter(Path dir) throws IOException {
        this(dir, WriterSettings.defaults());
    }

    public W3cLogWriter(Path dir, WriterSettings settings) throws IOException {
        super(dir, settings, FORMAT, "tracegate-accesslog-w3c");
    }

    static String header(Instant now) {
        return "#Software: " + SOFTWARE + "\n#Version: 1.0\n#Date: " + DATE_TIME.format(now)
                + "\n#Fields: " + String.join(" ", FIELDS) + "\n";
    }

    static String line(AccessRecord r) {
        return String.join(" ", DATE_TIME.format(r.time()), value(r.serverIp()), value(r.method()),
                value(r.uriStem()), value(r.uriQuery()), Integer.toString(r.serverPort()), value(r.username()),
                value(r.clientIp()), value(r.userAgent()), value(r.referer()), Integer.toString(r.status()),
                Integer.toString(r.subStatus()), Integer.toString(r.win32Status()), Long.toString(r.bytesSent()),
                Long.toString(r.bytesReceived()), Long.toString(r.timeTakenMillis()), value(r.activityId()),
                value(r.programExit()));
    }

    /**
     * A field as it goes on the line: {@code -} when null or empty; a space becomes {@code +}, as IIS
     * writes User-Agent; every other control or whitespace character (tab, CR, LF, NEL, U+2028, NBSP …)
     * becomes {@code %XX} per UTF-8 byte, the escape a URL would need anyway, so a line never breaks and
     * splitting on ' ' always yields every field. Like IIS we do not escape '+', '%' or a lone '-', so
     * those read back ambiguously; the log is for reading, not a lossless store.
     */
    static String value(String s) {
        if (s == null || s.isEmpty()) return "-";
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> {
            if (cp == ' ') b.append('+');
            else if (Character.isISOControl(cp) || Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                for (byte x : Character.toString(cp).getBytes(UTF_8)) b.append('%').append(HEX.toHexDigits(x));
            } else b.appendCodePoint(cp);
        });
        return b.toString();
    }
}
