package org.tracegate.process;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds a program's escaped processes: those that hold one of its pipes but left its process group (setsid,
 * setpgid), which a group kill misses, plus their descendants outside the group. A holder is found by scanning
 * every /proc/PID/fd for the pipes' inodes ("pipe:[N]"; both ends of a pipe share one inode).
 *
 * <p>Only descendants of this JVM count: as child subreaper (see {@link Reaper}) it stays the ancestor of
 * everything its programs start, double forks and setsid included, whereas a pipe handed to an unrelated process
 * (a logging daemon, say) must not get that process killed. The scan reads every /proc/PID/stat and our
 * descendants' descriptors: milliseconds, for the close path only.
 */
final class EscapedProcesses {
    private EscapedProcesses() {}

    private static final Path PROC = Path.of("/proc");
    private static final int SELF = (int) ProcessHandle.current().pid();

    /** One /proc/PID/stat: the start time (clock ticks since boot) tells a process from a later one with its pid. */
    record Proc(int pid, int ppid, int pgrp, long startTime) {}

    /** The escaped processes of the program whose pipes have {@code inodes} and whose group is {@code pgid}. */
    static List<Proc> find(long[] inodes, int pgid) {
        Map<Integer, Proc> all = new HashMap<>();
        Map<Integer, List<Integer>> children = new HashMap<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC)) {
            for (Path dir : dirs) {
                int pid = pidOf(dir.getFileName().toString());
                Proc p = pid > 0 ? stat(pid) : null;
                if (p == null) continue;
                all.put(pid, p);
                children.computeIfAbsent(p.ppid(), k -> new ArrayList<>()).add(pid);
            }
        } catch (IOException e) {
            return List.of(); // no /proc: nothing can be found
        }
        // Only our descendants' descriptors are read: cheaper than the whole host, and foreign processes are never
        // candidates anyway.
        Set<String> links = new HashSet<>();
        for (long ino : inodes) links.add("pipe:[" + ino + "]");
        List<Integer> holders = new ArrayList<>();
        for (int pid : descendants(SELF, children)) {
            // A spawn helper holds a program's pipes only until that program is started: never one to end.
            if (all.get(pid).pgrp() != pgid && !SpawnHelper.isHelper(pid) && holds(PROC.resolve(pid + "/fd"), links)) {
                holders.add(pid);
            }
        }
        // Then the holders' own descendants outside the group: a daemon's children need not hold the pipe.
        Set<Integer> out = new LinkedHashSet<>(holders);
        for (int holder : holders) {
            for (int pid : descendants(holder, children)) if (all.get(pid).pgrp() != pgid) out.add(pid);
        }
        return out.stream().map(all::get).toList();
    }

    private static List<Integer> descendants(int root, Map<Integer, List<Integer>> children) {
        List<Integer> out = new ArrayList<>();
        Deque<Integer> todo = new ArrayDeque<>(children.getOrDefault(root, List.of()));
        while (!todo.isEmpty() && out.size() < 1 << 20) {
            int pid = todo.pop();
            out.add(pid);
            todo.addAll(children.getOrDefault(pid, List.of()));
        }
        return out;
    }

    /** /proc/PID/stat, or null once the process is gone. */
    static Proc stat(int pid) {
        try {
            String s = Files.readString(PROC.resolve(Integer.toString(pid)).resolve("stat"));
            // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so cut at the last ')'.
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return new Proc(pid, Integer.parseInt(f[1]), Integer.parseInt(f[2]), Long.parseLong(f[19]));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static boolean holds(Path fdDir, Set<String> links) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
            for (Path fd : fds) {
                try {
                    if (links.contains(Files.readSymbolicLink(fd).toString())) return true;
                } catch (IOException closedMeanwhile) {
                    // the descriptor was closed while we listed: not a holder through this one
                }
            }
        } catch (IOException goneOrKernelThread) {
            return false;
        }
        return false;
    }

    private static int pidOf(String name) {
        int pid = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9' || i > 9) return -1;
            pid = pid * 10 + (c - '0');
        }
        return pid;
    }
}
