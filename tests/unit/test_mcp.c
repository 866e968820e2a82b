/*
 * The protocol core against the rules of each revision: envelopes and error codes, the legacy
 * handshake and version negotiation, the modern per-request metadata, batches, the tool
 * registry, tools/list pagination and tools/call results, progress.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mcp/jsonrpc.h"
#include "mcp/server.h"

static int echo_call(const struct tool *t, const struct tool_ctx *ctx, json_t *args,
                     struct tool_result *r, struct err *e)
{
    const char *text = json_string_value(json_object_get(args, "text"));
    (void)t;
    if (!text)
        return err_set(e, ERR_INVALID_PARAMS, "arguments.text must be a string");
    if (ctx->progress) {
        ctx->progress(ctx->progress_opaque, 1, 3, "one");
        ctx->progress(ctx->progress_opaque, 1, 3, "one again"); /* not increasing: dropped */
        ctx->progress(ctx->progress_opaque, 2, 3, NULL);
    }
    if (strcmp(text, "fail") == 0)
        return tool_result_text(r, "it failed", true);
    if (strcmp(text, "internal") == 0)
        return err_set(e, ERR_INTERNAL, "broken");
    r->structured = json_pack("{s:s}", "echo", text);
    return tool_result_text(r, text, false);
}

static struct tool echo_tool;
static struct tool many_tools[120];
static char many_names[120][16];

static struct mcp_server *s; /* the echo tool only, made in main() */

static const struct mcp_server_info info = {
    .name = "test-server", .version = "9.9", .instructions = "be nice", .list_ttl_ms = 1234};

static struct mcp_server *new_server(size_t extra)
{
    struct mcp_server *n = mcp_server_new(&info);
    CHECK(n != NULL);
    CHECK_INT(mcp_server_add_tool(n, &echo_tool, NULL), 0);
    CHECK_INT(mcp_server_add_tool(n, &echo_tool, NULL), -1); /* duplicate name refused */
    for (size_t i = 0; i < extra; i++)
        CHECK_INT(mcp_server_add_tool(n, &many_tools[i], NULL), 0);
    return n;
}

/* Handles `text` (one message or a batch) and returns the reply serialised, or "" for none. */
static char *handle(struct mcp_server *s, struct mcp_session *session, const struct mcp_exchange *x,
                    const char *text, int *status)
{
    json_error_t jerr;
    json_t *msg = json_loads(text, JSON_DECODE_ANY, &jerr);
    struct mcp_reply out;
    char *res;

    if (!msg) {
        fprintf(stderr, "bad test JSON: %s: %s\n", text, jerr.text);
        exit(2);
    }
    mcp_server_handle(s, session, msg, x, &out);
    json_decref(msg);
    if (status)
        *status = out.http_status;
    res = out.msg ? json_dumps(out.msg, JSON_COMPACT | JSON_SORT_KEYS) : strdup("");
    json_decref(out.msg);
    return res;
}

#define EXPECT(s, sess, x, req, want_status, want_sub)                                             \
    do {                                                                                           \
        int st_ = 0;                                                                               \
        char *got_ = handle((s), (sess), (x), (req), &st_);                                        \
        CHECK_CONTAINS(got_, (want_sub));                                                          \
        CHECK_INT(st_, (want_status));                                                             \
        free(got_);                                                                                \
    } while (0)

#define EXPECT_NONE(s, sess, x, req)                                                               \
    do {                                                                                           \
        char *got_ = handle((s), (sess), (x), (req), NULL);                                        \
        CHECK_STR(got_, "");                                                                       \
        free(got_);                                                                                \
    } while (0)

#define MODERN_META                                                                                \
    "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","                       \
    "\"io.modelcontextprotocol/clientCapabilities\":{}}"

TEST(invalid_envelopes_get_32600)
{
    struct mcp_exchange x = {0};
    EXPECT(s, NULL, &x, "{\"id\":1,\"method\":\"ping\"}", 400, "\"code\":-32600");
    EXPECT(s, NULL, &x, "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}", 400, "-32600");
    EXPECT(s, NULL, &x, "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}", 400, "-32600");
    EXPECT(s, NULL, &x, "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}", 400, "-32600");
    EXPECT(s, NULL, &x, "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}", 400, "\"id\":null");
    EXPECT(s, NULL, &x, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":5}", 400, "\"id\":7");
    EXPECT(s, NULL, &x, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\",\"params\":3}", 400,
           "-32600");
}

TEST(unknown_method_gets_32601)
{
    struct mcp_exchange x = {0};

    EXPECT(s, NULL, &x, "{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"nope\"}", 200,
           "{\"code\":-32601,\"message\":\"Method not found\"},\"id\":\"a\"");
}

TEST(non_objects_get_32600)
{
    struct mcp_exchange x = {0};

    EXPECT(s, NULL, &x, "[1,2]", 400, "-32600");
    EXPECT(s, NULL, &x, "\"str\"", 400, "-32600");
}

/* The largest ids survive the round trip unchanged. */
TEST(largest_id_round_trips)
{
    struct mcp_exchange x = {0};

    EXPECT(s, NULL, &x, "{\"jsonrpc\":\"2.0\",\"id\":9223372036854775807,\"method\":\"ping\"}", 200,
           "\"id\":9223372036854775807");
}

TEST(notifications_and_responses_get_no_reply)
{
    struct mcp_exchange x = {0};

    EXPECT_NONE(s, NULL, &x, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    EXPECT_NONE(s, NULL, &x, "{\"jsonrpc\":\"2.0\",\"method\":\"whatever\"}");
    EXPECT_NONE(s, NULL, &x, "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{}}");
    EXPECT_NONE(s, NULL, &x,
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":1,\"message\":\"x\"}}");
}

TEST(initialize_echoes_each_legacy_version)
{
    static const char *const echoed[] = {"2025-03-26", "2025-06-18", "2025-11-25"};
    struct mcp_exchange x = {0};
    char req[512], want[64];

    for (size_t i = 0; i < 3; i++) {
        struct mcp_session session = MCP_SESSION_INIT;
        snprintf(req, sizeof(req),
                 "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
                 "\"protocolVersion\":\"%s\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\","
                 "\"version\":\"1\"}}}",
                 echoed[i]);
        snprintf(want, sizeof(want), "\"protocolVersion\":\"%s\"", echoed[i]);
        EXPECT(s, &session, &x, req, 200, want);
        CHECK_STR(session.version, echoed[i]);
        EXPECT_NONE(s, &session, &x,
                    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        CHECK(session.initialized);
    }
}

/* Unknown or modern versions asked through initialize get the newest legacy revision. */
TEST(initialize_negotiates_other_versions)
{
    struct mcp_exchange x = {0};

    EXPECT(s, NULL, &x,
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
           "\"protocolVersion\":\"2024-11-05\",\"capabilities\":{}}}",
           200, "\"protocolVersion\":\"2025-11-25\"");
    EXPECT(s, NULL, &x,
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
           "\"protocolVersion\":\"2026-07-28\",\"capabilities\":{}}}",
           200, "\"protocolVersion\":\"2025-11-25\"");
}

TEST(initialize_result_and_errors)
{
    struct mcp_exchange x = {0};

    EXPECT(s, NULL, &x,
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
           "\"protocolVersion\":\"2025-06-18\"}}",
           200,
           "\"capabilities\":{\"tools\":{\"listChanged\":false}},\"instructions\":\"be nice\","
           "\"protocolVersion\":\"2025-06-18\",\"serverInfo\":{\"name\":\"test-server\","
           "\"version\":\"9.9\"}");
    EXPECT(s, NULL, &x, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}",
           200, "-32602");
    EXPECT(s, NULL, &x, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", 200,
           "{\"id\":1,\"jsonrpc\":\"2.0\",\"result\":{}}");
}

TEST(tools_list_fields_per_version)
{
    struct mcp_server *fresh = new_server(0);
    struct mcp_exchange x = {.http = true};
    char *got;

    /* 2025-03-26 (no header over HTTP) predates title and outputSchema. */
    got = handle(fresh, NULL, &x, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}", NULL);
    CHECK_CONTAINS(got, "\"name\":\"echo\"");
    CHECK_CONTAINS(got, "\"inputSchema\":{\"properties\":{\"text\":{\"type\":\"string\"}},"
                        "\"type\":\"object\"}");
    CHECK(strstr(got, "outputSchema") == NULL);
    CHECK(strstr(got, "\"title\":\"Echo\"") == NULL);
    CHECK(strstr(got, "nextCursor") == NULL);
    CHECK(strstr(got, "resultType") == NULL);
    free(got);

    x.header_version = "2025-06-18";
    got = handle(fresh, NULL, &x, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}", NULL);
    CHECK_CONTAINS(got, "\"outputSchema\":{\"type\":\"object\"");
    CHECK_CONTAINS(got, "\"title\":\"Echo\"");
    CHECK_CONTAINS(got, "\"annotations\":{\"readOnlyHint\":true}");
    free(got);
    mcp_server_free(fresh);
}

/* 121 tools: three pages of 50, 50, 21, each cursor leading to the next. */
TEST(tools_list_pages_and_cursors)
{
    struct mcp_server *s = new_server(120);
    struct mcp_exchange x = {.http = true, .header_version = "2025-11-25"};
    char *got;

    got = handle(s, NULL, &x, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}", NULL);
    CHECK_CONTAINS(got, "\"nextCursor\":\"50\"");
    CHECK_CONTAINS(got, "\"name\":\"t48\"");
    CHECK(strstr(got, "\"name\":\"t49\"") == NULL);
    free(got);
    got = handle(s, NULL, &x,
                 "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{\"cursor\":"
                 "\"100\"}}",
                 NULL);
    CHECK_CONTAINS(got, "\"name\":\"t119\"");
    CHECK(strstr(got, "nextCursor") == NULL);
    free(got);
    EXPECT(s, NULL, &x,
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{\"cursor\":\"x\"}}",
           200, "-32602");
    EXPECT(s, NULL, &x,
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{\"cursor\":"
           "\"9999\"}}",
           200, "-32602");
    EXPECT(s, NULL, &x,
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{\"cursor\":7}}",
           200, "-32602");
    mcp_server_free(s);
}

struct sink {
    json_t *notes;
};

static void sink_notify(void *opaque, json_t *n)
{
    struct sink *k = opaque;
    json_array_append_new(k->notes, n);
}

TEST(tools_call_results_and_errors)
{
    struct mcp_exchange x = {.http = true, .header_version = "2025-06-18"};

    EXPECT(s, NULL, &x,
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
           "\"arguments\":{\"text\":\"hi\"}}}",
           200,
           "\"result\":{\"content\":[{\"text\":\"hi\",\"type\":\"text\"}],\"isError\":false,"
           "\"structuredContent\":{\"echo\":\"hi\"}}");
    EXPECT(
        s, NULL, &x,
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"nope\"}}",
        200, "{\"code\":-32602,\"message\":\"Unknown tool: nope\"}");
    EXPECT(s, NULL, &x, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{}}",
           200, "-32602");
    EXPECT(s, NULL, &x,
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
           "\"arguments\":{\"text\":\"fail\"}}}",
           200, "\"isError\":true");
    EXPECT(s, NULL, &x,
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
           "\"arguments\":{\"text\":\"internal\"}}}",
           200, "{\"code\":-32603,\"message\":\"broken\"}");
}

/* Invalid arguments: a JSON-RPC error up to 2025-06-18, an isError result from 2025-11-25. */
TEST(tools_call_invalid_arguments_per_version)
{
    struct mcp_exchange x = {.http = true, .header_version = "2025-06-18"};
    char *got;

    EXPECT(s, NULL, &x,
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
           "\"arguments\":{}}}",
           200, "{\"code\":-32602,\"message\":\"arguments.text must be a string\"}");
    EXPECT(s, NULL, &x,
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
           "\"arguments\":[1]}}",
           200, "-32602");
    x.header_version = "2025-11-25";
    EXPECT(s, NULL, &x,
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
           "\"arguments\":{}}}",
           200,
           "{\"content\":[{\"text\":\"arguments.text must be a string\",\"type\":\"text\"}],"
           "\"isError\":true}");
    /* 2025-03-26 has no structuredContent. */
    x.header_version = NULL;
    got = handle(s, NULL, &x,
                 "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":"
                 "\"echo\",\"arguments\":{\"text\":\"hi\"}}}",
                 NULL);
    CHECK(strstr(got, "structuredContent") == NULL);
    free(got);
}

/* Progress: only with a token, strictly increasing, each naming the token. */
TEST(progress_only_with_a_token_and_increasing)
{
    struct mcp_exchange x = {.http = true, .header_version = "2025-11-25"};
    struct sink k = {json_array()};
    char *got;

    x.notify = sink_notify;
    x.notify_opaque = &k;
    got = handle(s, NULL, &x,
                 "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":"
                 "\"echo\",\"arguments\":{\"text\":\"hi\"}}}",
                 NULL);
    free(got);
    CHECK_INT(json_array_size(k.notes), 0);
    got = handle(s, NULL, &x,
                 "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":"
                 "\"echo\",\"arguments\":{\"text\":\"hi\"},\"_meta\":{\"progressToken\":\"tok\"}}}",
                 NULL);
    free(got);
    CHECK_INT(json_array_size(k.notes), 2);
    got = json_dumps(k.notes, JSON_COMPACT | JSON_SORT_KEYS);
    CHECK_CONTAINS(got, "\"method\":\"notifications/progress\",\"params\":{\"message\":\"one\","
                        "\"progress\":1.0,\"progressToken\":\"tok\",\"total\":3.0}");
    CHECK_CONTAINS(got, "\"params\":{\"progress\":2.0,\"progressToken\":\"tok\",\"total\":3.0}");
    free(got);
    json_decref(k.notes);
}

TEST(modern_discover_list_and_call)
{
    struct mcp_exchange stdio = {0};
    struct mcp_exchange http = {.http = true, .header_version = "2026-07-28"};
    char *got;

    got = handle(
        s, NULL, &stdio,
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\",\"params\":{" MODERN_META
        "}}",
        NULL);
    CHECK_CONTAINS(got, "\"supportedVersions\":[\"2026-07-28\",\"2025-11-25\",\"2025-06-18\","
                        "\"2025-03-26\"]");
    CHECK_CONTAINS(got, "\"capabilities\":{\"tools\":{}}");
    CHECK_CONTAINS(got, "\"resultType\":\"complete\"");
    CHECK_CONTAINS(got, "\"ttlMs\":1234");
    CHECK_CONTAINS(got, "\"cacheScope\":\"public\"");
    CHECK_CONTAINS(got, "\"_meta\":{\"io.modelcontextprotocol/serverInfo\":{\"name\":"
                        "\"test-server\",\"version\":\"9.9\"}}");
    free(got);

    got = handle(s, NULL, &http,
                 "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{" MODERN_META
                 "}}",
                 NULL);
    CHECK_CONTAINS(got, "\"resultType\":\"complete\"");
    CHECK_CONTAINS(got, "\"cacheScope\":\"public\"");
    CHECK_CONTAINS(got, "\"outputSchema\"");
    free(got);

    EXPECT(s, NULL, &http,
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{" MODERN_META
           ",\"name\":\"echo\",\"arguments\":{\"text\":\"m\"}}}",
           200, "\"resultType\":\"complete\",\"structuredContent\":{\"echo\":\"m\"}");
}

/* Missing required _meta fields: -32602, HTTP 400 (basic/index.mdx). */
TEST(modern_meta_required)
{
    struct mcp_exchange stdio = {0};
    struct mcp_exchange http = {.http = true, .header_version = "2026-07-28"};

    EXPECT(s, NULL, &http, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}", 400,
           "-32602");
    EXPECT(s, NULL, &http,
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{\"_meta\":{"
           "\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"}}}",
           400, "clientCapabilities");
    EXPECT(s, NULL, &stdio,
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\",\"params\":{}}", 400,
           "-32602");
}

/* Unsupported version: -32022 with the supported list and the requested one. */
TEST(modern_unsupported_version_gets_32022)
{
    struct mcp_exchange stdio = {0};

    EXPECT(s, NULL, &stdio,
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{\"_meta\":{"
           "\"io.modelcontextprotocol/protocolVersion\":\"2099-01-01\","
           "\"io.modelcontextprotocol/clientCapabilities\":{}}}}",
           400,
           "{\"code\":-32022,\"data\":{\"requested\":\"2099-01-01\",\"supported\":[\"2026-07-28\"");
}

/* Header and body disagree: -32020, 400. */
TEST(modern_header_and_meta_disagree_gets_32020)
{
    struct mcp_exchange http = {.http = true, .header_version = "2025-11-25"};

    EXPECT(s, NULL, &http,
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{" MODERN_META "}}",
           400, "-32020");
    http.header_version = NULL;
    EXPECT(s, NULL, &http,
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{" MODERN_META "}}",
           400, "-32020");
}

/* No ping and no unknown methods in the modern era: -32601, 404 over HTTP. */
TEST(modern_has_no_ping)
{
    struct mcp_exchange http = {.http = true, .header_version = "2026-07-28"};

    EXPECT(s, NULL, &http,
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{" MODERN_META "}}", 404,
           "-32601");
    EXPECT(s, NULL, &http,
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"resources/list\",\"params\":{" MODERN_META
           "}}",
           404, "-32601");
}

TEST(required_capabilities_checked)
{
    struct mcp_server *s = new_server(0);
    struct tool needy = echo_tool;
    struct mcp_exchange http = {.http = true, .header_version = "2026-07-28"};

    needy.name = "needy";
    needy.required_capabilities = (const char *const[]){"sampling", "roots", NULL};
    CHECK_INT(mcp_server_add_tool(s, &needy, NULL), 0);
    /* Modern, undeclared: -32021 naming each missing capability, HTTP 400, tool not run. */
    EXPECT(s, NULL, &http,
           "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":{\"_meta\":{"
           "\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
           "\"io.modelcontextprotocol/clientCapabilities\":{\"roots\":{}}},\"name\":\"needy\","
           "\"arguments\":{\"text\":\"x\"}}}",
           400,
           "{\"error\":{\"code\":-32021,\"data\":{\"requiredCapabilities\":{\"sampling\":{}}},"
           "\"message\":\"Missing required client capability\"},\"id\":9");
    EXPECT(s, NULL, &http,
           "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":{\"_meta\":{"
           "\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
           "\"io.modelcontextprotocol/clientCapabilities\":{\"sampling\":{},\"roots\":{}}},"
           "\"name\":\"needy\",\"arguments\":{\"text\":\"x\"}}}",
           200, "\"isError\":false");
    mcp_server_free(s);
}

TEST(http_batches_only_without_version_header)
{
    struct mcp_exchange http = {.http = true};
    char *got;

    /* No header = 2025-03-26: batches allowed, notifications inside get no reply. */
    got = handle(s, NULL, &http,
                 "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},{\"jsonrpc\":\"2.0\","
                 "\"method\":\"notifications/initialized\"},{\"jsonrpc\":\"2.0\",\"id\":2,"
                 "\"method\":\"nope\"}]",
                 NULL);
    CHECK_STR(got, "[{\"id\":1,\"jsonrpc\":\"2.0\",\"result\":{}},{\"error\":{\"code\":-32601,"
                   "\"message\":\"Method not found\"},\"id\":2,\"jsonrpc\":\"2.0\"}]");
    free(got);
    EXPECT_NONE(s, NULL, &http, "[{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}]");
    EXPECT(s, NULL, &http, "[]", 400, "-32600");
    EXPECT(s, NULL, &http,
           "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
           "\"protocolVersion\":\"2025-03-26\"}}]",
           200, "initialize must not be sent in a batch");
    http.header_version = "2025-06-18";
    EXPECT(s, NULL, &http, "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]", 400, "-32600");
}

/* stdio: batches only once 2025-03-26 was negotiated. */
TEST(stdio_batches_only_after_2025_03_26)
{
    struct mcp_session session = MCP_SESSION_INIT;
    struct mcp_exchange stdio = {0};

    EXPECT(s, &session, &stdio, "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]", 400,
           "-32600");
    EXPECT(s, &session, &stdio,
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
           "\"protocolVersion\":\"2025-03-26\"}}",
           200, "2025-03-26");
    EXPECT(s, &session, &stdio, "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]", 200,
           "[{\"id\":1,\"jsonrpc\":\"2.0\",\"result\":{}}]");
}

TEST(cancelled_id_and_version_helpers)
{
    json_t *m = json_loads("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
                           "\"params\":{\"requestId\":\"r1\"}}",
                           0, NULL);
    CHECK_STR(json_string_value(mcp_cancelled_request_id(m)), "r1");
    json_decref(m);
    CHECK(mcp_version_supported("2025-06-18"));
    CHECK(!mcp_version_supported("2024-11-05"));
    CHECK(!mcp_version_supported(NULL));
    CHECK(mcp_version_is_modern("2026-07-28"));
    CHECK(!mcp_version_is_modern("2025-11-25"));
}

int main(int argc, char **argv)
{
    int rc;

    echo_tool = (struct tool){
        .name = "echo",
        .title = "Echo",
        .description = "Echoes text",
        .input_schema = json_pack("{s:s, s:{s:{s:s}}}", "type", "object", "properties", "text",
                                  "type", "string"),
        .output_schema = json_pack("{s:s}", "type", "object"),
        .annotations = json_pack("{s:b}", "readOnlyHint", 1),
        .call = echo_call,
    };
    for (int i = 0; i < 120; i++) {
        snprintf(many_names[i], sizeof(many_names[i]), "t%d", i);
        many_tools[i] = echo_tool;
        many_tools[i].name = many_names[i];
    }

    s = new_server(0);
    rc = check_main(argc, argv);
    mcp_server_free(s);

    json_decref(echo_tool.input_schema);
    json_decref(echo_tool.output_schema);
    json_decref(echo_tool.annotations);
    return rc;
}
