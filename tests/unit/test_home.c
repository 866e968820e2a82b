/*
 * The private HOME (src/awscli/home.c): removed when the process exits, and leftovers of dead
 * servers removed at the next start; only our own, never through a symlink, never one that a
 * running server holds. Each case runs runner_home_dir() in a forked child (it is once per
 * process) with TMPDIR pointing at a scratch directory.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "awscli/runner.h"
#include "check.h"

#include "banned.h"

static char scratch[256];

static bool exists(const char *rel)
{
    char p[512];
    struct stat st;
    snprintf(p, sizeof(p), "%s/%s", scratch, rel);
    return lstat(p, &st) == 0;
}

static void make_dir(const char *rel)
{
    char p[512];
    snprintf(p, sizeof(p), "%s/%s", scratch, rel);
    CHECK_INT(mkdir(p, 0700), 0);
}

static void make_file(const char *rel)
{
    char p[512];
    int fd;
    snprintf(p, sizeof(p), "%s/%s", scratch, rel);
    fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    if (fd >= 0)
        close(fd);
}

static void make_old(const char *rel)
{
    char p[512];
    struct timespec t[2] = {{time(NULL) - 7200, 0}, {time(NULL) - 7200, 0}};
    snprintf(p, sizeof(p), "%s/%s", scratch, rel);
    CHECK_INT(utimensat(AT_FDCWD, p, t, AT_SYMLINK_NOFOLLOW), 0);
}

/* Runs runner_home_dir() in a child; writes the path it got to `home`. Returns its status. */
static int child_home(char *home, size_t n, bool write_cache)
{
    int pfd[2];
    pid_t pid;
    int status = -1;
    ssize_t got;

    CHECK_INT(pipe(pfd), 0);
    pid = fork();
    if (pid == 0) {
        const char *h;
        close(pfd[0]);
        setenv("TMPDIR", scratch, 1);
        h = runner_home_dir(NULL);
        if (!h)
            _exit(3);
        if (write_cache) {
            char p[600];
            snprintf(p, sizeof(p), "%s/.aws", h);
            mkdir(p, 0700);
            snprintf(p, sizeof(p), "%s/.aws/cache.json", h);
            close(open(p, O_WRONLY | O_CREAT, 0600));
        }
        if (write(pfd[1], h, strlen(h)) < 0)
            _exit(4);
        exit(0); /* a normal exit: atexit handlers run */
    }
    close(pfd[1]);
    got = read(pfd[0], home, n - 1);
    home[got > 0 ? got : 0] = '\0';
    close(pfd[0]);
    waitpid(pid, &status, 0);
    return status;
}

TEST(removed_at_exit)
{
    char home[512];
    struct stat st;

    CHECK_INT(child_home(home, sizeof(home), true), 0);
    CHECK_CONTAINS(home, "/awscli-mcp-home-");
    CHECK(lstat(home, &st) < 0);
}

TEST(leftovers_swept_safely)
{
    char home[512], p[512];
    int held;

    /* A dead server's HOME: lock file free, a cache inside, and a symlink to outside. */
    make_dir("awscli-mcp-home-dead01");
    make_file("awscli-mcp-home-dead01/.awscli-mcp.lock");
    make_dir("awscli-mcp-home-dead01/.aws");
    make_file("awscli-mcp-home-dead01/.aws/cache.json");
    make_dir("outside");
    make_file("outside/keep");
    snprintf(p, sizeof(p), "%s/outside", scratch);
    snprintf(home, sizeof(home), "%s/awscli-mcp-home-dead01/ln", scratch);
    CHECK_INT(symlinkat(p, AT_FDCWD, home), 0);
    make_old("awscli-mcp-home-dead01");
    /* The same, but just touched: a server may be between creating its lock and taking it. */
    make_dir("awscli-mcp-home-fresh1");
    make_file("awscli-mcp-home-fresh1/.awscli-mcp.lock");
    /* A running server's HOME: its lock is held (here, by this process). */
    make_dir("awscli-mcp-home-live01");
    make_file("awscli-mcp-home-live01/.awscli-mcp.lock");
    make_old("awscli-mcp-home-live01");
    snprintf(p, sizeof(p), "%s/awscli-mcp-home-live01/.awscli-mcp.lock", scratch);
    held = open(p, O_RDONLY);
    CHECK(held >= 0 && flock(held, LOCK_EX | LOCK_NB) == 0);
    /* Without a lock file (an older server's, maybe still running): never taken... */
    make_dir("awscli-mcp-home-oldold");
    make_file("awscli-mcp-home-oldold/.aws");
    make_old("awscli-mcp-home-oldold");
    /* ...unless it is empty and quiet: nothing can be using it. */
    make_dir("awscli-mcp-home-empty1");
    make_old("awscli-mcp-home-empty1");
    /* A symlink with the right name, pointing at a directory: never followed or removed. */
    snprintf(p, sizeof(p), "%s/outside", scratch);
    snprintf(home, sizeof(home), "%s/awscli-mcp-home-symlnk", scratch);
    CHECK_INT(symlinkat(p, AT_FDCWD, home), 0);
    /* Other names are not ours. */
    make_dir("awscli-mcp-home-toolongname");
    make_dir("unrelated");

    CHECK_INT(child_home(home, sizeof(home), false), 0);
    CHECK(!exists("awscli-mcp-home-dead01"));
    CHECK(exists("outside/keep"));
    CHECK(exists("awscli-mcp-home-live01/.awscli-mcp.lock"));
    CHECK(exists("awscli-mcp-home-fresh1/.awscli-mcp.lock"));
    CHECK(exists("awscli-mcp-home-oldold/.aws"));
    CHECK(!exists("awscli-mcp-home-empty1"));
    CHECK(exists("awscli-mcp-home-symlnk"));
    CHECK(exists("awscli-mcp-home-toolongname"));
    CHECK(exists("unrelated"));
    close(held);
}

int main(int argc, char **argv)
{
    char tmpl[] = "/tmp/test-home-XXXXXX";
    int rc;

    if (!mkdtemp(tmpl))
        return 1;
    snprintf(scratch, sizeof(scratch), "%s", tmpl);
    rc = check_main(argc, argv);
    /* Leave nothing behind: the scratch tree is ours. */
    {
        char cmd[300];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch);
        if (system(cmd) != 0 && rc == 0)
            rc = 1;
    }
    return rc;
}
