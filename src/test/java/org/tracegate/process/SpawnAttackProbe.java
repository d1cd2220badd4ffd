package org.tracegate.process;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in server for {@link SpawnAttackTest}, run in its own JVM (the attack may kill it): starts the hostile
 * program as nobody, aimed at this JVM (and at the spawn helper, when there is one), then starts SPAWNS programs as
 * nobody from two threads, so that spawns are always in flight.
 * <p>usage: SpawnAttackProbe helper|native ATTACK SPAWNS; prints "attacking", then "survived N" and exits 0 if it is
 * still alive after N spawns.
 */
public final class SpawnAttackProbe {
    public static void main(String[] args) throws Exception {
        boolean helper = args[0].equals("helper");
        ProcessLauncher launcher = helper ? new HelperLauncher() : new NativeLauncher();
        Path attack = Path.of(args[1]);
        int spawns = Integer.parseInt(args[2]);
        Credentials nobody = Credentials.forPrograms(Credentials.lookup("nobody", "nogroup"));
        Map<String, String> env = Map.of("PATH", "/usr/bin:/bin");
        List<String> argv = new ArrayList<>(List.of(attack.toString(), Long.toString(ProcessHandle.current().pid())));
        if (helper) argv.add(Long.toString(((HelperLauncher) launcher).helperPid()));
        ChildProcess attacker = launcher.launch(new LaunchSpec(argv, env, attack.getParent()).withCredentials(nobody));
        attacker.stdin().close();
        System.out.println(Programs.readLine(attacker.stdout()));
        System.out.flush();
        LaunchSpec trueSpec = new LaunchSpec(List.of("/bin/true"), env, Path.of("/")).withCredentials(nobody);
        AtomicInteger done = new AtomicInteger();
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                fs.add(pool.submit(() -> {
                    while (done.getAndIncrement() < spawns) {
                        ChildProcess c = launcher.launch(trueSpec);
                        c.stdin().close();
                        try (InputStream out = c.stdout()) {
                            out.readAllBytes();
                        }
                        c.onExit().join();
                        c.closePipes();
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get();
        }
        if (attacker.onExit().isDone()) throw new IllegalStateException("the attacker ended: " + attacker.onExit().join().describe());
        System.out.println("survived " + spawns);
        System.out.flush();
        attacker.terminate(EndedBy.SHUTDOWN, java.time.Duration.ZERO);
        attacker.onExit().join();
        System.exit(0);
    }
}
