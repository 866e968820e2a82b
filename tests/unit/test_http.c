/*
 * The Streamable HTTP rules (src/transport/http.c), called directly: every status code and
 * header rule of docs/http.md, with a tiny fake tool so tools/call runs without the AWS CLI.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mcp/jsonrpc.h"
#include "mcp/server.h"
#include "transport/http.h"
#include "banned.h"

static int echo_call(const struct tool *t, const struct tool_ctx *ctx, json_t *args,
                     struct tool_result *r, struct err *e)
{
    const char *text = json_string_value(json_object_get(args, "text"));
    (void)t;
    (void)ctx;
    if (!text)
        return err_set(e, ERR_INVALID_PARAMS, "text is required");
    return tool_result_text(r, text, false) < 0 ? err_set(e, ERR_INTERNAL, "oom") : 0;
}

static const struct mcp_server_info info = {
    .name = "test", .version = "0.0.1", .list_ttl_ms = 1000};

#define MODERN_META                                                                                \
    "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","                       \
    "\"io.modelcontextprotocol/clientCapabilities\":{}}"

#define INIT_BODY                                                                                  \
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"     \
    "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}"
#define PING_BODY "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}"
#define MODERN_LIST                                                                                \
    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\",\"params\":{" MODERN_META "}}"
#define MODERN_CALL                                                                                \
    "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","       \
    "\"arguments\":{\"text\":\"hi\"}," MODERN_META "}}"

/* A request: method, path, body, local flag and a NULL-terminated list of name, value pairs. */
struct rq {
    const char *method, *path, *body;
    bool local;
    const char *h[40];
};

static struct http_front *f, *fo, *fa; /* default, open (wildcard bind, "*"), bearer token */
static struct http_response res;
static json_t *reply; /* parsed body of the last response, or NULL */

static void run(struct http_front *f, const struct rq *q)
{
    struct http_header hs[20];
    struct http_request req = {0};
    size_t n = 0;

    for (size_t i = 0; q->h[i] && n < 20; i += 2, n++) {
        hs[n].name = q->h[i];
        hs[n].value = q->h[i + 1];
    }
    req.method = q->method ? q->method : "POST";
    req.path = q->path ? q->path : "/mcp";
    req.headers = hs;
    req.nheaders = n;
    req.body = q->body;
    req.body_len = q->body ? strlen(q->body) : 0;
    req.local = q->local;
    http_response_release(&res);
    json_decref(reply);
    http_handle(f, &req, &res);
    reply = res.body ? json_loadb(res.body, res.body_len, 0, NULL) : NULL;
}

static const char *res_header(const char *name)
{
    for (size_t i = 0; i < res.nheaders; i++)
        if (strcasecmp(res.headers[i].name, name) == 0)
            return res.headers[i].value;
    return NULL;
}

static long long err_code(void)
{
    return json_integer_value(json_object_get(json_object_get(reply, "error"), "code"));
}

static bool id_is_null(void)
{
    return json_is_null(json_object_get(reply, "id"));
}

/* Standard client headers (what the SDKs send), then the test's own. */
#define STD         "Content-Type", "application/json", "Accept", "application/json, text/event-stream"
#define MODERN_H(m) STD, "MCP-Protocol-Version", "2026-07-28", "Mcp-Method", m

TEST(initialize_over_post)
{
    run(f, &(struct rq){.body = INIT_BODY, .h = {STD}});
    CHECK_INT(res.status, 200);
    CHECK_STR(res_header("Content-Type"), "application/json");
    CHECK_STR(
        json_string_value(json_object_get(json_object_get(reply, "result"), "protocolVersion")),
        "2025-06-18");
    CHECK(res_header("Mcp-Session-Id") == NULL);
    CHECK_STR(res.rpc_method, "initialize");
}

/* The endpoint is /mcp and /; anything else is 404. */
TEST(endpoint_paths)
{
    run(f, &(struct rq){.path = "/", .body = PING_BODY, .h = {STD}});
    CHECK_INT(res.status, 200);
    run(f, &(struct rq){.path = "/mcp/", .body = PING_BODY, .h = {STD}});
    CHECK_INT(res.status, 404);
    run(f, &(struct rq){.path = "/other", .body = PING_BODY, .h = {STD}});
    CHECK_INT(res.status, 404);
}

/* Notifications and responses: 202, no body. */
TEST(notifications_and_responses_get_202)
{
    run(f, &(struct rq){.body = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                        .h = {STD, "MCP-Protocol-Version", "2025-06-18"}});
    CHECK_INT(res.status, 202);
    CHECK(res.body == NULL && res.body_len == 0);
    CHECK(res_header("Content-Type") == NULL);
    run(f, &(struct rq){.body = "{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":{}}", .h = {STD}});
    CHECK_INT(res.status, 202);
}

/* GET and DELETE: 405 with Allow. */
TEST(other_methods_get_405_with_allow)
{
    run(f, &(struct rq){.method = "GET", .h = {"Accept", "text/event-stream"}});
    CHECK_INT(res.status, 405);
    CHECK_CONTAINS(res_header("Allow"), "POST");
    run(f, &(struct rq){.method = "DELETE", .h = {"Mcp-Session-Id", "abc"}});
    CHECK_INT(res.status, 405);
    CHECK_CONTAINS(res_header("Allow"), "POST");
    run(f, &(struct rq){.method = "PUT", .body = PING_BODY, .h = {STD}});
    CHECK_INT(res.status, 405);
}

/* An incoming session id is ignored, never echoed. */
TEST(session_id_ignored)
{
    run(f, &(struct rq){.body = PING_BODY, .h = {STD, "Mcp-Session-Id", "s-123"}});
    CHECK_INT(res.status, 200);
    CHECK(res_header("Mcp-Session-Id") == NULL);
}

/* tools/call through the registry (legacy). */
TEST(legacy_tools_call)
{
    run(f, &(struct rq){.body = "{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"tools/call\","
                                "\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"yo\"}}}",
                        .h = {STD, "MCP-Protocol-Version", "2025-06-18"}});
    CHECK_INT(res.status, 200);
    CHECK_CONTAINS(res.body, "\"text\":\"yo\"");
    CHECK_CONTAINS(res.body, "\"id\":\"a\"");
}

TEST(content_type_must_be_json)
{
    run(f, &(struct rq){.body = PING_BODY, .h = {"Content-Type", "text/plain"}});
    CHECK_INT(res.status, 415);
    CHECK_INT(err_code(), ERR_INVALID_REQUEST);
    run(f, &(struct rq){.body = PING_BODY, .h = {"Accept", "application/json"}});
    CHECK_INT(res.status, 415); /* no Content-Type */
    run(f, &(struct rq){.body = PING_BODY, .h = {"Content-Type", "application/jsonx"}});
    CHECK_INT(res.status, 415);
    run(f,
        &(struct rq){.body = PING_BODY, .h = {"Content-Type", "Application/JSON ; charset=utf-8"}});
    CHECK_INT(res.status, 200);
}

/* Accept must allow application/json; a missing Accept is served. */
TEST(accept_must_allow_json)
{
    run(f, &(struct rq){.body = PING_BODY,
                        .h = {"Content-Type", "application/json", "Accept", "text/event-stream"}});
    CHECK_INT(res.status, 406);
    CHECK(id_is_null());
    run(f, &(struct rq){.body = PING_BODY,
                        .h = {"Content-Type", "application/json", "Accept", "text/html"}});
    CHECK_INT(res.status, 406);
    run(f, &(struct rq){.body = PING_BODY,
                        .h = {"Content-Type", "application/json", "Accept",
                              "application/json;q=0, text/event-stream"}});
    CHECK_INT(res.status, 406);
    run(f, &(struct rq){.body = PING_BODY,
                        .h = {"Content-Type", "application/json", "Accept",
                              "application/json;q=0.5, text/event-stream"}});
    CHECK_INT(res.status, 200);
    run(f, &(struct rq){.body = PING_BODY, .h = {"Content-Type", "application/json"}});
    CHECK_INT(res.status, 200);
    run(f, &(struct rq){.body = PING_BODY,
                        .h = {"Content-Type", "application/json", "Accept", "*/*"}});
    CHECK_INT(res.status, 200);
    run(f, &(struct rq){.body = PING_BODY,
                        .h = {"Content-Type", "application/json", "Accept", "application/*"}});
    CHECK_INT(res.status, 200);
    run(f, &(struct rq){.body = PING_BODY,
                        .h = {"Content-Type", "application/json", "Accept", "text/event-stream",
                              "accept", "application/json"}});
    CHECK_INT(res.status, 200); /* two Accept headers form one list */
}

/* Over the 4096-byte cap of this test's front: 413. */
TEST(body_over_the_cap_gets_413)
{
    char *big = malloc(5000);
    struct http_request req = {0};
    struct http_header hs[] = {{"Content-Type", "application/json"}};

    memset(big, ' ', 4999);
    big[4999] = '\0';
    memcpy(big, PING_BODY, strlen(PING_BODY));
    run(f, &(struct rq){.body = big, .h = {STD}});
    CHECK_INT(res.status, 413);
    CHECK_INT(err_code(), ERR_INVALID_REQUEST);
    /* The transport's own cut gets the same answer. */
    req.method = "POST";
    req.path = "/mcp";
    req.headers = hs;
    req.nheaders = 1;
    req.body_too_large = true;
    http_response_release(&res);
    http_handle(f, &req, &res);
    CHECK_INT(res.status, 413);
    free(big);
}

/* Malformed JSON: 400 with -32700 and a null id. */
TEST(malformed_json_gets_400_parse_error)
{
    char *deep = malloc(7000);

    run(f, &(struct rq){.body = "{\"jsonrpc\":\"2.0\",", .h = {STD}});
    CHECK_INT(res.status, 400);
    CHECK_INT(err_code(), ERR_PARSE);
    CHECK(id_is_null());
    run(f, &(struct rq){.body = "", .h = {STD}});
    CHECK_INT(res.status, 400);
    CHECK_INT(err_code(), ERR_PARSE);
    run(f, &(struct rq){.body = PING_BODY " trailing", .h = {STD}});
    CHECK_INT(err_code(), ERR_PARSE);
    /* Invalid UTF-8. */
    run(f, &(struct rq){.body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"p\xff\xfe\"}",
                        .h = {STD}});
    CHECK_INT(res.status, 400);
    CHECK_INT(err_code(), ERR_PARSE);
    /* Deep nesting beyond jansson's depth limit. */
    memset(deep, '[', 3000);
    memset(deep + 3000, ']', 3000);
    deep[6000] = '\0';
    run(fo, &(struct rq){.body = deep, .h = {STD}});
    CHECK_INT(res.status, 400);
    CHECK_INT(err_code(), ERR_PARSE);
    CHECK_CONTAINS(json_string_value(json_object_get(json_object_get(reply, "error"), "message")),
                   "nest too deep");
    /* A huge id cannot be represented: a parse error, not a crash. */
    run(f, &(struct rq){.body = "{\"jsonrpc\":\"2.0\",\"id\":123456789012345678901234567890,"
                                "\"method\":\"ping\"}",
                        .h = {STD}});
    CHECK_INT(res.status, 400);
    /* Wrong types: the core's -32600 with HTTP 400. */
    run(f, &(struct rq){.body = "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}", .h = {STD}});
    CHECK_INT(res.status, 400);
    CHECK_INT(err_code(), ERR_INVALID_REQUEST);
    run(f, &(struct rq){.body = "42", .h = {STD}});
    CHECK_INT(res.status, 400);
    CHECK_INT(err_code(), ERR_INVALID_REQUEST);
    /* Duplicate keys are refused like stdio does. */
    run(f, &(struct rq){.body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2,\"method\":\"ping\"}",
                        .h = {STD}});
    CHECK_INT(err_code(), ERR_PARSE);
    /* And the next request still works. */
    run(f, &(struct rq){.body = PING_BODY, .h = {STD}});
    CHECK_INT(res.status, 200);
    free(deep);
}

/* Batches: 2025-03-26 only (no header). */
TEST(batches_only_without_version_header)
{
    run(f,
        &(struct rq){.body = "[" PING_BODY ",{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"ping\"}]",
                     .h = {STD}});
    CHECK_INT(res.status, 200);
    CHECK(json_is_array(reply) && json_array_size(reply) == 2);
    run(f,
        &(struct rq){.body = "[" PING_BODY "]", .h = {STD, "MCP-Protocol-Version", "2025-06-18"}});
    CHECK_INT(res.status, 400);
    run(f,
        &(struct rq){.body = "[" PING_BODY "]", .h = {STD, "MCP-Protocol-Version", "2026-07-28"}});
    CHECK_INT(res.status, 400);
    CHECK_INT(err_code(), ERR_INVALID_REQUEST);
}

TEST(version_header_served_values)
{
    run(f, &(struct rq){.body = PING_BODY, .h = {STD, "MCP-Protocol-Version", "2025-11-25"}});
    CHECK_INT(res.status, 200);
    run(f, &(struct rq){.body = PING_BODY, .h = {STD, "mcp-protocol-version", " 2025-03-26 "}});
    CHECK_INT(res.status, 200);
}

/* Any value we do not serve: -32022, so that modern clients know a modern server. */
TEST(version_header_unsupported_gets_32022)
{
    json_t *data;

    run(f, &(struct rq){.body = PING_BODY, .h = {STD, "MCP-Protocol-Version", "garbage"}});
    CHECK_INT(res.status, 400);
    CHECK_INT(err_code(), ERR_UNSUPPORTED_VERSION);
    CHECK_INT(json_integer_value(json_object_get(reply, "id")), 7);
    run(f, &(struct rq){.body = PING_BODY, .h = {STD, "MCP-Protocol-Version", "v999.0.0"}});
    CHECK_STR(json_string_value(json_object_get(
                  json_object_get(json_object_get(reply, "error"), "data"), "requested")),
              "v999.0.0");
    /* A value that cannot be echoed: a plain -32600. */
    run(f, &(struct rq){.body = PING_BODY, .h = {STD, "MCP-Protocol-Version", "2025-06-18\x01"}});
    CHECK_INT(res.status, 400);
    CHECK_INT(err_code(), ERR_INVALID_REQUEST);
    run(f,
        &(struct rq){.body = PING_BODY, .h = {STD, "MCP-Protocol-Version", "2025-11-25\xc3\xa9"}});
    CHECK_INT(res.status, 400);
    CHECK_INT(err_code(), ERR_INVALID_REQUEST);
    run(f, &(struct rq){.body = PING_BODY, .h = {STD, "MCP-Protocol-Version", ""}});
    CHECK_INT(res.status, 400);
    run(f, &(struct rq){.body = PING_BODY, .h = {STD, "MCP-Protocol-Version", "2099-01-01"}});
    CHECK_INT(res.status, 400);
    CHECK_INT(err_code(), ERR_UNSUPPORTED_VERSION);
    data = json_object_get(json_object_get(reply, "error"), "data");
    CHECK_STR(json_string_value(json_object_get(data, "requested")), "2099-01-01");
    CHECK_STR(json_string_value(json_array_get(json_object_get(data, "supported"), 0)),
              "2026-07-28");
    run(f, &(struct rq){.body = PING_BODY, .h = {STD, "MCP-Protocol-Version", "2024-11-05"}});
    CHECK_INT(err_code(), ERR_UNSUPPORTED_VERSION);
    run(f, &(struct rq){.body = PING_BODY,
                        .h = {STD, "MCP-Protocol-Version", "2025-06-18", "MCP-Protocol-Version",
                              "2025-11-25"}});
    CHECK_INT(res.status, 400);
}

TEST(modern_tools_list)
{
    run(f, &(struct rq){.body = MODERN_LIST, .h = {MODERN_H("tools/list")}});
    CHECK_INT(res.status, 200);
    CHECK_STR(json_string_value(json_object_get(json_object_get(reply, "result"), "resultType")),
              "complete");
}

/* Mcp-Method: required, equal to the body, name case-insensitive, value case-sensitive. */
TEST(mcp_method_header_rules)
{
    run(f, &(struct rq){.body = MODERN_LIST, .h = {STD, "MCP-Protocol-Version", "2026-07-28"}});
    CHECK_INT(res.status, 400);
    CHECK_INT(err_code(), ERR_HEADER_MISMATCH);
    CHECK_INT(json_integer_value(json_object_get(reply, "id")), 3);
    run(f, &(struct rq){.body = MODERN_LIST, .h = {MODERN_H("prompts/list")}});
    CHECK_INT(res.status, 400);
    CHECK_INT(err_code(), ERR_HEADER_MISMATCH);
    run(f, &(struct rq){.body = MODERN_LIST, .h = {MODERN_H("TOOLS/LIST")}});
    CHECK_INT(err_code(), ERR_HEADER_MISMATCH);
    run(f,
        &(struct rq){.body = MODERN_LIST,
                     .h = {STD, "MCP-Protocol-Version", "2026-07-28", "mcp-method", "tools/list"}});
    CHECK_INT(res.status, 200);
    run(f, &(struct rq){
               .body = MODERN_LIST,
               .h = {STD, "MCP-Protocol-Version", "2026-07-28", "MCP-METHOD", "  tools/list\t"}});
    CHECK_INT(res.status, 200);
    /* The body alone makes it modern: the header rules apply even without the version header. */
    run(f, &(struct rq){.body = MODERN_LIST, .h = {STD, "Mcp-Method", "prompts/list"}});
    CHECK_INT(err_code(), ERR_HEADER_MISMATCH);
    /* Missing MCP-Protocol-Version on a modern body: the core's -32020. */
    run(f, &(struct rq){.body = MODERN_LIST, .h = {STD, "Mcp-Method", "tools/list"}});
    CHECK_INT(res.status, 400);
    CHECK_INT(err_code(), ERR_HEADER_MISMATCH);
}

/* Header and _meta versions must agree. */
TEST(version_header_against_meta)
{
    run(f,
        &(struct rq){.body = "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\",\"params\":"
                             "{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":"
                             "\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{}}}}",
                     .h = {STD, "MCP-Protocol-Version", "2025-11-25", "Mcp-Method", "tools/list"}});
    CHECK_INT(res.status, 400);
    CHECK_INT(err_code(), ERR_HEADER_MISMATCH);

    /* Header version against an unsupported _meta version: the mismatch wins (-32020). */
    run(f,
        &(struct rq){.body = "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"server/discover\","
                             "\"params\":{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":"
                             "\"v999.0.0\",\"io.modelcontextprotocol/clientCapabilities\":{}}}}",
                     .h = {MODERN_H("server/discover")}});
    CHECK_INT(res.status, 400);
    CHECK_INT(err_code(), ERR_HEADER_MISMATCH);
    /* Both unsupported and equal: -32022 echoing the request. */
    run(f, &(struct rq){
               .body = "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"server/discover\","
                       "\"params\":{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":"
                       "\"v999.0.0\",\"io.modelcontextprotocol/clientCapabilities\":{}}}}",
               .h = {STD, "MCP-Protocol-Version", "v999.0.0", "Mcp-Method", "server/discover"}});
    CHECK_INT(res.status, 400);
    CHECK_INT(err_code(), ERR_UNSUPPORTED_VERSION);
}

/* Mcp-Name on tools/call: plain, base64, wrong, missing, malformed. */
TEST(mcp_name_header_rules)
{
    run(f, &(struct rq){.body = MODERN_CALL, .h = {MODERN_H("tools/call"), "Mcp-Name", "echo"}});
    CHECK_INT(res.status, 200);
    CHECK_CONTAINS(res.body, "\"text\":\"hi\"");
    run(f, &(struct rq){.body = MODERN_CALL,
                        .h = {MODERN_H("tools/call"), "Mcp-Name", "=?base64?ZWNobw==?="}});
    CHECK_INT(res.status, 200);
    run(f,
        &(struct rq){.body = MODERN_CALL, .h = {MODERN_H("tools/call"), "mcp-name", "  echo  "}});
    CHECK_INT(res.status, 200);
    run(f, &(struct rq){.body = MODERN_CALL,
                        .h = {MODERN_H("tools/call"), "Mcp-Name", "wrong_tool_name"}});
    CHECK_INT(res.status, 400);
    CHECK_INT(err_code(), ERR_HEADER_MISMATCH);
    CHECK_INT(json_integer_value(json_object_get(reply, "id")), 4);
    run(f, &(struct rq){.body = MODERN_CALL, .h = {MODERN_H("tools/call")}});
    CHECK_INT(res.status, 400);
    CHECK_INT(err_code(), ERR_HEADER_MISMATCH);
    run(f, &(struct rq){.body = MODERN_CALL,
                        .h = {MODERN_H("tools/call"), "Mcp-Name", "=?base64?ZWNobw?="}});
    CHECK_INT(err_code(), ERR_HEADER_MISMATCH); /* missing padding */
    run(f, &(struct rq){.body = MODERN_CALL,
                        .h = {MODERN_H("tools/call"), "Mcp-Name", "=?base64?ZW!obw==?="}});
    CHECK_INT(err_code(), ERR_HEADER_MISMATCH);
    run(f, &(struct rq){.body = MODERN_CALL,
                        .h = {MODERN_H("tools/call"), "Mcp-Name", "=?BASE64?ZWNobw==?="}});
    CHECK_INT(err_code(), ERR_HEADER_MISMATCH); /* markers are case-sensitive: a literal */
    run(f, &(struct rq){.body = MODERN_CALL,
                        .h = {MODERN_H("tools/call"), "Mcp-Name", "=?base64?ZWNobzI=?="}});
    CHECK_INT(err_code(), ERR_HEADER_MISMATCH); /* decodes to "echo2" */
    run(f, &(struct rq){.body = MODERN_CALL,
                        .h = {MODERN_H("tools/call"), "Mcp-Name", "echo", "Mcp-Name", "echo"}});
    CHECK_INT(err_code(), ERR_HEADER_MISMATCH);
}

/* Unknown method in modern mode: 404 with -32601 (the core's status). */
TEST(modern_unknown_method_discover_and_legacy)
{
    run(f,
        &(struct rq){
            .body = "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"foo/bar\",\"params\":{" MODERN_META
                    "}}",
            .h = {MODERN_H("foo/bar")}});
    CHECK_INT(res.status, 404);
    CHECK_INT(err_code(), ERR_METHOD_NOT_FOUND);
    /* server/discover answers. */
    run(f, &(struct rq){.body = "{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"server/discover\","
                                "\"params\":{" MODERN_META "}}",
                        .h = {MODERN_H("server/discover")}});
    CHECK_INT(res.status, 200);
    CHECK(json_is_array(json_object_get(json_object_get(reply, "result"), "supportedVersions")));
    /* Legacy requests ignore the modern headers. */
    run(f, &(struct rq){.body = PING_BODY,
                        .h = {STD, "MCP-Protocol-Version", "2025-11-25", "Mcp-Method", "other"}});
    CHECK_INT(res.status, 200);
}

TEST(origin_rules)
{
    run(f, &(struct rq){.body = PING_BODY, .h = {STD, "Origin", "http://evil.example.com"}});
    CHECK_INT(res.status, 403);
    CHECK(id_is_null());
    CHECK(json_object_get(reply, "error") != NULL);
    run(f, &(struct rq){.body = PING_BODY, .h = {STD, "Origin", "null"}});
    CHECK_INT(res.status, 403);
    run(f, &(struct rq){.body = PING_BODY, .h = {STD, "Origin", "http://localhost.evil.com"}});
    CHECK_INT(res.status, 403);
    run(f, &(struct rq){.body = PING_BODY, .h = {STD, "Origin", "http://localhost:3000/x"}});
    CHECK_INT(res.status, 403);
    run(f, &(struct rq){.body = PING_BODY, .h = {STD, "Origin", "http://localhost:3000"}});
    CHECK_INT(res.status, 200);
    CHECK_STR(res_header("Access-Control-Allow-Origin"), "http://localhost:3000");
    run(f, &(struct rq){.body = PING_BODY, .h = {STD, "Origin", "https://127.0.0.1"}});
    CHECK_INT(res.status, 200);
    run(f, &(struct rq){.body = PING_BODY, .h = {STD, "Origin", "http://[::1]:6274"}});
    CHECK_INT(res.status, 200);
    run(f, &(struct rq){.body = PING_BODY,
                        .h = {STD, "Origin", "http://localhost", "Origin", "http://evil.com"}});
    CHECK_INT(res.status, 403);
    /* Configured origins (exact match), and "*" in the other front. */
    run(f, &(struct rq){.body = PING_BODY, .h = {STD, "Origin", "https://app.example.com"}});
    CHECK_INT(res.status, 200);
    run(f, &(struct rq){.body = PING_BODY, .h = {STD, "Origin", "https://app.example.com:444"}});
    CHECK_INT(res.status, 403);
    run(fo, &(struct rq){.body = PING_BODY, .h = {STD, "Origin", "https://anything.example"}});
    CHECK_INT(res.status, 200);
}

/* Host, for the local server only. */
TEST(host_rules)
{
    run(f, &(struct rq){.local = true, .body = PING_BODY, .h = {STD, "Host", "evil.example.com"}});
    CHECK_INT(res.status, 403);
    run(f, &(struct rq){.local = true,
                        .body = PING_BODY,
                        .h = {STD, "Host", "evil.example.com:8080", "Origin",
                              "http://evil.example.com:8080"}});
    CHECK_INT(res.status, 403);
    run(f, &(struct rq){.local = true, .body = PING_BODY, .h = {STD, "Host", "localhost:8080"}});
    CHECK_INT(res.status, 200);
    run(f, &(struct rq){.local = true, .body = PING_BODY, .h = {STD, "Host", "127.0.0.1:1"}});
    CHECK_INT(res.status, 200);
    run(f, &(struct rq){.local = true, .body = PING_BODY, .h = {STD, "Host", "[::1]:8080"}});
    CHECK_INT(res.status, 200);
    run(f, &(struct rq){.local = true, .body = PING_BODY, .h = {STD, "Host", "10.1.2.3:8080"}});
    CHECK_INT(res.status, 403);
    run(f, &(struct rq){.local = true, .body = PING_BODY, .h = {STD, "Host", "localhost:80x"}});
    CHECK_INT(res.status, 403);
    run(f, &(struct rq){.local = false,
                        .body = PING_BODY,
                        .h = {STD, "Host", "abc.lambda-url.eu-west-1.on.aws"}});
    CHECK_INT(res.status, 200);
    /* A wildcard bind accepts IP literals but still no DNS names. */
    run(fo, &(struct rq){.local = true, .body = PING_BODY, .h = {STD, "Host", "10.1.2.3:8080"}});
    CHECK_INT(res.status, 200);
    run(fo, &(struct rq){.local = true, .body = PING_BODY, .h = {STD, "Host", "rebind.evil.com"}});
    CHECK_INT(res.status, 403);
}

/* CORS preflight. */
TEST(cors_preflight)
{
    run(f, &(struct rq){
               .method = "OPTIONS",
               .h = {"Origin", "http://localhost:6274", "Access-Control-Request-Method", "POST"}});
    CHECK_INT(res.status, 204);
    CHECK_STR(res_header("Access-Control-Allow-Origin"), "http://localhost:6274");
    CHECK_CONTAINS(res_header("Access-Control-Allow-Headers"), "Mcp-Method");
    CHECK_CONTAINS(res_header("Access-Control-Allow-Methods"), "POST");
    run(f, &(struct rq){.method = "OPTIONS", .h = {"Origin", "http://evil.example.com"}});
    CHECK_INT(res.status, 403);
}

TEST(bearer_token)
{
    run(fa, &(struct rq){.body = PING_BODY, .h = {STD}});
    CHECK_INT(res.status, 401);
    CHECK_STR(res_header("WWW-Authenticate"), "Bearer realm=\"awscli-mcp\"");
    run(fa, &(struct rq){.body = PING_BODY, .h = {STD, "Authorization", "Bearer wrong"}});
    CHECK_INT(res.status, 401);
    CHECK_CONTAINS(res_header("WWW-Authenticate"), "invalid_token");
    run(fa, &(struct rq){.body = PING_BODY, .h = {STD, "Authorization", "Bearer s3cret-tokenX"}});
    CHECK_INT(res.status, 401);
    run(fa, &(struct rq){.body = PING_BODY, .h = {STD, "Authorization", "Bearer s3cret-toke"}});
    CHECK_INT(res.status, 401);
    run(fa, &(struct rq){.body = PING_BODY, .h = {STD, "Authorization", "Basic czNjcmV0"}});
    CHECK_INT(res.status, 401);
    run(fa, &(struct rq){.body = PING_BODY, .h = {STD, "Authorization", "Bearer s3cret-token"}});
    CHECK_INT(res.status, 200);
    run(fa, &(struct rq){.body = PING_BODY, .h = {STD, "authorization", "bearer  s3cret-token "}});
    CHECK_INT(res.status, 200);
    /* Preflight needs no token; GET without one is 401 (auth precedes 405). */
    run(fa, &(struct rq){.method = "OPTIONS", .h = {"Origin", "http://localhost"}});
    CHECK_INT(res.status, 204);
    run(fa, &(struct rq){.method = "GET"});
    CHECK_INT(res.status, 401);
}

TEST(header_value_decode)
{
    char *out = NULL;
    size_t len = 0;

    CHECK_INT(http_header_value_decode("=?base64?SGVsbG8sIOS4lueVjA==?=", &out, &len), 0);
    CHECK_STR(out, "Hello, \xe4\xb8\x96\xe7\x95\x8c");
    free(out);
    CHECK_INT(http_header_value_decode(" =?base64?IHBhZGRlZCA=?= ", &out, &len), 0);
    CHECK_STR(out, " padded ");
    free(out);
    CHECK_INT(http_header_value_decode("=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?=", &out, &len), 0);
    CHECK_STR(out, "=?base64?literal?=");
    free(out);
    CHECK_INT(http_header_value_decode("=?base64?AGE=?=", &out, &len), 0);
    CHECK_INT(len, 2); /* NUL byte kept with its length */
    free(out);
    CHECK_INT(http_header_value_decode("=?base64?SGVsbG8?=", &out, &len), -1);
    CHECK(out == NULL);
    CHECK_INT(http_header_value_decode("=?base64?SGVs!!!bG8=?=", &out, &len), -1);
    CHECK_INT(http_header_value_decode("=?base64?S=VsbG8=?=", &out, &len), -1);
    CHECK_INT(http_header_value_decode("=?base64?SGVsbG8=", &out, &len), 0);
    CHECK_STR(out, "=?base64?SGVsbG8="); /* no suffix: a literal */
    free(out);
    CHECK_INT(http_header_value_decode("caf\xc3\xa9", &out, &len), -1);
    CHECK_INT(http_header_value_decode("a\x01", &out, &len), -1);
}

int main(int argc, char **argv)
{
    struct mcp_server *s = mcp_server_new(&info);
    json_t *schema =
        json_pack("{s:s, s:{s:{s:s}}}", "type", "object", "properties", "text", "type", "string");
    struct tool echo = {
        .name = "echo", .description = "echo", .input_schema = schema, .call = echo_call};
    struct config cfg = {0}, cfg_open = {0}, cfg_auth = {0};
    int rc;

    CHECK(s != NULL);
    CHECK_INT(mcp_server_add_tool(s, &echo, NULL), 0);
    snprintf(cfg.listen_host, sizeof(cfg.listen_host), "127.0.0.1");
    cfg.max_body_bytes = 4096;
    cfg.allowed_origins = " https://app.example.com , https://other.example.com";
    cfg_open = cfg;
    cfg_open.allowed_origins = "*";
    cfg_open.max_body_bytes = 1024 * 1024;
    snprintf(cfg_open.listen_host, sizeof(cfg_open.listen_host), "0.0.0.0");
    cfg_auth = cfg;
    cfg_auth.auth_token = "s3cret-token";
    f = http_front_new(s, &cfg);
    fo = http_front_new(s, &cfg_open);
    fa = http_front_new(s, &cfg_auth);
    CHECK(f && fo && fa);

    rc = check_main(argc, argv);

    http_response_release(&res);
    http_response_release(&res); /* safe twice */
    json_decref(reply);
    http_front_free(f);
    http_front_free(fo);
    http_front_free(fa);
    mcp_server_free(s);
    json_decref(schema);
    return rc;
}
