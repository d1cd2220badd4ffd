/*
 * The soak benchmark's misbehaving C programs (bench/soak.sh), one per -D flag:
 *   -DSOAK_CRASH  dereferences NULL before any header: the server must answer 502 (SIGSEGV on the page).
 *   -DSOAK_SLOW   sends its headers, then SLOW_PIECES pieces of the body with SLOW_MS ms between them (well within
 *                 the idle timeout): the answer must be 200 with exactly the concatenated pieces.
 *   -DSOAK_FLOOD  sends its headers and a small body, then FLOOD_BYTES of stderr in lines of FLOOD_LINE bytes
 *                 (newline included), then exits: 200 with the exact body; error.log must stay bounded.
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
int main(void) {
    static const char out[] = "Content-Type: text/plain\r\n\r\nflood: the body survived 2 MB of stderr\n";
    if (put(1, out, sizeof out - 1)) return 1;
    static char line[FLOOD_LINE];
    memset(line, 'e', sizeof line);
    line[sizeof line - 1] = '\n';
    for (long sent = 0; sent < FLOOD_BYTES; sent += sizeof line) {
        if (put(2, line, sizeof line)) return 1;
    }
    return 0;
}

#else
#error "compile with -DSOAK_CRASH, -DSOAK_SLOW or -DSOAK_FLOOD"
#endif
