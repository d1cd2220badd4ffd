package org.tracegate.process;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A stand-in server for {@link GuardianTest}, run in its own JVM: starts programs, prints their pids, then waits
 * to be killed. With "replace-guardian" it first kills its guardian and waits for the new one, which must learn
 * of the programs already running. With "helper" it starts them through the spawn helper, which then is the one
 * to end them (and prints the helper as the guardian, and the helper's directory).
 * <p>usage: GuardianProbe [replace-guardian | helper]; prints "program PID" lines, then "guardian PID", then "ready".
 */
public final class GuardianProbe {
    public static void main(String[] args) throws Exception {
        boolean helper = args.length > 0 && args[0].equals("helper");
        // helper: the server's own choice (a root server with the helper), which must not start a guardian as well
        ProcessLauncher launcher = helper ? ProcessLauncher.platformDefault() : new NativeLauncher();
        if (helper && !(launcher instanceof HelperLauncher)) throw new IllegalStateException("not the helper: " + launcher.name());
        Map<String, String> env = Map.of("PATH", "/usr/bin:/bin");
        Path root = Path.of("/");
        // Two that end on SIGTERM, one that ignores it (so only the guardian's SIGKILL ends it).
        for (List<String> argv : List.of(List.of("/bin/sleep", "300"), List.of("/bin/sleep", "301"),
                List.of("/bin/sh", "-c", "trap '' TERM; /bin/sleep 302; :"))) {
            ChildProcess c = launcher.launch(new LaunchSpec(argv, env, root));
            System.out.println("program " + c.pid());
        }
        if (args.length > 0 && args[0].equals("replace-guardian")) {
            long old = Guardian.INSTANCE.pid();
            Libc.kill((int) old, Signals.SIGKILL);
            while (Guardian.INSTANCE.pid() == old || Guardian.INSTANCE.pid() < 0) Thread.sleep(20);
        }
        if (helper) {
            long pid = ((HelperLauncher) launcher).helperPid();
            System.out.println("guardian " + pid);
            System.out.println("perl-guardian " + Guardian.INSTANCE.pid());
            System.out.println("helperdir " + Path.of(java.nio.file.Files.readSymbolicLink(Path.of("/proc/" + pid + "/exe"))
                    .toString().replace(" (deleted)", "")).getParent());
            // A daemon that left its program's group: the helper, its subreaper, ends it too (the guardian cannot).
            ChildProcess c = launcher.launch(new LaunchSpec(List.of("/bin/sh", "-c",
                    "setsid sh -c 'echo $$; exec sleep 303' </dev/null 2>/dev/null &"), env, root));
            System.out.println("program " + Programs.readLine(c.stdout()));
        } else {
            System.out.println("guardian " + Guardian.INSTANCE.pid());
        }
        System.out.println("ready");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
