/*
 * Tests for the resource limits src/awscli/runner puts on its child (issue 9): memory, CPU
 * time, descriptors, core dumps, file size; and the child's own setpgid, seen while the
 * parent's is held back. The child is tests/helpers/runner_child.c.
 */
#include "awscli/runner.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

#include "banned.h"

#define MIB (1024 * 1024)

static char child_path[4096];

static int run(struct runner_opts *o, struct runner_result *r, struct err *e, const char *a1,
               const char *a2)
{
    const char *argv[] = {child_path, a1, a2, NULL};

    o->argv = argv;
    if (!o->max_stdout)
        o->max_stdout = 1 << 16;
    if (!o->max_stderr)
        o->max_stderr = 1 << 16;
    return runner_run(o, r, e);
}

/* A child that tries to take 3 GiB under a 512 MiB limit is stopped, and the result says so. */
TEST(memory_limit_stops_3_gib)
{
    struct runner_opts o = {.max_memory = (size_t)512 * MIB};
    struct runner_result r;
    struct err e = ERR_INIT;

    CHECK_INT(run(&o, &r, &e, "alloc", "3072"), 0);
    CHECK(r.exit_code != 0);
    CHECK(r.memory_limited);
    CHECK(r.max_rss_kb < 512 * 1024);
    CHECK_CONTAINS(r.err.p, "MemoryError after");
    runner_result_release(&r);
}

/* Without a limit the same child gets what it asks for (so the test above proves the limit). */
TEST(memory_without_limit)
{
    struct runner_opts o = {0};
    struct runner_result r;
    struct err e = ERR_INIT;

    CHECK_INT(run(&o, &r, &e, "alloc", "256"), 0);
    CHECK_INT(r.exit_code, 0);
    CHECK(!r.memory_limited);
    CHECK(r.max_rss_kb >= 256 * 1024);
    runner_result_release(&r);
}

/* Under the limit nothing is reported: a failure of a small child is not a memory failure. */
TEST(memory_limit_not_blamed_for_other_failures)
{
    struct runner_opts o = {.max_memory = (size_t)512 * MIB};
    struct runner_result r;
    struct err e = ERR_INIT;

    CHECK_INT(run(&o, &r, &e, "alloc", "64"), 0);
    CHECK_INT(r.exit_code, 0);
    CHECK(!r.memory_limited);
    runner_result_release(&r);
    CHECK_INT(run(&o, &r, &e, "exit", "254"), 0);
    CHECK_INT(r.exit_code, 254);
    CHECK(!r.memory_limited);
    runner_result_release(&r);
}

TEST(limits_reach_the_child)
{
    struct runner_opts o = {.max_memory = (size_t)300 * MIB,
                            .max_cpu_s = 7,
                            .max_files = 64,
                            .max_file_size = (size_t)8 * MIB};
    struct runner_result r;
    struct err e = ERR_INIT;
    char want[256];

    CHECK_INT(run(&o, &r, &e, "limits", NULL), 0);
    snprintf(want, sizeof(want), "as=%lld cpu=7/8 nofile=64 core=0 fsize=%lld\n",
             (long long)300 * MIB, (long long)8 * MIB);
    CHECK_STR(r.out.p, want);
    runner_result_release(&r);
}

/* Core dumps are off even when no other limit is asked for. */
TEST(core_always_zero)
{
    struct runner_opts o = {0};
    struct runner_result r;
    struct err e = ERR_INIT;

    CHECK_INT(run(&o, &r, &e, "limits", NULL), 0);
    CHECK_CONTAINS(r.out.p, " core=0 ");
    runner_result_release(&r);
}

/* The CPU limit stops a child that spins even when no deadline would. */
TEST(cpu_limit_stops_a_spinning_child)
{
    struct runner_opts o = {.max_cpu_s = 1};
    struct runner_result r;
    struct err e = ERR_INIT;
    const char *argv[] = {"/bin/sh", "-c", "while :; do :; done", NULL};

    o.argv = argv;
    o.max_stdout = o.max_stderr = 1024;
    o.deadline_ms = 0;
    CHECK_INT(runner_run(&o, &r, &e), 0);
    CHECK(r.term_signal == SIGXCPU || r.term_signal == SIGKILL);
    runner_result_release(&r);
}

/*
 * The child makes itself leader of its own process group before execve, without relying on
 * the parent's setpgid: with the parent's call held back 300 ms, the child is already
 * running and must see itself as the group leader (else group kills at the deadline miss it).
 */
TEST(child_sets_its_own_group)
{
    struct runner_opts o = {0};
    struct runner_result r;
    struct err e = ERR_INIT;

    runner_test_parent_setpgid_delay_ms = 300;
    CHECK_INT(run(&o, &r, &e, "state", NULL), 0);
    runner_test_parent_setpgid_delay_ms = 0;
    CHECK_CONTAINS(r.out.p, "pgrp=1 ");
    runner_result_release(&r);
}

int main(int argc, char **argv)
{
    const char *dir = getenv("HELPERS_DIR");

    if (!dir) {
        fprintf(stderr, "HELPERS_DIR is not set (run through ctest)\n");
        return 1;
    }
    snprintf(child_path, sizeof(child_path), "%s/runner_child", dir);
    return check_main(argc, argv);
}
