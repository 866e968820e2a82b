#include "transport/http.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "log.h"
#include "mcp/jsonrpc.h"
#include "alloc.h"
#include "banned.h"

/* Methods the endpoint answers (Allow, Access-Control-Allow-Methods). */
#define ALLOWED_METHODS "POST, OPTIONS"
/* Request headers a browser client may send (CORS preflight). */
#define ALLOWED_HEADERS                                                                            \
    "Content-Type, Accept, Authorization, MCP-Protocol-Version, Mcp-Method, Mcp-Name, "            \
    "Mcp-Session-Id, Last-Event-ID"
#define MAX_ORIGINS 64

struct http_front {
    struct mcp_server *server;
    char *auth_token; /* NULL = no token required */
    size_t auth_len;
    char *origins_text; /* our copy of cfg->allowed_origins, cut into origins[] */
    const char *origins[MAX_ORIGINS];
    size_t norigins;
    bool any_origin;       /* "*" was configured */
    char listen_host[256]; /* without IPv6 brackets */
    bool listen_wildcard;  /* 0.0.0.0 or :: */
    size_t max_body;
};

struct http_front *http_front_new(struct mcp_server *server, const struct config *cfg)
{
    struct http_front *f = xcalloc(1, sizeof(*f));
    char *p;

    if (!f)
        return NULL;
    f->server = server;
    f->max_body = cfg->max_body_bytes ? cfg->max_body_bytes : CAP_HTTP_BODY;
    snprintf(f->listen_host, sizeof(f->listen_host), "%s", cfg->listen_host);
    f->listen_wildcard = strcmp(f->listen_host, "0.0.0.0") == 0 ||
                         strcmp(f->listen_host, "::") == 0 || f->listen_host[0] == '\0';
    if (cfg->auth_token && *cfg->auth_token) {
        f->auth_token = xstrdup(cfg->auth_token);
        if (!f->auth_token)
            goto fail;
        f->auth_len = strlen(f->auth_token);
    }
    if (cfg->allowed_origins && *cfg->allowed_origins) {
        f->origins_text = xstrdup(cfg->allowed_origins);
        if (!f->origins_text)
            goto fail;
        p = f->origins_text;
        while (*p && f->norigins < MAX_ORIGINS) {
            char *end = strchr(p, ',');
            const char *s = p;
            size_t n;
            if (end)
                *end = '\0';
            n = strlen(s);
            http_trim(&s, &n);
            ((char *)s)[n] = '\0';
            if (n == 1 && s[0] == '*')
                f->any_origin = true;
            else if (n)
                f->origins[f->norigins++] = s;
            if (!end)
                break;
            p = end + 1;
        }
    }
    return f;
fail:
    http_front_free(f);
    return NULL;
}

void http_front_free(struct http_front *f)
{
    if (!f)
        return;
    free(f->auth_token);
    free(f->origins_text);
    free(f);
}

void http_response_release(struct http_response *res)
{
    free(res->body);
    res->body = NULL;
    res->body_len = 0;
}

/* ---------------------------------------------------------------------------------------- */
/* Responses                                                                                 */

static void add_header(struct http_response *res, const char *name, const char *value)
{
    if (res->nheaders < HTTP_MAX_RESPONSE_HEADERS) {
        res->headers[res->nheaders].name = name;
        res->headers[res->nheaders].value = value;
        res->nheaders++;
    }
}

/* Sets the body to the JSON text of msg (stolen) with Content-Type application/json. */
static void set_json_body(struct http_response *res, int status, json_t *msg)
{
    char *text = msg ? json_dumps(msg, JSON_COMPACT) : NULL;
    json_decref(msg);
    if (!text) {
        res->status = 500;
        return;
    }
    res->status = status;
    res->body = text;
    res->body_len = strlen(text);
    add_header(res, "Content-Type", "application/json");
}

/* An error reply. `id` borrowed (NULL = null id), data stolen. */
static void set_error(struct http_response *res, int status, json_t *id, int code,
                      const char *message, json_t *data)
{
    set_json_body(res, status, jsonrpc_error(id, code, message, data));
}

/* ---------------------------------------------------------------------------------------- */
/* Host and Origin (basic/transports "Security Warning", DNS rebinding)                      */

static bool name_is_loopback(const char *name, bool v6)
{
    if (v6)
        return strcmp(name, "::1") == 0;
    return strcasecmp(name, "localhost") == 0 || strcmp(name, "127.0.0.1") == 0;
}

/*
 * The local server answers only to names that cannot be rebound: the loopback names, the
 * configured listen host, and (when bound to every interface) IP literals. A rebinding attack
 * needs a DNS name of the attacker's, so an IP literal Host is never one.
 */
static bool host_allowed(const struct http_front *f, const char *value)
{
    char name[256];
    const char *p = value;
    size_t n = strlen(p);
    bool v6;
    unsigned char addr[16];

    http_trim(&p, &n);
    if (!http_authority_split(p, n, name, sizeof(name), &v6))
        return false;
    if (name_is_loopback(name, v6))
        return true;
    if (f->listen_host[0] && strcasecmp(name, f->listen_host) == 0)
        return true;
    if (f->listen_wildcard)
        return v6 ? inet_pton(AF_INET6, name, addr) == 1 : inet_pton(AF_INET, name, addr) == 1;
    return false;
}

/* Allowed: the configured list (exact, case-insensitive; "*" = any but null) and loopback web
 * origins. */
static bool origin_allowed(const struct http_front *f, const char *value)
{
    const char *p = value;
    size_t n = strlen(p), skip;
    char name[256];
    bool v6;

    http_trim(&p, &n);
    /*
     * "null" is the opaque origin of sandboxed frames, file: pages and some redirects: any web
     * page can produce it, so it is refused even when "*" allows every real origin.
     */
    if (http_span_ieq(p, n, "null"))
        return false;
    if (f->any_origin)
        return true;
    for (size_t i = 0; i < f->norigins; i++)
        if (http_span_ieq(p, n, f->origins[i]))
            return true;
    if (n >= 7 && strncasecmp(p, "http://", 7) == 0)
        skip = 7;
    else if (n >= 8 && strncasecmp(p, "https://", 8) == 0)
        skip = 8;
    else
        return false;
    if (!http_authority_split(p + skip, n - skip, name, sizeof(name), &v6))
        return false;
    return name_is_loopback(name, v6);
}

/* ---------------------------------------------------------------------------------------- */
/* Authorization, Content-Type, Accept                                                       */

/* Compares in time that depends only on the secret's length, never on where they differ. */
static bool token_equal(const char *given, size_t glen, const char *secret, size_t slen)
{
    unsigned char d = glen != slen;
    for (size_t i = 0; i < slen; i++)
        d |= (unsigned char)((i < glen ? (unsigned char)given[i] : 0) ^ (unsigned char)secret[i]);
    return d == 0;
}

/* 0 = ok, 1 = no credentials, 2 = wrong credentials (RFC 6750 section 3). */
static int check_bearer(const struct http_front *f, const struct http_request *req)
{
    const char *v = http_header_get(req->headers, req->nheaders, "Authorization");
    size_t n;

    if (!v)
        return 1;
    if (http_header_count(req->headers, req->nheaders, "Authorization") != 1)
        return 2;
    n = strlen(v);
    http_trim(&v, &n);
    if (n < 7 || strncasecmp(v, "Bearer", 6) != 0 || !http_is_ows(v[6]))
        return 2;
    v += 7;
    n -= 7;
    http_trim(&v, &n);
    return token_equal(v, n, f->auth_token, f->auth_len) ? 0 : 2;
}

/* ---------------------------------------------------------------------------------------- */
/* MCP headers                                                                               */

static bool printable(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] < 0x20 || p[i] > 0x7e)
            return false;
    return true;
}

/* Where Mcp-Name comes from (streamable-http.mdx "Standard Request Headers"), or NULL. */
static const char *name_source(const char *method)
{
    if (strcmp(method, "tools/call") == 0 || strcmp(method, "prompts/get") == 0)
        return "name";
    if (strcmp(method, "resources/read") == 0)
        return "uri";
    return NULL;
}

static void mismatch(json_t *id, struct http_response *res, const char *fmt, ...) PRINTF_LIKE(3, 4);
static void mismatch(json_t *id, struct http_response *res, const char *fmt, ...)
{
    char msg[300];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    set_error(res, 400, id, ERR_HEADER_MISMATCH, msg, NULL);
}
/*
 * 2026-07-28 header validation (streamable-http.mdx "Server Validation"): Mcp-Method on every
 * request, Mcp-Name where the method has a name, each equal to the body. Returns 0, or -1 with
 * res filled (400, ERR_HEADER_MISMATCH).
 */
static int check_modern_headers(const struct http_request *req, json_t *msg,
                                struct http_response *res)
{
    json_t *id = jsonrpc_id(msg);
    const char *method = json_string_value(json_object_get(msg, "method"));
    const char *hm = http_header_get(req->headers, req->nheaders, "Mcp-Method");
    const char *hn = http_header_get(req->headers, req->nheaders, "Mcp-Name");
    const char *src;
    json_t *body_name;
    char *decoded = NULL;
    size_t dlen;
    int rc = -1;

    if (!method)
        return 0; /* a response or an invalid message: the core answers it */
    if (http_header_count(req->headers, req->nheaders, "Mcp-Method") > 1 ||
        http_header_count(req->headers, req->nheaders, "Mcp-Name") > 1) {
        mismatch(id, res, "Header mismatch: %s header sent more than once",
                 http_header_count(req->headers, req->nheaders, "Mcp-Method") > 1 ? "Mcp-Method"
                                                                                  : "Mcp-Name");
        return -1;
    }
    if (!hm) {
        if (!json_object_get(msg, "id"))
            return 0; /* notifications: no header rules in 2026-07-28 */
        mismatch(id, res, "Header mismatch: the Mcp-Method header is required");
        return -1;
    }
    {
        const char *p = hm;
        size_t n = strlen(p);
        http_trim(&p, &n);
        if (strlen(method) != n || memcmp(method, p, n) != 0) {
            char shown[80];
            snprintf(shown, sizeof(shown), "%.*s", (int)(n < 64 ? n : 64), p);
            mismatch(id, res,
                     "Header mismatch: Mcp-Method header value '%s' does not match body "
                     "value '%.64s'",
                     shown, method);
            return -1;
        }
    }

    src = name_source(method);
    if (!src)
        return 0;
    body_name = json_object_get(json_object_get(msg, "params"), src);
    if (!json_is_string(body_name)) {
        if (hn) {
            mismatch(id, res, "Header mismatch: Mcp-Name header sent but params.%s is not a string",
                     src);
            return -1;
        }
        return 0; /* the core reports the missing name */
    }
    if (!hn) {
        mismatch(id, res, "Header mismatch: the Mcp-Name header is required for %s", method);
        return -1;
    }
    if (http_header_value_decode(hn, &decoded, &dlen) < 0) {
        mismatch(id, res,
                 "Header mismatch: Mcp-Name header value is malformed (invalid characters or "
                 "invalid base64)");
        goto out;
    }
    if (dlen != json_string_length(body_name) ||
        memcmp(decoded, json_string_value(body_name), dlen) != 0) {
        char shown[80];
        snprintf(shown, sizeof(shown), "%.64s", decoded);
        mismatch(id, res,
                 "Header mismatch: Mcp-Name header value '%s' does not match body value "
                 "'%.64s'",
                 shown, json_string_value(body_name));
        goto out;
    }
    rc = 0;
out:
    free(decoded);
    return rc;
}

/* ---------------------------------------------------------------------------------------- */
/* The handler                                                                               */

static void copy_method(struct http_response *res, const char *method)
{
    size_t i = 0;
    /* Printable ASCII only: the access log must stay valid JSON whatever a client sends. */
    for (; method && method[i] && i + 1 < sizeof(res->rpc_method); i++) {
        unsigned char c = (unsigned char)method[i];
        res->rpc_method[i] = (char)(c >= 0x20 && c < 0x7f ? c : '?');
    }
    res->rpc_method[i] = '\0';
}

static bool path_is_endpoint(const char *path)
{
    return path && (strcmp(path, "/mcp") == 0 || strcmp(path, "/") == 0);
}

static void handle_post(struct http_front *f, const struct http_request *req,
                        struct http_response *res)
{
    const char *ct = http_header_get(req->headers, req->nheaders, "Content-Type");
    const char *hv_raw = http_header_get(req->headers, req->nheaders, "MCP-Protocol-Version");
    char hv[65] = {0};
    struct err e = ERR_INIT;
    json_t *msg = NULL, *id = NULL;
    struct mcp_reply reply = {0};
    struct mcp_exchange x = {.http = true};
    const char *mv;
    bool modern;

    if (!ct || http_header_count(req->headers, req->nheaders, "Content-Type") != 1 ||
        !http_content_type_is(ct, "application/json")) {
        set_error(res, 415, NULL, ERR_INVALID_REQUEST,
                  "Unsupported Media Type: Content-Type must be application/json", NULL);
        return;
    }
    if (!http_accepts_json(req->headers, req->nheaders)) {
        set_error(res, 406, NULL, ERR_INVALID_REQUEST,
                  "Not Acceptable: Accept must allow application/json", NULL);
        return;
    }
    if (req->body_too_large || req->body_len > f->max_body) {
        char m[120];
        snprintf(m, sizeof(m), "Payload Too Large: the body limit is %zu bytes", f->max_body);
        set_error(res, 413, NULL, ERR_INVALID_REQUEST, m, NULL);
        return;
    }

    msg = jsonrpc_parse(req->body, req->body_len, true, &e);
    if (!msg) {
        set_error(res, e.code == ERR_PARSE ? 400 : 500, NULL, e.code, e.msg, NULL);
        return;
    }
    id = json_is_object(msg) ? jsonrpc_id(msg) : NULL;
    copy_method(res, json_is_object(msg) ? json_string_value(json_object_get(msg, "method"))
                                         : (json_is_array(msg) ? "(batch)" : NULL));

    /*
     * MCP-Protocol-Version (basic/transports "Protocol Version Header"): an invalid or
     * unsupported value gets 400; absent means 2025-03-26 (the core's default). Any value we do
     * not serve gets ERR_UNSUPPORTED_VERSION with the supported list, so a modern client recognises
     * a modern server (streamable-http.mdx "Backward Compatibility"); only a value that cannot be
     * echoed (control bytes, non-ASCII, very long, repeated header) gets a plain
     * ERR_INVALID_REQUEST.
     */
    if (hv_raw) {
        const char *p = hv_raw;
        size_t n = strlen(p);
        http_trim(&p, &n);
        if (http_header_count(req->headers, req->nheaders, "MCP-Protocol-Version") != 1 || n == 0 ||
            n > 64 || !printable(p, n)) {
            set_error(res, 400, id, ERR_INVALID_REQUEST,
                      "Bad Request: invalid MCP-Protocol-Version header", NULL);
            goto out;
        }
        memcpy(hv, p, n); /* n <= 64 */
        hv[n] = '\0';
        /* streamable-http.mdx "Protocol Version Header": the header MUST equal the body's
         * _meta version, checked before support so that a mismatch is always ERR_HEADER_MISMATCH.
         */
        mv = json_is_object(msg) ? mcp_message_modern_version(msg) : NULL;
        if (mv && mcp_version_header_check(hv, mv, &e) < 0) {
            set_error(res, 400, id, e.code, e.msg, NULL);
            goto out;
        }
        if (!mcp_version_supported(hv)) {
            set_error(res, 400, id, ERR_UNSUPPORTED_VERSION, "Unsupported protocol version",
                      json_pack("{s:o, s:s}", "supported", mcp_versions_json(), "requested", hv));
            goto out;
        }
        x.header_version = hv;
    }

    mv = json_is_object(msg) ? mcp_message_modern_version(msg) : NULL;
    modern = mcp_version_is_modern(x.header_version) || mcp_version_is_modern(mv);
    if (modern && json_is_array(msg)) {
        set_error(res, 400, NULL, ERR_INVALID_REQUEST,
                  "JSON-RPC batches are not part of protocol version 2026-07-28", NULL);
        goto out;
    }
    if (modern && check_modern_headers(req, msg, res) < 0)
        goto out;

    x.caller = req->caller;
    x.deadline_ms = req->deadline_ms;
    x.cancel = req->cancel;
    mcp_server_handle(f->server, NULL, msg, &x, &reply);
    if (!reply.msg) {
        /* A notification or a response only: accepted, no body (basic/transports). */
        res->status = 202;
        goto out;
    }
    set_json_body(res, reply.http_status ? reply.http_status : 200, reply.msg);
out:
    json_decref(msg);
}

void http_handle(struct http_front *f, const struct http_request *req, struct http_response *res)
{
    const char *origin = http_header_get(req->headers, req->nheaders, "Origin");
    const char *method = req->method ? req->method : "";
    bool origin_ok = false;
    int auth;

    memset(res, 0, sizeof(*res));
    res->status = 500;

    /* DNS rebinding (basic/security_best_practices "Local MCP Server Compromise"). */
    if (req->local) {
        const char *host = http_header_get(req->headers, req->nheaders, "Host");
        if (http_header_count(req->headers, req->nheaders, "Host") > 1 ||
            (host && !host_allowed(f, host))) {
            set_error(res, 403, NULL, ERR_INVALID_REQUEST,
                      "Forbidden: Host header not allowed for this server", NULL);
            return;
        }
    }
    /* basic/transports "Security Warning": a present, invalid Origin gets 403. */
    if (origin) {
        size_t n = strlen(origin);
        if (http_header_count(req->headers, req->nheaders, "Origin") > 1 ||
            !origin_allowed(f, origin) || n >= sizeof(res->owned)) {
            set_error(res, 403, NULL, ERR_INVALID_REQUEST, "Forbidden: Origin not allowed", NULL);
            return;
        }
        memcpy(res->owned, origin, n + 1);
        origin_ok = true;
    }
    if (origin_ok) {
        add_header(res, "Access-Control-Allow-Origin", res->owned);
        add_header(res, "Vary", "Origin");
    }

    if (!path_is_endpoint(req->path)) {
        set_error(res, 404, NULL, ERR_INVALID_REQUEST, "Not Found: the MCP endpoint is /mcp", NULL);
        return;
    }
    /* CORS preflight: browsers send it without credentials, so it precedes the token check. */
    if (strcmp(method, "OPTIONS") == 0) {
        res->status = 204;
        add_header(res, "Allow", ALLOWED_METHODS);
        if (origin_ok) {
            add_header(res, "Access-Control-Allow-Methods", ALLOWED_METHODS);
            add_header(res, "Access-Control-Allow-Headers", ALLOWED_HEADERS);
            add_header(res, "Access-Control-Max-Age", "600");
        }
        return;
    }
    if (f->auth_token && (auth = check_bearer(f, req)) != 0) {
        set_error(res, 401, NULL, ERR_INVALID_REQUEST,
                  auth == 1 ? "Unauthorized: a bearer token is required"
                            : "Unauthorized: invalid bearer token",
                  NULL);
        add_header(res, "WWW-Authenticate",
                   auth == 1 ? "Bearer realm=\"awscli-mcp\""
                             : "Bearer realm=\"awscli-mcp\", error=\"invalid_token\"");
        return;
    }
    if (strcmp(method, "POST") != 0) {
        /* Stateless: no GET stream and no session to DELETE (basic/transports). */
        set_error(res, 405, NULL, ERR_INVALID_REQUEST,
                  "Method Not Allowed: this stateless MCP endpoint accepts POST only", NULL);
        add_header(res, "Allow", ALLOWED_METHODS);
        return;
    }
    if (req->headers_only) {
        http_response_release(res);
        memset(res, 0, sizeof(*res));
        return;
    }
    handle_post(f, req, res);
}
