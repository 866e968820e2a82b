#include "http.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../base64.h"
#include "../buf.h"
#include "../log.h"
#include "../mcp/jsonrpc.h"
#include "alloc.h"
#include "../banned.h"

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

/* Spaces and tabs around a header value are not part of it (RFC 9110 section 5.5). */
static bool is_ows(char c)
{
    return c == ' ' || c == '\t';
}

static void trim(const char **p, size_t *n)
{
    while (*n && is_ows(**p)) {
        (*p)++;
        (*n)--;
    }
    while (*n && is_ows((*p)[*n - 1]))
        (*n)--;
}

static bool span_ieq(const char *p, size_t n, const char *lit)
{
    return strlen(lit) == n && strncasecmp(p, lit, n) == 0;
}

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
            trim(&s, &n);
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

const char *http_header_get(const struct http_request *req, const char *name)
{
    for (size_t i = 0; i < req->nheaders; i++)
        if (req->headers[i].name && strcasecmp(req->headers[i].name, name) == 0)
            return req->headers[i].value ? req->headers[i].value : "";
    return NULL;
}

static size_t header_count(const struct http_request *req, const char *name)
{
    size_t n = 0;
    for (size_t i = 0; i < req->nheaders; i++)
        if (req->headers[i].name && strcasecmp(req->headers[i].name, name) == 0)
            n++;
    return n;
}

/* ---------------------------------------------------------------------------------------- */
/* Header values                                                                             */

int http_header_value_decode(const char *value, char **out, size_t *len)
{
    const char *p = value ? value : "";
    size_t n = strlen(p);
    char *copy;

    *out = NULL;
    *len = 0;
    trim(&p, &n);
    /* streamable-http.mdx "Value Encoding": the markers are case-sensitive, lower case. */
    if (n >= 11 && strncmp(p, "=?base64?", 9) == 0 && strncmp(p + n - 2, "?=", 2) == 0) {
        *out = base64_decode(p + 9, n - 11, len);
        return *out ? 0 : -1;
    }
    copy = xmalloc(n + 1);
    if (!copy)
        return -1;
    /* RFC 9110 field values: visible ASCII, space, tab. Anything else must come as base64. */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if ((c < 0x20 && c != '\t') || c > 0x7e) {
            free(copy);
            return -1;
        }
    }
    memcpy(copy, p, n);
    copy[n] = '\0';
    *out = copy;
    *len = n;
    return 0;
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

/*
 * Splits "name[:port]" or "[v6][:port]" into the name (brackets dropped) and checks that a
 * port, when present, is 1 to 5 digits. Returns false when malformed.
 */
static bool split_authority(const char *p, size_t n, char *name, size_t name_size, bool *v6)
{
    const char *end = p + n, *port = NULL, *nstart = p, *nend;

    *v6 = false;
    if (n && p[0] == '[') {
        const char *rb = memchr(p, ']', n);
        if (!rb)
            return false;
        nstart = p + 1;
        nend = rb;
        if (rb + 1 < end) {
            if (rb[1] != ':')
                return false;
            port = rb + 2;
        }
        *v6 = true;
    } else {
        const char *colon = memchr(p, ':', n);
        nend = colon ? colon : end;
        if (colon)
            port = colon + 1;
    }
    if (port) {
        size_t plen = (size_t)(end - port);
        if (plen == 0 || plen > 5)
            return false;
        for (size_t i = 0; i < plen; i++)
            if (port[i] < '0' || port[i] > '9')
                return false;
    }
    if (nend <= nstart || (size_t)(nend - nstart) >= name_size)
        return false;
    memcpy(name, nstart, (size_t)(nend - nstart));
    name[nend - nstart] = '\0';
    return true;
}

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

    trim(&p, &n);
    if (!split_authority(p, n, name, sizeof(name), &v6))
        return false;
    if (name_is_loopback(name, v6))
        return true;
    if (f->listen_host[0] && strcasecmp(name, f->listen_host) == 0)
        return true;
    if (f->listen_wildcard)
        return v6 ? inet_pton(AF_INET6, name, addr) == 1 : inet_pton(AF_INET, name, addr) == 1;
    return false;
}

/* Allowed: the configured list (exact, case-insensitive; "*" = any) and loopback web origins. */
static bool origin_allowed(const struct http_front *f, const char *value)
{
    const char *p = value;
    size_t n = strlen(p), skip;
    char name[256];
    bool v6;

    trim(&p, &n);
    if (f->any_origin)
        return true;
    for (size_t i = 0; i < f->norigins; i++)
        if (span_ieq(p, n, f->origins[i]))
            return true;
    if (n >= 7 && strncasecmp(p, "http://", 7) == 0)
        skip = 7;
    else if (n >= 8 && strncasecmp(p, "https://", 8) == 0)
        skip = 8;
    else
        return false;
    if (!split_authority(p + skip, n - skip, name, sizeof(name), &v6))
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
    const char *v = http_header_get(req, "Authorization");
    size_t n;

    if (!v)
        return 1;
    if (header_count(req, "Authorization") != 1)
        return 2;
    n = strlen(v);
    trim(&v, &n);
    if (n < 7 || strncasecmp(v, "Bearer", 6) != 0 || !is_ows(v[6]))
        return 2;
    v += 7;
    n -= 7;
    trim(&v, &n);
    return token_equal(v, n, f->auth_token, f->auth_len) ? 0 : 2;
}

/* The media type of a Content-Type or Accept element, parameters dropped. */
static void media_type(const char *p, size_t n, const char **type, size_t *tlen,
                       const char **params, size_t *plen)
{
    const char *semi = memchr(p, ';', n);
    *type = p;
    *tlen = semi ? (size_t)(semi - p) : n;
    trim(type, tlen);
    *params = semi ? semi + 1 : p + n;
    *plen = semi ? (size_t)(p + n - semi - 1) : 0;
}

static bool content_type_is_json(const char *v)
{
    const char *type, *params;
    size_t tlen, plen;
    media_type(v, strlen(v), &type, &tlen, &params, &plen);
    return span_ieq(type, tlen, "application/json");
}

/* true when a "q=0" (also 0.0, 0.00, 0.000) parameter refuses the range (RFC 9110 12.4.2). */
static bool params_refuse(const char *p, size_t n)
{
    while (n) {
        const char *semi = memchr(p, ';', n);
        size_t len = semi ? (size_t)(semi - p) : n;
        const char *s = p;
        size_t sl = len;
        trim(&s, &sl);
        if (sl >= 2 && (s[0] == 'q' || s[0] == 'Q') && s[1] == '=') {
            bool zero = sl >= 3 && s[2] == '0';
            for (size_t i = 3; zero && i < sl; i++)
                zero = (i == 3 && s[i] == '.') || (i > 3 && s[i] == '0');
            return zero;
        }
        if (!semi)
            break;
        n -= len + 1;
        p = semi + 1;
    }
    return false;
}

/*
 * Does Accept allow an application/json reply? A request without Accept (or with only empty
 * ones) accepts anything (RFC 9110 12.5.1), so simple clients such as curl are served.
 */
static bool accept_allows_json(const struct http_request *req)
{
    bool any_value = false;

    for (size_t i = 0; i < req->nheaders; i++) {
        const char *v, *p;
        size_t n;
        if (!req->headers[i].name || strcasecmp(req->headers[i].name, "Accept") != 0)
            continue;
        v = req->headers[i].value ? req->headers[i].value : "";
        p = v;
        n = strlen(v);
        while (n) {
            const char *comma = memchr(p, ',', n);
            size_t len = comma ? (size_t)(comma - p) : n;
            const char *type, *params;
            size_t tlen, plen;
            media_type(p, len, &type, &tlen, &params, &plen);
            if (tlen) {
                any_value = true;
                if ((span_ieq(type, tlen, "application/json") ||
                     span_ieq(type, tlen, "application/*") || span_ieq(type, tlen, "*/*")) &&
                    !params_refuse(params, plen))
                    return true;
            }
            if (!comma)
                break;
            n -= len + 1;
            p = comma + 1;
        }
    }
    return !any_value;
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

/* Every revision served, newest first, as the core reports it (for -32022 data). */
static json_t *supported_versions(void)
{
    static const char *const all[] = {MCP_VERSION_2026_07_28, MCP_VERSION_2025_11_25,
                                      MCP_VERSION_2025_06_18, MCP_VERSION_2025_03_26};
    json_t *a = json_array();
    for (size_t i = 0; a && i < sizeof(all) / sizeof(all[0]); i++)
        if (mcp_version_supported(all[i]))
            json_array_append_new(a, json_string(all[i]));
    return a;
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

static json_t *mismatch(json_t *id, struct http_response *res, const char *fmt, const char *a,
                        const char *b)
{
    char msg[300];
    snprintf(msg, sizeof(msg), fmt, a, b);
    set_error(res, 400, id, MCP_HEADER_MISMATCH, msg, NULL);
    return NULL;
}

/*
 * 2026-07-28 header validation (streamable-http.mdx "Server Validation"): Mcp-Method on every
 * request, Mcp-Name where the method has a name, each equal to the body. Returns 0, or -1 with
 * res filled (400, -32020).
 */
static int check_modern_headers(const struct http_request *req, json_t *msg,
                                struct http_response *res)
{
    json_t *id = jsonrpc_id(msg);
    const char *method = json_string_value(json_object_get(msg, "method"));
    const char *hm = http_header_get(req, "Mcp-Method");
    const char *hn = http_header_get(req, "Mcp-Name");
    const char *src;
    json_t *body_name;
    char *decoded = NULL;
    size_t dlen;
    int rc = -1;

    if (!method)
        return 0; /* a response or an invalid message: the core answers it */
    if (header_count(req, "Mcp-Method") > 1 || header_count(req, "Mcp-Name") > 1) {
        mismatch(id, res, "Header mismatch: %s%s header sent more than once",
                 header_count(req, "Mcp-Method") > 1 ? "Mcp-Method" : "Mcp-Name", "");
        return -1;
    }
    if (!hm) {
        if (!json_object_get(msg, "id"))
            return 0; /* notifications: no header rules in 2026-07-28 */
        mismatch(id, res, "Header mismatch: the Mcp-Method header is required%s%s", "", "");
        return -1;
    }
    {
        const char *p = hm;
        size_t n = strlen(p);
        trim(&p, &n);
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
            mismatch(id, res,
                     "Header mismatch: Mcp-Name header sent but params.%s is not a "
                     "string%s",
                     src, "");
            return -1;
        }
        return 0; /* the core reports the missing name */
    }
    if (!hn) {
        mismatch(id, res, "Header mismatch: the Mcp-Name header is required for %s%s", method, "");
        return -1;
    }
    if (http_header_value_decode(hn, &decoded, &dlen) < 0) {
        mismatch(id, res,
                 "Header mismatch: Mcp-Name header value is malformed (invalid characters or "
                 "invalid base64)%s%s",
                 "", "");
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
    const char *ct = http_header_get(req, "Content-Type");
    const char *hv_raw = http_header_get(req, "MCP-Protocol-Version");
    char hv[16] = {0};
    json_error_t jerr;
    json_t *msg = NULL, *id = NULL;
    struct mcp_reply reply = {0};
    struct mcp_exchange x = {.http = true};
    const char *mv;
    bool modern;

    if (!ct || header_count(req, "Content-Type") != 1 || !content_type_is_json(ct)) {
        set_error(res, 415, NULL, JSONRPC_INVALID_REQUEST,
                  "Unsupported Media Type: Content-Type must be application/json", NULL);
        return;
    }
    if (!accept_allows_json(req)) {
        set_error(res, 406, NULL, JSONRPC_INVALID_REQUEST,
                  "Not Acceptable: Accept must allow application/json", NULL);
        return;
    }
    if (req->body_too_large || req->body_len > f->max_body) {
        char m[120];
        snprintf(m, sizeof(m), "Payload Too Large: the body limit is %zu bytes", f->max_body);
        set_error(res, 413, NULL, JSONRPC_INVALID_REQUEST, m, NULL);
        return;
    }

    msg = json_loadb(req->body ? req->body : "", req->body ? req->body_len : 0,
                     JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
    if (!msg) {
        char m[300];
        snprintf(m, sizeof(m), "Parse error: %s (line %d, column %d)", jerr.text, jerr.line,
                 jerr.column);
        set_error(res, 400, NULL, JSONRPC_PARSE_ERROR, m, NULL);
        return;
    }
    id = json_is_object(msg) ? jsonrpc_id(msg) : NULL;
    copy_method(res, json_is_object(msg) ? json_string_value(json_object_get(msg, "method"))
                                         : (json_is_array(msg) ? "(batch)" : NULL));

    /*
     * MCP-Protocol-Version (basic/transports "Protocol Version Header"): an invalid or
     * unsupported value gets 400; absent means 2025-03-26 (the core's default). Any value we do
     * not serve gets -32022 with the supported list, so a modern client recognises a modern
     * server (streamable-http.mdx "Backward Compatibility"); only a value that cannot be echoed
     * (control bytes, non-ASCII, very long, repeated header) gets a plain -32600.
     */
    if (hv_raw) {
        const char *p = hv_raw;
        size_t n = strlen(p);
        trim(&p, &n);
        if (header_count(req, "MCP-Protocol-Version") != 1 || n == 0 || n > 64 ||
            !printable(p, n)) {
            set_error(res, 400, id, JSONRPC_INVALID_REQUEST,
                      "Bad Request: invalid MCP-Protocol-Version header", NULL);
            goto out;
        }
        if (n < sizeof(hv)) {
            memcpy(hv, p, n);
            hv[n] = '\0';
        }
        /* streamable-http.mdx "Protocol Version Header": the header MUST equal the body's
         * _meta version, checked before support so that a mismatch is always -32020. */
        mv = json_is_object(msg) ? mcp_message_modern_version(msg) : NULL;
        if (mv && (strlen(mv) != n || memcmp(mv, p, n) != 0)) {
            char m[200];
            snprintf(m, sizeof(m),
                     "Header mismatch: MCP-Protocol-Version header '%s' does not match "
                     "_meta protocolVersion '%.40s'",
                     hv[0] ? hv : "(invalid)", mv);
            set_error(res, 400, id, MCP_HEADER_MISMATCH, m, NULL);
            goto out;
        }
        if (!hv[0] || !mcp_version_supported(hv)) {
            char requested[80];
            snprintf(requested, sizeof(requested), "%.*s", (int)n, p);
            set_error(
                res, 400, id, MCP_UNSUPPORTED_VERSION, "Unsupported protocol version",
                json_pack("{s:o, s:s}", "supported", supported_versions(), "requested", requested));
            goto out;
        }
        x.header_version = hv;
    }

    mv = json_is_object(msg) ? mcp_message_modern_version(msg) : NULL;
    modern = mcp_version_is_modern(x.header_version) || mcp_version_is_modern(mv);
    if (modern && json_is_array(msg)) {
        set_error(res, 400, NULL, JSONRPC_INVALID_REQUEST,
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
    const char *origin = http_header_get(req, "Origin");
    const char *method = req->method ? req->method : "";
    bool origin_ok = false;
    int auth;

    memset(res, 0, sizeof(*res));
    res->status = 500;

    /* DNS rebinding (basic/security_best_practices "Local MCP Server Compromise"). */
    if (req->local) {
        const char *host = http_header_get(req, "Host");
        if (header_count(req, "Host") > 1 || (host && !host_allowed(f, host))) {
            set_error(res, 403, NULL, JSONRPC_INVALID_REQUEST,
                      "Forbidden: Host header not allowed for this server", NULL);
            return;
        }
    }
    /* basic/transports "Security Warning": a present, invalid Origin gets 403. */
    if (origin) {
        size_t n = strlen(origin);
        if (header_count(req, "Origin") > 1 || !origin_allowed(f, origin) ||
            n >= sizeof(res->owned)) {
            set_error(res, 403, NULL, JSONRPC_INVALID_REQUEST, "Forbidden: Origin not allowed",
                      NULL);
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
        set_error(res, 404, NULL, JSONRPC_INVALID_REQUEST, "Not Found: the MCP endpoint is /mcp",
                  NULL);
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
        set_error(res, 401, NULL, JSONRPC_INVALID_REQUEST,
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
        set_error(res, 405, NULL, JSONRPC_INVALID_REQUEST,
                  "Method Not Allowed: this stateless MCP endpoint accepts POST only", NULL);
        add_header(res, "Allow", ALLOWED_METHODS);
        return;
    }
    handle_post(f, req, res);
}
