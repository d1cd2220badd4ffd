package org.tracegate.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The credential lines of /proc/.../status: Uid and Gid (real, effective, saved, filesystem), Groups and the
 * capability sets. Read per thread (/proc/thread-self) because Linux keeps credentials per thread.
 */
record ProcStatus(List<Integer> uids, List<Integer> gids, List<Integer> groups,
                  long capInheritable, long capPermitted, long capEffective, long capAmbient) {

    static ProcStatus ofThisThread() {
        return read(Path.of("/proc/thread-self/status"));
    }

    static ProcStatus read(Path status) {
        try {
            return parse(Files.readString(status));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ProcStatus parse(String text) {
        List<Integer> uids = List.of(), gids = List.of(), groups = List.of();
        long inh = 0, prm = 0, eff = 0, amb = 0;
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String value = line.substring(colon + 1).trim();
            switch (line.substring(0, colon)) {
                case "Uid" -> uids = ids(value);
                case "Gid" -> gids = ids(value);
                case "Groups" -> groups = ids(value);
                case "CapInh" -> inh = Long.parseUnsignedLong(value, 16);
                case "CapPrm" -> prm = Long.parseUnsignedLong(value, 16);
                case "CapEff" -> eff = Long.parseUnsignedLong(value, 16);
                case "CapAmb" -> amb = Long.parseUnsignedLong(value, 16);
                default -> { }
            }
        }
        if (uids.size() != 4 || gids.size() != 4) throw new IllegalArgumentException("no Uid/Gid lines in status");
        return new ProcStatus(uids, gids, groups, inh, prm, eff, amb);
    }

    private static List<Integer> ids(String value) {
        List<Integer> out = new ArrayList<>();
        for (String s : value.split("\\s+")) if (!s.isEmpty()) out.add((int) Long.parseLong(s));
        return List.copyOf(out);
    }

    /** Root in the sense that matters for switching: real and effective uid 0. */
    boolean isRoot() {
        return uids.get(0) == 0 && uids.get(1) == 0;
    }

    /** Real uid and gid and the supplementary groups. */
    Credentials credentials() {
        return new Credentials(uids.get(0), gids.get(0), groups);
    }
}
