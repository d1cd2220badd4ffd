package org.tracegate.crash;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the kernel puts a core file, from {@code /proc/sys/kernel/core_pattern} (core(5)): a file name pattern
 * (relative to the crashing process's working directory, or absolute), systemd-coredump, or another program the
 * kernel pipes cores to (apport, abrt), which keeps them out of our reach. Read, never changed: it is the
 * machine's setting, not ours.
 */
public sealed interface CorePattern {
    Path PATTERN = Path.of("/proc/sys/kernel/core_pattern");
    Path USES_PID = Path.of("/proc/sys/kernel/core_uses_pid");

    /** The setting as written, for messages. */
    String text();

    /** A file pattern such as "core" or "/var/crash/core.%e.%p". */
    record FilePattern(String text, boolean usesPid) implements CorePattern {
        /** The file the kernel wrote for this crash, if it can be found. */
        public Optional<Path> find(CoreFacts f) {
            Path dir = directory(f);
            if (dir == null) return Optional.empty();
            Pattern name = Pattern.compile(nameRegex(f));
            Path best = null;
            long bestTime = Long.MIN_VALUE;
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path c : files) {
                    // Never through a link: the directory is the program's, and it may plant one (docs/security.md).
                    if (!name.matcher(c.getFileName().toString()).matches()
                            || !Files.isRegularFile(c, LinkOption.NOFOLLOW_LINKS)) continue;
                    long t = Files.getLastModifiedTime(c, LinkOption.NOFOLLOW_LINKS).toMillis();
                    // Filesystem times are coarse (and a core is written after the start): allow a second of slack.
                    if (t >= f.startedMillis() - 1000 && t > bestTime) {
                        best = c;
                        bestTime = t;
                    }
                }
            } catch (IOException e) {
                return Optional.empty();
            }
            return Optional.ofNullable(best);
        }

        /**
         * The directory the core goes to: the pattern's directory part with its specifiers filled in, against the
         * working directory when relative; null when it uses a specifier we cannot compute (%t, %h in a directory).
         */
        public Path directory(CoreFacts f) {
            String pattern = pattern();
            int slash = pattern.lastIndexOf('/');
            if (slash < 0) return f.workingDir();
            StringBuilder dir = new StringBuilder();
            String part = pattern.substring(0, slash);
            for (int i = 0; i < part.length(); i++) {
                char c = part.charAt(i);
                if (c != '%' || i + 1 >= part.length()) {
                    dir.append(c);
                    continue;
                }
                String v = known(part.charAt(++i), f);
                if (v == null) return null;
                dir.append(v);
            }
            Path p = Path.of(dir.isEmpty() ? "/" : dir.toString());
            return p.isAbsolute() ? p : f.workingDir().resolve(p).normalize();
        }

        /** The file name part as a regex: known specifiers filled in, the others matched loosely. */
        String nameRegex(CoreFacts f) {
            String pattern = pattern();
            String name = pattern.substring(pattern.lastIndexOf('/') + 1);
            StringBuilder out = new StringBuilder();
            boolean pid = false;
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (c != '%' || i + 1 >= name.length()) {
                    out.append(Pattern.quote(String.valueOf(c)));
                    continue;
                }
                char s = name.charAt(++i);
                if (s == 'p' || s == 'P') pid = true;
                String v = known(s, f);
                out.append(v != null ? Pattern.quote(v) : s == 'i' || s == 'I' ? "\\d+" : "[^/]*");
            }
            if (usesPid && !pid) out.append("\\.").append(f.pid()); // core_uses_pid appends ".PID" when %p is absent
            return out.toString();
        }

        private String pattern() { return text.isEmpty() ? "core" : text; }

        /** A specifier we can compute from the facts, or null (%t, %h, %E, %c, %d, %f, a thread id). */
        private static String known(char s, CoreFacts f) {
            return switch (s) {
                case '%' -> "%";
                case 'p', 'P' -> Long.toString(f.pid());
                case 'u' -> Integer.toString(f.uid());
                case 'g' -> Integer.toString(f.gid());
                case 's' -> Integer.toString(f.signal());
                case 'e' -> comm(f.executable());
                default -> null;
            };
        }

        /** %e: the thread's name, the executable's file name cut at 15 bytes, as the kernel keeps it. */
        private static String comm(Path exe) {
            String n = exe.getFileName().toString();
            return n.length() > 15 ? n.substring(0, 15) : n;
        }
    }

    /** {@code |/lib/systemd/systemd-coredump …}: cores are kept by systemd and read back with coredumpctl. */
    record Systemd(String text) implements CorePattern {}

    /** Any other pipe (apport, abrt, a custom collector): the kernel gives the core to it, not to a file. */
    record Piped(String text) implements CorePattern {
        /** The collector program, e.g. "/usr/share/apport/apport". */
        public String collector() {
            String s = text.substring(1).strip();
            int sp = s.indexOf(' ');
            return sp < 0 ? s : s.substring(0, sp);
        }
    }

    static CorePattern parse(String pattern, boolean usesPid) {
        String p = pattern.strip();
        if (p.startsWith("|")) {
            return p.toLowerCase(Locale.ROOT).contains("systemd-coredump") ? new Systemd(p) : new Piped(p);
        }
        return new FilePattern(p, usesPid);
    }

    /** This machine's setting; a machine without /proc is taken to use the kernel's default, "core". */
    static CorePattern ofThisMachine() {
        try {
            String pattern = Files.readString(PATTERN);
            boolean usesPid = Files.exists(USES_PID) && Files.readString(USES_PID).strip().equals("1");
            return parse(pattern, usesPid);
        } catch (IOException e) {
            return new FilePattern("core", false);
        }
    }
}
