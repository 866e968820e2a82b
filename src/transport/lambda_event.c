#include "transport/lambda_event.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "buf.h"
#include "mcp/jsonrpc.h"
#include "alloc.h"
#include "banned.h"

static void malformed(struct lambda_event *ev, int status, const char *fmt, ...) PRINTF_LIKE(3, 4);
static void malformed(struct lambda_event *ev, int status, const char *fmt, ...)
{
    va_list ap;

    ev->kind = LAMBDA_EVENT_MALFORMED;
    ev->status = status;
    va_start(ap, fmt);
    vsnprintf(ev->why, sizeof(ev->why), fmt, ap);
    va_end(ap);
}

static void parse_function_url(json_t *root, long long deadline_ms, struct lambda_event *ev)
{
    json_t *rc = json_object_get(root, "requestContext");
    json_t *http = json_object_get(rc, "http");
    json_t *headers = json_object_get(root, "headers");
    json_t *cookies = json_object_get(root, "cookies");
    json_t *body = json_object_get(root, "body");
    json_t *b64 = json_object_get(root, "isBase64Encoded");
    const char *method = json_string_value(json_object_get(http, "method"));
    const char *path = json_string_value(json_object_get(root, "rawPath"));
    const char *key;
    json_t *value;
    size_t n = 0;

    if (!method || !*method) {
        malformed(ev, 400, "malformed Function URL event: requestContext.http.method is missing");
        return;
    }
    if (headers && !json_is_null(headers) && !json_is_object(headers)) {
        malformed(ev, 400, "malformed Function URL event: headers is not an object");
        return;
    }
    if (body && !json_is_null(body) && !json_is_string(body)) {
        malformed(ev, 400, "malformed Function URL event: body is not a string");
        return;
    }
    if (!path)
        path = json_string_value(json_object_get(http, "path"));

    ev->headers = xcalloc(json_object_size(headers) + 1, sizeof(*ev->headers));
    if (!ev->headers) {
        malformed(ev, 500, "out of memory");
        return;
    }
    json_object_foreach(headers, key, value)
    {
        /* Lambda lower-cases names already; values that are not strings are not HTTP. */
        if (!json_is_string(value))
            continue;
        ev->headers[n].name = key;
        ev->headers[n].value = json_string_value(value);
        n++;
    }
    /* Payload 2.0 moves Cookie headers into cookies[]; the HTTP layer sees them as one. */
    if (json_is_array(cookies) && json_array_size(cookies) > 0 &&
        !json_object_get(headers, "cookie")) {
        struct buf b = BUF_INIT(0);
        size_t i;
        json_t *c;
        int bad = 0;
        json_array_foreach(cookies, i, c)
        {
            if (!json_is_string(c))
                continue;
            bad |= b.len ? buf_adds(&b, "; ") : 0;
            bad |= buf_adds(&b, json_string_value(c));
        }
        if (bad) {
            buf_release(&b);
            malformed(ev, 500, "out of memory");
            return;
        }
        ev->cookie = buf_take(&b, NULL);
        ev->headers[n].name = "cookie";
        ev->headers[n].value = ev->cookie;
        n++;
    }

    ev->req.method = method;
    ev->req.path = path && *path ? path : "/";
    ev->req.headers = ev->headers;
    ev->req.nheaders = n;
    if (json_is_string(body)) {
        const char *text = json_string_value(body);
        size_t len = json_string_length(body);
        if (json_is_true(b64)) {
            ev->body = base64_decode(text, len, &len);
            if (!ev->body) {
                malformed(ev, 400,
                          "malformed Function URL event: isBase64Encoded is true but the body "
                          "is not valid base64");
                return;
            }
            text = ev->body;
        }
        ev->req.body = text;
        ev->req.body_len = len;
    }
    ev->req.caller = json_string_value(
        json_object_get(json_object_get(json_object_get(rc, "authorizer"), "iam"), "userArn"));
    ev->req.deadline_ms = deadline_ms;
    ev->req.local = false;
    ev->kind = LAMBDA_EVENT_HTTP;
}

void lambda_event_parse(const char *data, size_t len, bool truncated, long long deadline_ms,
                        struct lambda_event *ev)
{
    struct err e = ERR_INIT;

    memset(ev, 0, sizeof(*ev));
    ev->kind = LAMBDA_EVENT_MALFORMED;
    ev->req.deadline_ms = deadline_ms; /* for every kind: direct invokes run tools too */
    if (truncated) {
        malformed(ev, 413, "event larger than %d bytes", CAP_LAMBDA_EVENT);
        return;
    }
    ev->root = jsonrpc_parse(data, len, false, &e);
    if (!ev->root) {
        malformed(ev, 400, "event is not JSON: %.160s", e.msg);
        return;
    }
    if (json_is_array(ev->root) || json_object_get(ev->root, "jsonrpc")) {
        ev->kind = LAMBDA_EVENT_JSONRPC;
        ev->message = ev->root;
        return;
    }
    if (json_is_object(ev->root) &&
        (json_object_get(ev->root, "requestContext") || json_object_get(ev->root, "rawPath") ||
         json_object_get(ev->root, "routeKey"))) {
        const char *version = json_string_value(json_object_get(ev->root, "version"));
        if (version && strcmp(version, "2.0") != 0) {
            malformed(ev, 400,
                      "unsupported event payload format version '%.40s' (a Function URL sends "
                      "2.0)",
                      version);
            return;
        }
        parse_function_url(ev->root, deadline_ms, ev);
        return;
    }
    malformed(ev, 400,
              "event is neither a Function URL request (payload format 2.0) nor a JSON-RPC "
              "message");
}

void lambda_event_release(struct lambda_event *ev)
{
    json_decref(ev->root);
    free(ev->headers);
    free(ev->body);
    free(ev->cookie);
    memset(ev, 0, sizeof(*ev));
}

long long lambda_deadline(const char *header, long long now_real_ms, long long now_mono_ms)
{
    char *end;
    long long unix_ms, left;

    if (!header || !*header)
        return 0;
    errno = 0;
    unix_ms = strtoll(header, &end, 10);
    if (errno || end == header || *end != '\0' || unix_ms <= 0)
        return 0;
    left = unix_ms - now_real_ms - LAMBDA_DEADLINE_MARGIN_MS;
    return left > 0 ? now_mono_ms + left : now_mono_ms;
}
