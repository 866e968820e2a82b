/*
 * Tests for src/awscli/runner: exit statuses, signals, deadline, cancellation, caps and
 * draining, UTF-8 repair, descriptor and zombie hygiene, exec failures, environment, argv and
 * concurrency. The child is tests/helpers/runner_child.c ($HELPERS_DIR/runner_child), never
 * the AWS CLI.
 */
#include "awscli/runner.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "clock.h"
#include "log.h"
#include "utf8.h"

#include "banned.h"

static char child_path[4096];
static char helpers_dir[4096];

/* Runs the helper with the given arguments (NULL-terminated) and options. */
static int run_child(struct runner_opts *o, struct runner_result *r, struct err *e, ...)
{
    const char *argv[16];
    va_list ap;
    int n = 0;
    const char *a;

    argv[n++] = child_path;
    va_start(ap, e);
    while ((a = va_arg(ap, const char *)) != NULL && n < 15)
        argv[n++] = a;
    va_end(ap);
    argv[n] = NULL;
    o->argv = argv;
    return runner_run(o, r, e);
}

/* Defaults first, then the test's own fields, which override them on purpose. */
#pragma GCC diagnostic ignored "-Woverride-init"
#define OPTS(...)                                                                                  \
    (struct runner_opts)                                                                           \
    {                                                                                              \
        .max_stdout = 1 << 20, .max_stderr = 1 << 20, .term_grace_ms = 1000, __VA_ARGS__           \
    }

/*
 * No test here times the runner. A child that must be stopped sleeps CHILD_SLEEP_MS (a minute,
 * twice ENFORCED_MS), and the proof it was stopped is the mechanism: the
 * signal that ended it, timed_out or cancelled. ENFORCED_MS only says "it ended, long before the
 * child would have": generous enough for a loaded machine under ASan.
 */
#define CHILD_SLEEP_MS "60000"
#define ENFORCED_MS    30000
/* A deadline that only a hang (a deadlock, a lost child) reaches, on any load. */
#define SAFETY_NET_MS 120000

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
}

/* 'Z' for a zombie, 0 when the process is gone, its state letter otherwise. */
static char proc_state(int pid)
{
    char path[64], line[512], *p;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%d/stat", pid);
    f = fopen(path, "r");
    if (!f)
        return 0;
    p = fgets(line, sizeof(line), f);
    fclose(f);
    if (!p || !(p = strrchr(line, ')')))
        return '?';
    return p[2];
}

TEST(exit_status_passed_on)
{
    static const int codes[] = {0, 1, 3, 42, 127, 255};
    size_t i;

    for (i = 0; i < ARRAY_SIZE(codes); i++) {
        struct runner_opts o = OPTS();
        struct runner_result r;
        struct err e = ERR_INIT;
        char num[16];

        snprintf(num, sizeof(num), "%d", codes[i]);
        CHECK_INT(run_child(&o, &r, &e, "exit", num, NULL), 0);
        CHECK_INT(r.exit_code, codes[i]);
        CHECK_INT(r.term_signal, 0);
        CHECK(!r.timed_out && !r.cancelled && !r.stdout_truncated && !r.stderr_truncated);
        runner_result_release(&r);
    }
}

TEST(death_by_signal_is_128_plus_n)
{
    static const int sigs[] = {SIGKILL, SIGTERM, SIGSEGV, SIGABRT, SIGPIPE};
    size_t i;

    for (i = 0; i < ARRAY_SIZE(sigs); i++) {
        struct runner_opts o = OPTS();
        struct runner_result r;
        struct err e = ERR_INIT;
        char num[16];

        snprintf(num, sizeof(num), "%d", sigs[i]);
        CHECK_INT(run_child(&o, &r, &e, "signal", num, NULL), 0);
        CHECK_INT(r.term_signal, sigs[i]);
        CHECK_INT(r.exit_code, 128 + sigs[i]);
        CHECK(!r.timed_out);
        runner_result_release(&r);
    }
}

TEST(deadline_sends_sigterm)
{
    struct runner_opts o = OPTS(.deadline_ms = clock_mono_ms() + 300);
    struct runner_result r;
    struct err e = ERR_INIT;

    CHECK_INT(run_child(&o, &r, &e, "sleep", CHILD_SLEEP_MS, NULL), 0);
    CHECK(r.timed_out);
    CHECK_INT(r.term_signal, SIGTERM);
    CHECK_INT(r.exit_code, 128 + SIGTERM);
    CHECK(r.duration_ms >= 250);
    CHECK(r.duration_ms < ENFORCED_MS);
    runner_result_release(&r);
}

TEST(deadline_then_sigkill_after_the_grace)
{
    struct runner_opts o = OPTS(.deadline_ms = clock_mono_ms() + 300, .term_grace_ms = 300);
    struct runner_result r;
    struct err e = ERR_INIT;

    CHECK_INT(run_child(&o, &r, &e, "ignore-term", CHILD_SLEEP_MS, NULL), 0);
    CHECK(r.timed_out);
    CHECK_INT(r.term_signal, SIGKILL);
    CHECK_INT(r.exit_code, 137);
    CHECK_STR(r.out.p, "ignoring\n");
    CHECK(r.duration_ms >= 550);
    CHECK(r.duration_ms < ENFORCED_MS);
    runner_result_release(&r);
}

/* No grace: SIGKILL at the deadline. */
TEST(deadline_without_grace_is_sigkill)
{
    struct runner_opts o;
    struct runner_result r;
    struct err e = ERR_INIT;

    o = OPTS(.deadline_ms = clock_mono_ms() + 200, .term_grace_ms = 0);
    CHECK_INT(run_child(&o, &r, &e, "ignore-term", CHILD_SLEEP_MS, NULL), 0);
    CHECK(r.timed_out);
    CHECK_INT(r.term_signal, SIGKILL);
    CHECK(r.duration_ms < ENFORCED_MS);
    runner_result_release(&r);
}

/* A child that closes its pipes but goes on running is still bound by the deadline. */
TEST(deadline_binds_a_child_with_closed_pipes)
{
    struct runner_opts o = OPTS(.deadline_ms = clock_mono_ms() + 300);
    struct runner_result r;
    struct err e = ERR_INIT;

    CHECK_INT(run_child(&o, &r, &e, "close-sleep", CHILD_SLEEP_MS, NULL), 0);
    CHECK(r.timed_out);
    CHECK_INT(r.term_signal, SIGTERM);
    CHECK(r.duration_ms < ENFORCED_MS);
    runner_result_release(&r);
}

/* One that closes its pipes and exits soon is waited for, not left as a zombie. */
TEST(child_with_closed_pipes_waited_for)
{
    struct runner_opts o = OPTS();
    struct runner_result r;
    struct err e = ERR_INIT;

    CHECK_INT(run_child(&o, &r, &e, "close-sleep", "150", NULL), 0);
    CHECK_INT(r.exit_code, 0);
    CHECK(!r.timed_out);
    CHECK(r.duration_ms >= 140);
    runner_result_release(&r);
}

TEST(stdout_cap_keeps_the_head_and_drains)
{
    struct runner_opts o =
        OPTS(.max_stdout = 64 * 1024, .deadline_ms = clock_mono_ms() + SAFETY_NET_MS);
    struct runner_result r;
    struct err e = ERR_INIT;
    size_t i;
    bool pattern = true;

    CHECK_INT(run_child(&o, &r, &e, "write", "out", "10485760", NULL), 0);
    CHECK_INT(r.exit_code, 0);
    CHECK(!r.timed_out);
    CHECK(r.stdout_truncated);
    CHECK(!r.stderr_truncated);
    CHECK_INT(r.out.len, 64 * 1024);
    CHECK_INT(r.stdout_bytes, 10485760);
    CHECK_INT(r.stderr_bytes, 0);
    for (i = 0; i < r.out.len; i++)
        pattern = pattern && r.out.p[i] == (char)('a' + i % 26);
    CHECK(pattern);
    printf("drain: 10 MiB through a 64 KiB cap in %lld ms\n", r.duration_ms);
    runner_result_release(&r);
}

/* Exactly at the cap is not truncation. */
TEST(output_at_the_cap_not_truncated)
{
    struct runner_opts o = OPTS(.max_stdout = 1000);
    struct runner_result r;
    struct err e = ERR_INIT;

    CHECK_INT(run_child(&o, &r, &e, "write", "out", "1000", NULL), 0);
    CHECK(!r.stdout_truncated);
    CHECK_INT(r.out.len, 1000);
    runner_result_release(&r);
}

/* A cap of 0 keeps nothing and still drains. */
TEST(zero_cap_keeps_nothing_and_drains)
{
    struct runner_opts o = OPTS(.max_stdout = 0);
    struct runner_result r;
    struct err e = ERR_INIT;

    CHECK_INT(run_child(&o, &r, &e, "write", "out", "300000", NULL), 0);
    CHECK(r.stdout_truncated);
    CHECK_INT(r.out.len, 0);
    CHECK_STR(r.out.p, "");
    CHECK_INT(r.stdout_bytes, 300000);
    runner_result_release(&r);
}

TEST(stderr_cap)
{
    struct runner_opts o = OPTS(.max_stdout = 10, .max_stderr = 1000);
    struct runner_result r;
    struct err e = ERR_INIT;

    CHECK_INT(run_child(&o, &r, &e, "write", "err", "100000", NULL), 0);
    CHECK_INT(r.exit_code, 0);
    CHECK(r.stderr_truncated);
    CHECK(!r.stdout_truncated);
    CHECK_INT(r.err.len, 1000);
    CHECK_INT(r.stderr_bytes, 100000);
    CHECK_INT(r.out.len, 0);
    runner_result_release(&r);
}

/* Both pipes at once, both past the pipe capacity: no deadlock, both counted. */
TEST(both_pipes_past_capacity_no_deadlock)
{
    struct runner_opts o;
    struct runner_result r;
    struct err e = ERR_INIT;

    o = OPTS(.max_stdout = 5000, .max_stderr = 7000,
             .deadline_ms = clock_mono_ms() + SAFETY_NET_MS);
    CHECK_INT(run_child(&o, &r, &e, "both", "2000000", "3000000", NULL), 0);
    CHECK_INT(r.exit_code, 0);
    CHECK(!r.timed_out);
    CHECK_INT(r.out.len, 5000);
    CHECK_INT(r.err.len, 7000);
    CHECK_INT(r.stdout_bytes, 2000000);
    CHECK_INT(r.stderr_bytes, 3000000);
    CHECK(r.stdout_truncated && r.stderr_truncated);
    runner_result_release(&r);
}

#define FFFD "\xEF\xBF\xBD"

TEST(output_repaired_to_utf8)
{
    struct runner_opts o = OPTS();
    struct runner_result r;
    struct err e = ERR_INIT;

    CHECK_INT(run_child(&o, &r, &e, "hex", "ff41c3", NULL), 0);
    CHECK_STR(r.out.p, FFFD "A" FFFD);
    CHECK(!r.stdout_truncated);
    runner_result_release(&r);

    CHECK_INT(run_child(&o, &r, &e, "hexerr", "80", NULL), 0);
    CHECK_STR(r.err.p, FFFD);
    runner_result_release(&r);
}

/* "aaé" cut after the first byte of é by a cap of 3: the half character goes. */
TEST(cap_cuts_on_a_character_boundary)
{
    struct runner_opts o = OPTS(.max_stdout = 3);
    struct runner_result r;
    struct err e = ERR_INIT;

    CHECK_INT(run_child(&o, &r, &e, "hex", "6161c3a9", NULL), 0);
    CHECK_STR(r.out.p, "aa");
    CHECK(r.stdout_truncated);
    CHECK_INT(r.stdout_bytes, 4);
    runner_result_release(&r);

    /* Replacement grows the text; the result still respects the cap, on a boundary. */
    o = OPTS(.max_stdout = 4);
    CHECK_INT(run_child(&o, &r, &e, "hex", "ffffff41", NULL), 0);
    CHECK_STR(r.out.p, FFFD);
    CHECK(r.out.len <= 4);
    CHECK(r.stdout_truncated);
    runner_result_release(&r);
}

TEST(child_gets_only_std_descriptors_and_empty_stdin)
{
    struct runner_opts o = OPTS();
    struct runner_result r;
    struct err e = ERR_INIT;
    int leak = open("/dev/null", O_RDONLY); /* deliberately not close-on-exec */

    CHECK(leak >= 0);
    CHECK_INT(run_child(&o, &r, &e, "fds", NULL), 0);
    CHECK_STR(r.out.p, "0\n1\n2\n");
    runner_result_release(&r);

    CHECK_INT(run_child(&o, &r, &e, "stdin", NULL), 0);
    CHECK_STR(r.out.p, "0 eof\n");
    runner_result_release(&r);
    close(leak);
}

TEST(no_descriptor_leaks_over_many_runs)
{
    struct runner_opts o = OPTS();
    struct runner_result r;
    struct err e = ERR_INIT;
    int before, after, i, ok = 0;

    before = check_open_fds();
    for (i = 0; i < 100; i++) {
        if (run_child(&o, &r, &e, i % 2 ? "write" : "exit", i % 2 ? "err" : "0", "5000", NULL) ==
                0 &&
            r.exit_code == 0)
            ok++;
        runner_result_release(&r);
    }
    /* Failures to start must not leak either. */
    for (i = 0; i < 10; i++) {
        const char *argv[] = {"/nonexistent/prog", NULL};
        o.argv = argv;
        CHECK_INT(runner_run(&o, &r, &e), -1);
        runner_result_release(&r);
    }
    after = check_open_fds();
    CHECK_INT(ok, 100);
    CHECK_INT(after, before);
}

TEST(child_signal_state_reset)
{
    struct runner_opts o = OPTS();
    struct runner_result r;
    struct err e = ERR_INIT;
    struct sigaction ign, old_pipe, old_int;
    sigset_t usr1, old_mask;

    /* The parent ignores SIGPIPE and SIGINT and blocks SIGUSR1: the child must see none of it. */
    memset(&ign, 0, sizeof(ign));
    ign.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ign, &old_pipe);
    sigaction(SIGINT, &ign, &old_int);
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &usr1, &old_mask);

    CHECK_INT(run_child(&o, &r, &e, "state", NULL), 0);
    CHECK_STR(r.out.p, "pgrp=1 mask=0 pipe=default int=default\n");
    runner_result_release(&r);

    pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
    sigaction(SIGPIPE, &old_pipe, NULL);
    sigaction(SIGINT, &old_int, NULL);
}

struct canceller {
    atomic_bool *flag;
    long after_ms;
};

static void *cancel_later(void *arg)
{
    struct canceller *c = arg;
    sleep_ms(c->after_ms);
    atomic_store(c->flag, true);
    return NULL;
}

TEST(cancel_kills_a_running_child)
{
    atomic_bool flag = false;
    struct canceller c = {&flag, 200};
    struct runner_opts o = OPTS(.cancel = &flag, .deadline_ms = clock_mono_ms() + SAFETY_NET_MS);
    struct runner_result r;
    struct err e = ERR_INIT;
    pthread_t t;

    CHECK_INT(pthread_create(&t, NULL, cancel_later, &c), 0);
    CHECK_INT(run_child(&o, &r, &e, "ignore-term", CHILD_SLEEP_MS, NULL), 0);
    pthread_join(t, NULL);
    CHECK(r.cancelled);
    CHECK(!r.timed_out);
    CHECK_INT(r.term_signal, SIGKILL);
    CHECK(r.duration_ms < ENFORCED_MS);
    runner_result_release(&r);
}

/* Already set before the start: killed at once. */
TEST(cancel_set_before_the_start)
{
    atomic_bool flag = true;
    struct runner_opts o = OPTS(.cancel = &flag);
    struct runner_result r;
    struct err e = ERR_INIT;

    CHECK_INT(run_child(&o, &r, &e, "sleep", CHILD_SLEEP_MS, NULL), 0);
    CHECK(r.cancelled);
    CHECK_INT(r.term_signal, SIGKILL);
    CHECK(r.duration_ms < ENFORCED_MS);
    runner_result_release(&r);
}

TEST(group_kill_ends_a_grandchild)
{
    struct runner_opts o = OPTS(.deadline_ms = clock_mono_ms() + SAFETY_NET_MS);
    struct runner_result r;
    struct err e = ERR_INIT;
    int gpid, i;
    char st = 'S';

    CHECK_INT(run_child(&o, &r, &e, "grandchild", CHILD_SLEEP_MS, NULL), 0);
    CHECK_INT(r.exit_code, 0);
    CHECK(!r.timed_out);
    CHECK(r.duration_ms < ENFORCED_MS);
    gpid = (int)strtol(r.out.p, NULL, 10);
    CHECK(gpid > 0);
    /* The group kill ended the grandchild: gone, or a zombie waiting for init. */
    for (i = 0; i < 3000 && gpid > 0; i++) {
        st = proc_state(gpid);
        if (st == 0 || st == 'Z')
            break;
        sleep_ms(10);
    }
    CHECK(st == 0 || st == 'Z');
    runner_result_release(&r);
}

/* A grandchild that left the group survives the kill but cannot hold the run open: the pipes
 * are read for a bounded time after the child's exit. */
TEST(escaped_grandchild_cannot_hold_the_run)
{
    struct runner_opts o = OPTS(.deadline_ms = clock_mono_ms() + SAFETY_NET_MS);
    struct runner_result r;
    struct err e = ERR_INIT;
    int gpid;

    CHECK_INT(run_child(&o, &r, &e, "escape", CHILD_SLEEP_MS, NULL), 0);
    CHECK_INT(r.exit_code, 0);
    CHECK(r.duration_ms < ENFORCED_MS);
    gpid = (int)strtol(r.out.p, NULL, 10);
    CHECK(gpid > 0);
    if (gpid > 0)
        kill(gpid, SIGKILL);
    runner_result_release(&r);
}

TEST(exec_failures_reported_with_errno_text)
{
    struct runner_opts o = OPTS();
    struct runner_result r;
    struct err e = ERR_INIT;
    const char *missing[] = {"/nonexistent/aws", "logs", NULL};
    const char *noexec[] = {"/etc/passwd", NULL};
    const char *dir[] = {"/tmp", NULL};

    o.argv = missing;
    CHECK_INT(runner_run(&o, &r, &e), -1);
    CHECK_STR(e.msg, "cannot run /nonexistent/aws: No such file or directory");
    CHECK_INT(r.exit_code, -1);
    runner_result_release(&r);

    o.argv = noexec;
    CHECK_INT(runner_run(&o, &r, &e), -1);
    CHECK_STR(e.msg, "cannot run /etc/passwd: Permission denied");
    runner_result_release(&r);

    o.argv = dir;
    CHECK_INT(runner_run(&o, &r, &e), -1);
    CHECK_STR(e.msg, "cannot run /tmp: Permission denied");
    runner_result_release(&r);
}

/* A bare name is looked up in the child's PATH, skipping empty and relative entries. */
TEST(bare_name_found_in_the_child_path)
{
    struct runner_opts o = OPTS();
    struct runner_result r;
    struct err e = ERR_INIT;
    const char *bypath[] = {"runner_child", "argv", "found", NULL};
    const char *nopath[] = {"runner_child", NULL};
    char path_var[4200];
    const char *env[] = {path_var, NULL};
    const char *badpath[] = {"PATH=/nonexistent:relative/dir", NULL};

    snprintf(path_var, sizeof(path_var), "PATH=/nonexistent::.:%s", helpers_dir);
    o.argv = bypath;
    o.env = env;
    CHECK_INT(runner_run(&o, &r, &e), 0);
    CHECK_STR(r.out.p, "found\n");
    runner_result_release(&r);

    o.argv = nopath;
    o.env = badpath;
    CHECK_INT(runner_run(&o, &r, &e), -1);
    CHECK_CONTAINS(e.msg, "cannot run runner_child: not found in PATH");
    runner_result_release(&r);
}

TEST(working_directory)
{
    struct runner_opts o = OPTS(.cwd = "/nonexistent-dir");
    struct runner_result r;
    struct err e = ERR_INIT;

    CHECK_INT(run_child(&o, &r, &e, "pwd", NULL), -1);
    CHECK_CONTAINS(e.msg, "cannot change directory to /nonexistent-dir: No such file");
    runner_result_release(&r);

    o = OPTS(.cwd = "/");
    CHECK_INT(run_child(&o, &r, &e, "pwd", NULL), 0);
    CHECK_STR(r.out.p, "/\n");
    runner_result_release(&r);
}

TEST(no_argv_refused)
{
    struct runner_opts o = OPTS(.argv = NULL);
    struct runner_result r;
    struct err e = ERR_INIT;

    CHECK_INT(runner_run(&o, &r, &e), -1);
    CHECK_INT(r.exit_code, -1);
    runner_result_release(&r);
    runner_result_release(&r); /* safe twice */
}

TEST(environment_exactly_as_given)
{
    const char *env[] = {"A=1", "B=two words", "EMPTY=", NULL};
    struct runner_opts o = OPTS(.env = env);
    struct runner_result r;
    struct err e = ERR_INIT;

    CHECK_INT(run_child(&o, &r, &e, "env", NULL), 0);
    CHECK_STR(r.out.p, "A=1\nB=two words\nEMPTY=\n");
    runner_result_release(&r);

    o = OPTS(.env = NULL);
    CHECK_INT(run_child(&o, &r, &e, "env", NULL), 0);
    CHECK_STR(r.out.p, "");
    runner_result_release(&r);
}

/* Words reach the child verbatim: no shell, no expansion. */
TEST(argv_verbatim)
{
    struct runner_opts o = OPTS();
    struct runner_result r;
    struct err e = ERR_INIT;

    CHECK_INT(run_child(&o, &r, &e, "argv", "a b", "$(id)", "", ";|&", "*", "'q'", NULL), 0);
    CHECK_STR(r.out.p, "a b\n$(id)\n\n;|&\n*\n'q'\n");
    runner_result_release(&r);
}

struct worker {
    int id, ok;
};

static void *worker_run(void *arg)
{
    struct worker *w = arg;
    int j;

    for (j = 0; j < 10; j++) {
        struct runner_opts o =
            OPTS(.max_stdout = 100, .deadline_ms = clock_mono_ms() + SAFETY_NET_MS);
        struct runner_result r;
        struct err e = ERR_INIT;
        char token[32], want[40];

        snprintf(token, sizeof(token), "t%d-%d", w->id, j);
        snprintf(want, sizeof(want), "%s\n", token);
        if (j % 3 == 2) {
            if (run_child(&o, &r, &e, "write", "out", "200000", NULL) == 0 &&
                r.stdout_bytes == 200000 && r.out.len == 100 && r.exit_code == 0)
                w->ok++;
        } else if (run_child(&o, &r, &e, "argv", token, NULL) == 0 && strcmp(r.out.p, want) == 0 &&
                   r.exit_code == 0) {
            w->ok++;
        }
        runner_result_release(&r);
    }
    return NULL;
}

TEST(concurrent_runs_from_threads)
{
    pthread_t t[8];
    struct worker w[8];
    int i, ok = 0, before = check_open_fds();
    long long t0 = clock_mono_ms();

    for (i = 0; i < 8; i++) {
        w[i] = (struct worker){i, 0};
        CHECK_INT(pthread_create(&t[i], NULL, worker_run, &w[i]), 0);
    }
    for (i = 0; i < 8; i++) {
        pthread_join(t[i], NULL);
        ok += w[i].ok;
    }
    CHECK_INT(ok, 80);
    CHECK_INT(check_open_fds(), before);
    printf("concurrency: 8 threads x 10 runs in %lld ms\n", clock_mono_ms() - t0);
}

TEST(home_dir_private_and_made_once)
{
    struct err e = ERR_INIT;
    const char *h1 = runner_home_dir(&e), *h2 = runner_home_dir(&e);
    struct stat st;

    CHECK(h1 != NULL);
    CHECK(h1 == h2);
    if (!h1)
        return;
    CHECK_CONTAINS(h1, "/awscli-mcp-home-");
    CHECK(strncmp(h1, getenv("TMPDIR"), strlen(getenv("TMPDIR"))) == 0);
    CHECK_INT(stat(h1, &st), 0);
    CHECK(S_ISDIR(st.st_mode));
    CHECK_INT(st.st_mode & 07777, 0700);
    CHECK_INT(st.st_uid, getuid());
    CHECK_INT(access(h1, W_OK), 0);
}

/* Every way a run can end leaves no child behind to reap. */
TEST(leaves_no_zombies)
{
    const char *missing[] = {"/nonexistent/prog", NULL};
    atomic_bool cancel = true;
    struct runner_opts o;
    struct runner_result r;
    struct err e = ERR_INIT;

    o = OPTS();
    CHECK_INT(run_child(&o, &r, &e, "exit", "3", NULL), 0);
    runner_result_release(&r);
    CHECK_INT(run_child(&o, &r, &e, "signal", "9", NULL), 0);
    runner_result_release(&r);
    CHECK_INT(run_child(&o, &r, &e, "grandchild", "100", NULL), 0);
    runner_result_release(&r);
    o = OPTS(.deadline_ms = clock_mono_ms() + 100, .term_grace_ms = 100);
    CHECK_INT(run_child(&o, &r, &e, "ignore-term", "10000", NULL), 0);
    runner_result_release(&r);
    o = OPTS(.cancel = &cancel);
    CHECK_INT(run_child(&o, &r, &e, "sleep", "10000", NULL), 0);
    runner_result_release(&r);
    o = OPTS(.argv = missing);
    CHECK_INT(runner_run(&o, &r, &e), -1);
    runner_result_release(&r);
    errno = 0;
    CHECK_INT(waitpid(-1, NULL, WNOHANG), -1);
    CHECK_INT(errno, ECHILD);
}

int main(int argc, char **argv)
{
    int rc;
    const char *dir = getenv("HELPERS_DIR");
    char tmpl[] = "/tmp/test_runner_tmpdir_XXXXXX";
    char *tmpdir;

    if (!dir) {
        fprintf(stderr, "HELPERS_DIR is not set (run through ctest)\n");
        return 1;
    }
    snprintf(helpers_dir, sizeof(helpers_dir), "%s", dir);
    snprintf(child_path, sizeof(child_path), "%s/runner_child", dir);
    if (access(child_path, X_OK) != 0) {
        fprintf(stderr, "%s is missing\n", child_path);
        return 1;
    }
    tmpdir = mkdtemp(tmpl);
    if (!tmpdir || setenv("TMPDIR", tmpdir, 1) != 0)
        return 1;

    rc = check_main(argc, argv);
    {
        struct err e = ERR_INIT;
        const char *home = runner_home_dir(&e);
        if (home)
            rmdir(home);
        rmdir(tmpdir);
    }
    return rc;
}
