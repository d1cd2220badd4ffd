/* limits-window.c - how long a program runs before the limits Tracegate gives it are in place.
 * Tracegate applies them with prlimit(2) right after posix_spawn returns, so the program's first instructions may
 * run without them. Started with coreBytes=0 (applied last) against a server whose hard RLIMIT_CORE is not 0, it
 * polls getrlimit from the first line of main() and prints
 *   "ready 0"      the limits were there when main() began, or
 *   "late NS"      main() ran NS nanoseconds before they arrived (a static binary reaches main() fastest).
 * usage: limits-window   (static: gcc -O2 -static -o limits-window limits-window.c)
 */
#include <stdio.h>
#include <sys/resource.h>
#include <time.h>

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(void) {
    long long t0 = now_ns();
    struct rlimit r;
    long spins = 0;
    for (;;) {
        getrlimit(RLIMIT_CORE, &r);
        if (r.rlim_max == 0) break;
        if (now_ns() - t0 > 2000000000LL) { puts("never"); return 1; }
        spins++;
    }
    long long waited = now_ns() - t0;
    if (spins == 0) puts("ready 0");
    else printf("late %lld\n", waited);
    return 0;
}
