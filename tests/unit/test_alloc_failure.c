/*
 * Fault injection (after jansson's test_chaos and curl's torture mode): every allocation a
 * module makes while doing one job is made to fail in turn, through the program's one
 * allocation hook (src/alloc.h), which jansson's allocations go through too. The module must
 * never crash, must report the failure cleanly (an error, or for output a truncation), and
 * when no allocation failed its result must be the normal one. Leaks are caught by the
 * sanitizer build (LeakSanitizer runs at exit).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alloc.h"
#include "awscli/argv.h"
#include "awscli/policy.h"
#include "awscli/runner.h"
#include "buf.h"
#include "check.h"
#include "jmespath/jmespath.h"
#include "mcp/server.h"

static long alloc_count, fail_at = -1;

static void *chaos_malloc(size_t n)
{
    if (alloc_count++ == fail_at)
        return NULL;
    return malloc(n);
}

static void *chaos_realloc(void *p, size_t n)
{
    if (alloc_count++ == fail_at)
        return NULL;
    return realloc(p, n);
}

/* Allocation number `at` (from 0) fails from now on; -1: none. */
static void chaos_begin(long at)
{
    alloc_count = 0;
    fail_at = at;
}

/* Ends the window; returns how many allocations were made in it. */
static long chaos_end(void)
{
    fail_at = -1;
    return alloc_count;
}

/*
 * One job under test: does it with allocation `at` failing and returns a description of the
 * outcome (malloc'd, made outside the window) and, in *used, how many allocations it made.
 * A description starting with "error" is a clean failure.
 */
typedef char *(*job_fn)(long at, long *used);

/*
 * Runs the job with nothing failing, then with each of its allocations failing once. A run
 * whose failing allocation was not reached must give the normal outcome; every other run must
 * fail cleanly, as `failed_ok` says. Returns how many allocations the normal run made.
 */
static long each_allocation_fails(job_fn job, int (*failed_ok)(const char *got, const char *want))
{
    long total = 0, used = 0;
    char *want = job(-1, &total);

    CHECK(want != NULL && strncmp(want, "error", 5) != 0);
    for (long at = 0; at <= total; at++) {
        char *got = job(at, &used);
        if (at >= used) {
            CHECK_STR(got, want);
        } else if (!failed_ok(got, want ? want : "")) {
            fprintf(stderr, "allocation %ld of %ld failed; outcome: %s\n", at, total, got);
            CHECK(!"a clean failure");
        } else {
            CHECK(1);
        }
        free(got);
    }
    free(want);
    return total;
}

static int internal_error(const char *got, const char *want)
{
    char prefix[64];

    (void)want;
    snprintf(prefix, sizeof(prefix), "error %d out of memory", ERR_INTERNAL);
    return got && strcmp(got, prefix) == 0;
}

static char *describe_err(int code, const char *msg)
{
    char text[320];

    snprintf(text, sizeof(text), "error %d %s", code, msg);
    return strdup(text);
}

/* The MCP core answering requests: jansson's allocations and the core's own. */

static struct mcp_server *server;

static int call(const struct tool *t, const struct tool_ctx *ctx, json_t *args,
                struct tool_result *r, struct err *e)
{
    (void)t;
    (void)args;
    (void)e;
    if (ctx->progress)
        ctx->progress(ctx->progress_opaque, 1, 2, "half");
    r->structured = json_pack("{s:i}", "n", 1);
    return tool_result_text(r, "done", false);
}

static void notify(void *opaque, json_t *n)
{
    (void)opaque;
    json_decref(n);
}

static const char *request;

/* Answers `request`. The request is parsed with allocations working: only the core is tested. */
static char *answer(long at, long *used)
{
    struct mcp_exchange x = {.http = true, .notify = notify};
    struct mcp_reply out;
    json_t *msg = json_loads(request, 0, NULL);
    char *res;

    if (!msg)
        return strdup("error: bad test request");
    chaos_begin(at);
    mcp_server_handle(server, NULL, msg, &x, &out);
    *used = chaos_end();
    res = out.msg ? json_dumps(out.msg, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(out.msg);
    json_decref(msg);
    return res;
}

/* Any outcome but a crash or a leak: the core may answer with an error or not at all. */
static int anything(const char *got, const char *want)
{
    (void)got;
    (void)want;
    return 1;
}

static void core_survives(const char *text)
{
    request = text;
    CHECK(each_allocation_fails(answer, anything) > 10);
}

TEST(core_initialize)
{
    core_survives("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
                  "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{}}}");
}

TEST(core_tools_list)
{
    core_survives("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
}

TEST(core_tools_call_with_progress)
{
    core_survives("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":"
                  "\"t\",\"arguments\":{},\"_meta\":{\"progressToken\":1}}}");
}

TEST(core_server_discover)
{
    core_survives("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"server/discover\",\"params\":{"
                  "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                  "\"io.modelcontextprotocol/clientCapabilities\":{}}}}");
}

TEST(core_unsupported_version)
{
    core_survives("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/list\",\"params\":{\"_meta\":{"
                  "\"io.modelcontextprotocol/protocolVersion\":\"2099-01-01\","
                  "\"io.modelcontextprotocol/clientCapabilities\":{}}}}");
}

TEST(core_batch)
{
    core_survives("[{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"ping\"},{\"jsonrpc\":\"2.0\","
                  "\"id\":7,\"method\":\"nope\"}]");
}

/* The tokenizer: an error -32603 "out of memory", never a partial list of words. */
static char *split_job(long at, long *used)
{
    struct argv_words w = ARGV_WORDS_INIT;
    struct err e = ERR_INIT;
    struct buf out = BUF_INIT(0);
    int rc;

    chaos_begin(at);
    rc = argv_split("aws logs filter-log-events --log-group-name 'my group' --filter-pattern "
                    "\"ERROR x\" a\\ b",
                    &w, &e);
    *used = chaos_end();
    if (rc < 0) {
        CHECK(w.v == NULL && w.n == 0);
        return describe_err(e.code, e.msg);
    }
    for (size_t i = 0; i < w.n; i++)
        if (buf_addf(&out, "%s|", w.v[i]) < 0)
            CHECK(!"buf_addf");
    argv_words_release(&w);
    return buf_take(&out, NULL);
}

TEST(argv_split_each_allocation)
{
    CHECK(each_allocation_fails(split_job, internal_error) >= 3);
}

/* The policy: made from patterns, then asked about a command. */
static char *policy_job(long at, long *used)
{
    char ec2[] = "ec2", op[] = "describe-vpcs";
    char *words[] = {ec2, op, NULL};
    struct policy *p = NULL;
    struct err e = ERR_INIT;
    int rc;

    chaos_begin(at);
    rc = policy_new(&p, "ec2:describe-*, logs:* s3api:list-* iam:get-* sts:*",
                    "logs:delete-*,iam:get-user", &e);
    if (rc == 0)
        rc = policy_check(p, words, 2, &e);
    *used = chaos_end();
    if (rc < 0) {
        policy_free(p);
        return describe_err(e.code, e.msg);
    }
    rc = strstr(policy_summary(p), "iam:get-user") != NULL;
    policy_free(p);
    return strdup(rc ? "allowed; summary names the deny pattern" : "summary incomplete");
}

TEST(policy_each_allocation)
{
    CHECK(each_allocation_fails(policy_job, internal_error) >= 5);
}

/* The buffer: growth, formatted text, hand-over. A failed append returns -1 and leaves a
 * terminated string; buf_take returns NULL. */
static char *buf_job(long at, long *used)
{
    struct buf b = BUF_INIT(0);
    char big[3000], *p = NULL;
    size_t len = 0;
    int rc;

    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    chaos_begin(at);
    rc = buf_adds(&b, "hello ");
    for (int i = 0; rc == 0 && i < 20; i++)
        rc = buf_add(&b, big, 1000);
    if (rc == 0)
        rc = buf_addf(&b, "%s", big);
    if (rc == 0)
        p = buf_take(&b, &len);
    *used = chaos_end();
    if (rc < 0 || !p) {
        bool ok = b.p[b.len] == '\0' && strncmp(b.p, "hello ", b.len < 6 ? b.len : 6) == 0;
        buf_release(&b);
        return strdup(ok ? "error: refused, buffer intact" : "broken buffer");
    }
    free(p);
    return strdup(len == 6 + 20000 + 2999 ? "all appended" : "wrong length");
}

static int buffer_intact(const char *got, const char *want)
{
    (void)want;
    return got && strcmp(got, "error: refused, buffer intact") == 0;
}

TEST(buf_each_allocation)
{
    CHECK(each_allocation_fails(buf_job, buffer_intact) >= 3);
}

/* The runner: a child writing 100000 bytes. Out of memory before the start is an error; while
 * reading it is a truncation (the output kept is a prefix, the count stays right). */
static char child_path[4096];

static char *runner_job(long at, long *used)
{
    const char *argv[] = {child_path, "write", "out", "100000", NULL};
    struct runner_opts o = {.argv = argv, .max_stdout = 1 << 20, .term_grace_ms = 1000};
    struct runner_result r;
    struct err e = ERR_INIT;
    char text[128];
    int rc, fds = check_open_fds();

    chaos_begin(at);
    rc = runner_run(&o, &r, &e);
    *used = chaos_end();
    CHECK_INT(check_open_fds(), fds);
    errno = 0;
    CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
    if (rc < 0) {
        runner_result_release(&r);
        return describe_err(e.code, e.msg);
    }
    snprintf(text, sizeof(text), "exit %d, %zu bytes counted, %s", r.exit_code, r.stdout_bytes,
             r.stdout_truncated ? "truncated" : "complete");
    for (size_t i = 0; i < r.out.len; i++)
        if (r.out.p[i] != (char)('a' + i % 26)) {
            snprintf(text, sizeof(text), "output differs at byte %zu", i);
            break;
        }
    runner_result_release(&r);
    return strdup(text);
}

static int error_or_truncated(const char *got, const char *want)
{
    (void)want;
    return internal_error(got, want) ||
           (got && strcmp(got, "exit 0, 100000 bytes counted, truncated") == 0);
}

TEST(runner_each_allocation)
{
    CHECK(each_allocation_fails(runner_job, error_or_truncated) >= 2);
}

/* JMESPath: compiling (lexer, JSON literals, tree) and evaluating (projections, functions). */
static char *jmespath_job(long at, long *used)
{
    const char *text = "sort_by(foo[?a > `1`], &b)[].{x: b, y: to_string(@), z: join('-', "
                       "[b, 'q']), w: \"quoted\"} | merge(@[0], `{\"k\": [1, 2.5]}`)";
    json_t *doc = json_loads("{\"foo\": [{\"a\": 2, \"b\": \"y\"}, {\"a\": 3, \"b\": \"x\"}, "
                             "{\"a\": 0, \"b\": \"z\"}]}",
                             0, NULL),
           *out = NULL;
    struct jp_expr *e = NULL;
    struct jp_error err = {0};
    char *res;
    int rc;

    chaos_begin(at);
    rc = jp_compile(text, strlen(text), &e, &err);
    if (rc == 0)
        rc = jp_eval(e, doc, NULL, &out, NULL, &err);
    *used = chaos_end();
    if (rc < 0)
        res = describe_err(err.kind, jp_error_kind_name(err.kind));
    else
        res = json_dumps(out, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(out);
    json_decref(doc);
    jp_free(e);
    return res;
}

/* Out of memory, or the right result: a JSON literal's load is retried once (lexer.c). */
static int jmespath_nomem(const char *got, const char *want)
{
    char text[64];

    snprintf(text, sizeof(text), "error %d nomem", JP_ERR_NOMEM);
    return got && (strcmp(got, text) == 0 || strcmp(got, want) == 0);
}

TEST(jmespath_each_allocation)
{
    CHECK(each_allocation_fails(jmespath_job, jmespath_nomem) >= 20);
}

int main(int argc, char **argv)
{
    static const struct mcp_server_info info = {.name = "chaos", .version = "1"};
    static const struct alloc_funcs chaos = {chaos_malloc, chaos_realloc};
    const char *helpers = getenv("HELPERS_DIR");
    struct tool t = {.name = "t", .call = call};
    int rc;

    snprintf(child_path, sizeof(child_path), "%s/runner_child",
             helpers ? helpers : "build/helpers");
    server = mcp_server_new(&info);
    t.input_schema = json_pack("{s:s}", "type", "object");
    t.output_schema = json_pack("{s:s}", "type", "object");
    CHECK_INT(mcp_server_add_tool(server, &t, NULL), 0);
    alloc_set_funcs(&chaos);
    rc = check_main(argc, argv);
    alloc_set_funcs(NULL);
    mcp_server_free(server);
    json_decref(t.input_schema);
    json_decref(t.output_schema);
    return rc;
}
