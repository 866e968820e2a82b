/*
 * libFuzzer target: arbitrary bytes as one incoming MCP message, through the JSON parser and
 * the protocol core, as the stdio and HTTP transports would hand them over, with and without
 * an HTTP protocol-version header and a session.
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Isrc \
 *     tests/fuzz/fuzz_mcp.c src/mcp/server.c src/mcp/jsonrpc.c src/log.c src/err.c \
 *     -ljansson -lpthread -o fuzz_mcp && ./fuzz_mcp -max_total_time=60
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mcp/server.h"

static int call(const struct tool *t, const struct tool_ctx *ctx, json_t *args,
                struct tool_result *r, struct err *e)
{
    (void)t;
    if (!json_is_string(json_object_get(args, "command")))
        return err_set(e, ERR_INVALID_PARAMS, "command must be a string");
    if (ctx->progress)
        ctx->progress(ctx->progress_opaque, 1, 0, NULL);
    return tool_result_text(r, json_string_value(json_object_get(args, "command")), false);
}

static void notify(void *opaque, json_t *n)
{
    (void)opaque;
    json_decref(n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct mcp_server *s;
    static struct tool t = {.name = "run_aws_cli", .call = call};
    static const struct mcp_server_info info = {.name = "fuzz", .version = "1"};
    static const char *const headers[] = {NULL, "2025-03-26", "2025-06-18", "2026-07-28", "x"};
    struct mcp_session session = MCP_SESSION_INIT;
    json_t *msg;

    if (!s) {
        log_set_level(LOG_OFF);
        t.input_schema = json_pack("{s:s}", "type", "object");
        s = mcp_server_new(&info);
        if (mcp_server_add_tool(s, &t, NULL) < 0)
            abort();
    }
    if (size < 1)
        return 0;
    msg = json_loadb((const char *)data + 1, size - 1, JSON_DECODE_ANY, NULL);
    if (!msg)
        return 0;
    {
        struct mcp_exchange x = {
            .http = data[0] & 1, .header_version = headers[(data[0] >> 1) % 5], .notify = notify};
        struct mcp_reply out;
        mcp_server_handle(s, (data[0] & 0x10) ? &session : NULL, msg, &x, &out);
        if (out.msg) {
            char *text = json_dumps(out.msg, JSON_COMPACT);
            /* A reply must always serialise: the transports rely on it. */
            if (!text)
                abort();
            free(text);
            json_decref(out.msg);
        }
    }
    json_decref(msg);
    return 0;
}
