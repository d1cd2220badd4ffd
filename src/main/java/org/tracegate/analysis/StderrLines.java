package org.tracegate.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Picks the stderr line that says most about a program's own failure. */
final class StderrLines {
    /** PHP's fatal and parse errors: the line that names the error and where it happened. */
    private static final Pattern PHP = Pattern.compile("PHP (Fatal|Parse) error|^(Fatal|Parse) error:", Pattern.CASE_INSENSITIVE);
    /** A Python traceback's last line ("ZeroDivisionError: division by zero"), Java's and Ruby's likewise. */
    private static final Pattern EXCEPTION = Pattern.compile("^\\s*[\\w.]*(Error|Exception|Interrupt|Exit)\\b.*");
    /** Perl's die and warn ("… at /srv/app.pl line 12."), and anything that says error, fatal or panic. */
    private static final Pattern TELLING = Pattern.compile(" at \\S+ line \\d+\\.?$|error|fatal|panic|died|abort|"
            + "segmentation fault|cannot|can't|failed", Pattern.CASE_INSENSITIVE);

    private StderrLines() {}

    /** The most telling line, or null when there is none. */
    static String mostTelling(List<String> stderr) {
        List<String> lines = split(stderr);
        String php = lastMatching(lines, PHP);
        if (php != null) return php;
        String exception = lastMatching(lines, EXCEPTION);
        if (exception != null) return exception;
        String telling = lastMatching(lines, TELLING);
        if (telling != null) return telling;
        for (String l : lines.reversed()) if (!l.isBlank()) return l.strip();
        return null;
    }

    /** php-fpm joins a request's messages into one stderr record: "PHP message: a; PHP message: b". */
    private static List<String> split(List<String> stderr) {
        List<String> out = new ArrayList<>();
        for (String l : stderr) {
            for (String part : l.split("(?:; )?PHP message: ")) if (!part.isBlank()) out.add(part);
        }
        return out;
    }

    private static String lastMatching(List<String> lines, Pattern p) {
        for (String l : lines.reversed()) if (p.matcher(l).find()) return l.strip();
        return null;
    }
}
