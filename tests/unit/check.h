#ifndef TESTS_CHECK_H
#define TESTS_CHECK_H

/*
 * A small test runner in the manner of libuv's task.h, for the unit tests.
 *
 * A test file defines its cases with TEST(name) { ... } and ends with CHECK_MAIN (or with its
 * own main() that prepares shared state and then returns check_main(argc, argv)). Every
 * failed CHECK prints both sides and the line; the case goes on, and is marked failed.
 *
 * The program takes:
 *   --list           print the names of the cases, one per line, in definition order
 *   NAME...          run only these cases (fnmatch(3) patterns: 'policy_*')
 *   (nothing)        run every case
 * Each case prints "ok NAME (T ms)" or "FAIL NAME (N failed checks)"; the run ends with
 * "N passed, N failed" (counting checks) and exits 1 if any check failed, 2 if a name given
 * matched no case.
 *
 * CMake reads TEST(name) lines from the source (CMakeLists.txt, "Unit tests") and registers
 * each case as its own CTest entry unit.<file>.<name> with its own timeout, so a TEST( line
 * must start at the beginning of a line and name the case with [A-Za-z0-9_] only.
 */

#include <dirent.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h" /* ARRAY_SIZE, for the tables of cases */

typedef void (*check_fn)(void);

struct check_case {
    const char *name;
    check_fn fn;
};

#define CHECK_MAX_CASES 512

static struct check_case check_cases[CHECK_MAX_CASES];
static int check_ncases;
static int check_passed, check_failed;

static inline void check_register(const char *name, check_fn fn)
{
    if (check_ncases == CHECK_MAX_CASES) {
        fprintf(stderr, "check.h: more than %d cases; raise CHECK_MAX_CASES\n", CHECK_MAX_CASES);
        exit(2);
    }
    check_cases[check_ncases].name = name;
    check_cases[check_ncases].fn = fn;
    check_ncases++;
}

/* Constructors run in definition order within a file, so --list follows the source. */
#define TEST(name)                                                                                 \
    static void test_##name(void);                                                                 \
    __attribute__((constructor)) static void check_register_##name(void)                           \
    {                                                                                              \
        check_register(#name, test_##name);                                                        \
    }                                                                                              \
    static void test_##name(void)

#define CHECK_FAIL_(...)                                                                           \
    do {                                                                                           \
        check_failed++;                                                                            \
        fprintf(stderr, __VA_ARGS__);                                                              \
    } while (0)

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (cond)                                                                                  \
            check_passed++;                                                                        \
        else                                                                                       \
            CHECK_FAIL_("%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);                   \
    } while (0)

#define CHECK_INT(a, b)                                                                            \
    do {                                                                                           \
        long long a_ = (long long)(a), b_ = (long long)(b);                                        \
        if (a_ == b_)                                                                              \
            check_passed++;                                                                        \
        else                                                                                       \
            CHECK_FAIL_("%s:%d: %s == %s failed: %lld != %lld\n", __FILE__, __LINE__, #a, #b, a_,  \
                        b_);                                                                       \
    } while (0)

#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *a_ = (a), *b_ = (b);                                                           \
        if (a_ && b_ && strcmp(a_, b_) == 0)                                                       \
            check_passed++;                                                                        \
        else                                                                                       \
            CHECK_FAIL_("%s:%d: %s == %s failed:\n  got:  %s\n  want: %s\n", __FILE__, __LINE__,   \
                        #a, #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)");                           \
    } while (0)

/* Substring check: prints the haystack on failure. */
#define CHECK_CONTAINS(hay, needle)                                                                \
    do {                                                                                           \
        const char *h_ = (hay), *n_ = (needle);                                                    \
        if (h_ && n_ && strstr(h_, n_))                                                            \
            check_passed++;                                                                        \
        else                                                                                       \
            CHECK_FAIL_("%s:%d: %s does not contain %s:\n  got:  %s\n  want: ...%s...\n",          \
                        __FILE__, __LINE__, #hay, #needle, h_ ? h_ : "(null)",                     \
                        n_ ? n_ : "(null)");                                                       \
    } while (0)

static inline int check_summary(void)
{
    printf("%d passed, %d failed\n", check_passed, check_failed);
    return check_failed ? 1 : 0;
}

static inline double check_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static inline int check_selected(int argc, char **argv, const char *name)
{
    if (argc < 2)
        return 1;
    for (int i = 1; i < argc; i++)
        if (fnmatch(argv[i], name, 0) == 0)
            return 1;
    return 0;
}

static inline int check_main(int argc, char **argv)
{
    int ran = 0;

    if (argc == 2 && strcmp(argv[1], "--list") == 0) {
        for (int i = 0; i < check_ncases; i++)
            printf("%s\n", check_cases[i].name);
        return 0;
    }
    for (int i = 0; i < check_ncases; i++) {
        if (!check_selected(argc, argv, check_cases[i].name))
            continue;
        int failed_before = check_failed;
        double t0 = check_now_ms();
        check_cases[i].fn();
        double ms = check_now_ms() - t0;
        if (check_failed == failed_before)
            printf("ok %s (%.1f ms)\n", check_cases[i].name, ms);
        else
            printf("FAIL %s (%d failed checks)\n", check_cases[i].name,
                   check_failed - failed_before);
        fflush(stdout);
        ran++;
    }
    if (ran == 0) {
        fprintf(stderr, "no test case matches the names given (try --list)\n");
        return 2;
    }
    return check_summary();
}

/* Helpers several test files share. */

/* How many descriptors this process has open (from /proc/self/fd), for leak checks. */
static inline int check_open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *de;
    int n = 0;

    if (!d)
        return -1;
    while ((de = readdir(d)) != NULL)
        if (de->d_name[0] != '.')
            n++;
    closedir(d);
    return n - 1; /* the directory's own descriptor */
}

/* Runs fn(arg) with fd 2 sent to a temporary file; returns what it wrote (malloc'd, <64 KiB). */
static inline char *check_stderr_of(void (*fn)(void *), void *arg)
{
    char path[] = "/tmp/check_stderr_XXXXXX";
    int fd = mkstemp(path), saved = dup(2);
    char *text = calloc(1, 65536);
    ssize_t n;

    if (fd < 0 || saved < 0 || !text) {
        fprintf(stderr, "check.h: cannot capture stderr\n");
        exit(2);
    }
    unlink(path);
    fflush(stderr);
    dup2(fd, 2);
    fn(arg);
    dup2(saved, 2);
    close(saved);
    n = pread(fd, text, 65535, 0);
    if (n > 0)
        text[n] = '\0';
    close(fd);
    return text;
}

#define CHECK_MAIN                                                                                 \
    int main(int argc, char **argv)                                                                \
    {                                                                                              \
        return check_main(argc, argv);                                                             \
    }

#endif
