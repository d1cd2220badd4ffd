package org.tracegate.accesslog;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;

/**
 * NCSA combined, as Apache's {@code %h - %u [%t] "%r" %s %b "%{Referer}i" "%{User-agent}i"}: files
 * {@code access_YYYYMMDD.log}, no header. Like Apache, {@code [%t]} is when the request arrived (our
 * end time minus time-taken) and {@code %b} is {@code -} for no bytes.
 */
public final class NcsaLogWriter extends AccessLogWriter {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("dd/MMM/uuuu:HH:mm:ss Z", Locale.US).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter FILE_DAY = DateTimeFormatter.ofPattern("uuuuMMdd");
    private static final HexFormat HEX = HexFormat.of();
    private static final LineFormat FORMAT =
            new LineFormat(d -> "access_" + FILE_DAY.format(d), now -> "", NcsaLogWriter::line);

    public NcsaLogWriter(Path dir) throws IOException {
        this(dir, WriterSettings.defaults());
    }

    public NcsaLogWriter(Path dir, WriterSettings settings) throws IOException {
        super(dir, settings, FORMAT, "tracegate-accesslog-ncsa");
    }

    static String line(AccessRecord r) {
        String query = r.uriQuery() == null || r.uriQuery().isEmpty() ? "" : "?" + r.uriQuery();
        String request = orDash(r.method()) + " " + orDash(r.uriStem()) + query + " " + orDash(r.protocol());
        return escape(orDash(r.clientIp())) + " - " + escape(orDash(r.username())).replace(" ", "\\x20")
                + " [" + TIME.format(r.time().minusMillis(r.timeTakenMillis())) + "] \"" + escape(request) + "\" "
                + r.status() + " " + (r.bytesSent() == 0 ? "-" : Long.toString(r.bytesSent()))
                + " \"" + escape(orDash(r.referer())) + "\" \"" + escape(orDash(r.userAgent())) + "\"";
    }

    private static String orDash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }

    /**
     * Apache's log escaping, so the usual tools parse our lines: {@code \"}, {@code \\}, {@code \n}
     * {@code \r} {@code \t}, and {@code \xhh} per UTF-8 byte for other controls and non-space
     * whitespace (NEL, U+2028 …); other non-ASCII text stays as UTF-8.
     */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> {
            switch (cp) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (cp != ' ' && (Character.isISOControl(cp) || Character.isWhitespace(cp) || Character.isSpaceChar(cp))) {
                        for (byte x : Character.toString(cp).getBytes(UTF_8)) b.append("\\x").append(HEX.toHexDigits(x));
                    } else b.appendCodePoint(cp);
                }
            }
        });
        return b.toString();
    }
}
