/*
 * Fault injection (after jansson's test_chaos): every JSON allocation the protocol core makes
 * while answering a request is made to fail in turn. The core must never crash or leak, and
 * when no allocation failed its answer must be the normal one.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mcp/server.h"

static long alloc_count, fail_at = -1;

static void *chaos_malloc(size_t n)
{
    if (alloc_count++ == fail_at)
        return NULL;
    return malloc(n);
}

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

static const char *const requests[] = {
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
    "\"2025-06-18\",\"capabilities\":{}}}",
    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}",
    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"t\","
    "\"arguments\":{},\"_meta\":{\"progressToken\":1}}}",
    "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"server/discover\",\"params\":{\"_meta\":{"
    "\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
    "\"io.modelcontextprotocol/clientCapabilities\":{}}}}",
    "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/list\",\"params\":{\"_meta\":{"
    "\"io.modelcontextprotocol/protocolVersion\":\"2099-01-01\","
    "\"io.modelcontextprotocol/clientCapabilities\":{}}}}",
    "[{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"ping\"},{\"jsonrpc\":\"2.0\",\"id\":7,"
    "\"method\":\"nope\"}]",
};

/* Answers one request with allocation number `at` failing (-1: none). */
static char *answer(struct mcp_server *s, const char *text, long at, long *used)
{
    struct mcp_exchange x = {.http = true, .notify = notify};
    struct mcp_reply out;
    json_t *msg;
    char *res;

    /* The request is parsed with allocations working: only the core is under test. */
    fail_at = -1;
    msg = json_loads(text, 0, NULL);
    if (!msg)
        return NULL;
    alloc_count = 0;
    fail_at = at;
    mcp_server_handle(s, NULL, msg, &x, &out);
    *used = alloc_count;
    fail_at = -1;
    res = out.msg ? json_dumps(out.msg, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(out.msg);
    json_decref(msg);
    return res;
}

int main(void)
{
    static const struct mcp_server_info info = {.name = "chaos", .version = "1"};
    struct tool t = {.name = "t", .call = call};
    struct mcp_server *s = mcp_server_new(&info);

    t.input_schema = json_pack("{s:s}", "type", "object");
    t.output_schema = json_pack("{s:s}", "type", "object");
    CHECK_INT(mcp_server_add_tool(s, &t, NULL), 0);
    json_set_alloc_funcs(chaos_malloc, free);

    for (size_t i = 0; i < sizeof(requests) / sizeof(requests[0]); i++) {
        long total = 0, used = 0, runs = 0;
        char *want = answer(s, requests[i], -1, &total);
        CHECK(want != NULL);
        /* Allocation 0 .. total-1 each fails once; the last run fails none. */
        for (long at = 0; at <= total; at++) {
            char *got = answer(s, requests[i], at, &used);
            runs++;
            if (at >= used)
                CHECK_STR(got, want);
            free(got);
        }
        CHECK(runs > 10);
        free(want);
    }
    json_set_alloc_funcs(malloc, free);
    mcp_server_free(s);
    json_decref(t.input_schema);
    json_decref(t.output_schema);
    return check_summary();
}
