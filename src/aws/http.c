#define DYNLIB_CURL
#include "aws/http.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "alloc.h"
#include "clock.h"
#include "dynlib.h"
#include "log.h"
#include "banned.h"

#define POOL_MAX                8 /* idle handles kept, each with its kept-alive connection */
#define DEFAULT_CONNECT_TIMEOUT 10000

struct aws_http_client {
    pthread_mutex_t lock; /* guards the pool */
    CURL *idle[POOL_MAX];
    size_t n_idle;
    CURLSH *share;
    pthread_mutex_t share_locks[CURL_LOCK_DATA_LAST];
    char *ca_bundle;
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

static void share_lock(CURL *h, curl_lock_data d, curl_lock_access a, void *arg)
{
    struct aws_http_client *c = arg;
    (void)h;
    (void)a;
    pthread_mutex_lock(&c->share_locks[d]);
}

static void share_unlock(CURL *h, curl_lock_data d, void *arg)
{
    struct aws_http_client *c = arg;
    (void)h;
    pthread_mutex_unlock(&c->share_locks[d]);
}

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
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return err_set(e, ERR_INTERNAL, "libcurl cannot be loaded (Debian package libcurl4)");
    struct aws_http_client *c = xcalloc(1, sizeof(*c));
    if (!c)
        return err_set(e, ERR_INTERNAL, "out of memory");
    pthread_mutex_init(&c->lock, NULL);
    for (size_t i = 0; i < ARRAY_SIZE(c->share_locks); i++)
        pthread_mutex_init(&c->share_locks[i], NULL);
    c->max_response = o->max_response ? o->max_response : AWS_HTTP_DEFAULT_MAX_RESPONSE;
    c->connect_timeout_ms = o->connect_timeout_ms ? o->connect_timeout_ms : DEFAULT_CONNECT_TIMEOUT;
    c->ca_bundle = ca && *ca ? xstrdup(ca) : NULL;
    c->user_agent = xstrdup(o->user_agent ? o->user_agent : "awscli-mcp/" AWSCLI_MCP_VERSION);
    c->share = curl_share_init();
    if (!c->user_agent || (ca && *ca && !c->ca_bundle) || !c->share) {
        aws_http_client_free(c);
        return err_set(e, ERR_INTERNAL, "out of memory");
    }
    /* TLS sessions and DNS answers are shared between the pooled handles; connections are not
     * (each handle keeps its own), which avoids libcurl's shared-connection-cache locking. */
    curl_share_setopt(c->share, CURLSHOPT_LOCKFUNC, share_lock);
    curl_share_setopt(c->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
    curl_share_setopt(c->share, CURLSHOPT_USERDATA, c);
    curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    *out = c;
    return 0;
}

void aws_http_client_free(struct aws_http_client *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n_idle; i++)
        curl_easy_cleanup(c->idle[i]);
    if (c->share)
        curl_share_cleanup(c->share);
    for (size_t i = 0; i < ARRAY_SIZE(c->share_locks); i++)
        pthread_mutex_destroy(&c->share_locks[i]);
    pthread_mutex_destroy(&c->lock);
    free(c->ca_bundle);
    free(c->user_agent);
    free(c);
}

static CURL *pool_take(struct aws_http_client *c)
{
    CURL *h = NULL;
    pthread_mutex_lock(&c->lock);
    if (c->n_idle > 0)
        h = c->idle[--c->n_idle];
    pthread_mutex_unlock(&c->lock);
    if (!h) {
        h = curl_easy_init();
        if (h)
            curl_easy_setopt(h, CURLOPT_SHARE, c->share);
    }
    return h;
}

static void pool_give(struct aws_http_client *c, CURL *h)
{
    pthread_mutex_lock(&c->lock);
    if (c->n_idle < POOL_MAX) {
        c->idle[c->n_idle++] = h;
        h = NULL;
    }
    pthread_mutex_unlock(&c->lock);
    if (h)
        curl_easy_cleanup(h);
}

/* ---- one exchange ---- */

struct xfer {
    const struct aws_http_request *req;
    struct aws_http_response *resp;
    size_t max, received;
    bool too_large, stopped;
    struct err *e;
};

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
    struct xfer *x = arg;
    size_t len = size * n, l = len;
    while (l > 0 && (p[l - 1] == '\r' || p[l - 1] == '\n'))
        l--;
    if (l >= 5 && strncmp(p, "HTTP/", 5) == 0) {
        /* A new status line (after 100 Continue, say) starts the headers over. */
        free_headers(x->resp);
        const char *sp = memchr(p, ' ', l);
        x->resp->status = sp ? strtol(sp + 1, NULL, 10) : 0;
        return len;
    }
    const char *colon = memchr(p, ':', l);
    if (!colon || x->resp->n_headers == 256)
        return len;
    size_t nl = (size_t)(colon - p);
    const char *v = colon + 1;
    size_t vl = l - nl - 1;
    while (vl > 0 && (*v == ' ' || *v == '\t')) {
        v++;
        vl--;
    }
    while (vl > 0 && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
        vl--;
    char *s = xmalloc(nl + vl + 2);
    struct aws_header *nh = xrealloc(x->resp->headers, (x->resp->n_headers + 1) * sizeof(*nh));
    if (!s || !nh) {
        free(s);
        if (nh)
            x->resp->headers = nh;
        return 0;
    }
    memcpy(s, p, nl);
    s[nl] = '\0';
    memcpy(s + nl + 1, v, vl);
    s[nl + 1 + vl] = '\0';
    x->resp->headers = nh;
    nh[x->resp->n_headers].name = s;
    nh[x->resp->n_headers].value = s + nl + 1;
    x->resp->n_headers++;
    return len;
}

static size_t on_write(char *p, size_t size, size_t n, void *arg)
{
    struct xfer *x = arg;
    size_t len = size * n;
    if (x->received + len > x->max) {
        x->too_large = true;
        return 0;
    }
    x->received += len;
    if (x->req->on_body) {
        if (x->req->on_body(x->req->arg, x->resp, p, len, x->e) < 0) {
            x->stopped = true;
            return 0;
        }
        return len;
    }
    if (buf_add(&x->resp->body, p, len) < 0)
        return 0;
    return len;
}

static int on_progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    struct xfer *x = arg;
    (void)dt, (void)dn, (void)ut, (void)un;
    return x->req->cancel && atomic_load(x->req->cancel) ? 1 : 0;
}

static bool is_hop_header(const char *name)
{
    return strcasecmp(name, "host") == 0 || strcasecmp(name, "content-length") == 0 ||
           strcasecmp(name, "transfer-encoding") == 0 || strcasecmp(name, "connection") == 0;
}

static int add_header(struct curl_slist **l, const char *name, const char *value)
{
    char line[8192];
    int n = *value ? snprintf(line, sizeof(line), "%s: %s", name, value)
                   : snprintf(line, sizeof(line), "%s;", name);
    if (n < 0 || (size_t)n >= sizeof(line) || strpbrk(line, "\r\n"))
        return -1;
    struct curl_slist *nl = curl_slist_append(*l, line);
    if (!nl)
        return -1;
    *l = nl;
    return 0;
}

/* Builds the header list: the caller's, Host from the URL, and the signature's. */
static int build_headers(const struct aws_http_request *r, const struct aws_url *u,
                         const char *method, struct curl_slist **out, struct err *e)
{
    struct aws_header h[AWS_HTTP_MAX_HEADERS + 1];
    size_t n = 0;
    struct sigv4_signed sig;
    int rc = -1;
    sigv4_signed_init(&sig);
    if (r->n_headers > AWS_HTTP_MAX_HEADERS) {
        err_set(e, ERR_INVALID_PARAMS, "more than %d request headers", AWS_HTTP_MAX_HEADERS);
        goto out;
    }
    h[n++] = (struct aws_header){"Host", u->authority};
    for (size_t i = 0; i < r->n_headers; i++)
        if (!is_hop_header(r->headers[i].name))
            h[n++] = r->headers[i];
    for (size_t i = 0; i < n; i++) {
        if (add_header(out, h[i].name, h[i].value ? h[i].value : "") < 0) {
            err_set(e, ERR_INVALID_PARAMS, "header '%s' is too long or holds a line break",
                    h[i].name);
            goto out;
        }
    }
    /* libcurl would otherwise send Expect: 100-continue for large bodies and wait for it. */
    if (add_header(out, "Expect", "") < 0)
        goto oom;
    if (r->sign && r->credentials) {
        struct sigv4_request sr = {method, u->path, u->query, h, n, r->body, r->body_len, NULL};
        if (sigv4_sign(&sr, r->credentials, r->sign, &sig, e) < 0)
            goto out;
        if (add_header(out, "X-Amz-Date", sig.amz_date) < 0 ||
            (*sig.security_token &&
             add_header(out, "X-Amz-Security-Token", sig.security_token) < 0) ||
            (*sig.content_sha256 &&
             add_header(out, "x-amz-content-sha256", sig.content_sha256) < 0) ||
            add_header(out, "Authorization", sig.authorization.p) < 0)
            goto oom;
    }
    rc = 0;
    goto out;
oom:
    err_set(e, ERR_INTERNAL, "out of memory building request headers");
out:
    sigv4_signed_release(&sig);
    return rc;
}

/* What a failed transfer ran into, told apart as the AWS CLI's errors tell them apart. */
static enum aws_http_failure failure_kind(CURL *h, CURLcode cc, const struct aws_http_request *r)
{
    switch (cc) {
    case CURLE_OK:
        return AWS_HTTP_FAIL_NONE;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
        return AWS_HTTP_FAIL_CONNECT;
    case CURLE_OPERATION_TIMEDOUT: {
        curl_off_t sending = 0;
        if (r->deadline_ms && r->deadline_ms - clock_mono_ms() <= 5)
            return AWS_HTTP_FAIL_DEADLINE;
        /* Past the connection (new or reused), the request was sent: a read timeout. */
        curl_easy_getinfo(h, CURLINFO_PRETRANSFER_TIME_T, &sending);
        return sending ? AWS_HTTP_FAIL_READ_TIMEOUT : AWS_HTTP_FAIL_CONNECT_TIMEOUT;
    }
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
        return AWS_HTTP_FAIL_CLOSED;
    case CURLE_ABORTED_BY_CALLBACK:
        return r->cancel && atomic_load(r->cancel) ? AWS_HTTP_FAIL_CANCELLED : AWS_HTTP_FAIL_OTHER;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CONNECT_ERROR:
        return AWS_HTTP_FAIL_TLS;
    default:
        return AWS_HTTP_FAIL_OTHER;
    }
}

int aws_http_send(struct aws_http_client *c, const struct aws_http_request *r,
                  struct aws_http_response *resp, struct err *e)
{
    struct aws_url u;
    struct curl_slist *hl = NULL;
    char curl_err[CURL_ERROR_SIZE] = "";
    CURL *h = NULL;
    int rc = -1;
    const char *method = r->method ? r->method : (r->body ? "POST" : "GET");
    struct xfer x = {r,     resp, r->max_response ? r->max_response : c->max_response, 0, false,
                     false, e};

    resp->failure = AWS_HTTP_FAIL_OTHER;
    if (aws_url_parse(r->url, &u, e) < 0)
        return -1;
    if (strcmp(u.scheme, "http") == 0 && !aws_url_is_loopback(&u) && !r->allow_http)
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
    if (build_headers(r, &u, method, &hl, e) < 0)
        goto out;
    h = pool_take(c);
    if (!h) {
        err_set(e, ERR_INTERNAL, "out of memory (libcurl handle)");
        goto out;
    }
    curl_easy_setopt(h, CURLOPT_URL, r->url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (c->ca_bundle)
        curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_bundle);
    curl_easy_setopt(h, CURLOPT_USERAGENT, c->user_agent);
    long connect_ms = r->connect_timeout_ms > 0   ? r->connect_timeout_ms
                      : r->connect_timeout_ms < 0 ? 0
                                                  : c->connect_timeout_ms;
    if (timeout_ms && (!connect_ms || timeout_ms < connect_ms))
        connect_ms = timeout_ms;
    /* libcurl's 0 means its own default of 300 s: a day stands for "none" here. */
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, connect_ms ? connect_ms : 86400000L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
    if (r->read_timeout_ms > 0) {
        /* A read timeout as a socket's: less than a byte a second for that many seconds. */
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, (r->read_timeout_ms + 999) / 1000);
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curl_err);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &x);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &x);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, &x);
    if (strcmp(method, "GET") == 0) {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    } else if (strcmp(method, "HEAD") == 0) {
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else {
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, r->body ? (const char *)r->body : "");
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(r->body ? r->body_len : 0));
        if (strcmp(method, "POST") != 0)
            curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    }

    CURLcode cc = curl_easy_perform(h);
    resp->failure = failure_kind(h, cc, r);
    if (cc == CURLE_OK) {
        rc = 0;
    } else if (x.too_large) {
        err_set(e, ERR_INTERNAL, "%s %s: the response is larger than %zu bytes", method, r->url,
                x.max);
    } else if (x.stopped) {
        /* The callback's own message is in e. */
    } else if (cc == CURLE_ABORTED_BY_CALLBACK) {
        err_set(e, ERR_INTERNAL, "%s %s: cancelled", method, r->url);
    } else if (cc == CURLE_OPERATION_TIMEDOUT) {
        err_set(e, ERR_INTERNAL, "%s %s: no complete response within %ld ms (%s)", method, r->url,
                timeout_ms, curl_err[0] ? curl_err : "timed out");
    } else if (cc == CURLE_PEER_FAILED_VERIFICATION || cc == CURLE_SSL_CACERT_BADFILE) {
        err_set(e, ERR_INTERNAL, "%s %s: TLS certificate not accepted: %s", method, r->url,
                curl_err[0] ? curl_err : curl_easy_strerror(cc));
    } else if (cc == CURLE_SSL_CONNECT_ERROR) {
        err_set(e, ERR_INTERNAL, "%s %s: TLS handshake failed: %s", method, r->url,
                curl_err[0] ? curl_err : curl_easy_strerror(cc));
    } else {
        err_set(e, ERR_INTERNAL, "%s %s: %s", method, r->url,
                curl_err[0] ? curl_err : curl_easy_strerror(cc));
    }
    if (rc == 0 && resp->status == 0) {
        long status = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        resp->status = status;
    }
out:
    if (h) {
        /* A handle goes back with its connection; reset drops this request's options (and
         * pointers into this stack frame) but keeps the connection and the share. */
        curl_easy_reset(h);
        pool_give(c, h);
    }
    curl_slist_free_all(hl);
    return rc;
}
