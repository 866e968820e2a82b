#include "mcp/tool.h"

#include <string.h>

#include "banned.h"

void tool_result_release(struct tool_result *r)
{
    json_decref(r->content);
    json_decref(r->structured);
    r->content = NULL;
    r->structured = NULL;
    r->is_error = false;
}

int tool_result_add_text(struct tool_result *r, const char *text, size_t len)
{
    json_t *s = json_stringn(text, len), *block;

    if (!s)
        s = json_string("(output was not valid UTF-8)");
    block = json_pack("{s:s, s:o}", "type", "text", "text", s);
    if (!block)
        return -1;
    if (!r->content)
        r->content = json_array();
    /* json_array_append_new steals block even when it fails, also for a NULL array. */
    return json_array_append_new(r->content, block) < 0 ? -1 : 0;
}

int tool_result_add_image(struct tool_result *r, const char *mime_type, const char *base64,
                          size_t len)
{
    json_t *block =
        json_pack("{s:s, s:s%, s:s}", "type", "image", "data", base64, len, "mimeType", mime_type);

    if (!block)
        return -1;
    if (!r->content)
        r->content = json_array();
    return json_array_append_new(r->content, block) < 0 ? -1 : 0;
}

int tool_result_text(struct tool_result *r, const char *text, bool is_error)
{
    if (!text)
        text = "";
    if (tool_result_add_text(r, text, strlen(text)) < 0)
        return -1;
    r->is_error = is_error;
    return 0;
}
