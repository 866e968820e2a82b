#ifndef MCP_TOOL_H
#define MCP_TOOL_H

/*
 * What a tool is to the protocol core: a name, human text, schemas, annotations and one
 * handler. The core owns the registry (see server.h); a tool knows nothing of JSON-RPC or
 * transports.
 */

#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "err.h"

/* Everything a handler may know about the call it serves. All pointers are borrowed. */
struct tool_ctx {
    long long deadline_ms;        /* clock_mono_ms() time by which to be done; 0 = none */
    const atomic_bool *cancel;    /* becomes true when the client cancels; NULL = never */
    const char *caller;           /* caller identity from the transport (IAM ARN), or NULL */
    const char *protocol_version; /* the revision this exchange speaks */
    /*
     * Progress reporting; NULL when the request carried no progressToken or the transport
     * cannot deliver notifications. `total` <= 0 means unknown; message may be NULL.
     */
    void (*progress)(void *opaque, double progress, double total, const char *message);
    void *progress_opaque;
};

/* What a handler produces. The core turns it into a CallToolResult. */
struct tool_result {
    json_t *content;    /* array of content blocks (new reference, owned by the result) */
    json_t *structured; /* structuredContent object or NULL (owned) */
    bool is_error;
};

#define TOOL_RESULT_INIT                                                                           \
    {                                                                                              \
        NULL, NULL, false                                                                          \
    }
/* Frees the content and structured content and resets r; safe twice. */
void tool_result_release(struct tool_result *r);
/*
 * Appends one text block holding the `len` bytes of text (copied); bytes that are not valid
 * UTF-8 are replaced by a note saying so. is_error is left as it is. Returns 0, or -1 when out
 * of memory.
 */
int tool_result_add_text(struct tool_result *r, const char *text, size_t len) WUR;
/*
 * Appends one image block, {"type": "image", "data": base64, "mimeType": mime_type} (MCP
 * ImageContent): `base64` is the image's bytes already in base64 (len bytes, copied), which
 * the caller has checked. is_error is left as it is. Returns 0, or -1 when out of memory.
 */
int tool_result_add_image(struct tool_result *r, const char *mime_type, const char *base64,
                          size_t len) WUR;
/* Appends one text block (NULL text: an empty one) and sets is_error. Returns 0 or -1 (OOM). */
int tool_result_text(struct tool_result *r, const char *text, bool is_error) WUR;

struct tool {
    const char *name; /* [A-Za-z0-9_.-]{1,128} */
    const char *title;
    const char *description;
    json_t *input_schema;  /* object schema (owned by the tool's creator, never NULL) */
    json_t *output_schema; /* object schema or NULL */
    json_t *annotations;   /* ToolAnnotations object or NULL */
    /*
     * Runs the tool. Returns 0 with r filled (a failure of the tool itself is r->is_error),
     * or -1 with e->code = ERR_INVALID_PARAMS when the arguments are invalid (the core turns that
     * into an isError result or a JSON-RPC error as the negotiated revision wants), any other code
     * for an internal failure.
     */
    int (*call)(const struct tool *t, const struct tool_ctx *ctx, json_t *args,
                struct tool_result *r, struct err *e);
    /*
     * Client capabilities the tool needs (top-level ClientCapabilities names such as
     * "sampling"), NULL-terminated; NULL = none. A modern request whose clientCapabilities
     * lacks one gets ERR_MISSING_CAPABILITY with data.requiredCapabilities (basic/index.mdx); the
     * handler never runs.
     */
    const char *const *required_capabilities;
    void *data; /* the handler's own state */
};

#endif
