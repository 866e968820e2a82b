/*
 * The runner's own cost: runner_run() of /bin/true, N times in a row (fork, exec, pipes,
 * poll loop, reap), against posix_spawn + waitpid of the same program, interleaved in
 * rounds so that a busy machine hurts both alike. Prints a Markdown table of medians.
 * Usage: runner_overhead [RUNS]   (default 200)
 */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

#include "awscli/runner.h"

extern char **environ;

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 200;
    char true_path[] = "/bin/true";
    char *const child[] = {true_path, NULL};
    const char *rargv[] = {"/bin/true", NULL};
    struct runner_opts o = {
        .argv = rargv, .max_stdout = 1 << 20, .max_stderr = 1 << 20, .term_grace_ms = 1000};
    double *ours = calloc((size_t)n, sizeof(double)), *spawn = calloc((size_t)n, sizeof(double));
    int failed = 0;

    if (n < 1 || !ours || !spawn)
        return 2;
    for (int i = 0; i < n; i++) {
        struct runner_result r;
        struct err e = ERR_INIT;
        double t0 = now_us();
        pid_t pid;
        int status;

        if (runner_run(&o, &r, &e) != 0 || r.exit_code != 0)
            failed++;
        runner_result_release(&r);
        ours[i] = now_us() - t0;
        t0 = now_us();
        if (posix_spawn(&pid, child[0], NULL, NULL, child, environ) != 0 ||
            waitpid(pid, &status, 0) != pid || status != 0)
            failed++;
        spawn[i] = now_us() - t0;
    }
    qsort(ours, (size_t)n, sizeof(double), cmp);
    qsort(spawn, (size_t)n, sizeof(double), cmp);
    printf("| how /bin/true is run | runs | median | p90 |\n|---|---|---|---|\n");
    printf("| `runner_run()` | %d | %.0f us | %.0f us |\n", n, ours[n / 2], ours[n * 9 / 10]);
    printf("| `posix_spawn` + `waitpid` | %d | %.0f us | %.0f us |\n", n, spawn[n / 2],
           spawn[n * 9 / 10]);
    free(ours);
    free(spawn);
    if (failed)
        fprintf(stderr, "runner_overhead: %d runs failed\n", failed);
    return failed ? 1 : 0;
}
