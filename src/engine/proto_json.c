#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "engine/engine.h"
#include "engine/protocol.h"
#include "engine/pyrepr.h"
#include "utf8.h"

#include "banned.h"

static int nomem(struct err *e)
{
    return err_set(e, ERR_INTERNAL, "protocol: out of memory or body over its cap");
}

/* Python's json.dumps (ensure_ascii=True, separators ", " and ": "), as botocore writes bodies. */
static int dump_string(struct buf *b, const char *s, size_t n)
{
    if (buf_add(b, "\"", 1) < 0)
        return -1;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        unsigned cp;
        size_t len;
        bool complete;

        if (c < 0x80) {
            int rc;

            switch (c) {
            case '"':
                rc = buf_adds(b, "\\\"");
                break;
            case '\\':
                rc = buf_adds(b, "\\\\");
                break;
            case '\n':
                rc = buf_adds(b, "\\n");
                break;
            case '\r':
                rc = buf_adds(b, "\\r");
                break;
            case '\t':
                rc = buf_adds(b, "\\t");
                break;
            case '\b':
                rc = buf_adds(b, "\\b");
                break;
            case '\f':
                rc = buf_adds(b, "\\f");
                break;
            default:
                rc = c < 0x20 ? buf_addf(b, "\\u%04x", c) : buf_add(b, &s[i], 1);
            }
            if (rc < 0)
                return -1;
            i++;
            continue;
        }
        len = utf8_seq((const unsigned char *)s + i, n - i, &complete);
        if (!complete)
            return -2;
        cp = len == 2   ? (c & 0x1fu) << 6 | (s[i + 1] & 0x3fu)
             : len == 3 ? (c & 0x0fu) << 12 | (s[i + 1] & 0x3fu) << 6 | (s[i + 2] & 0x3fu)
                        : (c & 0x07u) << 18 | (s[i + 1] & 0x3fu) << 12 | (s[i + 2] & 0x3fu) << 6 |
                              (s[i + 3] & 0x3fu);
        if (cp >= 0x10000) {
            cp -= 0x10000;
            if (buf_addf(b, "\\u%04x\\u%04x", 0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff)) < 0)
                return -1;
        } else if (buf_addf(b, "\\u%04x", cp) < 0) {
            return -1;
        }
        i += len;
    }
    return buf_add(b, "\"", 1);
}

static int dump(struct buf *b, const json_t *v)
{
    char num[PYREPR_MAX];
    const char *k;
    json_t *c;
    size_t i;
    int rc;

    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        bool first = true;

        if (buf_add(b, "{", 1) < 0)
            return -1;
        json_object_foreach((json_t *)v, k, c)
        {
            if ((!first && buf_add(b, ", ", 2) < 0) || (rc = dump_string(b, k, strlen(k))) < 0 ||
                buf_add(b, ": ", 2) < 0)
                return rc < 0 ? rc : -1;
            first = false;
            if ((rc = dump(b, c)) < 0)
                return rc;
        }
        return buf_add(b, "}", 1);
    }
    case JSON_ARRAY:
        if (buf_add(b, "[", 1) < 0)
            return -1;
        json_array_foreach(v, i, c)
        {
            if (i > 0 && buf_add(b, ", ", 2) < 0)
                return -1;
            if ((rc = dump(b, c)) < 0)
                return rc;
        }
        return buf_add(b, "]", 1);
    case JSON_STRING:
        return dump_string(b, json_string_value(v), json_string_length(v));
    case JSON_INTEGER:
        return buf_addf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    case JSON_REAL:
        if (!pyrepr_double(json_real_value(v), num))
            return -2;
        return buf_adds(b, num);
    case JSON_TRUE:
        return buf_adds(b, "true");
    case JSON_FALSE:
        return buf_adds(b, "false");
    case JSON_NULL:
        return buf_adds(b, "null");
    }
    return -2;
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
    int rc;

    if (op->input >= 0 && !plain(svc, op->input))
        return engine_handoff(e, "protocol: a JSON request with timestamps or blobs");
    rc = dump(body, params);
    if (rc == -2)
        return engine_handoff(e, "protocol: a value json.dumps would write differently");
    return rc < 0 ? nomem(e) : 0;
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
