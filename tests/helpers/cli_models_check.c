/*
 * Runs engine_cli_models_check (src/engine/cli_models.h) for tests/integration/test_cli_models.sh
 * and to measure its cost:
 *
 *   cli_models_check AWS_PATH [REPEAT]
 *
 * Prints "match" (exit 0) or "differ <code> <message>" (exit 1); with REPEAT, first times one
 * check (the process's first: it loads libcrypto) and then REPEAT more, and prints
 * "first_us <microseconds>" and "mean_us <microseconds per check>" on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "engine/cli_models.h"
#include "banned.h"

int main(int argc, char **argv)
{
    struct err e = ERR_INIT;
    long repeat = argc > 2 ? strtol(argv[2], NULL, 10) : 0;
    struct timespec t0, t1;
    int rc;

    if (argc < 2 || argc > 3 || repeat < 0) {
        fprintf(stderr, "usage: cli_models_check AWS_PATH [REPEAT]\n");
        return 2;
    }
    if (repeat > 0) {
        struct err ignored = ERR_INIT;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        (void)!engine_cli_models_check(argv[1], &ignored);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        fprintf(stderr, "first_us %.1f\n",
                (double)(t1.tv_sec - t0.tv_sec) * 1e6 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e3);
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (long i = 0; i < repeat; i++) {
            struct err ignored = ERR_INIT;
            (void)!engine_cli_models_check(argv[1], &ignored);
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        fprintf(stderr, "mean_us %.1f\n",
                ((double)(t1.tv_sec - t0.tv_sec) * 1e6 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e3) /
                    (double)repeat);
    }
    rc = engine_cli_models_check(argv[1], &e);
    if (rc == 0)
        printf("match\n");
    else
        printf("differ %d %s\n", e.code, e.msg);
    return rc == 0 ? 0 : 1;
}
