/*
 * tracegate-spawn: Tracegate's privileged spawn helper (docs/process.md, "The spawn helper").
 *
 * A small single-threaded daemon in the style of Apache's mod_cgid: the server (the JVM, running as root) starts it
 * once, and from then on every CGI program is started here, so no thread of the server ever takes a program user's
 * identity (which would let that user's processes signal, and so kill, the server). The helper:
 *
 *   - talks to the server over one end of a socketpair(AF_UNIX, SOCK_SEQPACKET), its descriptor 0: never a
 *     filesystem socket, so no other process can connect to it. It trusts only that peer, but validates every
 *     message and exits with one stderr line on a malformed one;
 *   - per SPAWN: clone(CLONE_VM | CLONE_VFORK) into a child that resets its signals, leads a new process group,
 *     sets its resource limits, switches credentials with raw system calls, sets PR_SET_NO_NEW_PRIVS (when
 *     switching) and PR_SET_PDEATHSIG, puts the three pipes it was sent (SCM_RIGHTS) onto 0/1/2, changes directory,
 *     closes everything else and execs: the limits are in place before the program's first instruction. A failed
 *     step comes back as (step, errno) through memory shared with the vfork child; the answer is SPAWNED or FAILED;
 *   - is a child subreaper: programs' escaped descendants are re-parented here. It reaps every child and reports
 *     EXITED (wait status, CPU time, peak RSS) for the ones it spawned;
 *   - on EOF from the server (the server closed it, exited or died, SIGKILL included): SIGTERM to every process
 *     group it spawned that may still have members and to every descendant, up to GRACE_MILLIS for them to go,
 *     SIGKILL to what is left, removes its own binary and directory (if given), exits.
 *
 * usage: tracegate-spawn GRACE_MILLIS [DIRECTORY]   (descriptor 0: the server's socket; stdout/stderr: the server's)
 * C11 + glibc only. The protocol (version 2: version 1 and the SPAWN flag FLAG_LISTEN_SOCKET) is described in docs/process.md and mirrored by HelperProtocol.java.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif

/* ---- protocol (keep in step with HelperProtocol.java) ---------------------------------------------------------- */

#define TG_MAGIC 0x50534754u /* "TGSP" in little-endian byte order; all fields are in the host's byte order */
#define TG_VERSION 2
#define TG_MAX_MESSAGE (1u << 20)
#define TG_MAX_STRINGS 65536u /* argv and envp each */
#define TG_MAX_GROUPS 65536u

enum { MSG_SPAWN = 1, MSG_HELLO = 100, MSG_SPAWNED = 101, MSG_FAILED = 102, MSG_EXITED = 103 };
/* FLAG_LISTEN_SOCKET (version 2): the first descriptor is a listening stream socket, the program's descriptor 0 (a
 * FastCGI application's FCGI_LISTENSOCK_FILENO), not a stdin pipe; checked before the clone. */
enum { FLAG_SWITCH_USER = 1u, FLAG_LISTEN_SOCKET = 2u };

/* Every message starts with this header; length counts the whole message, header included. */
struct header {
    uint32_t magic;
    uint16_t version;
    uint16_t type;
    uint32_t length;
    uint32_t reserved;
    uint64_t id;
};
_Static_assert(sizeof(struct header) == 24, "header layout");

#define NLIMITS 6
/* Protocol slots: 0 CPU, 1 AS, 2 NPROC, 3 NOFILE, 4 FSIZE, 5 CORE. */
static const int LIMIT_RESOURCE[NLIMITS] = {RLIMIT_CPU, RLIMIT_AS, RLIMIT_NPROC, RLIMIT_NOFILE, RLIMIT_FSIZE,
                                            RLIMIT_CORE};

struct wire_limit {
    uint32_t set; /* 0: leave as inherited, 1: soft/hard below */
    uint32_t reserved;
    uint64_t soft; /* UINT64_MAX: RLIM_INFINITY */
    uint64_t hard;
};

/* SPAWN body after the header; then groups (uint32 each), then the strings: cwd (if cwd_len), argv, envp, each
 * NUL-terminated, exactly strings_len bytes. Three descriptors (stdin, stdout, stderr) ride along as SCM_RIGHTS. */
struct wire_spawn {
    uint32_t flags;
    uint32_t uid;
    uint32_t gid;
    uint32_t ngroups;
    uint32_t argc;
    uint32_t envc;
    uint32_t cwd_len; /* bytes including the NUL; 0: no chdir */
    uint32_t strings_len;
    struct wire_limit limits[NLIMITS];
};
_Static_assert(sizeof(struct wire_spawn) == 176, "spawn layout");

/* Steps a spawn can fail at, reported with the errno. */
enum step {
    STEP_NONE = 0,
    STEP_CLONE = 1,
    STEP_SIGACTION = 2,
    STEP_SIGMASK = 3,
    STEP_SETPGID = 4,
    STEP_LISTEN_SOCKET = 5, /* in the helper, before the clone */
    STEP_SETRLIMIT = 10, /* + slot */
    STEP_SETGROUPS = 20,
    STEP_SETRESGID = 21,
    STEP_SETEUID = 22,
    STEP_PDEATHSIG = 23,
    STEP_PARENT = 24,
    STEP_NO_NEW_PRIVS = 25,
    STEP_DUP2 = 26,
    STEP_CHDIR = 27,
    STEP_CLOSE_RANGE = 28,
    STEP_SETRESUID = 29,
    STEP_EXECVE = 30
};

/* ---- state ----------------------------------------------------------------------------------------------------- */

static const int SOCK = 0;
static int sigfd = -1;
static pid_t self;
static long grace_millis;
static unsigned char *inbuf;

/* What the helper spawned and still accounts for: the leader until it is reaped, then the group while it may have
 * members (a grandchild left in it). */
struct program {
    uint64_t id;
    pid_t pid;
    int leader_alive;
};
static struct program *programs;
static size_t nprograms, cap_programs;

static void fatal(const char *what) {
    fprintf(stderr, "tracegate-spawn: %s; ending its programs and exiting\n", what);
}

/* ---- replies --------------------------------------------------------------------------------------------------- */

static int peer_gone;

static void reply(uint16_t type, uint64_t id, const void *body, size_t body_len) {
    unsigned char msg[128];
    struct header h = {TG_MAGIC, TG_VERSION, type, (uint32_t)(sizeof h + body_len), 0, id};
    memcpy(msg, &h, sizeof h);
    memcpy(msg + sizeof h, body, body_len);
    if (peer_gone) return;
    for (;;) {
        ssize_t n = send(SOCK, msg, sizeof h + body_len, MSG_NOSIGNAL);
        if (n >= 0) return;
        if (errno == EINTR) continue;
        peer_gone = 1; /* EPIPE, ECONNRESET: the server is gone; the main loop sees EOF next */
        return;
    }
}

static void reply_spawned(uint64_t id, pid_t pid) {
    uint32_t body[2] = {(uint32_t)pid, 0};
    reply(MSG_SPAWNED, id, body, sizeof body);
}

static void reply_failed(uint64_t id, int step, int err) {
    int32_t body[2] = {step, err};
    reply(MSG_FAILED, id, body, sizeof body);
}

static void reply_exited(uint64_t id, pid_t pid, int status, const struct rusage *ru) {
    struct {
        uint32_t pid;
        int32_t status;
        uint64_t utime_us, stime_us, maxrss_kib;
    } body = {(uint32_t)pid, status,
              (uint64_t)ru->ru_utime.tv_sec * 1000000u + (uint64_t)ru->ru_utime.tv_usec,
              (uint64_t)ru->ru_stime.tv_sec * 1000000u + (uint64_t)ru->ru_stime.tv_usec, (uint64_t)ru->ru_maxrss};
    reply(MSG_EXITED, id, &body, sizeof body);
}

/* ---- the child ------------------------------------------------------------------------------------------------- */

struct request {
    uint64_t id;
    int fds[3];
    int listen_socket;
    int switch_user;
    uid_t uid;
    gid_t gid;
    size_t ngroups;
    gid_t *groups;
    int limit_set[NLIMITS];
    struct rlimit limit[NLIMITS];
    const char *cwd;
    char **argv;
    char **envp;
    pid_t parent;
    int maxfd;
    /* Written by the vfork child on failure, read by the parent once clone returns (shared memory). */
    volatile int step;
    volatile int err;
};

/* Signals whose disposition the child resets (as NativeLauncher's SETSIGDEF does, plus the ones this helper
 * ignores itself): an ignored signal survives exec. */
static const int DEFAULT_SIGNALS[] = {SIGPIPE, SIGINT,  SIGQUIT, SIGTERM, SIGHUP,  SIGCHLD, SIGUSR1,
                                      SIGUSR2, SIGALRM, SIGXFSZ, SIGTSTP, SIGTTIN, SIGTTOU};

static unsigned char child_stack[64 * 1024] __attribute__((aligned(16)));

#define FAIL(r, s)            \
    do {                      \
        (r)->err = errno;     \
        (r)->step = (s);      \
        _exit(127);           \
    } while (0)

/*
 * Runs in the clone(CLONE_VM | CLONE_VFORK) child on its own stack while the helper waits: async-signal-safe calls
 * only, and nothing that writes memory but the request's step/err (errno lives in the helper's TLS, which the helper
 * does not read before it has looked at step). The helper installs no signal handlers, so none can run here.
 */
static int child_main(void *arg) {
    struct request *r = arg;
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (size_t i = 0; i < sizeof DEFAULT_SIGNALS / sizeof DEFAULT_SIGNALS[0]; i++) {
        if (sigaction(DEFAULT_SIGNALS[i], &dfl, NULL) != 0) FAIL(r, STEP_SIGACTION);
    }
    sigset_t none;
    sigemptyset(&none);
    if (sigprocmask(SIG_SETMASK, &none, NULL) != 0) FAIL(r, STEP_SIGMASK);
    if (setpgid(0, 0) != 0) FAIL(r, STEP_SETPGID);
    /* As root still, so a limit may be raised up to what CAP_SYS_RESOURCE allows; in place before exec. */
    for (int i = 0; i < NLIMITS; i++) {
        if (r->limit_set[i] && setrlimit(LIMIT_RESOURCE[i], &r->limit[i]) != 0) FAIL(r, STEP_SETRLIMIT + i);
    }
    if (r->switch_user) {
        /* Raw system calls: they change this task only. The effective uid first, real and saved uid stay 0 until
         * just before execve, so that the program user's processes cannot signal (SIGSTOP) this child while the
         * helper waits for it: kill(2) compares the sender's uid with the target's real and saved uid. */
        if (syscall(SYS_setgroups, (long)r->ngroups, r->groups) != 0) FAIL(r, STEP_SETGROUPS);
        if (syscall(SYS_setresgid, (long)r->gid, (long)r->gid, (long)r->gid) != 0) FAIL(r, STEP_SETRESGID);
        if (syscall(SYS_setresuid, -1L, (long)r->uid, -1L) != 0) FAIL(r, STEP_SETEUID);
    }
    /* After the effective ids changed (a change clears it); the final setresuid below keeps it. The helper is
     * single-threaded, so "the parent thread exits" is "the helper exits". */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) FAIL(r, STEP_PDEATHSIG);
    if (getppid() != r->parent) {
        errno = ESRCH; /* the helper died before the death signal was armed */
        FAIL(r, STEP_PARENT);
    }
    if (r->switch_user && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) FAIL(r, STEP_NO_NEW_PRIVS);
    for (int i = 0; i < 3; i++) {
        if (dup2(r->fds[i], i) < 0) FAIL(r, STEP_DUP2); /* dup2 clears close-on-exec on 0/1/2 */
    }
    /* As the program's user (fsuid follows the effective uid): it needs search permission on the directory. */
    if (r->cwd != NULL && chdir(r->cwd) != 0) FAIL(r, STEP_CHDIR);
    if (syscall(SYS_close_range, 3L, (long)~0U, 0L) != 0) {
        if (errno != ENOSYS) FAIL(r, STEP_CLOSE_RANGE);
        for (int fd = 3; fd <= r->maxfd; fd++) close(fd); /* every descriptor the helper has, known to it */
    }
    /* Unprivileged now (no effective capabilities): allowed because uid is already one of the three ids. */
    if (r->switch_user && syscall(SYS_setresuid, (long)r->uid, (long)r->uid, (long)r->uid) != 0)
        FAIL(r, STEP_SETRESUID);
    execve(r->argv[0], r->argv, r->envp);
    FAIL(r, STEP_EXECVE);
}

/* ---- tracking -------------------------------------------------------------------------------------------------- */

static void track(uint64_t id, pid_t pid) {
    if (nprograms == cap_programs) {
        size_t cap = cap_programs ? cap_programs * 2 : 64;
        struct program *p = realloc(programs, cap * sizeof *p);
        if (p == NULL) {
            /* Cannot account for it: it runs, the server knows it, but EOF would not end its group. */
            fprintf(stderr, "tracegate-spawn: out of memory tracking pid %d\n", (int)pid);
            return;
        }
        programs = p;
        cap_programs = cap;
    }
    programs[nprograms++] = (struct program){id, pid, 1};
}

static void untrack(size_t i) {
    programs[i] = programs[--nprograms];
}

static long find(pid_t pid) {
    for (size_t i = 0; i < nprograms; i++)
        if (programs[i].pid == pid && programs[i].leader_alive) return (long)i;
    return -1;
}

/* A group whose leader was reaped is dropped once empty: its number may then be reused by anyone. */
static void drop_empty_groups(void) {
    for (size_t i = 0; i < nprograms;) {
        if (!programs[i].leader_alive && kill(-programs[i].pid, 0) != 0 && errno == ESRCH) untrack(i);
        else i++;
    }
}

static int lingering_groups(void) {
    for (size_t i = 0; i < nprograms; i++)
        if (!programs[i].leader_alive) return 1;
    return 0;
}

/* Reaps every exited child: the ones we spawned are reported, adopted orphans just collected. */
static void reap(int report) {
    for (;;) {
        int status;
        struct rusage ru;
        pid_t pid = wait4(-1, &status, WNOHANG, &ru);
        if (pid < 0 && errno == EINTR) continue;
        if (pid <= 0) break; /* 0: none exited; ECHILD: no children */
        long i = find(pid);
        if (i < 0) continue;
        programs[i].leader_alive = 0;
        if (report) reply_exited(programs[i].id, pid, status, &ru);
    }
    drop_empty_groups();
}

static void drain_signalfd(void) {
    struct signalfd_siginfo si[16];
    while (read(sigfd, si, sizeof si) > 0) {
    }
}

/* ---- spawning -------------------------------------------------------------------------------------------------- */

static void close_fds(const int *fds, int n) {
    for (int i = 0; i < n; i++)
        if (fds[i] >= 0) close(fds[i]);
}

/* With FLAG_LISTEN_SOCKET the first descriptor must be a listening stream socket; 0, or the errno to answer. */
static int check_listen_socket(int fd) {
    int type = 0, listening = 0;
    socklen_t tl = sizeof type, ll = sizeof listening;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) != 0) return errno; /* ENOTSOCK: a pipe or a file */
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &ll) != 0) return errno;
    return type == SOCK_STREAM && listening ? 0 : EINVAL;
}

/* One SPAWN, already validated; fds are the three received descriptors. */
static void spawn(struct request *r) {
    if (r->listen_socket) {
        int err = check_listen_socket(r->fds[0]);
        if (err != 0) {
            close_fds(r->fds, 3);
            reply_failed(r->id, STEP_LISTEN_SOCKET, err);
            return;
        }
    }
    r->parent = self;
    r->step = STEP_NONE;
    r->err = 0;
    int maxfd = sigfd > SOCK ? sigfd : SOCK;
    for (int i = 0; i < 3; i++)
        if (r->fds[i] > maxfd) maxfd = r->fds[i];
    r->maxfd = maxfd;
    pid_t pid = clone(child_main, child_stack + sizeof child_stack, CLONE_VM | CLONE_VFORK | SIGCHLD, r);
    int clone_errno = errno;
    close_fds(r->fds, 3);
    if (pid < 0) {
        reply_failed(r->id, STEP_CLONE, clone_errno);
        return;
    }
    if (r->step != STEP_NONE) {
        int step = r->step, err = r->err;
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
        }
        reply_failed(r->id, step, err);
        return;
    }
    track(r->id, pid);
    reply_spawned(r->id, pid);
}

/* ---- messages -------------------------------------------------------------------------------------------------- */

/* Parses one SPAWN of len bytes into r (pointers into inbuf and two allocations); NULL or what is wrong. */
static const char *parse_spawn(size_t len, struct request *r, gid_t **groups_out, char ***strings_out) {
    struct wire_spawn w;
    if (len < sizeof(struct header) + sizeof w) return "SPAWN shorter than its fixed part";
    memcpy(&w, inbuf + sizeof(struct header), sizeof w);
    if ((w.flags & ~(FLAG_SWITCH_USER | FLAG_LISTEN_SOCKET)) != 0) return "SPAWN with unknown flags";
    if (w.ngroups > TG_MAX_GROUPS) return "SPAWN with too many groups";
    if (w.argc < 1 || w.argc > TG_MAX_STRINGS || w.envc > TG_MAX_STRINGS) return "SPAWN with a bad argv or envp count";
    if (!(w.flags & FLAG_SWITCH_USER) && (w.uid != 0 || w.gid != 0 || w.ngroups != 0))
        return "SPAWN with ids but no switch";
    if ((w.flags & FLAG_SWITCH_USER) && (w.uid == (uint32_t)-1 || w.gid == (uint32_t)-1))
        return "SPAWN with uid or gid -1";
    size_t fixed = sizeof(struct header) + sizeof w + (size_t)w.ngroups * 4;
    if (len != fixed + (size_t)w.strings_len) return "SPAWN whose length does not match its parts";
    for (int i = 0; i < NLIMITS; i++) {
        if (w.limits[i].set > 1 || w.limits[i].reserved != 0) return "SPAWN with a bad limit entry";
        if (w.limits[i].set && w.limits[i].soft > w.limits[i].hard) return "SPAWN with a soft limit above the hard one";
        r->limit_set[i] = (int)w.limits[i].set;
        r->limit[i].rlim_cur = w.limits[i].soft == UINT64_MAX ? RLIM_INFINITY : (rlim_t)w.limits[i].soft;
        r->limit[i].rlim_max = w.limits[i].hard == UINT64_MAX ? RLIM_INFINITY : (rlim_t)w.limits[i].hard;
    }
    gid_t *groups = malloc(((size_t)w.ngroups + 1) * sizeof *groups);
    char **ptrs = malloc(((size_t)w.argc + 1 + (size_t)w.envc + 1) * sizeof *ptrs);
    if (groups == NULL || ptrs == NULL) {
        free(groups);
        free(ptrs);
        return "out of memory";
    }
    *groups_out = groups;
    *strings_out = ptrs;
    for (uint32_t i = 0; i < w.ngroups; i++) {
        uint32_t g;
        memcpy(&g, inbuf + sizeof(struct header) + sizeof w + (size_t)i * 4, 4);
        if (g == (uint32_t)-1) return "SPAWN with group -1";
        groups[i] = (gid_t)g;
    }
    /* The strings: every one NUL-terminated inside the blob, and nothing left over. */
    char *s = (char *)inbuf + fixed, *end = s + w.strings_len;
    r->cwd = NULL;
    if (w.cwd_len > 0) {
        if (w.cwd_len > w.strings_len || s[w.cwd_len - 1] != '\0' || memchr(s, '\0', w.cwd_len) != s + w.cwd_len - 1)
            return "SPAWN with a bad working directory";
        r->cwd = s;
        s += w.cwd_len;
    }
    size_t total = (size_t)w.argc + w.envc;
    for (size_t i = 0, k = 0; i < total; i++) {
        if (s >= end) return "SPAWN with fewer strings than counted";
        char *nul = memchr(s, '\0', (size_t)(end - s));
        if (nul == NULL) return "SPAWN with an unterminated string";
        if (i == w.argc) ptrs[k++] = NULL; /* end of argv */
        ptrs[k++] = s;
        s = nul + 1;
    }
    if (s != end) return "SPAWN with bytes after its strings";
    if (w.envc == 0) ptrs[w.argc] = NULL;
    ptrs[w.argc + 1 + w.envc] = NULL;
    if (w.argc > 0 && ptrs[0][0] == '\0') return "SPAWN with an empty program path";
    r->argv = ptrs;
    r->envp = ptrs + w.argc + 1;
    r->switch_user = (w.flags & FLAG_SWITCH_USER) != 0;
    r->listen_socket = (w.flags & FLAG_LISTEN_SOCKET) != 0;
    r->uid = (uid_t)w.uid;
    r->gid = (gid_t)w.gid;
    r->ngroups = w.ngroups;
    r->groups = groups;
    return NULL;
}

/* Receives and handles one message. Returns 0 to go on, 1 on EOF, -1 on a malformed message (after saying so). */
static int receive(void) {
    struct iovec iov = {inbuf, TG_MAX_MESSAGE};
    union {
        struct cmsghdr align;
        unsigned char buf[CMSG_SPACE(sizeof(int) * 4)];
    } control;
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.buf;
    msg.msg_controllen = sizeof control.buf;
    ssize_t n;
    do {
        n = recvmsg(SOCK, &msg, MSG_CMSG_CLOEXEC);
    } while (n < 0 && errno == EINTR);
    if (n == 0) return 1;
    if (n < 0) {
        if (errno == ECONNRESET) return 1;
        fprintf(stderr, "tracegate-spawn: recvmsg: %s\n", strerror(errno));
        return 1;
    }
    int fds[4] = {-1, -1, -1, -1}, nfds = 0;
    const char *bad = NULL;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
            bad = "a message with foreign control data";
            continue;
        }
        size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < k; i++) {
            int fd;
            memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
            if (nfds < 4) fds[nfds++] = fd;
            else close(fd);
        }
    }
    struct header h;
    if (bad == NULL && (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) bad = "a message longer than the protocol allows";
    if (bad == NULL && (size_t)n < sizeof h) bad = "a message shorter than its header";
    if (bad == NULL) {
        memcpy(&h, inbuf, sizeof h);
        if (h.magic != TG_MAGIC) bad = "a message without the protocol's magic number";
        else if (h.version != TG_VERSION) bad = "a message of another protocol version";
        else if (h.length != (uint32_t)n) bad = "a message whose length field does not match its size";
        else if (h.reserved != 0) bad = "a message with a non-zero reserved field";
        else if (h.type != MSG_SPAWN) bad = "a message of an unknown type";
        else if (nfds != 3) bad = "a SPAWN without exactly three descriptors";
    }
    struct request r;
    gid_t *groups = NULL;
    char **strings = NULL;
    if (bad == NULL) {
        memset(&r, 0, sizeof r);
        r.id = h.id;
        bad = parse_spawn((size_t)n, &r, &groups, &strings);
    }
    if (bad != NULL) {
        char what[160];
        snprintf(what, sizeof what, "malformed message from the server (%s)", bad);
        fatal(what);
        close_fds(fds, nfds);
        free(groups);
        free(strings);
        return -1;
    }
    memcpy(r.fds, fds, sizeof r.fds);
    spawn(&r);
    free(groups);
    free(strings);
    return 0;
}

/* ---- the end --------------------------------------------------------------------------------------------------- */

struct proc {
    pid_t pid, ppid;
};

/* The parent of pid from /proc/PID/stat; -1 if it is gone or a zombie (nothing left to end). */
static int read_stat(pid_t pid, pid_t *ppid) {
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return -1;
    buf[n] = '\0';
    char *p = strrchr(buf, ')'); /* "pid (comm) state ppid ...": comm may contain anything */
    if (p == NULL || p[1] != ' ' || p[2] == '\0' || p[3] != ' ' || p[2] == 'Z' || p[2] == 'X') return -1;
    *ppid = (pid_t)strtol(p + 4, NULL, 10);
    return 0;
}

static int by_pid(const void *a, const void *b) {
    pid_t x = ((const struct proc *)a)->pid, y = ((const struct proc *)b)->pid;
    return (x > y) - (x < y);
}

/* Every descendant of the helper (programs and whatever they started: as subreaper it is the ancestor of all),
 * found in /proc, signalled through a pidfd opened before its parentage is checked again, so a pid reused meanwhile
 * is never signalled. Returns how many were signalled. */
static int signal_descendants(int sig) {
    DIR *d = opendir("/proc");
    if (d == NULL) return 0;
    size_t n = 0, cap = 256;
    struct proc *all = malloc(cap * sizeof *all);
    struct dirent *e;
    while (all != NULL && (e = readdir(d)) != NULL) {
        char *endp;
        long pid = strtol(e->d_name, &endp, 10);
        if (*endp != '\0' || pid <= 0) continue;
        pid_t ppid;
        if (read_stat((pid_t)pid, &ppid) != 0) continue;
        if (n == cap) {
            struct proc *more = realloc(all, cap * 2 * sizeof *all);
            if (more == NULL) break;
            all = more;
            cap *= 2;
        }
        all[n++] = (struct proc){(pid_t)pid, ppid};
    }
    closedir(d);
    if (all == NULL) return 0;
    qsort(all, n, sizeof *all, by_pid);
    char *mine = calloc(n ? n : 1, 1);
    if (mine == NULL) {
        free(all);
        return 0;
    }
    for (int changed = 1; changed;) { /* one pass per generation */
        changed = 0;
        for (size_t i = 0; i < n; i++) {
            if (mine[i]) continue;
            int parent_mine = all[i].ppid == self;
            if (!parent_mine) {
                struct proc key = {all[i].ppid, 0};
                struct proc *p = bsearch(&key, all, n, sizeof *all, by_pid);
                parent_mine = p != NULL && mine[p - all];
            }
            if (parent_mine) mine[i] = changed = 1;
        }
    }
    int signalled = 0;
    for (size_t i = 0; i < n; i++) {
        if (!mine[i]) continue;
        int pfd = (int)syscall(SYS_pidfd_open, (long)all[i].pid, 0L);
        if (pfd < 0) {
            if (errno == ENOSYS && kill(all[i].pid, sig) == 0) signalled++;
            continue;
        }
        pid_t ppid;
        int ok = read_stat(all[i].pid, &ppid) == 0;
        if (ok && ppid != self) {
            struct proc key = {ppid, 0};
            struct proc *p = bsearch(&key, all, n, sizeof *all, by_pid);
            ok = p != NULL && mine[p - all];
        }
        if (ok && syscall(SYS_pidfd_send_signal, (long)pfd, (long)sig, 0L, 0L) == 0) signalled++;
        close(pfd);
    }
    free(mine);
    free(all);
    return signalled;
}

static int signal_groups(int sig) {
    int signalled = 0;
    for (size_t i = 0; i < nprograms; i++)
        if (kill(-programs[i].pid, sig) == 0) signalled++;
    return signalled;
}

static long long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* The server is gone (or said something we cannot trust): end everything we started, then exit. */
static void end_programs(void) {
    reap(0);
    signal_groups(SIGTERM);
    int left = signal_descendants(SIGTERM); /* every group member is a descendant too (subreaper) */
    long long deadline = now_ms() + grace_millis;
    while (left > 0 && now_ms() < deadline) {
        struct pollfd p = {sigfd, POLLIN, 0};
        poll(&p, 1, 20);
        drain_signalfd();
        reap(0);
        left = signal_descendants(0);
    }
    if (left > 0) {
        signal_groups(SIGKILL);
        signal_descendants(SIGKILL);
    }
    /* Collect what we can; anything still dying goes to init with us. */
    for (long long until = now_ms() + 200; now_ms() < until;) {
        reap(0);
        if (waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD) break;
        struct pollfd p = {sigfd, POLLIN, 0};
        poll(&p, 1, 10);
        drain_signalfd();
    }
}

static void hello(void) {
    uint32_t body[4] = {(uint32_t)self, TG_MAX_MESSAGE, TG_VERSION, 0};
    reply(MSG_HELLO, 0, body, sizeof body);
}

int main(int argc, char **argv) {
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: tracegate-spawn GRACE_MILLIS [DIRECTORY] (started by the Tracegate server)\n");
        return 2;
    }
    char *endp;
    grace_millis = strtol(argv[1], &endp, 10);
    if (*endp != '\0' || grace_millis < 0) {
        fprintf(stderr, "tracegate-spawn: GRACE_MILLIS must be a number of milliseconds, not \"%s\"\n", argv[1]);
        return 2;
    }
    int type = 0, domain = 0;
    socklen_t tl = sizeof type, dl = sizeof domain;
    if (getsockopt(SOCK, SOL_SOCKET, SO_TYPE, &type, &tl) != 0 || getsockopt(SOCK, SOL_SOCKET, SO_DOMAIN, &domain, &dl) != 0
        || type != SOCK_SEQPACKET || domain != AF_UNIX) {
        fprintf(stderr, "tracegate-spawn: descriptor 0 is not the server's socket (started by hand?)\n");
        return 2;
    }
    self = getpid();
    /* Signals meant for the server's terminal or group are not ours (we lead our own group anyway). */
    int ignored[] = {SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGUSR1, SIGUSR2, SIGTSTP, SIGTTIN, SIGTTOU};
    for (size_t i = 0; i < sizeof ignored / sizeof ignored[0]; i++) signal(ignored[i], SIG_IGN);
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
        fprintf(stderr, "tracegate-spawn: cannot become child subreaper (%s): escaped daemons go to the server\n",
                strerror(errno));
    prctl(PR_SET_NAME, "tracegate-spawn", 0, 0, 0);
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL);
    sigfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
    inbuf = malloc(TG_MAX_MESSAGE);
    if (sigfd < 0 || inbuf == NULL) {
        fprintf(stderr, "tracegate-spawn: cannot start: %s\n", strerror(errno));
        return 1;
    }
    hello();
    int status = 0;
    for (;;) {
        struct pollfd p[2] = {{SOCK, POLLIN, 0}, {sigfd, POLLIN, 0}};
        int n = poll(p, 2, lingering_groups() ? 1000 : -1);
        if (n < 0 && errno != EINTR) {
            fprintf(stderr, "tracegate-spawn: poll: %s\n", strerror(errno));
            status = 1;
            break;
        }
        if (p[1].revents) drain_signalfd();
        reap(1);
        if (peer_gone) break;
        if (p[0].revents) {
            int r = receive();
            if (r == 1) break;
            if (r < 0) {
                status = 2;
                shutdown(SOCK, SHUT_RDWR); /* the server notices at once */
                break;
            }
            if (peer_gone) break;
        }
    }
    end_programs();
    if (status == 0 && argc == 3) { /* only the server's end removes the binary: a restart would need it */
        unlink(argv[0]);
        rmdir(argv[2]);
    }
    return status;
}
