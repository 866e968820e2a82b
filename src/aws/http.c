#include "aws/http.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "alloc.h"
#include "aws/http_conn.h"
#include "aws/http_parse.h"
#include "aws/http_proxy.h"
#include "clock.h"
#include "banned.h"

#define POOL_MAX                8 /* idle kept-alive connections, all hosts together */
#define DEFAULT_CONNECT_TIMEOUT 10000
#define MAX_IDLE_MS                                                                                \
    118000                          /* an older idle connection is closed, not reused              \
                                       (libcurl's default CURLOPT_MAXAGE_CONN) */
#define INLINE_BODY     (16 * 1024) /* a body up to this goes out with the head */
#define MAX_HEADER_LINE 8192

struct aws_http_client {
    pthread_mutex_t lock;             /* guards the pool */
    struct http_conn *idle[POOL_MAX]; /* oldest first */
    size_t n_idle;
    struct http_tls tls;
    char *user_agent;
    size_t max_response;
    long connect_timeout_ms;
};

/* ---- URLs ---- */

int aws_url_parse(const char *url, struct aws_url *u, struct err *e)
{
    memset(u, 0, sizeof(*u));
    size_t n = url ? strlen(url) : 0;
    /* Room for the copy plus the separate authority and path strings. */
    if (n == 0 || 3 * n + 8 > sizeof(u->buf))
        return err_set(e, ERR_INVALID_PARAMS, "URL is empty or too long");
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)url[i] <= ' ' || url[i] == 0x7f)
            return err_set(e, ERR_INVALID_PARAMS, "URL '%s' holds a space or control character",
                           url);
    char *w = u->buf;
    const char *rest;
    if (strncasecmp(url, "https://", 8) == 0) {
        u->scheme = "https";
        u->port = 443;
        rest = url + 8;
    } else if (strncasecmp(url, "http://", 7) == 0) {
        u->scheme = "http";
        u->port = 80;
        rest = url + 7;
    } else {
        return err_set(e, ERR_INVALID_PARAMS, "URL '%s' is not http:// or https://", url);
    }
    size_t alen = strcspn(rest, "/?#");
    const char *auth = rest, *after = rest + alen;
    if (memchr(auth, '@', alen))
        return err_set(e, ERR_INVALID_PARAMS, "URL '%s' holds user information", url);
    /* Host: [v6] or name, then an optional :port. */
    const char *hs = auth, *he, *pe = auth + alen;
    if (*hs == '[') {
        he = memchr(hs, ']', alen);
        if (!he)
            return err_set(e, ERR_INVALID_PARAMS, "URL '%s' has an unclosed '['", url);
        hs++;
    } else {
        he = memchr(hs, ':', alen);
        if (!he)
            he = pe;
    }
    if (he == hs)
        return err_set(e, ERR_INVALID_PARAMS, "URL '%s' has no host", url);
    const char *colon =
        *auth == '[' ? (he + 1 < pe && he[1] == ':' ? he + 1 : NULL) : (he < pe ? he : NULL);
    if (*auth == '[' && he + 1 < pe && he[1] != ':')
        return err_set(e, ERR_INVALID_PARAMS, "URL '%s' has junk after ']'", url);
    bool default_port = true;
    if (colon) {
        char *end;
        long port = strtol(colon + 1, &end, 10);
        if (end != pe || colon + 1 == pe || port < 1 || port > 65535)
            return err_set(e, ERR_INVALID_PARAMS, "URL '%s' has a bad port", url);
        default_port = (int)port == u->port;
        u->port = (int)port;
    }
    u->host = w;
    memcpy(w, hs, (size_t)(he - hs));
    w[he - hs] = '\0';
    w += (he - hs) + 1;
    for (char *c = (char *)u->host; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    size_t room = sizeof(u->buf) - (size_t)(w - u->buf);
    int k;
    u->authority = w;
    if (*auth == '[')
        k = default_port ? snprintf(w, room, "[%s]", u->host)
                         : snprintf(w, room, "[%s]:%d", u->host, u->port);
    else
        k = default_port ? snprintf(w, room, "%s", u->host)
                         : snprintf(w, room, "%s:%d", u->host, u->port);
    w += k + 1;
    room -= (size_t)k + 1;
    size_t plen = strcspn(after, "?#");
    u->path = w;
    k = plen ? snprintf(w, room, "%.*s", (int)plen, after) : snprintf(w, room, "/");
    w += k + 1;
    room -= (size_t)k + 1;
    u->query = w;
    if (after[plen] == '?')
        snprintf(w, room, "%.*s", (int)strcspn(after + plen + 1, "#"), after + plen + 1);
    else
        *w = '\0';
    return 0;
}

bool aws_url_is_loopback(const struct aws_url *u)
{
    return strcmp(u->host, "localhost") == 0 || strcmp(u->host, "::1") == 0 ||
           strncmp(u->host, "127.", 4) == 0;
}

/* ---- responses ---- */

void aws_http_response_init(struct aws_http_response *r)
{
    memset(r, 0, sizeof(*r));
    buf_init(&r->body, 0);
}

static void free_headers(struct aws_http_response *r)
{
    for (size_t i = 0; i < r->n_headers; i++)
        free((char *)r->headers[i].name); /* one allocation holds name and value */
    free(r->headers);
    r->headers = NULL;
    r->n_headers = 0;
}

void aws_http_response_release(struct aws_http_response *r)
{
    free_headers(r);
    buf_release(&r->body);
    r->status = 0;
}

const char *aws_http_response_header(const struct aws_http_response *r, const char *name)
{
    for (size_t i = 0; i < r->n_headers; i++)
        if (strcasecmp(r->headers[i].name, name) == 0)
            return r->headers[i].value;
    return NULL;
}

/* ---- the client ---- */

int aws_http_client_new(const struct aws_http_options *o, struct aws_http_client **out,
                        struct err *e)
{
    static const struct aws_http_options none = {0};
    if (!o)
        o = &none;
    *out = NULL;
    const char *ca = o->ca_bundle ? o->ca_bundle : getenv("AWS_CA_BUNDLE");
    if (ca && *ca && access(ca, R_OK) != 0)
        return err_set(e, ERR_INVALID_PARAMS, "CA bundle '%s' (AWS_CA_BUNDLE) cannot be read", ca);
    struct aws_http_client *c = xcalloc(1, sizeof(*c));
    if (!c)
        return err_set(e, ERR_INTERNAL, "out of memory");
    pthread_mutex_init(&c->lock, NULL);
    c->max_response = o->max_response ? o->max_response : AWS_HTTP_DEFAULT_MAX_RESPONSE;
    c->connect_timeout_ms = o->connect_timeout_ms ? o->connect_timeout_ms : DEFAULT_CONNECT_TIMEOUT;
    c->user_agent = xstrdup(o->user_agent ? o->user_agent : "awscli-mcp/" AWSCLI_MCP_VERSION);
    if (http_tls_init(&c->tls, ca && *ca ? ca : NULL) < 0 || !c->user_agent) {
        aws_http_client_free(c);
        return err_set(e, ERR_INTERNAL, "out of memory");
    }
    *out = c;
    return 0;
}

void aws_http_client_free(struct aws_http_client *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n_idle; i++)
        http_conn_close(c->idle[i]);
    http_tls_release(&c->tls);
    pthread_mutex_destroy(&c->lock);
    free(c->user_agent);
    free(c);
}

/* An idle connection for key that is still usable, or NULL. */
static struct http_conn *pool_take(struct aws_http_client *c, const char *key)
{
    for (;;) {
        struct http_conn *conn = NULL;
        pthread_mutex_lock(&c->lock);
        for (size_t i = c->n_idle; i-- > 0;) {
            if (strcmp(c->idle[i]->key, key) == 0) {
                conn = c->idle[i];
                memmove(&c->idle[i], &c->idle[i + 1], (c->n_idle - i - 1) * sizeof(c->idle[0]));
                c->n_idle--;
                break;
            }
        }
        pthread_mutex_unlock(&c->lock);
        if (!conn)
            return NULL;
        if (clock_mono_ms() - conn->idle_since <= MAX_IDLE_MS && http_conn_alive(conn))
            return conn;
        http_conn_close(conn); /* closed by the server while idle, or too old: try another */
    }
}

static void pool_give(struct aws_http_client *c, struct http_conn *conn)
{
    struct http_conn *evicted = NULL;
    conn->idle_since = clock_mono_ms();
    pthread_mutex_lock(&c->lock);
    if (c->n_idle == POOL_MAX) {
        evicted = c->idle[0];
        memmove(&c->idle[0], &c->idle[1], (POOL_MAX - 1) * sizeof(c->idle[0]));
        c->n_idle--;
    }
    c->idle[c->n_idle++] = conn;
    pthread_mutex_unlock(&c->lock);
    http_conn_close(evicted);
}

/* ---- the request's bytes ---- */

static bool is_hop_header(const char *name)
{
    return strcasecmp(name, "host") == 0 || strcasecmp(name, "content-length") == 0 ||
           strcasecmp(name, "transfer-encoding") == 0 || strcasecmp(name, "connection") == 0;
}

static int add_header(struct buf *b, const char *name, const char *value, struct err *e)
{
    if (strlen(name) + strlen(value) + 2 > MAX_HEADER_LINE || strpbrk(name, "\r\n") ||
        strpbrk(value, "\r\n"))
        return err_set(e, ERR_INVALID_PARAMS, "header '%s' is too long or holds a line break",
                       name);
    if (buf_addf(b, *value ? "%s: %s\r\n" : "%s:\r\n", name, value) < 0)
        return err_set(e, ERR_INTERNAL, "out of memory building request headers");
    return 0;
}

/*
 * The request line and header section (and a small body) in out: the caller's headers, Host
 * from the URL, User-Agent unless the caller gave one, Content-Length, and the signature's,
 * computed last over exactly what is sent.
 */
static int build_request(const struct aws_http_client *c, const struct aws_http_request *r,
                         const struct aws_url *u, const char *method, struct buf *out,
                         struct err *e)
{
    struct aws_header h[AWS_HTTP_MAX_HEADERS + 1];
    size_t n = 0;
    bool has_ua = false;
    struct sigv4_signed sig;
    int rc = -1;
    sigv4_signed_init(&sig);
    if (r->n_headers > AWS_HTTP_MAX_HEADERS) {
        err_set(e, ERR_INVALID_PARAMS, "more than %d request headers", AWS_HTTP_MAX_HEADERS);
        goto out;
    }
    for (const char *m = method; *m; m++) {
        if (!isalpha((unsigned char)*m)) {
            err_set(e, ERR_INVALID_PARAMS, "method '%s' is not a word", method);
            goto out;
        }
    }
    h[n++] = (struct aws_header){"Host", u->authority};
    for (size_t i = 0; i < r->n_headers; i++) {
        if (is_hop_header(r->headers[i].name))
            continue;
        h[n] = r->headers[i];
        if (!h[n].value)
            h[n].value = "";
        has_ua |= strcasecmp(h[n].name, "user-agent") == 0;
        n++;
    }
    if (buf_addf(out, "%s %s%s%s HTTP/1.1\r\n", method, u->path, *u->query ? "?" : "", u->query) <
        0) {
        err_set(e, ERR_INTERNAL, "out of memory building the request");
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        if (add_header(out, h[i].name, h[i].value, e) < 0)
            goto out;
    if (!has_ua && add_header(out, "User-Agent", c->user_agent, e) < 0)
        goto out;
    bool bodied = r->body || strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
                  strcmp(method, "PATCH") == 0;
    if (bodied && buf_addf(out, "Content-Length: %zu\r\n", r->body ? r->body_len : 0) < 0) {
        err_set(e, ERR_INTERNAL, "out of memory building the request");
        goto out;
    }
    if (r->sign && r->credentials) {
        struct sigv4_request sr = {method, u->path, u->query, h, n, r->body, r->body_len, NULL};
        if (sigv4_sign(&sr, r->credentials, r->sign, &sig, e) < 0)
            goto out;
        if (add_header(out, "X-Amz-Date", sig.amz_date, e) < 0 ||
            (*sig.security_token &&
             add_header(out, "X-Amz-Security-Token", sig.security_token, e) < 0) ||
            (*sig.content_sha256 &&
             add_header(out, "x-amz-content-sha256", sig.content_sha256, e) < 0) ||
            add_header(out, "Authorization", sig.authorization.p, e) < 0)
            goto out;
    }
    if (buf_add(out, "\r\n", 2) < 0 ||
        (r->body && r->body_len <= INLINE_BODY && buf_add(out, r->body, r->body_len) < 0)) {
        err_set(e, ERR_INTERNAL, "out of memory building the request");
        goto out;
    }
    rc = 0;
out:
    sigv4_signed_release(&sig);
    return rc;
}

/* ---- one exchange ---- */

struct xfer {
    const struct aws_http_request *req;
    struct aws_http_response *resp;
    struct http_parser *parser;
    size_t max;
    bool too_large, stopped, oom;
};

static int on_header(void *arg, const char *name, const char *value, struct err *e)
{
    struct xfer *x = arg;
    size_t nl = strlen(name), vl = strlen(value);
    char *s = xmalloc(nl + vl + 2);
    struct aws_header *nh = xrealloc(x->resp->headers, (x->resp->n_headers + 1) * sizeof(*nh));
    if (nh)
        x->resp->headers = nh;
    if (!s || !nh) {
        free(s);
        x->oom = true;
        return err_set(e, ERR_INTERNAL, "out of memory");
    }
    memcpy(s, name, nl + 1);
    memcpy(s + nl + 1, value, vl + 1);
    nh[x->resp->n_headers].name = s;
    nh[x->resp->n_headers].value = s + nl + 1;
    x->resp->n_headers++;
    return 0;
}

static int on_head(void *arg, long status, struct err *e)
{
    struct xfer *x = arg;
    x->resp->status = status;
    if (x->parser->has_length && x->parser->length > x->max) {
        x->too_large = true; /* said at once, not after reading up to the bound */
        return err_set(e, ERR_INTERNAL, "too large");
    }
    return 0;
}

static int on_body(void *arg, const char *p, size_t n, struct err *e)
{
    struct xfer *x = arg;
    if (x->parser->body > x->max) {
        x->too_large = true;
        return err_set(e, ERR_INTERNAL, "too large");
    }
    if (x->req->on_body) {
        if (x->req->on_body(x->req->arg, x->resp, p, n, e) < 0) {
            x->stopped = true;
            return -1;
        }
        return 0;
    }
    if (buf_add(&x->resp->body, p, n) < 0) {
        x->oom = true;
        return err_set(e, ERR_INTERNAL, "out of memory");
    }
    return 0;
}

enum { EXCHANGE_OK = 0, EXCHANGE_FAILED = -1, EXCHANGE_RETRY = -2 };

/* What the response had reached when the time ran out, for the message. */
static void progress(const struct http_parser *p, char *out, size_t n)
{
    if (p->fed == 0)
        snprintf(out, n, "no answer yet");
    else if (p->state == HP_HEAD)
        snprintf(out, n, "the header section is incomplete");
    else if (p->has_length)
        snprintf(out, n, "%llu of %llu body bytes received", p->body, p->length);
    else
        snprintf(out, n, "%llu body bytes received", p->body);
}

/* The wait of one send or receive: the request's deadline, or sooner its read timeout. */
static struct http_io op_io(const struct aws_http_request *r)
{
    struct http_io io = {r->deadline_ms, r->cancel};
    if (r->read_timeout_ms > 0) {
        long long t = clock_mono_ms() + r->read_timeout_ms;
        if (!io.deadline_ms || t < io.deadline_ms)
            io.deadline_ms = t;
    }
    return io;
}

/* A timeout at `deadline_ms` (0 = none) is the request's deadline rather than a shorter limit. */
static bool deadline_reached(long long deadline_ms)
{
    return deadline_ms && deadline_ms - clock_mono_ms() <= 5;
}

/*
 * Sends the request on conn and reads the response. EXCHANGE_RETRY: conn was reused and
 * failed before any byte of a response came (the server had closed it while it was idle), so
 * the request can go again on a new connection. *reusable: conn may go back to the pool.
 * On EXCHANGE_FAILED, *failure says what kind of failure it was.
 */
static int exchange(struct http_conn *conn, bool reused, const struct buf *head,
                    const struct aws_http_request *r, const char *method, struct xfer *x,
                    long timeout_ms, bool *reusable, enum aws_http_failure *failure, struct err *e)
{
    char in[16384], what[96];
    struct err why = ERR_INIT;
    struct http_parser ps;
    struct http_parse_cb cb = {on_header, on_head, on_body, x};
    int rc = EXCHANGE_FAILED;
    long io_rc = 0;
    struct http_io io = op_io(r);
    *reusable = false;
    *failure = AWS_HTTP_FAIL_OTHER;
    http_parser_init(&ps, &cb, strcmp(method, "HEAD") == 0, false);
    x->parser = &ps;
    io_rc = http_conn_write(conn, head->p, head->len, &io, &why);
    if (io_rc == 0 && r->body && r->body_len > INLINE_BODY) {
        io = op_io(r);
        io_rc = http_conn_write(conn, r->body, r->body_len, &io, &why);
    }
    while (io_rc == 0 && !http_parser_done(&ps)) {
        io = op_io(r);
        long got = http_conn_read(conn, in, sizeof(in), &io, &why);
        if (got < 0) {
            io_rc = got;
            break;
        }
        long used = got ? http_parser_feed(&ps, in, (size_t)got, &why) : http_parser_eof(&ps, &why);
        if (used < 0) {
            if (got == 0 && ps.fed == 0 && reused) {
                rc = EXCHANGE_RETRY;
            } else if (x->too_large) {
                err_set(e, ERR_INTERNAL, "%s %s: the response is larger than %zu bytes", method,
                        r->url, x->max);
            } else if (x->stopped || x->oom) {
                if (e)
                    *e = why; /* the callback's own message */
            } else if (got == 0) {
                *failure = AWS_HTTP_FAIL_CLOSED;
                err_set(e, ERR_INTERNAL, "%s %s: %s", method, r->url, why.msg);
            } else {
                err_set(e, ERR_INTERNAL, "%s %s: malformed response: %s", method, r->url, why.msg);
            }
            goto out;
        }
        if (used < got)
            ps.keep_alive = false; /* bytes after the response: the connection is not sane */
    }
    if (io_rc == 0) {
        *reusable = ps.keep_alive;
        *failure = AWS_HTTP_FAIL_NONE;
        rc = EXCHANGE_OK;
    } else if (io_rc == HTTP_IO_CANCELLED) {
        *failure = AWS_HTTP_FAIL_CANCELLED;
        err_set(e, ERR_INTERNAL, "%s %s: cancelled", method, r->url);
    } else if (io_rc == HTTP_IO_TIMEOUT) {
        progress(&ps, what, sizeof(what));
        if (deadline_reached(r->deadline_ms)) {
            *failure = AWS_HTTP_FAIL_DEADLINE;
            err_set(e, ERR_INTERNAL, "%s %s: no complete response within %ld ms (%s)", method,
                    r->url, timeout_ms, what);
        } else {
            *failure = AWS_HTTP_FAIL_READ_TIMEOUT;
            err_set(e, ERR_INTERNAL, "%s %s: nothing sent or received for %ld ms (%s)", method,
                    r->url, r->read_timeout_ms, what);
        }
    } else if (reused && ps.fed == 0) {
        rc = EXCHANGE_RETRY;
    } else {
        *failure = AWS_HTTP_FAIL_CLOSED;
        err_set(e, ERR_INTERNAL, "%s %s: %s", method, r->url, why.msg);
    }
out:
    http_parser_release(&ps);
    return rc;
}

static struct http_conn *open_conn(struct aws_http_client *c, const struct aws_url *u,
                                   const struct http_proxy *proxy, const char *method,
                                   const struct aws_http_request *r, enum aws_http_failure *failure,
                                   struct err *e)
{
    struct err why = ERR_INIT;
    struct http_conn *conn = NULL;
    long long deadline_ms = r->deadline_ms;
    const char *url = r->url;
    long limit = r->connect_timeout_ms > 0   ? r->connect_timeout_ms
                 : r->connect_timeout_ms < 0 ? 0
                                             : c->connect_timeout_ms;
    if (deadline_ms && (!limit || deadline_ms - clock_mono_ms() < limit))
        limit = (long)(deadline_ms - clock_mono_ms());
    struct http_io io = {limit ? clock_mono_ms() + (limit > 0 ? limit : 1) : 0, r->cancel};
    enum aws_http_failure step = AWS_HTTP_FAIL_CONNECT;
    int rc = proxy ? http_conn_connect(proxy->host, proxy->port, &io, &conn, &why)
                   : http_conn_connect(u->host, u->port, &io, &conn, &why);
    if (rc == 0 && proxy) {
        step = AWS_HTTP_FAIL_OTHER; /* the proxy refused the tunnel: its own kind of error */
        rc = http_proxy_tunnel(conn, proxy, u->host, u->port, &io, &why);
    }
    if (rc == 0 && strcmp(u->scheme, "https") == 0) {
        step = AWS_HTTP_FAIL_TLS;
        rc = http_conn_tls(conn, &c->tls, u->host, u->port, &io, &why);
    }
    if (rc == 0)
        return conn;
    http_conn_close(conn);
    if (rc == HTTP_IO_CANCELLED) {
        *failure = AWS_HTTP_FAIL_CANCELLED;
        err_set(e, ERR_INTERNAL, "%s %s: cancelled", method, url);
    } else if (rc == HTTP_IO_TIMEOUT) {
        *failure =
            deadline_reached(deadline_ms) ? AWS_HTTP_FAIL_DEADLINE : AWS_HTTP_FAIL_CONNECT_TIMEOUT;
        err_set(e, ERR_INTERNAL, "%s %s: %s within %ld ms", method, url, why.msg, limit);
    } else {
        *failure = step;
        err_set(e, ERR_INTERNAL, "%s %s: %s", method, url, why.msg);
    }
    return NULL;
}

int aws_http_send(struct aws_http_client *c, const struct aws_http_request *r,
                  struct aws_http_response *resp, struct err *e)
{
    struct aws_url u;
    struct http_proxy proxy;
    struct buf head = BUF_INIT(0);
    char key[HTTP_CONN_KEY_MAX];
    int rc = -1, use_proxy = 0;
    const char *method = r->method ? r->method : (r->body ? "POST" : "GET");
    struct xfer x = {r,     resp,  NULL, r->max_response ? r->max_response : c->max_response,
                     false, false, false};

    resp->failure = AWS_HTTP_FAIL_OTHER;
    if (aws_url_parse(r->url, &u, e) < 0)
        return -1;
    bool tls = strcmp(u.scheme, "https") == 0;
    if (!tls && !aws_url_is_loopback(&u) && !r->allow_http)
        return err_set(e, ERR_INVALID_PARAMS,
                       "%s: plain http:// is only allowed to a loopback host; use https://",
                       r->url);
    long timeout_ms = 0;
    if (r->deadline_ms) {
        long long left = r->deadline_ms - clock_mono_ms();
        if (left <= 0) {
            resp->failure = AWS_HTTP_FAIL_DEADLINE;
            return err_set(e, ERR_INTERNAL, "%s %s: the deadline passed before sending", method,
                           r->url);
        }
        timeout_ms = (long)left;
    }
    if (tls && (use_proxy = http_proxy_for(u.host, &proxy, e)) < 0)
        return -1;
    snprintf(key, sizeof(key), "%s://%s:%d%s%s", u.scheme, u.host, u.port, use_proxy ? " via " : "",
             use_proxy ? proxy.shown : "");
    if (build_request(c, r, &u, method, &head, e) < 0)
        goto out;
    for (int attempt = 0; attempt < 2; attempt++) {
        struct http_conn *conn = attempt == 0 ? pool_take(c, key) : NULL;
        bool reused = conn != NULL, reusable = false;
        if (!conn) {
            conn = open_conn(c, &u, use_proxy ? &proxy : NULL, method, r, &resp->failure, e);
            if (!conn)
                goto out;
            snprintf(conn->key, sizeof(conn->key), "%s", key);
        }
        int x_rc =
            exchange(conn, reused, &head, r, method, &x, timeout_ms, &reusable, &resp->failure, e);
        if (reusable)
            pool_give(c, conn);
        else
            http_conn_close(conn);
        if (x_rc != EXCHANGE_RETRY) {
            rc = x_rc == EXCHANGE_OK ? 0 : -1;
            break;
        }
    }
out:
    buf_release(&head);
    return rc;
}
