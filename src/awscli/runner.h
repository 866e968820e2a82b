#ifndef AWSCLI_RUNNER_H
#define AWSCLI_RUNNER_H

/*
 * Runs one child program to completion with bounded time and bounded output.
 *
 * Lifecycle of one runner_run() call:
 *   1. argv[0] is resolved to a path (in the parent, before fork): used as is when it contains
 *      a '/', otherwise looked up in the PATH of o->env (or "/usr/local/bin:/usr/bin:/bin" when
 *      o->env has no PATH). No shell is ever involved: the argv goes to execve() unchanged.
 *   2. The child is forked. Before execve it only makes async-signal-safe calls: every signal
 *      disposition back to SIG_DFL, an empty signal mask, setpgid(0, 0) (a new process group
 *      led by the child), stdin from /dev/null, stdout and stderr to two pipes, every other
 *      file descriptor closed, chdir(o->cwd) when given. If any step or execve itself fails,
 *      the errno travels to the parent through a close-on-exec pipe and the child _exit(127)s;
 *      runner_run() then returns -1 with "cannot run <path>: <strerror>".
 *   3. The parent polls both pipes and the child's pidfd together. Output past a cap is read
 *      and dropped, so the child never blocks on a full pipe. At o->deadline_ms the process
 *      group gets SIGTERM, and SIGKILL o->term_grace_ms later; when *o->cancel turns true the
 *      group gets SIGKILL at once (checked at least every 50 ms).
 *   4. When the child exits, the rest of its process group is killed with SIGKILL before the
 *      child is reaped (so the group id cannot have been reused), which also ends grandchildren
 *      that kept the pipes open. The pipes are then read to EOF for at most 200 ms more.
 *      Exactly one waitpid() reaps the child (retried on EINTR): no zombies are left.
 *   5. The captured bytes are made valid UTF-8 (see utf8_repair in utf8.h) so they can go into
 * JSON.
 *
 * A grandchild that leaves the process group (setsid) escapes the group kill; it can no longer
 * make runner_run() hang, but it can outlive it.
 *
 * The process must not set SIGCHLD to SIG_IGN (the kernel would then reap children itself and
 * runner_run() could report no exit status: exit_code -1).
 *
 * Thread safety: runner_run() may run in several threads at once. It keeps no global state
 * (every descriptor is created O_CLOEXEC, the signal mask is changed only in the calling
 * thread) except the private HOME directory, created once per process by runner_home_dir().
 */

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"

struct runner_opts {
    /* NULL-terminated; argv[0] is the program (path, or name looked up in PATH). Borrowed. */
    const char *const *argv;
    /* The complete environment of the child, NULL-terminated "NAME=value" strings, built by
     * the caller (nothing is inherited). NULL means an empty environment. Borrowed. */
    const char *const *env;
    /* Working directory of the child, or NULL to keep the caller's. */
    const char *cwd;
    /* Absolute clock_mono_ms() time (see log.h) at which the child is stopped; 0 = none. */
    long long deadline_ms;
    /* Delay between SIGTERM and SIGKILL after the deadline, e.g. 1000; <= 0 means SIGKILL at
     * the deadline. */
    int term_grace_ms;
    /* Bytes of stdout / stderr kept; the rest is read and dropped. 0 keeps nothing. */
    size_t max_stdout, max_stderr;
    /* Optional (NULL = none). When it becomes true the group is killed with SIGKILL at once. */
    const atomic_bool *cancel;
};

struct runner_result {
    /* Exit status, or 128+N when killed by signal N, -1 if the child never ran. */
    int exit_code;
    /* The signal that ended the child, 0 if it exited. */
    int term_signal;
    /* timed_out: the deadline was reached and the group was signalled. cancelled: *cancel was
     * seen true and the group was killed. *_truncated: bytes were dropped past the cap. */
    bool timed_out, cancelled, stdout_truncated, stderr_truncated;
    /* Captured bytes, at most the cap each, valid UTF-8, NUL-terminated. Owned by the result. */
    struct buf out, err;
    /* Total bytes the child wrote to each pipe, including the dropped ones. */
    size_t stdout_bytes, stderr_bytes;
    /* From just before fork to the reaping of the child. */
    long long duration_ms;
};

/*
 * Runs o->argv and waits for it. *r is initialised by this function in every case (the caller
 * need not), and must be released with runner_result_release() afterwards.
 *
 * Returns 0 when the child ran (whatever its exit status, deadline or cancellation: see *r),
 * or -1 when it could not be started: bad options, program not found, pipe/fork failure, or
 * an exec failure reported by the child (e.g. "cannot run /x/aws: No such file or directory").
 * In that case r->exit_code is -1 and e explains.
 */
int runner_run(const struct runner_opts *o, struct runner_result *r, struct err *e) WUR;

/* true when path names a regular file that this process may execute. */
bool runner_is_executable_file(const char *path);

/*
 * Finds a program as runner_run does: a name with '/' is taken as it is; otherwise the first
 * absolute entry of PATH (from env, NULL-terminated "NAME=value" strings; without one,
 * /usr/local/bin:/usr/bin:/bin) that holds an executable regular file of that name. Relative
 * and empty entries are skipped. Fills path (reset first); -1 with a message when not found.
 */
int runner_find_program(const char *name, const char *const *env, struct buf *path,
                        struct err *e) WUR;

/* Frees the captured output; safe twice and on a zeroed struct. */
void runner_result_release(struct runner_result *r);

/*
 * A private writable directory for the child's HOME (the AWS CLI writes ~/.aws caches there):
 * created with mkdtemp (mode 0700) under $TMPDIR, or /tmp when $TMPDIR is unset or unusable,
 * once per process (pthread_once). The string is static and lives until exit. Returns NULL
 * when it could not be created (the same error for every later call), with e filled.
 */
const char *runner_home_dir(struct err *e);

#endif
