/* Broken on purpose: writes a line to stderr, then dereferences NULL before any header.
 * Built into cgi-bin/crash-c by demo/build.sh. Expect 502.2, killed by SIGSEGV. */
#include <stdio.h>

int main(void)
{
    /* Both volatile: the pointer so gcc cannot see it is NULL, the pointee so it cannot drop
     * the store (with only "int *volatile p", gcc 12 at -O2 silently deletes the write). */
    volatile int *volatile p = NULL;

    fputs("crash-c: about to dereference a NULL pointer\n", stderr);
    fflush(stderr);
    *p = 42;
    puts("Content-Type: text/plain\r\n\r\nunreachable");
    return 0;
}
