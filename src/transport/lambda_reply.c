#include "transport/lambda_reply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base64.h"
#include "buf.h"
#include "log.h"
#include "utf8.h"
#include "mcp/jsonrpc.h"
#include "banned.h"

static const char truncation_note[] =
    "\n\n[output truncated: the reply exceeded AWS Lambda's 6 MB response limit; narrow the "
    "command with --query, --max-items, --start-time or --filter-pattern]";

static char *dump_take(json_t *j, size_t *len)
{
    char *text = json_dumps(j, JSON_COMPACT);
    if (text && len)
        *len = strlen(text);
    return text;
}

char *lambda_reply_build(const struct http_response *res, size_t *len)
{
    json_t *reply = json_object(), *headers = json_object(), *cookies = json_array();
    char *text = NULL, *b64 = NULL;
    int bad = 0;

    if (!reply || !headers || !cookies)
        goto out;
    for (size_t i = 0; i < res->nheaders; i++) {
        const char *name = res->headers[i].name, *value = res->headers[i].value;
        json_t *prev;
        if (!name || !value)
            continue;
        if (strcasecmp(name, "set-cookie") == 0) {
            bad |= json_array_append_new(cookies, json_string(value));
            continue;
        }
        prev = json_object_get(headers, name);
        if (prev) {
            struct buf b = BUF_INIT(0);
            bad |= buf_addf(&b, "%s, %s", json_string_value(prev), value);
            bad |= json_object_set_new(headers, name, json_string(b.p));
            buf_release(&b);
        } else {
            bad |= json_object_set_new(headers, name, json_string(value));
        }
    }
    bad |= json_object_set_new(reply, "statusCode", json_integer(res->status));
    bad |= json_object_set(reply, "headers", headers);
    if (json_array_size(cookies))
        bad |= json_object_set(reply, "cookies", cookies);
    if (res->body_len == 0 || utf8_valid(res->body, res->body_len)) {
        bad |= json_object_set_new(reply, "body",
                                   json_stringn(res->body ? res->body : "", res->body_len));
        bad |= json_object_set_new(reply, "isBase64Encoded", json_false());
    } else {
        size_t n;
        b64 = base64_encode(res->body, res->body_len, &n);
        if (!b64)
            goto out;
        bad |= json_object_set_new(reply, "body", json_stringn(b64, n));
        bad |= json_object_set_new(reply, "isBase64Encoded", json_true());
    }
    if (!bad)
        text = dump_take(reply, len);
out:
    free(b64);
    json_decref(reply);
    json_decref(headers);
    json_decref(cookies);
    return text;
}

/* Cuts one JSON string value to `keep` bytes (+ note). Returns 1 if cut, 0 if not, -1 OOM. */
static int cut_string(json_t *obj, const char *key, size_t keep, bool note)
{
    json_t *s = json_object_get(obj, key);
    struct buf b = BUF_INIT(0);
    size_t n;
    int rc;

    if (!json_is_string(s) || json_string_length(s) <= keep)
        return 0;
    n = utf8_cut(json_string_value(s), keep);
    if (buf_add(&b, json_string_value(s), n) < 0 || (note && buf_adds(&b, truncation_note) < 0)) {
        buf_release(&b);
        return -1;
    }
    rc = json_object_set_new(obj, key, json_stringn(b.p, b.len)) < 0 ? -1 : 1;
    buf_release(&b);
    return rc;
}

/* An image cut short is no image: one longer than `keep` is replaced by a text that says why. */
static int drop_image(json_t *content, size_t i, json_t *block, size_t keep)
{
    json_t *data = json_object_get(block, "data");

    if (!json_is_string(data) || json_string_length(data) <= keep)
        return 0;
    return json_array_set_new(content, i,
                              json_pack("{s:s, s:s}", "type", "text", "text",
                                        "[image dropped: the reply exceeded AWS Lambda's 6 MB "
                                        "response limit]")) < 0
               ? -1
               : 1;
}

static int shrink_one(json_t *msg, size_t keep)
{
    json_t *result = json_object_get(msg, "result");
    json_t *content = json_object_get(result, "content");
    json_t *structured = json_object_get(result, "structuredContent");
    json_t *block, *value;
    const char *key;
    size_t i;
    int cuts = 0, r;

    if (!json_is_array(content))
        return -1;
    json_array_foreach(content, i, block)
    {
        if ((r = drop_image(content, i, block, keep)) < 0)
            return -1;
        if (r == 0 && (r = cut_string(block, "text", keep, true)) < 0)
            return -1;
        cuts += r;
    }
    if (json_is_object(structured)) {
        int scuts = 0;
        json_object_foreach(structured, key, value)
        {
            if ((r = cut_string(structured, key, keep, false)) < 0)
                return -1;
            scuts += r;
        }
        if (scuts)
            json_object_set_new(structured, "truncated", json_true());
        cuts += scuts;
    }
    return cuts;
}

int lambda_reply_shrink(json_t *reply, size_t keep)
{
    size_t i;
    json_t *elem;
    int total = 0, found = 0;

    if (!json_is_array(reply))
        return shrink_one(reply, keep);
    json_array_foreach(reply, i, elem)
    {
        int r = shrink_one(elem, keep);
        if (r >= 0) {
            found = 1;
            total += r;
        }
    }
    return found ? total : -1;
}

/* A JSON-RPC error replacing a reply that cannot be made to fit. */
static json_t *too_large_error(json_t *reply, size_t size)
{
    char msg[200];
    json_t *id = json_is_object(reply) ? jsonrpc_id(reply) : NULL;

    snprintf(msg, sizeof(msg),
             "The reply (%zu bytes) exceeds AWS Lambda's 6 MB response limit; ask for less", size);
    return jsonrpc_error(id, ERR_INTERNAL, msg, NULL);
}

/*
 * Shrinks `reply` until serialise(reply) fits in max. `serialise` is either the Function URL
 * wrapping or plain JSON. Returns malloc'd text or NULL (out of memory).
 */
typedef char *(*serialise_fn)(json_t *reply, const void *ctx, size_t *len);

static char *fit(json_t *reply, size_t first_len, size_t max, serialise_fn ser, const void *ctx,
                 size_t *len)
{
    char *text;
    json_t *err;
    size_t keep = max / 4;

    if (reply) {
        for (int round = 0; round < 40 && keep >= 16; round++, keep /= 2) {
            if (lambda_reply_shrink(reply, keep) < 0)
                break;
            text = ser(reply, ctx, len);
            if (!text)
                return NULL;
            if (*len <= max) {
                log_event(LOG_WARN, "reply cut to fit Lambda's response limit",
                          json_pack("{s:I, s:I, s:I}", "originalBytes", (json_int_t)first_len,
                                    "bytes", (json_int_t)*len, "keptPerString", (json_int_t)keep));
                return text;
            }
            free(text);
        }
    }
    err = too_large_error(reply, first_len);
    if (!err)
        return NULL;
    text = ser(err, ctx, len);
    json_decref(err);
    log_event(LOG_WARN, "reply replaced by an error: too large for Lambda's response limit",
              json_pack("{s:I}", "originalBytes", (json_int_t)first_len));
    return text;
}

static char *ser_http(json_t *reply, const void *ctx, size_t *len)
{
    struct http_response res = *(const struct http_response *)ctx;
    char *text;

    res.body = json_dumps(reply, JSON_COMPACT);
    if (!res.body)
        return NULL;
    res.body_len = strlen(res.body);
    text = lambda_reply_build(&res, len);
    free(res.body);
    return text;
}

char *lambda_reply_fit_http(const struct http_response *res, size_t max, size_t *len)
{
    char *text = lambda_reply_build(res, len);
    json_t *reply;

    if (!text || *len <= max)
        return text;
    free(text);
    {
        size_t first = *len;
        reply = json_loadb(res->body ? res->body : "", res->body_len, 0, NULL);
        text = fit(reply, first, max, ser_http, res, len);
    }
    json_decref(reply);
    return text;
}

static char *ser_plain(json_t *reply, const void *ctx, size_t *len)
{
    (void)ctx;
    return dump_take(reply, len);
}

char *lambda_reply_fit_jsonrpc(json_t *reply, size_t max, size_t *len)
{
    char *text = dump_take(reply, len);
    json_t *copy;

    if (!text || *len <= max)
        return text;
    free(text);
    copy = json_deep_copy(reply);
    text = fit(copy, *len, max, ser_plain, NULL, len);
    json_decref(copy);
    return text;
}
