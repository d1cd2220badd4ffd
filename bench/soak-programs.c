/*
 * The soak benchmark's misbehaving C programs (bench/soak.sh), one per -D flag:
 *   -DSOAK_CRASH  dereferences NULL before any header: the server must answer 502 (SIGSEGV on the page).
 *   -DSOAK_SLOW   sends its headers, then SLOW_PIECES pieces of the body with SLOW_MS ms between them (well within
 *                 the idle timeout): the answer must be 200 with exactly the concatenated pieces.
 *   -DSOAK_FLOOD  sends its headers, then FLOOD_BYTES of stderr in lines of FLOOD_LINE bytes (newline included)
 *                 in FLOOD_PIECES parts, each followed by one line of the (small) body, then exits: 200 with the
 *                 exact body; error.log must stay bounded. The body lines keep stdout from falling silent for as
 *                 long as the whole flood takes: on a loaded machine 2 MiB of stderr can take longer than the soak's
 *                 1 s idle timeout, which would then rightly cut the response off.
 * The bodies are spelled out here and in bench/Soak.java; keep them in step.
 */
#include <string.h>
#include <time.h>
#include <unistd.h>

static int put(int fd, const char *s, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w <= 0) return -1;
        s += w;
        n -= (size_t) w;
    }
    return 0;
}

#if defined(SOAK_CRASH)
int main(void) {
    volatile int *p = 0;
    return *p;
}

#elif defined(SOAK_SLOW)
#ifndef SLOW_PIECES
#define SLOW_PIECES 5
#endif
#ifndef SLOW_MS
#define SLOW_MS 20
#endif
int main(void) {
    static const char head[] = "Content-Type: text/plain\r\n\r\n";
    if (put(1, head, sizeof head - 1)) return 1;
    char piece[] = "slow piece 0 of the body\n";
    for (int i = 0; i < SLOW_PIECES; i++) {
        struct timespec ts = {0, SLOW_MS * 1000000L};
        nanosleep(&ts, 0);
        piece[11] = (char) ('0' + i % 10);
        if (put(1, piece, sizeof piece - 1)) return 1;
    }
    return 0;
}

#elif defined(SOAK_FLOOD)
#ifndef FLOOD_BYTES
#define FLOOD_BYTES (2 * 1024 * 1024)
#endif
#ifndef FLOOD_LINE
#define FLOOD_LINE 1024
#endif
#ifndef FLOOD_PIECES
#define FLOOD_PIECES 8
#endif
int main(void) {
    static const char head[] = "Content-Type: text/plain\r\n\r\n";
    if (put(1, head, sizeof head - 1)) return 1;
    static char line[FLOOD_LINE];
    memset(line, 'e', sizeof line);
    line[sizeof line - 1] = '\n';
    char piece[] = "flood: body line 0, after its share of the stderr\n";
    long sent = 0;
    for (int i = 1; i <= FLOOD_PIECES; i++) {
        for (; sent < FLOOD_BYTES / FLOOD_PIECES * i; sent += sizeof line) {
            if (put(2, line, sizeof line)) return 1;
        }
        piece[17] = (char) ('0' + i % 10);
        if (put(1, piece, sizeof piece - 1)) return 1;
    }
    return 0;
}

#else
#error "compile with -DSOAK_CRASH, -DSOAK_SLOW or -DSOAK_FLOOD"
#endif
