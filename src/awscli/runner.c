#include "awscli/runner.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "utf8.h"

#include "alloc.h"
#include "banned.h"

#define CANCEL_POLL_MS 50    /* promised in runner.h: *cancel is looked at this often */
#define REAP_DRAIN_MS  200   /* how long the pipes are still read after the child was reaped */
#define READ_CHUNK     65536 /* one pipe's default capacity on Linux */
#define DEFAULT_PATH   "/usr/local/bin:/usr/bin:/bin"

/* What the child sends through the close-on-exec pipe when a step before execve fails. */
enum child_stage { STAGE_SETPGID = 1, STAGE_DUP, STAGE_CHDIR, STAGE_EXEC };

struct child_report {
    int stage;
    int err;
};

/* One of the two output pipes, seen from the parent. */
struct pipe_in {
    int fd;
    size_t cap;
    struct buf *b;
    size_t *total;
    bool *truncated;
};

static const char *env_get(const char *const *env, const char *name)
{
    size_t n = strlen(name);

    for (; env && *env; env++)
        if (strncmp(*env, name, n) == 0 && (*env)[n] == '=')
            return *env + n + 1;
    return NULL;
}

bool runner_is_executable_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/*
 * Resolves argv[0] in the parent, as git's start_command does, so that the child only has one
 * execve to make. Relative and empty PATH entries are skipped: a server must not run programs
 * found through its current directory.
 */
int runner_find_program(const char *name, const char *const *env, struct buf *path, struct err *e)
{
    const char *dirs, *p;

    if (!*name)
        return err_set(e, ERR_INTERNAL, "cannot run an empty program name");
    if (strchr(name, '/')) {
        if (buf_adds(path, name) < 0)
            return err_set(e, ERR_INTERNAL, "out of memory");
        return 0;
    }
    dirs = env_get(env, "PATH");
    if (!dirs)
        dirs = DEFAULT_PATH;
    for (p = dirs; *p;) {
        const char *end = strchr(p, ':');
        size_t len = end ? (size_t)(end - p) : strlen(p);

        if (len > 0 && p[0] == '/') {
            buf_reset(path);
            if (buf_add(path, p, len) < 0 || buf_addf(path, "/%s", name) < 0)
                return err_set(e, ERR_INTERNAL, "out of memory");
            if (runner_is_executable_file(path->p))
                return 0;
        }
        p += len;
        if (*p == ':')
            p++;
    }
    return err_set(e, ERR_INTERNAL, "cannot run %s: not found in PATH (%s)", name, dirs);
}

/* Async-signal-safe: moves fd to 3 or above (keeping it close-on-exec), or returns -1. */
static int fd_above_stdio(int fd)
{
    return fd >= 3 ? fd : fcntl(fd, F_DUPFD_CLOEXEC, 3);
}

/* Async-signal-safe: closes every descriptor from 3 up, except keep. */
static void close_other_fds(int keep)
{
    struct rlimit rl;
    long fd, max = 65536;

    if ((keep <= 3 || syscall(SYS_close_range, 3U, (unsigned)keep - 1, 0U) == 0) &&
        syscall(SYS_close_range, (unsigned)keep + 1, ~0U, 0U) == 0)
        return;
    /* Kernels before 5.9 have no close_range: close what the descriptor limit allows. */
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        rl.rlim_cur < (rlim_t)max)
        max = (long)rl.rlim_cur;
    for (fd = 3; fd < max; fd++)
        if (fd != keep)
            close((int)fd);
}

static _Noreturn void child_fail(int report_fd, int stage)
{
    struct child_report rep = {stage, errno};

    if (write(report_fd, &rep, sizeof(rep)) < 0) {
        /* Nothing left to tell anyone; the parent sees EOF and exit status 127. */
    }
    _exit(127);
}

/*
 * Runs in the forked child, between fork and execve: only async-signal-safe calls, since
 * another thread of the parent may have held any lock (malloc's included) at fork time.
 * All signals are blocked on entry (the parent blocked them around fork), so no handler
 * inherited from the parent can run here before the dispositions are reset.
 */
static _Noreturn void child_exec(const char *path, char *const *argv, char *const *envp,
                                 const char *cwd, const struct sigaction *dfl, int null_fd,
                                 int out_fd, int err_fd, int report_fd)
{
    sigset_t none;
    int sig;

    for (sig = 1; sig < NSIG; sig++)
        (void)sigaction(sig, dfl, NULL); /* fails harmlessly for SIGKILL, SIGSTOP, libc's */
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);

    report_fd = fd_above_stdio(report_fd);
    if (report_fd < 0)
        _exit(127);
    if (setpgid(0, 0) < 0)
        child_fail(report_fd, STAGE_SETPGID);
    /* The parent may run with 0, 1 or 2 closed, so a pipe end can sit on one of them: move
     * every source above 2 first, so that dup2 never overwrites a source it still needs and
     * always clears close-on-exec on the target. */
    null_fd = fd_above_stdio(null_fd);
    out_fd = fd_above_stdio(out_fd);
    err_fd = fd_above_stdio(err_fd);
    if (null_fd < 0 || out_fd < 0 || err_fd < 0 || dup2(null_fd, 0) < 0 || dup2(out_fd, 1) < 0 ||
        dup2(err_fd, 2) < 0)
        child_fail(report_fd, STAGE_DUP);
    if (cwd && chdir(cwd) < 0)
        child_fail(report_fd, STAGE_CHDIR);
    close_other_fds(report_fd);
    execve(path, argv, envp);
    child_fail(report_fd, STAGE_EXEC);
}

static void pipe_read(struct pipe_in *p, char *chunk)
{
    ssize_t n = read(p->fd, chunk, READ_CHUNK);

    if (n > 0) {
        size_t room = p->b->len < p->cap ? p->cap - p->b->len : 0;
        size_t take = (size_t)n < room ? (size_t)n : room;

        *p->total += (size_t)n;
        /* Out of memory counts as truncation: keep what we have and go on draining. */
        if (take && buf_add(p->b, chunk, take) < 0)
            *p->truncated = true;
        if ((size_t)n > take)
            *p->truncated = true;
        return;
    }
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    close(p->fd);
    p->fd = -1;
}

/* True when the child has exited, without reaping it (so its pid still names its group). */
static bool child_exited(pid_t pid)
{
    siginfo_t si;

    memset(&si, 0, sizeof(si));
    if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0)
        return errno == ECHILD; /* somebody else reaped it (SIGCHLD set to SIG_IGN?) */
    return si.si_pid == pid;
}

/* Returns the wait status, or -1 when the child was already reaped elsewhere. */
static int child_reap(pid_t pid)
{
    int status = 0;

    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return status;
}

static void timeout_min(int *timeout, long long ms)
{
    if (ms < 0)
        ms = 0;
    if (ms > INT_MAX)
        ms = INT_MAX;
    if (*timeout < 0 || ms < *timeout)
        *timeout = (int)ms;
}

/*
 * The parent's loop: reads both pipes, watches the clock, the cancel flag and the child, and
 * returns the wait status once the child is reaped and the pipes are closed (or the drain
 * time after the reaping is over).
 */
static int child_collect(const struct runner_opts *o, struct runner_result *r, pid_t pid, int pidfd,
                         struct pipe_in pin[2], char *chunk)
{
    bool term_sent = false, kill_sent = false, check_exit = true;
    long long kill_at = 0, drain_until = 0;
    int idle_ms = 1, status = -1, i;
    bool exited = false;

    for (;;) {
        long long now = clock_mono_ms();
        struct pollfd pfd[3];
        int timeout = -1, slot[3];
        nfds_t nfd = 0;

        if (!exited) {
            if (o->cancel && atomic_load(o->cancel) && !kill_sent) {
                kill(-pid, SIGKILL);
                kill_sent = true;
                r->cancelled = true;
            }
            if (o->deadline_ms > 0 && now >= o->deadline_ms && !term_sent && !kill_sent) {
                r->timed_out = true;
                term_sent = true;
                kill_at = now + (o->term_grace_ms > 0 ? o->term_grace_ms : 0);
                kill(-pid, o->term_grace_ms > 0 ? SIGTERM : SIGKILL);
                kill_sent = o->term_grace_ms <= 0;
            }
            if (term_sent && !kill_sent && now >= kill_at) {
                kill(-pid, SIGKILL);
                kill_sent = true;
            }
            if (check_exit && child_exited(pid)) {
                /* The zombie still owns the group id, so this cannot hit a stranger; it ends
                 * whatever the child left behind, including holders of our pipes. */
                kill(-pid, SIGKILL);
                status = child_reap(pid);
                exited = true;
                drain_until = now + REAP_DRAIN_MS;
            }
        }
        if (exited && ((pin[0].fd < 0 && pin[1].fd < 0) || now >= drain_until))
            break;

        if (exited) {
            timeout_min(&timeout, drain_until - now);
        } else {
            if (o->cancel && !kill_sent)
                timeout_min(&timeout, CANCEL_POLL_MS);
            if (o->deadline_ms > 0 && !term_sent && !kill_sent)
                timeout_min(&timeout, o->deadline_ms - now);
            if (term_sent && !kill_sent)
                timeout_min(&timeout, kill_at - now);
            if (pidfd < 0) {
                /* No pidfd (kernel < 5.3): look at the child again soon, sooner once the
                 * pipes are closed and its exit is all we wait for. */
                if (pin[0].fd >= 0 || pin[1].fd >= 0) {
                    timeout_min(&timeout, CANCEL_POLL_MS);
                } else {
                    timeout_min(&timeout, idle_ms);
                    idle_ms = idle_ms < CANCEL_POLL_MS / 2 ? idle_ms * 2 : CANCEL_POLL_MS;
                }
            }
        }
        for (i = 0; i < 2; i++) {
            if (pin[i].fd >= 0) {
                pfd[nfd].fd = pin[i].fd;
                pfd[nfd].events = POLLIN;
                pfd[nfd].revents = 0;
                slot[nfd++] = i;
            }
        }
        if (!exited && pidfd >= 0) {
            pfd[nfd].fd = pidfd;
            pfd[nfd].events = POLLIN;
            pfd[nfd].revents = 0;
            slot[nfd++] = 2;
        }
        check_exit = pidfd < 0;
        if (poll(pfd, nfd, timeout) < 0) {
            if (errno != EINTR && !kill_sent) {
                /* Cannot wait for output any more: end the child rather than spin. */
                kill(-pid, SIGKILL);
                kill_sent = true;
            }
            check_exit = true;
            continue;
        }
        for (i = 0; i < (int)nfd; i++) {
            if (!pfd[i].revents)
                continue;
            if (slot[i] == 2)
                check_exit = true;
            else
                pipe_read(&pin[slot[i]], chunk);
        }
    }
    return status;
}

/* Cuts b to at most max bytes without splitting a UTF-8 sequence. */
static void cap_utf8(struct buf *b, size_t max, bool *truncated)
{
    size_t len = b->len;

    if (len <= max)
        return;
    len = max;
    while (len > 0 && ((unsigned char)b->p[len] & 0xC0) == 0x80)
        len--;
    b->len = len;
    b->p[len] = '\0';
    *truncated = true;
}

static void result_init(struct runner_result *r, const struct runner_opts *o)
{
    memset(r, 0, sizeof(*r));
    r->exit_code = -1;
    buf_init(&r->out, o ? o->max_stdout : 0);
    buf_init(&r->err, o ? o->max_stderr : 0);
}

void runner_result_release(struct runner_result *r)
{
    if (!r)
        return;
    if (r->out.p)
        buf_release(&r->out);
    if (r->err.p)
        buf_release(&r->err);
}

int runner_run(const struct runner_opts *o, struct runner_result *r, struct err *e)
{
    static const char *const no_env[] = {NULL};
    struct buf path = BUF_INIT(0);
    int outp[2] = {-1, -1}, errp[2] = {-1, -1}, repp[2] = {-1, -1};
    int null_fd = -1, pidfd = -1, status, i, rc = -1;
    struct pipe_in pin[2];
    struct child_report rep;
    struct sigaction dfl;
    sigset_t all, old;
    char *chunk = NULL;
    long long start = clock_mono_ms();
    pid_t pid = -1;
    ssize_t n;

    result_init(r, o);
    if (!o || !o->argv || !o->argv[0]) {
        err_set(e, ERR_INTERNAL, "runner: no program to run");
        goto out;
    }
    if (runner_find_program(o->argv[0], o->env, &path, e) < 0)
        goto out;
    if (pipe2(outp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0 || pipe2(repp, O_CLOEXEC) < 0 ||
        (null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
        char why[128];
        err_set(e, ERR_INTERNAL, "cannot run %s: pipe/open: %s", path.p,
                err_errno_text(errno, why, sizeof(why)));
        goto out;
    }
    chunk = xmalloc(READ_CHUNK);
    if (!chunk) {
        err_set(e, ERR_INTERNAL, "out of memory");
        goto out;
    }
    memset(&dfl, 0, sizeof(dfl));
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);

    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pid = fork();
    if (pid == 0)
        child_exec(path.p, (char *const *)o->argv, (char *const *)(o->env ? o->env : no_env),
                   o->cwd, &dfl, null_fd, outp[1], errp[1], repp[1]);
    i = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (pid < 0) {
        char why[128];
        err_set(e, ERR_INTERNAL, "cannot run %s: fork: %s", path.p,
                err_errno_text(i, why, sizeof(why)));
        goto out;
    }
    /* Also set in the parent, so that the group exists whichever process runs first. */
    (void)setpgid(pid, pid);
    close(outp[1]);
    close(errp[1]);
    close(repp[1]);
    close(null_fd);
    outp[1] = errp[1] = repp[1] = null_fd = -1;

    /* EOF here means execve succeeded (the pipe was close-on-exec); a report means it failed. */
    do
        n = read(repp[0], &rep, sizeof(rep));
    while (n < 0 && errno == EINTR);
    if (n > 0) {
        char why[128];
        (void)child_reap(pid);
        pid = -1;
        err_errno_text(n == (ssize_t)sizeof(rep) ? rep.err : EIO, why, sizeof(why));
        if (n == (ssize_t)sizeof(rep) && rep.stage == STAGE_CHDIR)
            err_set(e, ERR_INTERNAL, "cannot run %s: cannot change directory to %s: %s", path.p,
                    o->cwd, why);
        else
            err_set(e, ERR_INTERNAL, "cannot run %s: %s", path.p, why);
        goto out;
    }

    pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (pidfd >= 0)
        (void)fcntl(pidfd, F_SETFD, FD_CLOEXEC);
    (void)fcntl(outp[0], F_SETFL, O_NONBLOCK);
    (void)fcntl(errp[0], F_SETFL, O_NONBLOCK);
    pin[0] =
        (struct pipe_in){outp[0], o->max_stdout, &r->out, &r->stdout_bytes, &r->stdout_truncated};
    pin[1] =
        (struct pipe_in){errp[0], o->max_stderr, &r->err, &r->stderr_bytes, &r->stderr_truncated};
    outp[0] = errp[0] = -1; /* now owned by pin[] */
    status = child_collect(o, r, pid, pidfd, pin, chunk);
    pid = -1;
    for (i = 0; i < 2; i++)
        if (pin[i].fd >= 0)
            close(pin[i].fd);
    if (status == -1) {
        r->exit_code = -1;
    } else if (WIFSIGNALED(status)) {
        r->term_signal = WTERMSIG(status);
        r->exit_code = 128 + r->term_signal;
    } else {
        r->exit_code = WEXITSTATUS(status);
    }
    (void)utf8_repair(&r->out, r->stdout_truncated);
    (void)utf8_repair(&r->err, r->stderr_truncated);
    cap_utf8(&r->out, o->max_stdout, &r->stdout_truncated);
    cap_utf8(&r->err, o->max_stderr, &r->stderr_truncated);
    rc = 0;
out:
    r->duration_ms = clock_mono_ms() - start;
    for (i = 0; i < 2; i++) {
        if (outp[i] >= 0)
            close(outp[i]);
        if (errp[i] >= 0)
            close(errp[i]);
        if (repp[i] >= 0)
            close(repp[i]);
    }
    if (null_fd >= 0)
        close(null_fd);
    if (pidfd >= 0)
        close(pidfd);
    free(chunk);
    buf_release(&path);
    return rc;
}

/* ---- Private HOME ---- */

static pthread_once_t home_once = PTHREAD_ONCE_INIT;
static char home_path[PATH_MAX];
static struct err home_err;
static bool home_ok;

static bool home_try(const char *dir)
{
    size_t len = strlen(dir);

    while (len > 1 && dir[len - 1] == '/')
        len--;
    if (len == 0 || dir[0] != '/')
        return false;
    if (snprintf(home_path, sizeof(home_path), "%.*s/awscli-mcp-home-XXXXXX", (int)len, dir) >=
        (int)sizeof(home_path))
        return false;
    if (!mkdtemp(home_path))
        return false;
    /* mkdtemp asks for 0700; say it again in case the umask took away our own bits. */
    return chmod(home_path, 0700) == 0;
}

static void home_create(void)
{
    const char *tmp = getenv("TMPDIR");
    char why[128];

    if ((tmp && home_try(tmp)) || home_try("/tmp")) {
        home_ok = true;
        return;
    }
    err_set(&home_err, ERR_INTERNAL, "cannot create a private HOME directory under %s: %s",
            tmp ? tmp : "/tmp", err_errno_text(errno, why, sizeof(why)));
    home_path[0] = '\0';
}

const char *runner_home_dir(struct err *e)
{
    pthread_once(&home_once, home_create);
    if (home_ok)
        return home_path;
    if (e)
        *e = home_err;
    return NULL;
}
