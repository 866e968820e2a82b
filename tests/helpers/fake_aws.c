/*
 * A stand-in for the aws program in the run_aws_cli unit tests. It never talks to AWS; what it
 * does depends on the operation word in its arguments:
 *
 *   get-sleep --ms N    sleep N ms (default 10000), then behave as the default
 *   get-flood --bytes N write N bytes of 'x' to stdout and exit 0
 *   get-fail            print a CLI-style error on stderr and exit 254
 *   get-hog --mib N     allocate and touch N MiB; when an allocation fails, exit 255 with
 *                       nothing on stderr (what the CLI's Python does on MemoryError)
 *   get-v1              answer as AWS CLI v1 does to the --no-cli-pager the tool adds: its
 *                       usage text and "Unknown options: --no-cli-pager" on stderr, exit 255
 *   get-unknown         answer as AWS CLI v2 does to an unknown option (exit 252)
 *   get-hold --fifo P   open the FIFO P for writing and write one byte to it (the "started"
 *                       signal: the test reads it), then wait until the test closes its end,
 *                       then behave as the default; a test can so act while the CLI runs
 *   anything else       print "ARG <word>" for each argument, then "ENV <NAME=value>" for
 *                       each environment variable, then "CWD <dir>", and exit 0
 *
 * Every run appends its arguments to ./fake_aws.log (the working directory the tool gives it),
 * so a test can tell whether it ran at all.
 */

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "banned.h"

extern char **environ;

static long opt_value(int argc, char **argv, const char *name, long dflt)
{
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return strtol(argv[i + 1], NULL, 10);
    return dflt;
}

static const char *opt_string(int argc, char **argv, const char *name)
{
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return argv[i + 1];
    return NULL;
}

/* Signals "started" through the FIFO, then waits for the reader to go (POLLERR on Linux). */
static int hold(const char *fifo)
{
    int fd = fifo ? open(fifo, O_WRONLY) : -1;
    struct pollfd p;

    if (fd < 0 || write(fd, "s", 1) != 1)
        return -1;
    p.fd = fd;
    p.events = 0;
    do
        p.revents = 0;
    while (poll(&p, 1, -1) <= 0 || !(p.revents & (POLLERR | POLLHUP)));
    close(fd);
    return 0;
}

static int has_word(int argc, char **argv, const char *w)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], w) == 0)
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    FILE *log = fopen("fake_aws.log", "a");
    char cwd[4096];

    if (log) {
        for (int i = 1; i < argc; i++)
            fprintf(log, "%s%s", i > 1 ? " " : "", argv[i]);
        fputc('\n', log);
        fclose(log);
    }
    if (has_word(argc, argv, "get-fail")) {
        fputs("\nAn error occurred (ResourceNotFoundException) when calling the GetFail "
              "operation: The specified log group does not exist.\n",
              stderr);
        return 254;
    }
    if (has_word(argc, argv, "get-hog")) {
        long mib = opt_value(argc, argv, "--mib", 64);
        for (long got = 0; got < mib; got += 16) {
            char *p = malloc(16 << 20);
            if (!p)
                return 255;
            memset(p, 1, 16 << 20);
        }
        return 0;
    }
    if (has_word(argc, argv, "get-v1") && has_word(argc, argv, "--no-cli-pager")) {
        fputs("usage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\n"
              "To see help text, you can run:\n\n  aws help\n  aws <command> help\n"
              "  aws <command> <subcommand> help\n\nUnknown options: --no-cli-pager\n",
              stderr);
        return 255;
    }
    if (has_word(argc, argv, "get-unknown")) {
        fputs("\nusage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\n"
              "aws: error: Unknown options: --no-cli-pagerx, --limitx\n",
              stderr);
        return 252;
    }
    if (has_word(argc, argv, "get-flood")) {
        long n = opt_value(argc, argv, "--bytes", 1000);
        char chunk[4096];
        memset(chunk, 'x', sizeof(chunk));
        while (n > 0) {
            size_t k = n > (long)sizeof(chunk) ? sizeof(chunk) : (size_t)n;
            if (fwrite(chunk, 1, k, stdout) != k)
                return 1;
            n -= (long)k;
        }
        return 0;
    }
    if (has_word(argc, argv, "get-hold") && hold(opt_string(argc, argv, "--fifo")) < 0) {
        perror("fake_aws: get-hold");
        return 1;
    }
    if (has_word(argc, argv, "get-sleep")) {
        long ms = opt_value(argc, argv, "--ms", 10000);
        struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) != 0)
            ;
    }
    for (int i = 1; i < argc; i++)
        printf("ARG %s\n", argv[i]);
    for (char **e = environ; *e; e++)
        printf("ENV %s\n", *e);
    if (getcwd(cwd, sizeof(cwd)))
        printf("CWD %s\n", cwd);
    return 0;
}
