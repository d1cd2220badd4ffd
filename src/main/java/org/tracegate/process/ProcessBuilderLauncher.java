package org.tracegate.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The portable fallback: {@link ProcessBuilder}. Limits compared with {@link NativeLauncher}:
 * <ul>
 *   <li>no process group: terminate() walks {@link ProcessHandle#descendants()} instead, which misses
 *       grandchildren that were already re-parented (their parent exited);</li>
 *   <li>the exit value of a program killed by signal N is reported by the JDK as 128+N, which cannot be
 *       told from a real {@code exit(128+N)}: we report it as the exit code, as is, and never guess a signal;</li>
 *   <li>no rusage: cpuMillis and maxRssKiB are -1;</li>
 *   <li>the errno of a failed exec is parsed from the JDK's message
 *       ("Exec failed, error: 2 (No such file or directory)");</li>
 *   <li>on ENOEXEC (a text file without #!) the JDK retries with /bin/sh, so such a file runs as a shell
 *       script here, while posix_spawn refuses it;</li>
 *   <li>the environment can only be text: its octets are decoded as UTF-8, so a byte that is not valid
 *       UTF-8 (e.g. 0xff in a header) arrives as U+FFFD's encoding, not as itself.</li>
 *   <li>it cannot switch users or apply resource limits: a spec asking for either is refused (LaunchException,
 *       ENOSYS) rather than run as the server with the server's limits. The default no-core-files limit is not
 *       applied either; programs get the server's RLIMIT_CORE;</li>
 *   <li>no escaped-process search: {@link ChildProcess#endEscaped} returns 0;</li>
 *   <li>no listening socket as descriptor 0 ({@link LaunchSpec#withListenSocket}): refused (ENOSYS).</li>
 * </ul>
 */
public final class ProcessBuilderLauncher implements ProcessLauncher {
    /** "error: 2 (No such file or directory)" (JDK 25) or "error=2, No such file or directory" (older JDKs). */
    private static final Pattern JDK_ERRNO =
            Pattern.compile("error(?:: (\\d+) \\((.*)\\)|=(\\d+), (.*))\\s*$");

    @Override
    public String name() { return "ProcessBuilder"; }

    @Override
    public ChildProcess launch(LaunchSpec spec) throws LaunchException {
        refuseWhatWeCannotEnforce(spec);
        ProcessBuilder pb = new ProcessBuilder(spec.argv());
        pb.environment().clear();
        // The JDK takes text only: octets (LaunchSpec) are decoded as UTF-8, lossy for bytes that are not UTF-8.
        spec.environment().forEach((k, v) -> pb.environment().put(utf8(k), utf8(v)));
        if (spec.workingDirectory() != null) pb.directory(spec.workingDirectory().toFile());
        try {
            return new ProcessBuilderChild(pb.start());
        } catch (IOException e) {
            throw launchException(spec, e);
        }
    }

    private static void refuseWhatWeCannotEnforce(LaunchSpec spec) throws LaunchException {
        String program = spec.argv().getFirst();
        if (spec.credentials() != null) {
            throw new LaunchException("cannot start \"" + program + "\" as " + spec.credentials().describe()
                    + ": the ProcessBuilder launcher cannot switch users (it needs the native posix_spawn launcher),"
                    + " and will not run the program as the server instead", Errno.ENOSYS, "ENOSYS");
        }
        if (spec.listenSocket() != null) {
            throw new LaunchException("cannot start \"" + program + "\" with the listening socket " + spec.listenSocket()
                    + " as its descriptor 0: the ProcessBuilder launcher can only give a program pipes (a FastCGI"
                    + " application needs the native posix_spawn launcher or the spawn helper)", Errno.ENOSYS, "ENOSYS");
        }
        // Only the core limit may be set (it is in every default spec), and is then left as the server has it.
        if (!spec.limits().withCoreBytes(0).equals(ResourceLimits.DEFAULT)) {
            throw new LaunchException("cannot start \"" + program + "\" with limits " + spec.limits().describe()
                    + ": the ProcessBuilder launcher cannot apply resource limits (it needs the native posix_spawn"
                    + " launcher), and will not run the program without them", Errno.ENOSYS, "ENOSYS");
        }
    }

    private static String utf8(String octets) {
        return new String(octets.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    static LaunchException launchException(LaunchSpec spec, IOException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        Matcher m = JDK_ERRNO.matcher(message);
        LaunchException le;
        if (m.find()) {
            boolean jdk25 = m.group(1) != null;
            int errno = Integer.parseInt(jdk25 ? m.group(1) : m.group(3));
            String text = jdk25 ? m.group(2) : m.group(4);
            le = new LaunchException("cannot execute \"" + spec.argv().getFirst() + "\": " + Errno.name(errno)
                    + " (" + text + ")", errno, Errno.name(errno));
        } else {
            le = new LaunchException("cannot execute \"" + spec.argv().getFirst() + "\": " + message, 0, "EUNKNOWN");
        }
        le.initCause(e);
        return le;
    }
}
