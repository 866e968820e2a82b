#include "mcp/jsonrpc.h"

#include <stdbool.h>
#include <string.h>

#include "banned.h"

/* A string id with a NUL inside could not be echoed faithfully by everyone: not usable. */
static bool id_usable(json_t *id)
{
    return id && ((json_is_string(id) && strlen(json_string_value(id)) == json_string_length(id)) ||
                  json_is_integer(id));
}

json_t *jsonrpc_id(json_t *msg)
{
    json_t *id = json_is_object(msg) ? json_object_get(msg, "id") : NULL;
    return id_usable(id) ? id : NULL;
}

enum jsonrpc_kind jsonrpc_classify(json_t *msg, const char **why)
{
    json_t *version, *method, *id, *params;
    const char *dummy;

    if (!why)
        why = &dummy;
    if (!json_is_object(msg)) {
        *why = "a JSON-RPC message must be a JSON object";
        return JSONRPC_INVALID;
    }
    version = json_object_get(msg, "jsonrpc");
    if (!json_is_string(version) || strcmp(json_string_value(version), "2.0") != 0) {
        *why = "missing or wrong \"jsonrpc\" member (must be \"2.0\")";
        return JSONRPC_INVALID;
    }
    method = json_object_get(msg, "method");
    id = json_object_get(msg, "id");
    params = json_object_get(msg, "params");
    if (method) {
        if (!json_is_string(method)) {
            *why = "\"method\" must be a string";
            return JSONRPC_INVALID;
        }
        if (params && !json_is_object(params) && !json_is_array(params)) {
            *why = "\"params\" must be an object";
            return JSONRPC_INVALID;
        }
        if (!id)
            return JSONRPC_NOTIFICATION;
        if (!id_usable(id)) {
            *why = "\"id\" must be a string or an integer (MCP forbids null ids; a string id may "
                   "not hold \\u0000)";
            return JSONRPC_INVALID;
        }
        return JSONRPC_REQUEST;
    }
    if (json_object_get(msg, "result") || json_object_get(msg, "error")) {
        if (json_object_get(msg, "result") && json_object_get(msg, "error")) {
            *why = "a response carries \"result\" or \"error\", not both";
            return JSONRPC_INVALID;
        }
        return JSONRPC_RESPONSE;
    }
    *why = "neither a request (\"method\") nor a response (\"result\"/\"error\")";
    return JSONRPC_INVALID;
}

json_t *jsonrpc_result(json_t *id, json_t *result)
{
    json_t *r = json_object();
    json_object_set_new(r, "jsonrpc", json_string("2.0"));
    json_object_set(r, "id", id ? id : json_null());
    json_object_set_new(r, "result", result ? result : json_object());
    return r;
}

json_t *jsonrpc_error(json_t *id, int code, const char *message, json_t *data)
{
    json_t *r = json_object(), *e = json_object();
    json_object_set_new(e, "code", json_integer(code));
    json_t *m = json_string(message ? message : "");
    /* Messages may quote client input; never let bad UTF-8 drop the member. */
    json_object_set_new(e, "message", m ? m : json_string("(error message was not valid UTF-8)"));
    if (data)
        json_object_set_new(e, "data", data);
    json_object_set_new(r, "jsonrpc", json_string("2.0"));
    json_object_set(r, "id", id ? id : json_null());
    json_object_set_new(r, "error", e);
    return r;
}

/* What went wrong, in the words of JSON rather than of the parser (jansson's texts name its
 * own flags, such as JSON_ALLOW_NUL). */
static const char *parse_problem(enum json_error_code code)
{
    switch (code) {
    case json_error_stack_overflow:
        return "arrays and objects nest too deep";
    case json_error_invalid_utf8:
        return "the text is not valid UTF-8";
    case json_error_premature_end_of_input:
        return "the text ends before the JSON value does";
    case json_error_end_of_input_expected:
        return "more follows the JSON value";
    case json_error_wrong_type:
        return "the message must be a JSON object or array";
    case json_error_null_character:
        return "a raw NUL byte (inside a string, write \\u0000)";
    case json_error_null_byte_in_key:
        return "an object key contains \\u0000";
    case json_error_duplicate_key:
        return "an object has the same key twice";
    case json_error_numeric_overflow:
        return "a number is out of range (integers must fit in 64 bits)";
    default:
        return "the text is not valid JSON";
    }
}

json_t *jsonrpc_parse(const char *text, size_t len, bool any, struct err *e)
{
    json_error_t jerr;
    size_t flags = JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL | (any ? JSON_DECODE_ANY : 0);
    json_t *v = json_loadb(text ? text : "", text ? len : 0, flags, &jerr);

    if (v)
        return v;
    if (json_error_code(&jerr) == json_error_out_of_memory)
        err_set(e, ERR_INTERNAL, "out of memory");
    else
        err_set(e, ERR_PARSE, "Parse error: %s (line %d, column %d)",
                parse_problem(json_error_code(&jerr)), jerr.line, jerr.column);
    return NULL;
}
