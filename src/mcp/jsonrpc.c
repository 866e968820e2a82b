#include "mcp/jsonrpc.h"

#include <stdbool.h>
#include <string.h>

#include "banned.h"

static bool id_usable(json_t *id)
{
    return id && (json_is_string(id) || json_is_integer(id));
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
            *why = "\"id\" must be a string or an integer (MCP forbids null ids)";
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
