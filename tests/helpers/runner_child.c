/*
 * A child for the runner tests (tests/unit/test_runner.c): one program, one behaviour per
 * first argument, so each test can say exactly what the child does.
 *
 *   exit N                 exit with status N
 *   signal N               kill itself with signal N
 *   write out|err N        write N bytes ('a'..'z' repeated) to stdout or stderr, exit 0
 *   both N M               write N bytes to stdout and M to stderr, interleaved, exit 0
 *   hex HEX                write the bytes spelled in hex to stdout
 *   hexerr HEX             the same on stderr
 *   sleep MS               sleep MS milliseconds, exit 0
 *   ignore-term MS         ignore SIGTERM, then sleep MS milliseconds
 *   grandchild MS          fork a grandchild that sleeps MS with stdout/stderr open, print its
 *                          pid, exit 0 at once
 *   escape MS              like grandchild, but the grandchild first leaves the process group
 *                          (setsid), so a group kill cannot reach it
 *   close-sleep MS         close stdout and stderr, then sleep MS
 *   fds                    print the open descriptors (from /proc/self/fd), one per line
 *   env                    print the environment, one entry per line
 *   argv ARGS...           print each argument on its own line
 *   pwd                    print the working directory
 *   stdin                  print how many bytes stdin gives before EOF
 *   alloc MB               allocate and touch MB MiB in 16 MiB steps; exit 0 when all of it
 *                          was had, else print "MemoryError after N MiB" on stderr and exit
 *                          255 (what the AWS CLI's Python does)
 *   limits                 print "as=<RLIMIT_AS> cpu=<soft>/<hard> nofile=<soft> core=<soft>
 *                          fsize=<soft>" (-1 = unlimited)
 *   state                  print "pgrp=<1 if leader of own group> mask=<blocked signals>
 *                          pipe=<SIGPIPE disposition> int=<SIGINT disposition>"
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int write_n(int fd, long long n)
{
    static char block[65536];
    size_t i;

    for (i = 0; i < sizeof(block); i++)
        block[i] = (char)('a' + i % 26);
    while (n > 0) {
        size_t k = n < (long long)sizeof(block) ? (size_t)n : sizeof(block);
        if (write_all(fd, block, k) < 0)
            return 1;
        n -= (long long)k;
    }
    return 0;
}

static int write_hex(int fd, const char *hex)
{
    char out[4096];
    size_t n = 0;

    while (hex[0] && hex[1] && n < sizeof(out)) {
        char two[3] = {hex[0], hex[1], 0};
        out[n++] = (char)strtol(two, NULL, 16);
        hex += 2;
    }
    return write_all(fd, out, n) < 0;
}

static const char *disposition(int sig)
{
    struct sigaction sa;
    if (sigaction(sig, NULL, &sa) < 0)
        return "?";
    if (sa.sa_handler == SIG_DFL)
        return "default";
    if (sa.sa_handler == SIG_IGN)
        return "ignore";
    return "handler";
}

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "";
    long long a = argc > 2 ? strtoll(argv[2], NULL, 10) : 0;
    long long b = argc > 3 ? strtoll(argv[3], NULL, 10) : 0;

    if (strcmp(cmd, "exit") == 0)
        return (int)a;
    if (strcmp(cmd, "signal") == 0) {
        signal((int)a, SIG_DFL);
        raise((int)a);
        return 99;
    }
    if (strcmp(cmd, "write") == 0 && argc > 3)
        return write_n(strcmp(argv[2], "err") == 0 ? 2 : 1, b);
    if (strcmp(cmd, "both") == 0) {
        while (a > 0 || b > 0) {
            long long x = a < 4096 ? a : 4096, y = b < 4096 ? b : 4096;
            if (write_n(1, x) || write_n(2, y))
                return 1;
            a -= x;
            b -= y;
        }
        return 0;
    }
    if (strcmp(cmd, "hex") == 0 && argc > 2)
        return write_hex(1, argv[2]);
    if (strcmp(cmd, "hexerr") == 0 && argc > 2)
        return write_hex(2, argv[2]);
    if (strcmp(cmd, "sleep") == 0) {
        sleep_ms((long)a);
        return 0;
    }
    if (strcmp(cmd, "ignore-term") == 0) {
        signal(SIGTERM, SIG_IGN);
        printf("ignoring\n");
        fflush(stdout);
        sleep_ms((long)a);
        return 0;
    }
    if (strcmp(cmd, "grandchild") == 0 || strcmp(cmd, "escape") == 0) {
        pid_t pid = fork();
        if (pid < 0)
            return 1;
        if (pid == 0) {
            if (strcmp(cmd, "escape") == 0)
                setsid();
            sleep_ms((long)a);
            _exit(0);
        }
        printf("%d\n", (int)pid);
        fflush(stdout);
        return 0;
    }
    if (strcmp(cmd, "close-sleep") == 0) {
        close(1);
        close(2);
        sleep_ms((long)a);
        return 0;
    }
    if (strcmp(cmd, "fds") == 0) {
        DIR *d = opendir("/proc/self/fd");
        struct dirent *de;
        if (!d)
            return 1;
        while ((de = readdir(d)) != NULL) {
            if (de->d_name[0] == '.' || strtol(de->d_name, NULL, 10) == dirfd(d))
                continue;
            printf("%s\n", de->d_name);
        }
        closedir(d);
        return 0;
    }
    if (strcmp(cmd, "env") == 0) {
        char **e;
        for (e = environ; *e; e++)
            printf("%s\n", *e);
        return 0;
    }
    if (strcmp(cmd, "argv") == 0) {
        int i;
        for (i = 2; i < argc; i++)
            printf("%s\n", argv[i]);
        return 0;
    }
    if (strcmp(cmd, "pwd") == 0) {
        char cwd[PATH_MAX];
        if (!getcwd(cwd, sizeof(cwd)))
            return 1;
        printf("%s\n", cwd);
        return 0;
    }
    if (strcmp(cmd, "stdin") == 0) {
        char tmp[256];
        long long total = 0;
        ssize_t n;
        while ((n = read(0, tmp, sizeof(tmp))) > 0)
            total += n;
        printf("%lld %s\n", total, n == 0 ? "eof" : "error");
        return 0;
    }
    if (strcmp(cmd, "alloc") == 0) {
        long long got = 0;
        while (got < a) {
            char *p = malloc(16 << 20);
            if (!p) {
                fprintf(stderr, "MemoryError after %lld MiB\n", got);
                return 255;
            }
            memset(p, 1, 16 << 20); /* resident, not only reserved */
            got += 16;
        }
        printf("allocated %lld MiB\n", got);
        return 0;
    }
    if (strcmp(cmd, "limits") == 0) {
        static const int res[] = {RLIMIT_AS, RLIMIT_CPU, RLIMIT_NOFILE, RLIMIT_CORE, RLIMIT_FSIZE};
        long long v[5][2];
        for (int i = 0; i < 5; i++) {
            struct rlimit rl;
            if (getrlimit(res[i], &rl) < 0)
                return 1;
            v[i][0] = rl.rlim_cur == RLIM_INFINITY ? -1 : (long long)rl.rlim_cur;
            v[i][1] = rl.rlim_max == RLIM_INFINITY ? -1 : (long long)rl.rlim_max;
        }
        printf("as=%lld cpu=%lld/%lld nofile=%lld core=%lld fsize=%lld\n", v[0][0], v[1][0],
               v[1][1], v[2][0], v[3][0], v[4][0]);
        return 0;
    }
    if (strcmp(cmd, "state") == 0) {
        sigset_t mask;
        int sig, blocked = 0;
        sigprocmask(SIG_SETMASK, NULL, &mask);
        for (sig = 1; sig < 32; sig++)
            blocked += sigismember(&mask, sig) == 1;
        printf("pgrp=%d mask=%d pipe=%s int=%s\n", getpgrp() == getpid(), blocked,
               disposition(SIGPIPE), disposition(SIGINT));
        return 0;
    }
    fprintf(stderr, "runner_child: unknown command '%s'\n", cmd);
    return 2;
}
