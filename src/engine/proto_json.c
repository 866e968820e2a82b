#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "engine/engine.h"
#include "engine/protocol.h"
#include "pyjson.h"

#include "banned.h"

static int nomem(struct err *e)
{
    return err_set(e, ERR_INTERNAL, "protocol: out of memory or body over its cap");
}

/*
 * JSONSerializer writes the params as they are, except timestamps (epoch seconds) and blobs
 * (base64). No logs input in the tables has either; an input shape that did goes to the CLI.
 */
static int plain(const struct model_service *svc, int shape)
{
    const struct model_shape *s = &svc->shapes[shape];

    if (s->type == MT_TIMESTAMP || s->type == MT_BLOB)
        return 0;
    for (int m = s->first; m < s->first + s->count; m++)
        if (svc->members[m].shape != shape && !plain(svc, svc->members[m].shape))
            return 0;
    return 1;
}

int proto_json_request(const struct model_service *svc, const struct model_operation *op,
                       const json_t *params, struct buf *body, struct err *e)
{
    if (op->input >= 0 && !plain(svc, op->input))
        return engine_handoff(e, "protocol: a JSON request with timestamps or blobs");
    return pyjson_dump(params, PYJSON_DEFAULT, body) < 0 ? nomem(e) : 0;
}

/* BaseJSONParser._parse_shape over a jansson value. */
static int parse(const struct model_service *svc, int shape, json_t *v, json_t **out, struct err *e)
{
    const struct model_shape *s = &svc->shapes[shape];
    int rc;

    *out = NULL;
    switch (s->type) {
    case MT_STRUCTURE:
        if (!json_is_object(v))
            return engine_handoff(e, "protocol: a reply value that is not an object");
        if (!(*out = json_object()))
            return nomem(e);
        for (int m = s->first; m < s->first + s->count; m++) {
            json_t *raw = json_object_get(v, svc->members[m].name), *item;

            if (!raw || json_is_null(raw))
                continue;
            if ((rc = parse(svc, svc->members[m].shape, raw, &item, e)) != 0) {
                json_decref(item);
                return rc;
            }
            if (json_object_set_new(*out, svc->members[m].name, item) < 0)
                return nomem(e);
        }
        return 0;
    case MT_LIST: {
        size_t i;
        json_t *raw, *item;

        if (!json_is_array(v))
            return engine_handoff(e, "protocol: a reply list that is not an array");
        if (!(*out = json_array()))
            return nomem(e);
        json_array_foreach(v, i, raw)
        {
            if ((rc = parse(svc, svc->members[s->first].shape, raw, &item, e)) != 0) {
                json_decref(item);
                return rc;
            }
            if (json_array_append_new(*out, item) < 0)
                return nomem(e);
        }
        return 0;
    }
    case MT_MAP: {
        const char *k;
        json_t *raw, *item;

        if (!json_is_object(v))
            return engine_handoff(e, "protocol: a reply map that is not an object");
        if (!(*out = json_object()))
            return nomem(e);
        json_object_foreach(v, k, raw)
        {
            if ((rc = parse(svc, svc->members[s->first + 1].shape, raw, &item, e)) != 0) {
                json_decref(item);
                return rc;
            }
            if (json_object_set_new(*out, k, item) < 0)
                return nomem(e);
        }
        return 0;
    }
    case MT_TIMESTAMP:
        /* A number would be read in the local time zone (datetime.fromtimestamp). */
        return engine_handoff(e, "protocol: a timestamp in a JSON reply");
    default:
        /* _default_handle: the value as the JSON gave it (blobs stay base64). */
        if (json_is_object(v) || json_is_array(v))
            return engine_handoff(e, "protocol: a structure where the model has a scalar");
        *out = json_incref(v);
        return 0;
    }
}

int proto_json_reply(const struct model_service *svc, const struct model_operation *op, int status,
                     const char *body, size_t len, const char *query_error, json_t **out,
                     struct protocol_error *perr, struct err *e)
{
    json_error_t je;
    json_t *doc = NULL, *parsed = NULL;
    int rc;

    if (len > 0 && !(doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je)))
        return engine_handoff(e, "protocol: a JSON reply jansson does not read: %s", je.text);
    if (!doc && !(doc = json_object()))
        return nomem(e);
    if (status >= 301) {
        /* BaseJSONParser._do_error_parse */
        const char *msg = json_string_value(json_object_get(doc, "message"));
        const char *type = json_string_value(json_object_get(doc, "__type"));
        const char *semi = query_error ? strchr(query_error, ';') : NULL;
        char code[256];

        if (!msg)
            msg = json_string_value(json_object_get(doc, "Message"));
        if ((json_object_get(doc, "message") && !json_is_string(json_object_get(doc, "message"))) ||
            (json_object_get(doc, "__type") && !type)) {
            json_decref(doc);
            return engine_handoff(e, "protocol: an error body with unusual types");
        }
        if (semi && semi != query_error && !strchr(semi + 1, ';'))
            snprintf(code, sizeof(code), "%.*s", (int)(semi - query_error), query_error);
        else if (type)
            snprintf(code, sizeof(code), "%s", strrchr(type, '#') ? strrchr(type, '#') + 1 : type);
        else
            snprintf(code, sizeof(code), "%d", status);
        perr->code = xstrdup(code);
        perr->message = xstrdup(msg ? msg : "");
        json_decref(doc);
        return perr->code && perr->message ? 0 : nomem(e);
    }
    if (op->output < 0) {
        json_decref(doc);
        *out = json_object();
        return *out ? 0 : nomem(e);
    }
    rc = parse(svc, op->output, doc, &parsed, e);
    json_decref(doc);
    if (rc != 0) {
        json_decref(parsed);
        return rc;
    }
    *out = parsed;
    return 0;
}
