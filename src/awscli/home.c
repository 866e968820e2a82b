/*
 * The private HOME of the CLI children (runner_home_dir in runner.h): created once per process
 * under $TMPDIR or /tmp, removed at exit, and leftovers of dead servers removed at the next
 * start. Ownership of a directory is shown by an exclusive flock on its lock file, held for
 * the life of the process; a directory is only ever removed through descriptors opened with
 * O_NOFOLLOW, so a symlink planted inside (or in place of) one is never followed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "awscli/runner.h"

#include "banned.h"

#define HOME_PREFIX    "awscli-mcp-home-"
#define HOME_LOCK      ".awscli-mcp.lock"
#define HOME_MAX_DEPTH 32
/*
 * A directory whose lock is free is a leftover only when it has not changed for this long: a
 * server that is starting creates its lock file (which touches the directory) a moment before
 * it takes the lock, and must not lose its HOME in that moment.
 */
#define HOME_QUIET_S 60

static pthread_once_t home_once = PTHREAD_ONCE_INIT;
static char home_path[PATH_MAX];
static struct err home_err;
static bool home_ok;
static int home_lock_fd = -1;
static pid_t home_pid;

/* Removes name (a directory or anything else) under dirfd, never following a symlink. */
static void remove_at(int parent, const char *name, int depth)
{
    int fd;
    DIR *d;
    struct dirent *de;

    if (unlinkat(parent, name, 0) == 0 || errno == ENOENT)
        return;
    if (depth >= HOME_MAX_DEPTH)
        return;
    fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return;
    d = fdopendir(fd);
    if (!d) {
        close(fd);
        return;
    }
    while ((de = readdir(d)) != NULL)
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
            remove_at(dirfd(d), de->d_name, depth + 1);
    closedir(d);
    (void)unlinkat(parent, name, AT_REMOVEDIR);
}

/*
 * True when the leftover dir/name belongs to no running server: it has a lock file, nobody
 * holds the lock, and it has not changed for HOME_QUIET_S. A directory without a lock file
 * (made by a server older than the lock) is never taken while anything is in it: it may still
 * be in use; empty and quiet, it is removed (home_sweep).
 */
static bool home_abandoned(int parent, const char *name, const struct stat *st)
{
    char lock[PATH_MAX];
    int fd;
    bool free_lock;

    if (st->st_mtime > time(NULL) - HOME_QUIET_S)
        return false;
    if (snprintf(lock, sizeof(lock), "%s/%s", name, HOME_LOCK) >= (int)sizeof(lock))
        return false;
    fd = openat(parent, lock, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return false;
    free_lock = flock(fd, LOCK_EX | LOCK_NB) == 0;
    close(fd);
    return free_lock;
}

/* Removes our own leftover private HOMEs in dir: right name, a real directory, our uid. */
static void home_sweep(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;

    if (!d)
        return;
    while ((de = readdir(d)) != NULL) {
        struct stat st;
        if (strncmp(de->d_name, HOME_PREFIX, strlen(HOME_PREFIX)) != 0 ||
            strlen(de->d_name) != strlen(HOME_PREFIX) + 6)
            continue;
        if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode) ||
            st.st_uid != geteuid())
            continue;
        if (home_abandoned(dirfd(d), de->d_name, &st))
            remove_at(dirfd(d), de->d_name, 0);
        else if (st.st_mtime <= time(NULL) - HOME_QUIET_S)
            /* Quiet and without a free lock: removed only if empty (rmdir refuses otherwise),
             * which a running server's HOME never is (its lock file is inside). */
            (void)unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR);
    }
    closedir(d);
}

static void home_remove(void)
{
    char *slash;

    /* Only the process that created it (atexit handlers also run in a forked child that
     * returns from main, which must not take the parent's HOME away). */
    if (!home_ok || getpid() != home_pid)
        return;
    slash = strrchr(home_path, '/');
    if (slash) {
        *slash = '\0';
        int fd = open(home_path[0] ? home_path : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        *slash = '/';
        if (fd >= 0) {
            remove_at(fd, slash + 1, 0);
            close(fd);
        }
    }
    if (home_lock_fd >= 0)
        close(home_lock_fd);
    home_lock_fd = -1;
    home_ok = false;
}

static bool home_try(const char *dir)
{
    size_t len = strlen(dir);
    char lock[PATH_MAX];

    while (len > 1 && dir[len - 1] == '/')
        len--;
    if (len == 0 || dir[0] != '/')
        return false;
    if (snprintf(home_path, sizeof(home_path), "%.*s", (int)len, dir) >= (int)sizeof(home_path))
        return false;
    home_sweep(home_path);
    if (snprintf(home_path, sizeof(home_path), "%.*s/" HOME_PREFIX "XXXXXX", (int)len, dir) >=
        (int)sizeof(home_path))
        return false;
    if (!mkdtemp(home_path))
        return false;
    /* mkdtemp asks for 0700; say it again in case the umask took away our own bits. */
    if (chmod(home_path, 0700) < 0 ||
        snprintf(lock, sizeof(lock), "%s/" HOME_LOCK, home_path) >= (int)sizeof(lock)) {
        rmdir(home_path);
        return false;
    }
    home_lock_fd = open(lock, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (home_lock_fd < 0 || flock(home_lock_fd, LOCK_EX | LOCK_NB) < 0) {
        if (home_lock_fd >= 0)
            close(home_lock_fd);
        home_lock_fd = -1;
        unlink(lock);
        rmdir(home_path);
        return false;
    }
    return true;
}

static void home_create(void)
{
    const char *tmp = getenv("TMPDIR");
    char why[128];

    if ((tmp && home_try(tmp)) || home_try("/tmp")) {
        home_ok = true;
        home_pid = getpid();
        atexit(home_remove);
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
