package org.tracegate.crash;

import java.nio.file.Path;

/**
 * What the kernel knew about a program when it dumped core: enough to expand core_pattern and find the file.
 *
 * @param pid           the crashed process
 * @param uid           its real uid (the program user)
 * @param gid           its real gid
 * @param signal        the signal that killed it
 * @param executable    the file it ran (the interpreter for a script), for %e and for gdb
 * @param workingDir    its working directory: where a relative core_pattern puts the file
 * @param startedMillis when it was started (epoch ms): a core older than that is someone else's
 */
public record CoreFacts(long pid, int uid, int gid, int signal, Path executable, Path workingDir, long startedMillis) {}
