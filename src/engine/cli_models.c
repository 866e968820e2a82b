/*
 * Does an AWS CLI have the models the native engine's tables were made from (cli_models.h)?
 * Finds the CLI's botocore data directories from the layout around realpath(aws_path), then
 * hashes the recorded files there.
 */
#include "engine/cli_models.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "aws/sigv4.h"
#include "engine/model.h"
#include "banned.h"

#define MAX_DATA_DIRS   8
#define MAX_MODEL_BYTES ((size_t)64 * 1024 * 1024) /* EC2's, the largest model, is 1.5 MB */
#define SUFFIX          "/awscli/botocore/data"

struct data_dirs {
    char path[MAX_DATA_DIRS][PATH_MAX];
    int n;
};

/* The first difference found, and how many there are. */
struct diffs {
    char first[160];
    int n;
};

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* path = a/b, or false when it would not fit. */
static bool join(char *out, const char *a, const char *b)
{
    int n = snprintf(out, PATH_MAX, "%s/%s", a, b);
    return n > 0 && n < PATH_MAX;
}

/* The directory part of path into out ("/" for "/x", "." for "x"). */
static void dir_of(char *out, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(out, PATH_MAX, ".");
    else if (slash == path)
        snprintf(out, PATH_MAX, "/");
    else
        snprintf(out, PATH_MAX, "%.*s", (int)(slash - path), path);
}

static const char *base_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* name itself when it has a '/', else the first executable file of that name on PATH. */
static bool find_program(const char *name, char *out)
{
    const char *path = getenv("PATH");
    const char *p;

    if (strchr(name, '/')) {
        snprintf(out, PATH_MAX, "%s", name);
        return strlen(name) < PATH_MAX;
    }
    if (!path)
        path = "/usr/local/bin:/usr/bin:/bin";
    for (p = path;; p++) {
        const char *end = strchr(p, ':');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        int n = snprintf(out, PATH_MAX, "%.*s/%s", (int)(len ? len : 1), len ? p : ".", name);
        if (n > 0 && n < PATH_MAX && is_file(out) && access(out, X_OK) == 0)
            return true;
        if (!end)
            return false;
        p = end;
    }
}

/* Adds dir when it is a directory not yet in d (compared by realpath). */
static void add_dir(struct data_dirs *d, const char *dir)
{
    char real[PATH_MAX];

    if (d->n == MAX_DATA_DIRS || !realpath(dir, real) || !is_dir(real))
        return;
    for (int i = 0; i < d->n; i++)
        if (strcmp(d->path[i], real) == 0)
            return;
    snprintf(d->path[d->n++], PATH_MAX, "%s", real);
}

/* <prefix>/<sub>/python3*<tail>/awscli/botocore/data for every python3* entry of prefix/sub. */
static void add_python_dirs(struct data_dirs *d, const char *prefix, const char *sub,
                            const char *const *tails)
{
    char lib[PATH_MAX], dir[PATH_MAX];
    DIR *dp;
    struct dirent *de;

    if (!join(lib, prefix, sub) || !(dp = opendir(lib)))
        return;
    while ((de = readdir(dp))) {
        if (strncmp(de->d_name, "python3", 7) != 0)
            continue;
        for (int i = 0; tails[i]; i++) {
            int n = snprintf(dir, sizeof(dir), "%s/%s/%s" SUFFIX, lib, de->d_name, tails[i]);
            if (n > 0 && (size_t)n < sizeof(dir))
                add_dir(d, dir);
        }
    }
    closedir(dp);
}

/* Where pip, Debian, a venv or Homebrew put the awscli package under an install prefix. */
static void add_prefix(struct data_dirs *d, const char *prefix)
{
    static const char *const lib_tails[] = {"site-packages", "dist-packages", NULL};
    static const char *const local_tails[] = {"dist-packages", NULL};

    add_python_dirs(d, prefix, "local/lib", local_tails);
    add_python_dirs(d, prefix, "lib", lib_tails);
}

/* The interpreter of a "#!" line (the program after /usr/bin/env), or false. */
static bool shebang_interpreter(const char *head, char *out)
{
    char word[2][PATH_MAX];
    int nw = 0;
    const char *p = head + 2;

    while (nw < 2) {
        size_t len;
        while (*p == ' ' || *p == '\t')
            p++;
        len = strcspn(p, " \t\r\n");
        if (len == 0 || len >= PATH_MAX)
            break;
        snprintf(word[nw++], PATH_MAX, "%.*s", (int)len, p);
        p += len;
    }
    if (nw == 0)
        return false;
    if (strcmp(word[0], "/usr/bin/env") == 0 || strcmp(word[0], "/bin/env") == 0)
        return nw == 2 && word[1][0] != '-' && find_program(word[1], out);
    snprintf(out, PATH_MAX, "%s", word[0]);
    return true;
}

/* The botocore data directories of the CLI whose program is real (a resolved path). */
static void find_data_dirs(struct data_dirs *d, const char *real)
{
    char head[512], dir[PATH_MAX], prefix[PATH_MAX], interp[PATH_MAX];
    ssize_t n = 0;
    int fd = open(real, O_RDONLY | O_CLOEXEC);

    if (fd >= 0) {
        n = read(fd, head, sizeof(head) - 1);
        close(fd);
    }
    head[n > 0 ? n : 0] = '\0';
    dir_of(dir, real);
    if (strncmp(head, "#!", 2) != 0) {
        /* A program: AWS's installer, dist/aws beside dist/awscli (PyInstaller). */
        char data[PATH_MAX];
        if (snprintf(data, sizeof(data), "%s" SUFFIX, dir) < PATH_MAX)
            add_dir(d, data);
        if (snprintf(data, sizeof(data), "%s/_internal" SUFFIX, dir) < PATH_MAX)
            add_dir(d, data);
        return;
    }
    /* A Python script; anything else (a shell wrapper, pyenv's shim) is not guessed at. */
    if (shebang_interpreter(head, interp) && strncmp(base_of(interp), "python", 6) == 0) {
        char idir[PATH_MAX];
        dir_of(idir, interp);
        dir_of(prefix, idir);
        add_prefix(d, prefix);
        dir_of(prefix, dir);
        add_prefix(d, prefix);
    }
}

/* The CLI version of a data directory: awscli/__init__.py, else the installer's v2/<v>/dist. */
static void version_of(const char *data_dir, char *out, size_t n)
{
    char init[PATH_MAX], text[4096];
    const char *p, *q;
    ssize_t len = 0;
    int fd;

    snprintf(out, n, "version unknown");
    if (snprintf(init, sizeof(init), "%s/../../__init__.py", data_dir) < PATH_MAX &&
        (fd = open(init, O_RDONLY | O_CLOEXEC)) >= 0) {
        len = read(fd, text, sizeof(text) - 1);
        close(fd);
    }
    text[len > 0 ? len : 0] = '\0';
    if ((p = strstr(text, "\n__version__ = ")) && (p[15] == '\'' || p[15] == '"') &&
        (q = strchr(p + 16, p[15])) && q - p - 16 < 32) {
        snprintf(out, n, "%.*s", (int)(q - p - 16), p + 16);
        return;
    }
    if ((p = strstr(data_dir, "/v2/")) && (q = strstr(p + 4, "/dist/")) &&
        !memchr(p + 4, '/', (size_t)(q - p - 4)) && q - p - 4 < 32)
        snprintf(out, n, "%.*s", (int)(q - p - 4), p + 4);
}

/* Counts a difference; the first is kept, cut to fit (a path is at most 60 bytes here). */
static void diff_add(struct diffs *df, const char *what, const char *how)
{
    if (df->n++ == 0 && snprintf(df->first, sizeof(df->first), "%s%s", what, how) < 0)
        df->first[0] = '\0';
}

/* The SHA-256 of a file's bytes into hex; -1 with e set when it cannot be read. */
static int hash_file(const char *path, char hex[65], bool *missing, struct err *e)
{
    char ebuf[128];
    struct stat st;
    unsigned char *data = NULL;
    size_t got = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    *missing = false;
    if (fd < 0) {
        if (errno == ENOENT) {
            *missing = true;
            return 0;
        }
        return err_set(e, ERR_INVALID_PARAMS, "cannot read %s: %s", path,
                       err_errno_text(errno, ebuf, sizeof(ebuf)));
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > MAX_MODEL_BYTES) {
        close(fd);
        return err_set(e, ERR_INVALID_PARAMS,
                       "%s is not a model file (not a regular file, or over %zu bytes)", path,
                       MAX_MODEL_BYTES);
    }
    if (!(data = xmalloc((size_t)st.st_size + 1))) {
        close(fd);
        return err_set(e, ERR_INTERNAL, "out of memory reading %s", path);
    }
    while (got < (size_t)st.st_size) {
        ssize_t r = read(fd, data + got, (size_t)st.st_size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    if (got != (size_t)st.st_size) {
        free(data);
        return err_set(e, ERR_INVALID_PARAMS, "cannot read %s: short read", path);
    }
    if (sigv4_sha256_hex(data, got, hex) < 0) {
        free(data);
        return err_set(e, ERR_INTERNAL, "cannot hash %s: libcrypto failed", path);
    }
    free(data);
    return 0;
}

/* A newer API version directory of service than the recorded one: botocore would load it. */
static void check_api_versions(const char *data_dir, const char *service, const char *version,
                               struct diffs *df)
{
    char dir[PATH_MAX], model[PATH_MAX];
    DIR *dp;
    struct dirent *de;

    if (!join(dir, data_dir, service) || !(dp = opendir(dir)))
        return;
    while ((de = readdir(dp))) {
        int n;
        if (de->d_name[0] == '.' || strcmp(de->d_name, version) <= 0)
            continue;
        n = snprintf(model, sizeof(model), "%s/%s/service-2.json", dir, de->d_name);
        if (n <= 0 || n + 3 >= PATH_MAX)
            continue;
        if (!is_file(model)) {
            memcpy(model + n, ".gz", 4);
            if (!is_file(model))
                continue;
        }
        snprintf(model, sizeof(model), "%s/%s/", service, de->d_name);
        diff_add(df, model, " is a newer API version, which the CLI would load");
    }
    closedir(dp);
}

/* Compares one data directory with model_files; differences go to df. */
static int compare_dir(const char *data_dir, struct diffs *df, struct err *e)
{
    char path[PATH_MAX], hex[65], service[64], version[64];
    bool missing;

    for (const struct model_file *f = model_files; f->path; f++) {
        if (!join(path, data_dir, f->path))
            return err_set(e, ERR_INVALID_PARAMS, "path too long: %s", data_dir);
        if (hash_file(path, hex, &missing, e) < 0)
            return -1;
        if (missing) {
            size_t n = strlen(path);
            if (n + 3 < PATH_MAX && (memcpy(path + n, ".gz", 4), is_file(path)))
                diff_add(df, f->path, " is only there compressed (.gz), which is not verified");
            else
                diff_add(df, f->path, " is missing");
        } else if (strcmp(hex, f->sha256) != 0) {
            diff_add(df, f->path, " differs");
        }
        /* Once per service: its first file is its service-2.json (the generator's order). */
        if (f == model_files || strncmp(f->path, f[-1].path, strcspn(f->path, "/") + 1) != 0) {
            size_t s = strcspn(f->path, "/"), v = strcspn(f->path + s + 1, "/");
            if (s < sizeof(service) && v < sizeof(version)) {
                snprintf(service, sizeof(service), "%.*s", (int)s, f->path);
                snprintf(version, sizeof(version), "%.*s", (int)v, f->path + s + 1);
                check_api_versions(data_dir, service, version, df);
            }
        }
    }
    return 0;
}

int engine_cli_models_check(const char *aws_path, struct err *e)
{
    char prog[PATH_MAX], real[PATH_MAX], ebuf[128], version[40];
    struct data_dirs *d;
    struct diffs df = {{0}, 0};
    int rc = 0;

    if (!aws_path || !*aws_path)
        return err_set(e, ERR_INVALID_PARAMS, "no AWS CLI path given");
    if (!find_program(aws_path, prog))
        return err_set(e, ERR_INVALID_PARAMS, "the AWS CLI '%s' is not on PATH", aws_path);
    if (!realpath(prog, real))
        return err_set(e, ERR_INVALID_PARAMS, "the AWS CLI at %s: %s", prog,
                       err_errno_text(errno, ebuf, sizeof(ebuf)));
    if (!(d = xcalloc(1, sizeof(*d))))
        return err_set(e, ERR_INTERNAL, "out of memory");
    find_data_dirs(d, real);
    if (d->n == 0) {
        rc = err_set(
            e, ERR_INVALID_PARAMS,
            "no botocore models found for the AWS CLI at %s (%s): the native engine's tables "
            "(AWS CLI %s) cannot be checked against it; see docs/engine.md",
            aws_path, real, model_cli_version);
        goto out;
    }
    for (int i = 0; i < d->n && rc == 0; i++)
        rc = compare_dir(d->path[i], &df, e);
    if (rc == 0 && df.n > 0) {
        char more[32] = "";
        version_of(d->path[0], version, sizeof(version));
        if (df.n > 1)
            snprintf(more, sizeof(more), " (and %d more)", df.n - 1);
        rc = err_set(e, ERR_INVALID_PARAMS,
                     "the AWS CLI at %s (%s) has other models than the native engine's tables (AWS "
                     "CLI %s): %s%s; regenerate with scripts/gen-engine-models, see docs/engine.md",
                     aws_path, version, model_cli_version, df.first, more);
    }
out:
    free(d);
    return rc;
}
