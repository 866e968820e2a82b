/*
 * The stdio transport in a child process, over real pipes: one message per line, replies
 * only on stdout, ping answered while a tool call runs, notifications/cancelled stopping the
 * call (and suppressing its reply), progress notifications, parse errors that do not stop the
 * server, over-long lines, and a clean exit when stdin closes.
 */
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "check.h"
#include "clock.h"
#include "log.h"
#include "mcp/server.h"
#include "transport/stdio_server.h"

/* A slow tool: reports progress, then waits for cancellation up to arguments.ms (default 30 s,
 * far longer than any answer the tests wait for, so a reply that comes first proves concurrency).
 */
static int slow_call(const struct tool *t, const struct tool_ctx *ctx, json_t *args,
                     struct tool_result *r, struct err *e)
{
    json_t *ms = json_object_get(args, "ms");
    long long end = clock_mono_ms() + (json_is_integer(ms) ? json_integer_value(ms) : 30000);
    (void)t;
    (void)e;
    if (ctx->progress)
        ctx->progress(ctx->progress_opaque, 1, 2, "started");
    while (clock_mono_ms() < end) {
        if (ctx->cancel && atomic_load(ctx->cancel)) {
            /* Progress after the cancellation must not reach the client. */
            if (ctx->progress)
                ctx->progress(ctx->progress_opaque, 2, 2, "after cancel");
            return tool_result_text(r, "cancelled", true);
        }
        usleep(10000);
    }
    return tool_result_text(r, "slept", false);
}

static int to_child, from_child;
static pid_t child;
static char pending[1 << 16]; /* read from the child, not yet returned as lines */
static size_t npending;

static void start_server(void)
{
    int in[2], out[2];

    npending = 0;
    CHECK_INT(pipe(in), 0);
    CHECK_INT(pipe(out), 0);
    child = fork();
    if (child == 0) {
        static const struct mcp_server_info info = {.name = "stdio-test", .version = "1"};
        static struct tool slow = {.name = "slow", .call = slow_call};
        struct mcp_server *s;
        struct config cfg = {0};

        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[0]);
        close(in[1]);
        close(out[0]);
        close(out[1]);
        log_set_level(LOG_OFF);
        slow.input_schema = json_pack("{s:s}", "type", "object");
        s = mcp_server_new(&info);
        if (mcp_server_add_tool(s, &slow, NULL) < 0)
            _exit(3);
        _exit(stdio_run(s, &cfg));
    }
    close(in[0]);
    close(out[1]);
    to_child = in[1];
    from_child = out[0];
}

static void send_line(const char *s)
{
    size_t n = strlen(s);
    CHECK_INT(write(to_child, s, n), (long long)n);
    CHECK_INT(write(to_child, "\n", 1), 1);
}

/* Reads one line from the server within `ms`; returns a malloc'd string or NULL on timeout. */
static char *read_line(int ms)
{
    long long end = clock_mono_ms() + ms;
    for (;;) {
        char *nl = memchr(pending, '\n', npending);
        struct pollfd p = {from_child, POLLIN, 0};
        long long left = end - clock_mono_ms();
        ssize_t n;
        if (nl) {
            size_t len = (size_t)(nl - pending);
            char *line = strndup(pending, len);
            memmove(pending, nl + 1, npending - len - 1);
            npending -= len + 1;
            return line;
        }
        if (left <= 0 || poll(&p, 1, (int)left) <= 0)
            return NULL;
        n = read(from_child, pending + npending, sizeof(pending) - npending);
        if (n <= 0)
            return NULL;
        npending += (size_t)n;
    }
}

/* The next line must contain want. The wait is generous (a loaded machine is slow); only a
 * server that never answers takes that long. */
static void expect_line(const char *want)
{
    char *line = read_line(30000);
    CHECK_CONTAINS(line, want);
    free(line);
}

/* A server that has answered initialize (2025-11-25). */
static void start_initialized(void)
{
    start_server();
    send_line("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
              "\"protocolVersion\":\"2025-11-25\",\"capabilities\":{}}}");
    expect_line("\"protocolVersion\":\"2025-11-25\"");
    send_line("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
}

/* Closes stdin, collects every line up to EOF into *rest (malloc'd), returns the exit status. */
static int stop_server(char **rest)
{
    struct buf all = BUF_INIT(0);
    char *line;
    int status = -1;

    close(to_child);
    while ((line = read_line(60000)) != NULL) {
        if (buf_adds(&all, line) < 0 || buf_adds(&all, "\n") < 0)
            CHECK(!"out of memory");
        free(line);
    }
    close(from_child);
    CHECK_INT(waitpid(child, &status, 0), child);
    if (rest)
        *rest = buf_take(&all, NULL);
    buf_release(&all);
    return status;
}

TEST(initialize_answered_on_stdout)
{
    start_initialized();
    CHECK_INT(stop_server(NULL), 0);
}

/* A slow call with a progress token; ping must be answered while it runs: the ping's reply is the
 * next line, before the call's own (which only a cancellation ends). */
TEST(ping_answered_while_a_call_runs)
{
    start_initialized();
    send_line("{\"jsonrpc\":\"2.0\",\"id\":\"slow-1\",\"method\":\"tools/call\",\"params\":{"
              "\"name\":\"slow\",\"arguments\":{},\"_meta\":{\"progressToken\":\"p1\"}}}");
    expect_line("\"method\":\"notifications/progress\",\"params\":{\"progressToken\":\"p1\"");
    send_line("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}");
    expect_line("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{}}");
    send_line("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{"
              "\"requestId\":\"slow-1\"}}");
    CHECK_INT(stop_server(NULL), 0);
}

/* Garbage does not stop the server. */
TEST(garbage_gets_a_parse_error_and_the_server_goes_on)
{
    start_initialized();
    send_line("{not json");
    expect_line("\"code\":-32700");
    send_line("");
    send_line("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}");
    expect_line("\"id\":2");
    CHECK_INT(stop_server(NULL), 0);
}

/*
 * Cancel: the call stops at once and its reply is never sent. The server runs calls to the
 * end before it exits on EOF, so everything it would ever write is in `rest`.
 */
TEST(cancelled_call_sends_no_reply)
{
    char *rest = NULL;

    start_initialized();
    send_line("{\"jsonrpc\":\"2.0\",\"id\":\"slow-1\",\"method\":\"tools/call\",\"params\":{"
              "\"name\":\"slow\",\"arguments\":{},\"_meta\":{\"progressToken\":\"p1\"}}}");
    expect_line("\"method\":\"notifications/progress\""); /* the call has started */
    send_line("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{"
              "\"requestId\":\"slow-1\",\"reason\":\"user\"}}");
    send_line("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}");
    expect_line("\"id\":3");
    CHECK_INT(stop_server(&rest), 0);
    CHECK(rest && !strstr(rest, "slow-1"));
    CHECK(rest && !strstr(rest, "after cancel"));
    free(rest);
}

/* An over-long line (over the 4 MiB cap) is refused; the server goes on. */
TEST(overlong_line_refused_and_the_server_goes_on)
{
    char *big = malloc(5 * 1024 * 1024);

    start_initialized();
    memset(big, ' ', 5 * 1024 * 1024 - 1);
    big[5 * 1024 * 1024 - 1] = '\0';
    send_line(big);
    free(big);
    expect_line("longer than the 4 MiB limit");
    send_line("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"ping\"}");
    expect_line("\"id\":5");
    CHECK_INT(stop_server(NULL), 0);
}

/* stdin closes: the running call still answers, then the process exits 0. */
TEST(eof_lets_the_running_call_answer_then_exits_0)
{
    char *rest = NULL;
    int status;

    start_initialized();
    send_line("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{"
              "\"name\":\"slow\",\"arguments\":{\"ms\":5000}}}");
    send_line("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"ping\"}");
    expect_line("\"id\":5"); /* the call was read before EOF */
    status = stop_server(&rest);
    CHECK_CONTAINS(rest,
                   "{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":{\"content\":[{\"type\":\"text\","
                   "\"text\":\"slept\"}],\"isError\":false}}");
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    free(rest);
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    return check_main(argc, argv);
}
