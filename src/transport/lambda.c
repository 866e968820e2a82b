#include "lambda.h"

#define DYNLIB_CURL
#include "../dynlib.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../base64.h"
#include "../buf.h"
#include "../log.h"
#include "../utf8.h"
#include "../mcp/jsonrpc.h"
#include "alloc.h"
#include "../banned.h"

#define RAPI_PREFIX             "/2018-06-01"
#define RAPI_CONNECT_TIMEOUT_MS 2000L
#define RAPI_POST_TIMEOUT_MS    30000L

static const char truncation_note[] =
    "\n\n[output truncated: the reply exceeded AWS Lambda's 6 MB response limit; narrow the "
    "command with --query, --max-items, --start-time or --filter-pattern]";

/* ---------------------------------------------------------------------------------------- */
/* Events                                                                                    */

static void malformed(struct lambda_event *ev, int status, const char *fmt, const char *detail)
{
    ev->kind = LAMBDA_EVENT_MALFORMED;
    ev->status = status;
    snprintf(ev->why, sizeof(ev->why), fmt, detail ? detail : "");
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
        malformed(ev, 400, "malformed Function URL event: requestContext.http.method is missing%s",
                  NULL);
        return;
    }
    if (headers && !json_is_null(headers) && !json_is_object(headers)) {
        malformed(ev, 400, "malformed Function URL event: headers is not an object%s", NULL);
        return;
    }
    if (body && !json_is_null(body) && !json_is_string(body)) {
        malformed(ev, 400, "malformed Function URL event: body is not a string%s", NULL);
        return;
    }
    if (!path)
        path = json_string_value(json_object_get(http, "path"));

    ev->headers = xcalloc(json_object_size(headers) + 1, sizeof(*ev->headers));
    if (!ev->headers) {
        malformed(ev, 500, "out of memory%s", NULL);
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
            malformed(ev, 500, "out of memory%s", NULL);
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
                          "is not valid base64%s",
                          NULL);
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
    json_error_t jerr;

    memset(ev, 0, sizeof(*ev));
    ev->kind = LAMBDA_EVENT_MALFORMED;
    ev->req.deadline_ms = deadline_ms; /* for every kind: direct invokes run tools too */
    if (truncated) {
        malformed(ev, 413, "event larger than %s bytes", "7340032");
        return;
    }
    ev->root = json_loadb(data, len, JSON_ALLOW_NUL, &jerr);
    if (!ev->root) {
        malformed(ev, 400, "event is not JSON: %s", jerr.text);
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
              "message%s",
              NULL);
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

/* ---------------------------------------------------------------------------------------- */
/* Replies                                                                                   */

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
        if ((r = cut_string(block, "text", keep, true)) < 0)
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
    return jsonrpc_error(id, JSONRPC_INTERNAL_ERROR, msg, NULL);
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

/* ---------------------------------------------------------------------------------------- */
/* Runtime API client                                                                        */

struct rapi {
    CURL *curl;
    char base[300]; /* http://host:port/2018-06-01 */
    struct curl_slist *json_headers;
    struct buf body; /* body of the last answer */
    /* Lambda-Runtime-* headers of the last /next answer. */
    char request_id[128];
    char deadline[32];
    char trace_id[512];
    char function_arn[256];
    char curl_error[CURL_ERROR_SIZE];
};

static size_t on_body(char *p, size_t size, size_t n, void *opaque)
{
    struct rapi *r = opaque;
    /* Past the cap the rest is read and dropped; body.truncated records it. */
    if (buf_add(&r->body, p, size * n) < 0 && !r->body.truncated)
        return 0; /* out of memory: fail the call */
    return size * n;
}

static void copy_header_value(char *dst, size_t cap, const char *v, size_t n)
{
    while (n > 0 && (*v == ' ' || *v == '\t')) {
        v++;
        n--;
    }
    while (n > 0 && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' '))
        n--;
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, v, n);
    dst[n] = '\0';
}

static size_t on_header(char *p, size_t size, size_t n, void *opaque)
{
    struct rapi *r = opaque;
    size_t len = size * n;
    static const struct {
        const char *name;
        size_t off, cap;
    } wanted[] = {
        {"lambda-runtime-aws-request-id", offsetof(struct rapi, request_id), 128},
        {"lambda-runtime-deadline-ms", offsetof(struct rapi, deadline), 32},
        {"lambda-runtime-trace-id", offsetof(struct rapi, trace_id), 512},
        {"lambda-runtime-invoked-function-arn", offsetof(struct rapi, function_arn), 256},
    };
    const char *colon = memchr(p, ':', len);

    if (!colon)
        return len;
    for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
        size_t nl = strlen(wanted[i].name);
        if ((size_t)(colon - p) == nl && strncasecmp(p, wanted[i].name, nl) == 0) {
            copy_header_value((char *)r + wanted[i].off, wanted[i].cap, colon + 1, len - nl - 1);
            break;
        }
    }
    return len;
}

static int rapi_init(struct rapi *r, const char *api, struct err *e)
{
    memset(r, 0, sizeof(*r));
    buf_init(&r->body, CAP_LAMBDA_EVENT);
    if (!api || !*api)
        return err_set(e, -32603, "AWS_LAMBDA_RUNTIME_API is not set");
    if ((size_t)snprintf(r->base, sizeof(r->base), "http://%s" RAPI_PREFIX, api) >= sizeof(r->base))
        return err_set(e, -32603, "AWS_LAMBDA_RUNTIME_API is too long");
    r->curl = curl_easy_init();
    r->json_headers = curl_slist_append(NULL, "Content-Type: application/json");
    /* libcurl would otherwise send Expect: 100-continue for large bodies and wait for it. */
    if (r->json_headers)
        r->json_headers = curl_slist_append(r->json_headers, "Expect:");
    if (!r->curl || !r->json_headers)
        return err_set(e, -32603, "out of memory setting up libcurl");

    /* Options that hold for every call on the reused handle. */
    curl_easy_setopt(r->curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(r->curl, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(r->curl, CURLOPT_PROXY, ""); /* never route the Runtime API via a proxy */
    curl_easy_setopt(r->curl, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(r->curl, CURLOPT_CONNECTTIMEOUT_MS, RAPI_CONNECT_TIMEOUT_MS);
    curl_easy_setopt(r->curl, CURLOPT_USERAGENT, "awscli-mcp/" AWSCLI_MCP_VERSION);
    curl_easy_setopt(r->curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(r->curl, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(r->curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(r->curl, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(r->curl, CURLOPT_ERRORBUFFER, r->curl_error);
    return 0;
}

static void rapi_release(struct rapi *r)
{
    if (r->curl)
        curl_easy_cleanup(r->curl);
    curl_slist_free_all(r->json_headers);
    buf_release(&r->body);
    r->curl = NULL;
    r->json_headers = NULL;
}

/*
 * One call. Returns the HTTP status, or -1 when no answer came (connection refused, closed,
 * timed out), with the reason in e.
 */
static int rapi_call(struct rapi *r, const char *path, const char *body, size_t len,
                     struct curl_slist *headers, struct err *e)
{
    char url[600];
    CURLcode cc;
    long status = 0;

    snprintf(url, sizeof(url), "%s%s", r->base, path);
    buf_reset(&r->body);
    r->curl_error[0] = '\0';
    curl_easy_setopt(r->curl, CURLOPT_URL, url);
    if (body) {
        curl_easy_setopt(r->curl, CURLOPT_POST, 1L);
        curl_easy_setopt(r->curl, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(r->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
        curl_easy_setopt(r->curl, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(r->curl, CURLOPT_TIMEOUT_MS, RAPI_POST_TIMEOUT_MS);
    } else {
        r->request_id[0] = r->deadline[0] = r->trace_id[0] = r->function_arn[0] = '\0';
        curl_easy_setopt(r->curl, CURLOPT_HTTPGET, 1L);
        curl_easy_setopt(r->curl, CURLOPT_HTTPHEADER, NULL);
        /* No timeout: the process is frozen between invocations and the GET resumes. */
        curl_easy_setopt(r->curl, CURLOPT_TIMEOUT_MS, 0L);
    }
    cc = curl_easy_perform(r->curl);
    if (cc != CURLE_OK)
        return err_set(e, -32603, "%s", r->curl_error[0] ? r->curl_error : curl_easy_strerror(cc));
    curl_easy_getinfo(r->curl, CURLINFO_RESPONSE_CODE, &status);
    return (int)status;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/*
 * A call retried on no answer or a 5xx (old libcurl failed the first call after a thaw; a
 * Runtime API restarting answers 500 briefly). Returns the status of the first answer below
 * 500, or -1 after LAMBDA_RAPI_ATTEMPTS attempts, logged as an ERROR naming the call.
 */
static int rapi_call_retry(struct rapi *r, const char *what, const char *path, const char *body,
                           size_t len, struct curl_slist *headers)
{
    static const long backoff_ms[] = {100, 300, 900};
    struct err e = ERR_INIT;
    int status = -1;

    for (int attempt = 1; attempt <= LAMBDA_RAPI_ATTEMPTS; attempt++) {
        status = rapi_call(r, path, body, len, headers, &e);
        if (status >= 0 && status < 500)
            return status;
        if (status >= 500)
            snprintf(e.msg, sizeof(e.msg), "HTTP %d %.*s", status, 120, r->body.p);
        log_event(attempt < LAMBDA_RAPI_ATTEMPTS ? LOG_WARN : LOG_ERROR,
                  attempt < LAMBDA_RAPI_ATTEMPTS ? "Runtime API call failed, retrying"
                                                 : "Runtime API call failed, giving up",
                  json_pack("{s:s, s:s, s:s, s:i, s:i}", "call", what, "path", path, "error", e.msg,
                            "attempt", attempt, "attempts", LAMBDA_RAPI_ATTEMPTS));
        if (attempt < LAMBDA_RAPI_ATTEMPTS)
            sleep_ms(backoff_ms[attempt - 1]);
    }
    return -1;
}

static char *error_body(const char *message, const char *type, size_t *len)
{
    json_t *j =
        json_pack("{s:s, s:s, s:[]}", "errorMessage", message, "errorType", type, "stackTrace");
    char *text = j ? dump_take(j, len) : NULL;
    json_decref(j);
    return text;
}

/* POSTs an error document to path. Returns the HTTP status or -1. */
static int rapi_post_error(struct rapi *r, const char *what, const char *path, const char *message,
                           const char *type)
{
    char type_header[200];
    struct curl_slist *h = NULL;
    size_t len = 0;
    char *body = error_body(message, type, &len);
    int status = -1;

    snprintf(type_header, sizeof(type_header), "Lambda-Runtime-Function-Error-Type: %s", type);
    h = curl_slist_append(NULL, type_header);
    if (h)
        h = curl_slist_append(h, "Content-Type: application/json");
    if (h)
        h = curl_slist_append(h, "Expect:");
    if (body && h)
        status = rapi_call_retry(r, what, path, body, len, h);
    curl_slist_free_all(h);
    free(body);
    return status;
}

bool lambda_mode_requested(int argc, char **argv)
{
    if (argc > 1 && argv[1][0] != '-')
        return strcmp(argv[1], "lambda") == 0;
    return getenv("AWS_LAMBDA_RUNTIME_API") != NULL;
}

int lambda_init_error(const char *message, const char *type)
{
    struct rapi r;
    struct err e = ERR_INIT;
    int status = -1;

    log_event(LOG_ERROR, "initialisation failed",
              json_pack("{s:s, s:s}", "errorType", type, "errorMessage", message));
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (rapi_init(&r, getenv("AWS_LAMBDA_RUNTIME_API"), &e) < 0) {
        log_msg(LOG_ERROR, "cannot report the init error: %s", e.msg);
        rapi_release(&r);
        return -1;
    }
    status = rapi_post_error(&r, "init error", "/runtime/init/error", message, type);
    rapi_release(&r);
    if (status != 202) {
        if (status >= 0) /* no answer at all was logged by rapi_call_retry */
            log_event(LOG_ERROR, "Runtime API refused the init error",
                      json_pack("{s:i}", "status", status));
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* The loop                                                                                  */

struct lambda_rt {
    struct mcp_server *server;
    struct http_front *front;
    struct rapi rapi;
};

static const char *const event_kind_names[] = {"malformed", "functionUrl", "invoke"};

/* Builds the payload for one event. Returns malloc'd text, or NULL when out of memory. */
static char *invocation_payload(struct lambda_rt *rt, struct lambda_event *ev, int *status,
                                char *rpc_method, size_t rpc_cap, size_t *len)
{
    char *text = NULL;

    if (ev->kind == LAMBDA_EVENT_HTTP) {
        struct http_response res = {0};
        http_handle(rt->front, &ev->req, &res);
        *status = res.status;
        snprintf(rpc_method, rpc_cap, "%s", res.rpc_method);
        text = lambda_reply_fit_http(&res, LAMBDA_MAX_RESPONSE_BYTES, len);
        http_response_release(&res);
    } else if (ev->kind == LAMBDA_EVENT_JSONRPC) {
        struct mcp_exchange x = {.http = false, .deadline_ms = ev->req.deadline_ms};
        struct mcp_reply reply = {0};
        const char *m = json_string_value(json_object_get(ev->message, "method"));
        snprintf(rpc_method, rpc_cap, "%.63s", m ? m : "");
        mcp_server_handle(rt->server, NULL, ev->message, &x, &reply);
        *status = reply.msg ? reply.http_status : 202;
        if (reply.msg) {
            text = lambda_reply_fit_jsonrpc(reply.msg, LAMBDA_MAX_RESPONSE_BYTES, len);
        } else {
            /* A notification: AWS's Lambda MCP clients take `{}` as "no reply". */
            text = xstrdup("{}");
            *len = 2;
        }
        json_decref(reply.msg);
    } else {
        struct http_response res = {.status = ev->status};
        json_t *err = jsonrpc_error(NULL, JSONRPC_INVALID_REQUEST, ev->why, NULL);
        *status = ev->status;
        res.headers[0].name = "Content-Type";
        res.headers[0].value = "application/json";
        res.nheaders = 1;
        res.body = err ? json_dumps(err, JSON_COMPACT) : NULL;
        json_decref(err);
        if (res.body) {
            res.body_len = strlen(res.body);
            text = lambda_reply_build(&res, len);
        }
        free(res.body);
    }
    return text;
}

/* Handles the invocation whose event is in rt->rapi. Returns 0, or -1 to stop the runtime. */
static int invocation_run(struct lambda_rt *rt)
{
    struct rapi *r = &rt->rapi;
    struct lambda_event ev;
    char path[256], rpc_method[64] = "";
    char *payload = NULL;
    size_t len = 0;
    int status = 0, posted, rc = 0;
    long long t0 = clock_mono_ms();
    struct timespec ts0, ts1;
    long long deadline;

    clock_gettime(CLOCK_MONOTONIC, &ts0);
    log_set_request_id(r->request_id);
    /*
     * Custom runtimes must set _X_AMZN_TRACE_ID themselves. setenv is not thread-safe, which is
     * safe here: one invocation at a time, on this thread, and no other thread of the process
     * reads the environment between invocations (tool children get an environment built
     * before fork).
     */
    if (r->trace_id[0])
        setenv("_X_AMZN_TRACE_ID", r->trace_id, 1);
    else
        unsetenv("_X_AMZN_TRACE_ID");

    deadline = lambda_deadline(r->deadline, clock_real_ms(), t0);
    lambda_event_parse(r->body.p, r->body.len, r->body.truncated, deadline, &ev);
    payload = invocation_payload(rt, &ev, &status, rpc_method, sizeof(rpc_method), &len);

    snprintf(path, sizeof(path), "/runtime/invocation/%s/response", r->request_id);
    if (payload) {
        posted = rapi_call_retry(r, "response", path, payload, len, r->json_headers);
    } else {
        snprintf(path, sizeof(path), "/runtime/invocation/%s/error", r->request_id);
        posted = rapi_post_error(r, "invocation error", path,
                                 "out of memory while building the reply", "Runtime.OutOfMemory");
    }
    if (posted == 413) {
        /* Cannot happen while the fitting above works; never report it as a success. */
        snprintf(path, sizeof(path), "/runtime/invocation/%s/error", r->request_id);
        posted = rapi_post_error(r, "invocation error", path,
                                 "reply larger than the Runtime API accepts",
                                 "Function.ResponseSizeTooLarge");
    }
    clock_gettime(CLOCK_MONOTONIC, &ts1);
    if (posted < 0) {
        rc = -1; /* logged by rapi_call_retry */
    } else if (posted != 202) {
        log_event(LOG_ERROR, "Runtime API refused the reply",
                  json_pack("{s:i, s:s}", "status", posted, "body", r->body.p));
    }
    log_event(LOG_INFO, "invocation",
              json_pack("{s:s, s:s?, s:s?, s:s?, s:i, s:s?, s:I, s:I}", "event",
                        event_kind_names[ev.kind], "httpMethod",
                        ev.kind == LAMBDA_EVENT_HTTP ? ev.req.method : NULL, "path",
                        ev.kind == LAMBDA_EVENT_HTTP ? ev.req.path : NULL, "rpcMethod",
                        rpc_method[0] ? rpc_method : NULL, "status", status, "caller",
                        ev.req.caller, "responseBytes", (json_int_t)len, "durationUs",
                        (json_int_t)((ts1.tv_sec - ts0.tv_sec) * 1000000LL +
                                     (ts1.tv_nsec - ts0.tv_nsec) / 1000)));
    free(payload);
    lambda_event_release(&ev);
    log_set_request_id(NULL);
    return rc;
}

int lambda_run(struct mcp_server *s, const struct config *cfg)
{
    struct lambda_rt rt = {.server = s};
    struct err e = ERR_INIT;
    long long t0 = clock_mono_ms();
    int rc = 1;

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        log_msg(LOG_ERROR, "libcurl initialisation failed");
        return 1;
    }
    if (rapi_init(&rt.rapi, getenv("AWS_LAMBDA_RUNTIME_API"), &e) < 0) {
        log_msg(LOG_ERROR, "lambda: %s", e.msg);
        goto out;
    }
    rt.front = http_front_new(s, cfg);
    if (!rt.front) {
        (void)rapi_post_error(&rt.rapi, "init error", "/runtime/init/error",
                              "cannot set up the HTTP front", "Runtime.InitError");
        goto out;
    }
    log_event(LOG_INFO, "lambda runtime ready",
              json_pack("{s:s?, s:s?, s:s?, s:I}", "function", getenv("AWS_LAMBDA_FUNCTION_NAME"),
                        "functionVersion", getenv("AWS_LAMBDA_FUNCTION_VERSION"), "memoryMb",
                        getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"), "initMs",
                        (json_int_t)(clock_mono_ms() - t0)));
    for (;;) {
        int status = rapi_call_retry(&rt.rapi, "next", "/runtime/invocation/next", NULL, 0, NULL);
        if (status < 0)
            break;
        if (status != 200 || !rt.rapi.request_id[0]) {
            log_event(LOG_ERROR, "Runtime API gave no usable invocation, exiting",
                      json_pack("{s:i, s:s}", "status", status, "body", rt.rapi.body.p));
            break;
        }
        if (invocation_run(&rt) < 0)
            break;
    }
out:
    http_front_free(rt.front);
    rapi_release(&rt.rapi);
    curl_global_cleanup();
    return rc;
}
