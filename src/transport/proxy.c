#include "transport/proxy.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "alloc.h"
#include "aws/credentials.h"
#include "aws/http.h"
#include "base64.h"
#include "buf.h"
#include "clock.h"
#include "log.h"
#include "banned.h"

#define PROXY_MAX_INFLIGHT 64
#define PROXY_MAX_RESPONSE (64 * 1024 * 1024)
#define MAX_HEADERS        (8 + CONFIG_MAX_PROXY_HEADERS)

struct slot {
    json_t *ids; /* request ids of the message in flight (own reference), NULL = free */
    atomic_bool cancel;
    /* The last thread that used the slot, joined before the slot's next use and at exit, so
     * that no thread is still running (holding libcurl/libcrypto thread state) when the
     * process exits. Touched by the reading thread only. */
    pthread_t thread;
    bool joinable;
};

struct proxy {
    const struct config *cfg;
    char region[64];
    const char *service;
    bool sign;
    struct aws_header extra[CONFIG_MAX_PROXY_HEADERS];
    size_t n_extra;
    char extra_store[CONFIG_MAX_PROXY_HEADERS][1024];
    struct aws_http_client *http;
    struct aws_credentials_provider *creds;
    struct sigv4_key_cache key_cache;
    pthread_mutex_t out_lock; /* one line at a time on stdout */
    pthread_mutex_t lock;     /* everything below */
    pthread_cond_t changed;
    int running;
    struct slot slots[PROXY_MAX_INFLIGHT];
    char session_id[256];
    char version[64]; /* negotiated by initialize */
};

struct job {
    struct proxy *px;
    char *line;
    size_t len;
    json_t *msg; /* parsed, or NULL when the line is not JSON (forwarded all the same) */
    int slot;
    /* The response as it arrives. */
    bool sse, sse_decided;
    struct buf body, sse_line, sse_data;
    int events;
};

/* ---- output ---- */

static void write_all(const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(STDOUT_FILENO, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return; /* the client left; the reader will see EOF */
        p += w;
        n -= (size_t)w;
    }
}

/* Writes one message as one line: as received when it is one line already. */
static void emit(struct proxy *px, const char *p, size_t n)
{
    while (n && (p[n - 1] == '\n' || p[n - 1] == '\r' || p[n - 1] == ' '))
        n--;
    while (n && (*p == ' ' || *p == '\n' || *p == '\r')) {
        p++;
        n--;
    }
    if (!n)
        return;
    char *compact = NULL;
    if (memchr(p, '\n', n) || memchr(p, '\r', n)) {
        json_t *j = json_loadb(p, n, 0, NULL);
        compact = j ? json_dumps(j, JSON_COMPACT) : NULL;
        json_decref(j);
        if (!compact) {
            log_msg(LOG_WARN, "proxy: dropped a reply that is not JSON");
            return;
        }
        p = compact;
        n = strlen(compact);
    }
    pthread_mutex_lock(&px->out_lock);
    write_all(p, n);
    write_all("\n", 1);
    pthread_mutex_unlock(&px->out_lock);
    free(compact);
}

/* A JSON-RPC error for every request id of the job (an array for a batch). */
static void emit_errors(struct job *j, json_t *ids, const char *msg, long status)
{
    size_t n = json_array_size(ids);
    if (n == 0) {
        log_msg(LOG_WARN, "proxy: %s", msg);
        return;
    }
    json_t *out = json_is_array(j->msg) ? json_array() : NULL;
    for (size_t i = 0; i < n; i++) {
        json_t *data = json_pack("{ss}", "url", j->px->cfg->proxy_url);
        if (status)
            json_object_set_new(data, "httpStatus", json_integer(status));
        json_t *e = json_pack("{ss sO s{si ss so}}", "jsonrpc", "2.0", "id", json_array_get(ids, i),
                              "error", "code", ERR_INTERNAL, "message", msg, "data", data);
        if (out) {
            json_array_append_new(out, e);
            continue;
        }
        char *s = json_dumps(e, JSON_COMPACT);
        if (s)
            emit(j->px, s, strlen(s));
        free(s);
        json_decref(e);
    }
    if (out) {
        char *s = json_dumps(out, JSON_COMPACT);
        if (s)
            emit(j->px, s, strlen(s));
        free(s);
        json_decref(out);
    }
}

/* ---- what a message is ---- */

static void collect_ids(json_t *m, json_t *ids)
{
    if (json_is_object(m) && json_object_get(m, "method") && json_object_get(m, "id"))
        json_array_append(ids, json_object_get(m, "id"));
}

/* The first (or only) message of a batch carries the headers. */
static json_t *first_message(json_t *m)
{
    return json_is_array(m) ? json_array_get(m, 0) : m;
}

/* A header value: as is when visible ASCII, else =?base64?...?= (2026-07-28 "Request
 * Metadata"). Returns a string the caller frees. */
static char *header_value(const char *v)
{
    bool plain = true;
    for (const unsigned char *c = (const unsigned char *)v; *c; c++)
        if (*c < 0x20 || *c > 0x7e)
            plain = false;
    if (plain)
        return xstrdup(v);
    char *b = base64_encode(v, strlen(v), NULL);
    if (!b)
        return NULL;
    size_t n = strlen(b) + 12;
    char *out = xmalloc(n);
    if (out)
        snprintf(out, n, "=?base64?%s?=", b);
    free(b);
    return out;
}

/* ---- the response body as it arrives ---- */

static void note_initialize(struct job *j, const char *p, size_t n);
static void remember_session(struct proxy *px, const struct aws_http_response *resp);

static void sse_dispatch(struct job *j)
{
    if (j->sse_data.len) {
        note_initialize(j, j->sse_data.p, j->sse_data.len);
        emit(j->px, j->sse_data.p, j->sse_data.len);
        j->events++;
    }
    buf_reset(&j->sse_data);
}

/* One SSE line (text/event-stream, WHATWG "Parsing an event stream"). */
static void sse_line(struct job *j, const char *p, size_t n)
{
    if (n && p[n - 1] == '\r')
        n--;
    if (n == 0) {
        sse_dispatch(j);
        return;
    }
    if (n >= 5 && strncmp(p, "data:", 5) == 0) {
        p += 5;
        n -= 5;
        if (n && *p == ' ') {
            p++;
            n--;
        }
        if ((j->sse_data.len && buf_add(&j->sse_data, "\n", 1) < 0) ||
            buf_add(&j->sse_data, p, n) < 0)
            log_msg(LOG_WARN, "proxy: an SSE event over the size bound was cut");
    }
    /* event:, id:, retry: and comments carry nothing the stdio client needs. */
}

static int on_body(void *arg, const struct aws_http_response *resp, const char *p, size_t n,
                   struct err *e)
{
    struct job *j = arg;
    (void)e;
    if (!j->sse_decided) {
        const char *ct = aws_http_response_header(resp, "content-type");
        j->sse = resp->status == 200 && ct && strncasecmp(ct, "text/event-stream", 17) == 0;
        j->sse_decided = true;
        remember_session(j->px, resp); /* before any event reaches the client */
    }
    if (!j->sse)
        return buf_add(&j->body, p, n) < 0 ? -1 : 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\n') {
            sse_line(j, j->sse_line.p, j->sse_line.len);
            buf_reset(&j->sse_line);
        } else if (buf_add(&j->sse_line, &p[i], 1) < 0) {
            return -1;
        }
    }
    return 0;
}

/* ---- errors in words ---- */

static void explain(struct job *j, const struct aws_http_response *resp, const char *source,
                    char *out, size_t n)
{
    struct proxy *px = j->px;
    const char *type = aws_http_response_header(resp, "x-amzn-errortype");
    const struct buf *body = &j->body; /* on_body kept it here, not in resp */
    json_t *b = json_loadb(body->p, body->len, 0, NULL);
    const char *said = json_string_value(json_object_get(b, "Message"));
    if (!said)
        said = json_string_value(json_object_get(b, "message"));
    if (!said) /* a JSON-RPC error body */
        said = json_string_value(json_object_get(json_object_get(b, "error"), "message"));
    char lambda_said[300];
    snprintf(lambda_said, sizeof(lambda_said), "%.280s",
             said        ? said
             : body->len ? body->p
                         : "(no body)");
    bool expired = (type && strstr(type, "ExpiredToken")) || (said && strcasestr(said, "expired"));
    if (resp->status == 403 && expired)
        snprintf(out, n,
                 "the AWS credentials (from %s) have expired: refresh them (aws sso login, a new "
                 "session, ...) and retry. The server said: %s",
                 source, lambda_said);
    else if (resp->status == 403 && type && strstr(type, "UnrecognizedClient"))
        snprintf(out, n,
                 "the Function URL does not recognise the AWS credentials (from %s): the access "
                 "key or session token is invalid. The server said: %s",
                 source, lambda_said);
    else if (resp->status == 403 && px->sign)
        snprintf(out, n,
                 "the Function URL rejected the signature: check region (%s), credentials (from "
                 "%s) and the lambda:InvokeFunctionUrl permission. The server said: %s",
                 px->region, source, lambda_said);
    else if (resp->status == 401 || resp->status == 403)
        snprintf(out, n,
                 "%s refused the request (HTTP %ld): check the Authorization header given with "
                 "--header. The server said: %s",
                 px->cfg->proxy_url, resp->status, lambda_said);
    else
        snprintf(out, n, "%s answered HTTP %ld: %s", px->cfg->proxy_url, resp->status, lambda_said);
    json_decref(b);
}

/*
 * A JSON-RPC reply (or batch of them) to one of our requests in the body: then the client
 * should see it as it is (a modern server's 400 -32020 / -32022). A reply with a null id (a
 * 401 from a server that could not read the request) would leave the client waiting: no.
 */
static bool is_jsonrpc_reply(const struct buf *body, json_t *ids)
{
    json_t *b = json_loadb(body->p, body->len, 0, NULL);
    json_t *m = json_is_array(b) ? json_array_get(b, 0) : b;
    bool ok = json_is_object(m) && json_object_get(m, "jsonrpc") &&
              (json_object_get(m, "error") || json_object_get(m, "result"));
    if (ok && json_array_size(ids)) {
        ok = false;
        for (size_t i = 0; i < json_array_size(ids); i++)
            ok |= json_equal(json_array_get(ids, i), json_object_get(m, "id"));
    }
    json_decref(b);
    return ok;
}

/* ---- one message ---- */

/* The version an initialize reply negotiated goes on every later request (before the reply
 * reaches the client, so its next request already carries it). */
static void note_initialize(struct job *j, const char *p, size_t n)
{
    const char *method = json_string_value(json_object_get(first_message(j->msg), "method"));
    if (!method || strcmp(method, "initialize") != 0)
        return;
    json_t *b = json_loadb(p, n, 0, NULL);
    const char *v =
        json_string_value(json_object_get(json_object_get(b, "result"), "protocolVersion"));
    pthread_mutex_lock(&j->px->lock);
    if (v && strlen(v) < sizeof(j->px->version))
        snprintf(j->px->version, sizeof(j->px->version), "%s", v);
    pthread_mutex_unlock(&j->px->lock);
    json_decref(b);
}

static void remember_session(struct proxy *px, const struct aws_http_response *resp)
{
    const char *sid = aws_http_response_header(resp, "mcp-session-id");
    pthread_mutex_lock(&px->lock);
    if (sid && strlen(sid) < sizeof(px->session_id) && !strpbrk(sid, "\r\n"))
        snprintf(px->session_id, sizeof(px->session_id), "%s", sid);
    pthread_mutex_unlock(&px->lock);
}

static void forward(struct job *j)
{
    struct proxy *px = j->px;
    struct aws_header h[MAX_HEADERS];
    char *owned[3] = {NULL, NULL, NULL};
    char session[256], version[64];
    size_t n = 0;
    json_t *m = first_message(j->msg);
    json_t *ids = px->slots[j->slot].ids;
    struct aws_credentials creds = {0};
    struct sigv4_credentials view;
    struct aws_http_response resp;
    struct err e = ERR_INIT;
    aws_http_response_init(&resp);

    pthread_mutex_lock(&px->lock);
    snprintf(session, sizeof(session), "%s", px->session_id);
    snprintf(version, sizeof(version), "%s", px->version);
    pthread_mutex_unlock(&px->lock);
    const char *modern =
        json_string_value(json_object_get(json_object_get(json_object_get(m, "params"), "_meta"),
                                          "io.modelcontextprotocol/protocolVersion"));
    const char *method = json_string_value(json_object_get(m, "method"));
    const char *name = NULL;
    json_t *params = json_object_get(m, "params");
    if (method && (strcmp(method, "tools/call") == 0 || strcmp(method, "prompts/get") == 0))
        name = json_string_value(json_object_get(params, "name"));
    else if (method && strcmp(method, "resources/read") == 0)
        name = json_string_value(json_object_get(params, "uri"));

    h[n++] = (struct aws_header){"Accept", "application/json, text/event-stream"};
    h[n++] = (struct aws_header){"Content-Type", "application/json"};
    if (modern || version[0])
        h[n++] = (struct aws_header){"MCP-Protocol-Version", modern ? modern : version};
    if (method && (owned[0] = header_value(method)))
        h[n++] = (struct aws_header){"Mcp-Method", owned[0]};
    if (name && (owned[1] = header_value(name)))
        h[n++] = (struct aws_header){"Mcp-Name", owned[1]};
    if (session[0])
        h[n++] = (struct aws_header){"Mcp-Session-Id", session};
    for (size_t i = 0; i < px->n_extra; i++)
        h[n++] = px->extra[i];

    struct sigv4_params sp = {.region = px->region,
                              .service = px->service,
                              .when = time(NULL),
                              .normalize_path = true,
                              .cache = &px->key_cache};
    struct aws_http_request r = {.method = "POST",
                                 .url = px->cfg->proxy_url,
                                 .headers = h,
                                 .n_headers = n,
                                 .body = j->line,
                                 .body_len = j->len,
                                 .deadline_ms = clock_mono_ms() + px->cfg->timeout_s * 1000LL,
                                 .max_response = PROXY_MAX_RESPONSE,
                                 .on_body = on_body,
                                 .arg = j,
                                 .cancel = &px->slots[j->slot].cancel};
    if (px->sign) {
        if (aws_credentials_get(px->creds, &creds, &e) < 0) {
            char msg[400];
            snprintf(msg, sizeof(msg), "AWS credentials for signing: %s", e.msg);
            emit_errors(j, ids, msg, 0);
            goto out;
        }
        view = aws_credentials_view(&creds);
        r.sign = &sp;
        r.credentials = &view;
    }
    int rc = aws_http_send(px->http, &r, &resp, &e);
    if (atomic_load(&px->slots[j->slot].cancel))
        goto out; /* cancelled by the client: no reply */
    if (rc < 0) {
        emit_errors(j, ids, e.msg, 0);
        goto out;
    }
    remember_session(px, &resp);
    if (j->sse) {
        sse_line(j, j->sse_line.p, j->sse_line.len); /* a last line without its newline */
        sse_dispatch(j);
    } else if (resp.status == 200) {
        note_initialize(j, j->body.p, j->body.len);
    }
    if (resp.status == 200 && j->sse) {
        if (j->events == 0 && json_array_size(ids))
            emit_errors(j, ids, "the server ended its event stream without a reply", 200);
    } else if (resp.status == 200 || (resp.status >= 400 && is_jsonrpc_reply(&j->body, ids))) {
        if (j->body.len)
            emit(px, j->body.p, j->body.len);
        else if (json_array_size(ids))
            emit_errors(j, ids, "the server answered 200 with an empty body", 200);
    } else if (resp.status == 202 || resp.status == 204) {
        if (json_array_size(ids))
            emit_errors(j, ids, "the server accepted a request without answering it", resp.status);
    } else {
        char msg[700];
        explain(j, &resp, creds.source ? creds.source : "--header", msg, sizeof(msg));
        if (resp.status == 405 && !json_array_size(ids))
            log_msg(LOG_DEBUG, "proxy: %s", msg); /* a notification the server does not take */
        else
            emit_errors(j, ids, msg, resp.status);
    }
out:
    aws_credentials_release(&creds);
    aws_http_response_release(&resp);
    free(owned[0]);
    free(owned[1]);
}

static void *job_main(void *arg)
{
    struct job *j = arg;
    struct proxy *px = j->px;
    forward(j);
    pthread_mutex_lock(&px->lock);
    json_decref(px->slots[j->slot].ids);
    px->slots[j->slot].ids = NULL;
    px->running--;
    pthread_cond_broadcast(&px->changed);
    pthread_mutex_unlock(&px->lock);
    json_decref(j->msg);
    buf_release(&j->body);
    buf_release(&j->sse_line);
    buf_release(&j->sse_data);
    free(j->line);
    free(j);
    return NULL;
}

/* notifications/cancelled also stops our own request for that id. */
static void cancel_inflight(struct proxy *px, json_t *msg)
{
    const char *method = json_string_value(json_object_get(msg, "method"));
    if (!method || strcmp(method, "notifications/cancelled") != 0)
        return;
    json_t *rid = json_object_get(json_object_get(msg, "params"), "requestId");
    if (!rid)
        return;
    pthread_mutex_lock(&px->lock);
    for (int i = 0; i < PROXY_MAX_INFLIGHT; i++) {
        json_t *ids = px->slots[i].ids;
        if (ids && json_array_size(ids) == 1 && json_equal(json_array_get(ids, 0), rid))
            atomic_store(&px->slots[i].cancel, true);
    }
    pthread_mutex_unlock(&px->lock);
}

static int start_job(struct proxy *px, char *line, size_t len)
{
    struct job *j = xcalloc(1, sizeof(*j));
    json_t *ids = json_array();
    if (!j || !ids) {
        free(j);
        json_decref(ids);
        return -1;
    }
    j->px = px;
    j->line = line;
    j->len = len;
    j->msg = json_loadb(line, len, 0, NULL);
    buf_init(&j->body, 0);
    buf_init(&j->sse_line, 0);
    buf_init(&j->sse_data, 0);
    if (json_is_array(j->msg)) {
        for (size_t i = 0; i < json_array_size(j->msg); i++)
            collect_ids(json_array_get(j->msg, i), ids);
    } else {
        collect_ids(j->msg, ids);
        cancel_inflight(px, j->msg);
    }
    pthread_mutex_lock(&px->lock);
    while (px->running == PROXY_MAX_INFLIGHT)
        pthread_cond_wait(&px->changed, &px->lock);
    for (j->slot = 0; px->slots[j->slot].ids; j->slot++)
        ;
    px->slots[j->slot].ids = ids;
    atomic_store(&px->slots[j->slot].cancel, false);
    px->running++;
    pthread_mutex_unlock(&px->lock);

    struct slot *sl = &px->slots[j->slot];
    if (sl->joinable) {
        pthread_join(sl->thread, NULL); /* it has finished its job: the slot was free */
        sl->joinable = false;
    }
    if (pthread_create(&sl->thread, NULL, job_main, j) == 0)
        sl->joinable = true;
    else
        job_main(j); /* no thread to spare: forward on the reading thread */
    return 0;
}

/* ---- set-up ---- */

int proxy_signing_scope(const char *url, const char *given_region, char region[64], struct err *e)
{
    struct aws_url u;
    if (aws_url_parse(url, &u, e) < 0)
        return -1;
    if (given_region && *given_region) {
        snprintf(region, 64, "%s", given_region);
        return 0;
    }
    static const char mark[] = ".lambda-url.", tail[] = ".on.aws";
    const char *m = strstr(u.host, mark);
    size_t hl = strlen(u.host), tl = sizeof(tail) - 1;
    if (m && m != u.host && hl > tl && strcmp(u.host + hl - tl, tail) == 0) {
        const char *r = m + sizeof(mark) - 1;
        size_t rl = (size_t)(u.host + hl - tl - r);
        if (rl > 0 && rl < 64 && !memchr(r, '.', rl)) {
            snprintf(region, 64, "%.*s", (int)rl, r);
            return 0;
        }
    }
    return err_set(e, ERR_INVALID_PARAMS,
                   "proxy: --region is required for %s (it is inferred only from "
                   "<id>.lambda-url.<region>.on.aws)",
                   url);
}

static int parse_headers(struct proxy *px, struct err *e)
{
    const struct config *c = px->cfg;
    for (int i = 0; i < c->n_proxy_headers; i++) {
        char *s = px->extra_store[i];
        snprintf(s, sizeof(px->extra_store[i]), "%s", c->proxy_headers[i]);
        char *colon = strchr(s, ':');
        if (!colon)
            return err_set(e, ERR_INVALID_PARAMS, "--header '%s' has no ':'", s);
        *colon = '\0';
        char *v = colon + 1;
        while (*v == ' ' || *v == '\t')
            v++;
        for (char *k = s; *k; k++)
            if (*k <= ' ' || *k == 0x7f)
                return err_set(e, ERR_INVALID_PARAMS, "--header name '%s' is not a token", s);
        static const char *const own[] = {"host",         "content-length", "transfer-encoding",
                                          "content-type", "x-amz-date",     "x-amz-security-token"};
        for (size_t k = 0; k < ARRAY_SIZE(own); k++)
            if (strcasecmp(s, own[k]) == 0)
                return err_set(e, ERR_INVALID_PARAMS, "--header: the proxy sets %s itself", s);
        if (strcasecmp(s, "authorization") == 0)
            px->sign = false;
        px->extra[px->n_extra++] = (struct aws_header){s, v};
    }
    return 0;
}

int proxy_run(const struct config *cfg)
{
    static struct proxy px0; /* large: not on the stack */
    struct proxy *px = &px0;
    struct err e = ERR_INIT;
    char *line = NULL;
    size_t cap = 0;
    int rc = 2;

    px->cfg = cfg;
    px->service = cfg->proxy_service && *cfg->proxy_service ? cfg->proxy_service : "lambda";
    px->sign = true;
    px->key_cache = (struct sigv4_key_cache)SIGV4_KEY_CACHE_INIT;
    pthread_mutex_init(&px->out_lock, NULL);
    pthread_mutex_init(&px->lock, NULL);
    pthread_cond_init(&px->changed, NULL);
    if (parse_headers(px, &e) < 0 ||
        (px->sign && proxy_signing_scope(cfg->proxy_url, cfg->proxy_region, px->region, &e) < 0))
        goto fail;
    struct aws_url u;
    if (aws_url_parse(cfg->proxy_url, &u, &e) < 0)
        goto fail;
    if (strcmp(u.scheme, "http") == 0 && !aws_url_is_loopback(&u)) {
        err_set(&e, ERR_INVALID_PARAMS, "proxy: --url %s: plain http:// only to a loopback host",
                cfg->proxy_url);
        goto fail;
    }
    struct aws_credentials_options co = {.profile = cfg->proxy_profile, .aws_cli = cfg->aws_cli};
    if (aws_http_client_new(NULL, &px->http, &e) < 0 ||
        aws_credentials_provider_new(&co, &px->creds, &e) < 0)
        goto fail;
    log_msg(LOG_INFO, "proxy: forwarding stdio to %s (%s)", cfg->proxy_url,
            px->sign ? "SigV4" : "Authorization header");

    for (;;) {
        ssize_t n = getline(&line, &cap, stdin);
        if (n < 0)
            break;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n == 0)
            continue;
        if ((size_t)n > CAP_STDIO_LINE) {
            log_msg(LOG_WARN, "proxy: dropped a message of %zd bytes (limit %d)", n,
                    CAP_STDIO_LINE);
            continue;
        }
        char *copy = xmalloc((size_t)n + 1);
        if (!copy) {
            log_msg(LOG_ERROR, "proxy: out of memory");
            continue;
        }
        memcpy(copy, line, (size_t)n + 1);
        if (start_job(px, copy, (size_t)n) < 0) {
            free(copy);
            log_msg(LOG_ERROR, "proxy: out of memory");
        }
    }
    pthread_mutex_lock(&px->lock);
    while (px->running)
        pthread_cond_wait(&px->changed, &px->lock);
    pthread_mutex_unlock(&px->lock);
    for (int i = 0; i < PROXY_MAX_INFLIGHT; i++)
        if (px->slots[i].joinable)
            pthread_join(px->slots[i].thread, NULL);
    rc = 0;
    goto out;
fail:
    fprintf(stderr, "awscli-mcp: %s\n", e.msg);
out:
    free(line);
    aws_credentials_provider_free(px->creds);
    aws_http_client_free(px->http);
    return rc;
}
