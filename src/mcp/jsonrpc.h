#ifndef MCP_JSONRPC_H
#define MCP_JSONRPC_H

/*
 * JSON-RPC 2.0 envelopes (https://www.jsonrpc.org/specification) as MCP uses them: message
 * classification and reply construction (error codes: enum err_code in err.h). No I/O.
 */

#include <jansson.h>
#include <stdbool.h>

#include "err.h"

#include "err.h"

enum jsonrpc_kind {
    JSONRPC_INVALID = 0,  /* not a JSON-RPC 2.0 message */
    JSONRPC_REQUEST,      /* method + id */
    JSONRPC_NOTIFICATION, /* method, no id */
    JSONRPC_RESPONSE      /* result or error + id */
};

/*
 * Classifies one message (not a batch). For JSONRPC_INVALID, *why says what is wrong.
 * An id must be a string or an integer (MCP forbids null ids for requests).
 */
enum jsonrpc_kind jsonrpc_classify(json_t *msg, const char **why);

/*
 * Parses len bytes of JSON as a transport receives them. Duplicate object keys are refused;
 * \u0000 inside strings is allowed (the protocol core refuses it outside tool arguments,
 * answering with the request's id; a tool judges its own arguments). `any`: any JSON value may
 * stand at the top, not only an object or an array. Returns a new reference, or NULL with e
 * saying what is wrong and where ("Parse error: ... (line L, column C)", code ERR_PARSE; or
 * ERR_INTERNAL when memory ran out); the message never names the parser's internals.
 */
json_t *jsonrpc_parse(const char *text, size_t len, bool any, struct err *e);

/* The message's id if it has a usable one (borrowed), else NULL. */
json_t *jsonrpc_id(json_t *msg);

/* New reply objects. `id` is borrowed (NULL becomes JSON null); `result` and `data` are stolen. */
json_t *jsonrpc_result(json_t *id, json_t *result);
json_t *jsonrpc_error(json_t *id, int code, const char *message, json_t *data);

#endif
