/* limits-window.c - how long a program runs before the limits Tracegate gives it are in place.
 * NativeLauncher applies them with prlimit(2) right after posix_spawn returns, so the program's first instructions
 * may run without them; the spawn helper sets them before exec, so they must be there at the first instruction.
 * It polls getrlimit from the first line of main() and prints
 *   "ready 0"      the limits were there when main() began, or
 *   "late NS"      main() ran NS nanoseconds before they arrived (a static binary reaches main() fastest), or
 *   "never"        they did not arrive within 2 s.
 * usage: limits-window                   wait for a hard RLIMIT_CORE of 0 (coreBytes=0: the default, applied last)
 *        limits-window NAME=VALUE ...     wait for each soft limit to be VALUE (NAME: cpu as nproc nofile fsize core;
 *                                         VALUE a number or "unlimited")
 * (static: gcc -O2 -static -o limits-window limits-window.c)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

struct want { int resource; rlim_t soft; };

static int resource_named(const char *name) {
    static const struct { const char *name; int resource; } names[] = {
        {"cpu", RLIMIT_CPU}, {"as", RLIMIT_AS}, {"nproc", RLIMIT_NPROC},
        {"nofile", RLIMIT_NOFILE}, {"fsize", RLIMIT_FSIZE}, {"core", RLIMIT_CORE}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i].name, name) == 0) return names[i].resource;
    return -1;
}

static int all_in_place(const struct want *w, int n) {
    struct rlimit r;
    if (n == 0) { /* the default: hard core limit 0 */
        getrlimit(RLIMIT_CORE, &r);
        return r.rlim_max == 0;
    }
    for (int i = 0; i < n; i++) {
        getrlimit(w[i].resource, &r);
        if (r.rlim_cur != w[i].soft) return 0;
    }
    return 1;
}

int main(int argc, char **argv) {
    long long t0 = now_ns();
    struct want w[16];
    int n = 0;
    for (int i = 1; i < argc && n < 16; i++) {
        char name[16];
        const char *eq = strchr(argv[i], '=');
        if (eq == NULL || eq - argv[i] >= (long)sizeof name) { fprintf(stderr, "bad argument %s\n", argv[i]); return 2; }
        memcpy(name, argv[i], (size_t)(eq - argv[i]));
        name[eq - argv[i]] = '\0';
        int res = resource_named(name);
        if (res < 0) { fprintf(stderr, "unknown limit %s\n", name); return 2; }
        w[n].resource = res;
        w[n].soft = strcmp(eq + 1, "unlimited") == 0 ? RLIM_INFINITY : (rlim_t)strtoull(eq + 1, NULL, 10);
        n++;
    }
    long spins = 0;
    while (!all_in_place(w, n)) {
        if (now_ns() - t0 > 2000000000LL) { puts("never"); return 1; }
        spins++;
    }
    long long waited = now_ns() - t0;
    if (spins == 0) puts("ready 0");
    else printf("late %lld\n", waited);
    return 0;
}
