/*
 * The conformance build: the shipped program plus the fixture tools that the official MCP
 * conformance suite (@modelcontextprotocol/conformance 0.1.16 and 0.2.0-alpha.12) calls.
 * Test-only; the shipped binary registers none of these.
 *
 * Each fixture returns exactly what the suite's scenario description asks for (see
 * tests/node/node_modules/conformance-0.1 and -0.2, dist/index.js, "Server Implementation
 * Requirements"). Fixtures that need server-to-client requests (sampling, elicitation, roots)
 * or logging notifications are not here: a stateless tools server cannot serve them, and
 * tests/conformance/baseline-*.txt lists the scenarios that fail for that reason.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "banned.h"

/* A 1x1 red PNG and a 16-sample 8 kHz 8-bit mono WAV, generated once with Python. */
static const char red_pixel_png[] =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAA"
    "MBAQDJ/pLvAAAAAElFTkSuQmCC";
static const char silence_wav[] = "UklGRjQAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YRAAAACAgICA"
                                  "gICAgICAgICAgICA";

static int add_block(struct tool_result *r, json_t *block, struct err *e)
{
    if (!block)
        return err_set(e, ERR_INTERNAL, "out of memory");
    if (!r->content)
        r->content = json_array();
    if (!r->content || json_array_append_new(r->content, block) < 0)
        return err_set(e, ERR_INTERNAL, "out of memory");
    return 0;
}

static int text_result(struct tool_result *r, const char *text, bool is_error, struct err *e)
{
    if (tool_result_text(r, text, is_error) < 0)
        return err_set(e, ERR_INTERNAL, "out of memory");
    return 0;
}

static int call_simple_text(const struct tool *t, const struct tool_ctx *ctx, json_t *args,
                            struct tool_result *r, struct err *e)
{
    (void)t, (void)ctx, (void)args;
    return text_result(r, "This is a simple text response for testing.", false, e);
}

static int call_image(const struct tool *t, const struct tool_ctx *ctx, json_t *args,
                      struct tool_result *r, struct err *e)
{
    (void)t, (void)ctx, (void)args;
    return add_block(r,
                     json_pack("{s:s, s:s, s:s}", "type", "image", "data", red_pixel_png,
                               "mimeType", "image/png"),
                     e);
}

static int call_audio(const struct tool *t, const struct tool_ctx *ctx, json_t *args,
                      struct tool_result *r, struct err *e)
{
    (void)t, (void)ctx, (void)args;
    return add_block(
        r,
        json_pack("{s:s, s:s, s:s}", "type", "audio", "data", silence_wav, "mimeType", "audio/wav"),
        e);
}

static int call_embedded_resource(const struct tool *t, const struct tool_ctx *ctx, json_t *args,
                                  struct tool_result *r, struct err *e)
{
    (void)t, (void)ctx, (void)args;
    return add_block(r,
                     json_pack("{s:s, s:{s:s, s:s, s:s}}", "type", "resource", "resource", "uri",
                               "test://embedded-resource", "mimeType", "text/plain", "text",
                               "This is an embedded resource content."),
                     e);
}

static int call_multiple(const struct tool *t, const struct tool_ctx *ctx, json_t *args,
                         struct tool_result *r, struct err *e)
{
    (void)t, (void)ctx, (void)args;
    if (text_result(r, "Multiple content types test:", false, e) < 0 ||
        add_block(r,
                  json_pack("{s:s, s:s, s:s}", "type", "image", "data", red_pixel_png, "mimeType",
                            "image/png"),
                  e) < 0)
        return -1;
    return add_block(r,
                     json_pack("{s:s, s:{s:s, s:s, s:s}}", "type", "resource", "resource", "uri",
                               "test://mixed-content-resource", "mimeType", "application/json",
                               "text", "{\"test\":\"data\",\"value\":123}"),
                     e);
}

static int call_error(const struct tool *t, const struct tool_ctx *ctx, json_t *args,
                      struct tool_result *r, struct err *e)
{
    (void)t, (void)ctx, (void)args;
    return text_result(r, "This tool intentionally returns an error for testing", true, e);
}

/* Sleeps ms milliseconds, or less when the call is cancelled. Returns true if cancelled. */
static bool sleep_cancellable(const struct tool_ctx *ctx, int ms)
{
    for (int left = ms; left > 0; left -= 10) {
        struct timespec ts = {0, 10 * 1000000L};
        if (ctx->cancel && atomic_load(ctx->cancel))
            return true;
        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
            ;
    }
    return ctx->cancel && atomic_load(ctx->cancel);
}

static int call_progress(const struct tool *t, const struct tool_ctx *ctx, json_t *args,
                         struct tool_result *r, struct err *e)
{
    static const double steps[] = {0, 50, 100};
    (void)t, (void)args;
    for (size_t i = 0; i < ARRAY_SIZE(steps); i++) {
        if (i > 0 && sleep_cancellable(ctx, 50))
            return text_result(r, "Cancelled", true, e);
        if (ctx->progress)
            ctx->progress(ctx->progress_opaque, steps[i], 100, NULL);
    }
    return text_result(r, "Progress test completed", false, e);
}

/*
 * 0.2's server-stateless scenario calls these to see that a modern server neither sends log
 * messages without _meta logLevel nor independent requests on a response stream. This server
 * does neither, whatever the tool; the fixtures just answer.
 */
static int call_logging_tool(const struct tool *t, const struct tool_ctx *ctx, json_t *args,
                             struct tool_result *r, struct err *e)
{
    (void)t, (void)ctx, (void)args;
    return text_result(r, "Logging tool completed (this server sends no log notifications)", false,
                       e);
}

static int call_echo_schema(const struct tool *t, const struct tool_ctx *ctx, json_t *args,
                            struct tool_result *r, struct err *e)
{
    char *dump = json_dumps(args, JSON_COMPACT | JSON_SORT_KEYS);
    int rc;
    (void)t, (void)ctx;
    if (!dump)
        return err_set(e, ERR_INTERNAL, "out of memory");
    rc = text_result(r, dump, false, e);
    free(dump);
    return rc;
}

#define NO_ARGS_SCHEMA "{\"type\": \"object\", \"properties\": {}}"

/*
 * json-schema-2020-12: SEP-1613 ($schema, $defs, additionalProperties; 0.1.16) and SEP-2106
 * ($anchor, allOf/anyOf, if/then/else; 0.2.0-alpha.12) keywords must reach the client unchanged.
 */
static const char schema_2020_12[] =
    "{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\", \"type\": \"object\", \""
    "$defs\": {\"address\": {\"$anchor\": \"addressDef\", \"type\": \"object\", \"properties"
    "\": {\"street\": {\"type\": \"string\"}, \"city\": {\"type\": \"string\"}}}}, \"properti"
    "es\": {\"name\": {\"type\": \"string\"}, \"address\": {\"$ref\": \"#/$defs/address\"}, "
    "\"contactMethod\": {\"type\": \"string\", \"enum\": [\"phone\", \"email\"]}, \"phone\": "
    "{\"type\": \"string\"}, \"email\": {\"type\": \"string\"}}, \"allOf\": [{\"anyOf\": [{\""
    "required\": [\"phone\"]}, {\"required\": [\"email\"]}]}], \"if\": {\"properties\": {\"co"
    "ntactMethod\": {\"const\": \"phone\"}}, \"required\": [\"contactMethod\"]}, \"then\": {"
    "\"required\": [\"phone\"]}, \"else\": {\"required\": [\"email\"]}, \"additionalPropertie"
    "s\": false}";

struct fixture {
    struct tool tool;
    const char *schema; /* JSON text of the input schema */
};

static struct fixture fixtures[] = {
    {{.name = "test_simple_text",
      .description = "Returns a simple text response",
      .call = call_simple_text},
     NO_ARGS_SCHEMA},
    {{.name = "test_image_content",
      .description = "Returns a 1x1 red PNG image",
      .call = call_image},
     NO_ARGS_SCHEMA},
    {{.name = "test_audio_content", .description = "Returns a short WAV clip", .call = call_audio},
     NO_ARGS_SCHEMA},
    {{.name = "test_embedded_resource",
      .description = "Returns an embedded text resource",
      .call = call_embedded_resource},
     NO_ARGS_SCHEMA},
    {{.name = "test_multiple_content_types",
      .description = "Returns text, image and resource content",
      .call = call_multiple},
     NO_ARGS_SCHEMA},
    {{.name = "test_error_handling",
      .description = "Always returns a tool execution error",
      .call = call_error},
     NO_ARGS_SCHEMA},
    {{.name = "test_tool_with_progress",
      .description = "Reports progress 0, 50, 100 of 100, 50 ms apart",
      .call = call_progress},
     NO_ARGS_SCHEMA},
    {{.name = "test_logging_tool",
      .description = "Finishes without sending log notifications",
      .call = call_logging_tool},
     NO_ARGS_SCHEMA},
    {{.name = "test_missing_capability",
      .description = "Needs the client's sampling capability (ERR_MISSING_CAPABILITY without it)",
      .required_capabilities = (const char *const[]){"sampling", NULL},
      .call = call_simple_text},
     NO_ARGS_SCHEMA},
    {{.name = "json_schema_2020_12_tool",
      .description = "Tool with JSON Schema 2020-12 features",
      .call = call_echo_schema},
     schema_2020_12},
};

static int register_fixtures(struct mcp_server *s, const struct config *cfg)
{
    (void)cfg;
    for (size_t i = 0; i < ARRAY_SIZE(fixtures); i++) {
        json_error_t jerr;
        struct tool *t = &fixtures[i].tool;
        t->input_schema = json_loads(fixtures[i].schema, 0, &jerr);
        if (!t->input_schema) {
            fprintf(stderr, "fixture %s: bad schema: %s\n", t->name, jerr.text);
            return -1;
        }
        if (mcp_server_add_tool(s, t, NULL) < 0)
            return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int rc = app_main(argc, argv, register_fixtures);
    for (size_t i = 0; i < ARRAY_SIZE(fixtures); i++)
        json_decref(fixtures[i].tool.input_schema);
    return rc;
}
