/* Unit tests of tool results (src/mcp/tool) and tool registration (mcp_server_add_tool). */
#include <jansson.h>
#include <string.h>

#include "check.h"
#include "mcp/server.h"
#include "mcp/tool.h"
#include "banned.h"

static const char *block_text(const struct tool_result *r, size_t i)
{
    return json_string_value(json_object_get(json_array_get(r->content, i), "text"));
}

TEST(text_sets_is_error_and_appends)
{
    struct tool_result r = TOOL_RESULT_INIT;

    CHECK_INT(tool_result_text(&r, "first", true), 0);
    CHECK(r.is_error);
    CHECK_INT(tool_result_text(&r, "second", false), 0);
    CHECK(!r.is_error);
    CHECK_INT(json_array_size(r.content), 2);
    CHECK_STR(block_text(&r, 0), "first");
    CHECK_STR(block_text(&r, 1), "second");
    CHECK_STR(json_string_value(json_object_get(json_array_get(r.content, 1), "type")), "text");
    tool_result_release(&r);
    CHECK(r.content == NULL && !r.is_error);
    tool_result_release(&r); /* safe twice */
}

TEST(add_text_keeps_is_error_and_length)
{
    struct tool_result r = TOOL_RESULT_INIT;

    r.is_error = true;
    /* Only the first 3 bytes count: the text need not be NUL-terminated there. */
    CHECK_INT(tool_result_add_text(&r, "abcdef", 3), 0);
    CHECK(r.is_error);
    CHECK_STR(block_text(&r, 0), "abc");
    tool_result_release(&r);
}

TEST(add_text_replaces_invalid_utf8_by_a_note)
{
    struct tool_result r = TOOL_RESULT_INIT;

    CHECK_INT(tool_result_add_text(&r, "caf\xc3", 4), 0);
    CHECK_STR(block_text(&r, 0), "(output was not valid UTF-8)");
    tool_result_release(&r);
}

static int noop(const struct tool *t, const struct tool_ctx *ctx, json_t *args,
                struct tool_result *r, struct err *e)
{
    (void)t;
    (void)ctx;
    (void)args;
    (void)e;
    return tool_result_text(r, "ok", false);
}

/* An image block is MCP ImageContent: type, data (base64 as given), mimeType. */
TEST(add_image_appends_image_content)
{
    struct tool_result r = TOOL_RESULT_INIT;
    json_t *img;

    CHECK_INT(tool_result_add_text(&r, "{}", 2), 0);
    CHECK_INT(tool_result_add_image(&r, "image/png", "iVBORw0KGgo=xyz", 12), 0);
    CHECK(!r.is_error);
    CHECK_INT(json_array_size(r.content), 2);
    img = json_array_get(r.content, 1);
    CHECK_INT(json_object_size(img), 3);
    CHECK_STR(json_string_value(json_object_get(img, "type")), "image");
    CHECK_STR(json_string_value(json_object_get(img, "data")), "iVBORw0KGgo=");
    CHECK_STR(json_string_value(json_object_get(img, "mimeType")), "image/png");
    tool_result_release(&r);
}

TEST(add_tool_says_which_failure)
{
    static const struct mcp_server_info info = {.name = "t", .version = "0"};
    struct mcp_server *s = mcp_server_new(&info);
    json_t *schema = json_pack("{s:s}", "type", "object");
    struct tool good = {.name = "good", .input_schema = schema, .call = noop};
    struct tool no_handler = {.name = "nohandler", .input_schema = schema};
    struct err e = ERR_INIT;

    CHECK(s != NULL);
    CHECK_INT(mcp_server_add_tool(s, &good, &e), 0);
    CHECK_INT(mcp_server_add_tool(s, &good, &e), -1);
    CHECK_INT(e.code, ERR_INVALID_PARAMS);
    CHECK_CONTAINS(e.msg, "registered already");
    CHECK_INT(mcp_server_add_tool(s, &no_handler, &e), -1);
    CHECK_INT(e.code, ERR_INVALID_PARAMS);
    CHECK_CONTAINS(e.msg, "'nohandler' lacks");
    CHECK(mcp_server_find_tool(s, "good") == &good);
    CHECK(mcp_server_find_tool(s, "nohandler") == NULL);
    mcp_server_free(s);
    json_decref(schema);
}

TEST(version_header_check_one_message)
{
    struct err e = ERR_INIT;

    CHECK_INT(mcp_version_header_check("2026-07-28", "2026-07-28", &e), 0);
    CHECK_INT(mcp_version_header_check("2025-11-25", "2026-07-28", &e), -1);
    CHECK_INT(e.code, ERR_HEADER_MISMATCH);
    CHECK_STR(e.msg, "Header mismatch: MCP-Protocol-Version header '2025-11-25' does not match "
                     "_meta protocolVersion '2026-07-28'");
    CHECK_INT(mcp_version_header_check(NULL, "2026-07-28", &e), -1);
    CHECK_CONTAINS(e.msg, "'(absent)'");
}

CHECK_MAIN
