// The best a CGI relay can do on this machine, for the streaming rows of bench/README.md: a one-connection
// HTTP server in C that answers every request with 1 GiB, read from
//   mem    - a static buffer (no producer process: loopback TCP + curl alone),
//   copy   - the pipe of `head -c 1G /dev/zero`, read(2) into 64 KiB and write(2) to the socket,
//   splice - the same pipe, splice(2)d to the socket (no copy through user space).
// No HTTP parsing beyond reading the request once, Content-Length framing, no logging: every cost left is
// the kernel's and curl's. usage: relay MODE PORT   (serves until killed; 127.0.0.1 only)
#define _GNU_SOURCE
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define SIZE (1L << 30)

static int write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w <= 0) return -1;
        p += w; n -= (size_t) w;
    }
    return 0;
}

static void serve(int c, const char *mode) {
    static char buf[65536];
    char req[8192];
    if (read(c, req, sizeof req) <= 0) return;
    const char *head = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                       "Content-Length: 1073741824\r\nConnection: close\r\n\r\n";
    if (write_all(c, head, strlen(head))) return;
    long left = SIZE;
    if (!strcmp(mode, "mem")) {
        while (left > 0) {
            ssize_t n = write(c, buf, left < (long) sizeof buf ? (size_t) left : sizeof buf);
            if (n <= 0) return;
            left -= n;
        }
        return;
    }
    int p[2];
    if (pipe(p)) { perror("pipe"); return; }
    pid_t pid = fork();
    if (pid == 0) {
        dup2(p[1], 1); close(p[0]); close(p[1]);
        execlp("head", "head", "-c", "1G", "/dev/zero", (char *) 0);
        _exit(127);
    }
    close(p[1]);
    while (left > 0) {
        ssize_t n;
        if (!strcmp(mode, "copy")) {
            n = read(p[0], buf, sizeof buf);
            if (n <= 0 || write_all(c, buf, (size_t) n)) break;
        } else {
            n = splice(p[0], NULL, c, NULL, 1 << 20, SPLICE_F_MOVE);
            if (n <= 0) break;
        }
        left -= n;
    }
    close(p[0]);
    waitpid(pid, NULL, 0);
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: relay mem|copy|splice PORT\n"); return 2; }
    int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short) atoi(argv[2]))};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (bind(s, (struct sockaddr *) &a, sizeof a) || listen(s, 8)) { perror("bind"); return 1; }
    for (;;) {
        int c = accept(s, NULL, NULL);
        if (c < 0) continue;
        serve(c, argv[1]);
        close(c);
    }
}
