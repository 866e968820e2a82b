#define DYNLIB_CRYPTO
#include "aws/sigv4.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "dynlib.h"
#include "banned.h"

#define SIGV4_ALGORITHM   "AWS4-HMAC-SHA256"
#define SIGV4_MAX_EXPIRES 604800 /* seven days, the longest a presigned URL may live */

/*
 * Never signed: hop-by-hop headers a proxy may drop or rewrite, and the two every HTTP stack
 * adds or changes on its own. The same list as botocore's SIGNED_HEADERS_BLACKLIST, so that a
 * request we sign verifies wherever botocore's does.
 */
static const char *const unsigned_headers[] = {
    "connection",
    "expect",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "user-agent",
    "x-amzn-trace-id",
};

static const char hexdigits[] = "0123456789abcdef";

static void to_hex(const unsigned char *d, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hexdigits[d[i] >> 4];
        out[2 * i + 1] = hexdigits[d[i] & 15];
    }
    out[2 * n] = '\0';
}

static int sha256(const void *data, size_t len, unsigned char md[32])
{
    unsigned int n = 0;
    return EVP_Digest(data, len, md, &n, EVP_sha256(), NULL) == 1 && n == 32 ? 0 : -1;
}

int sigv4_sha256_hex(const void *data, size_t len, char hex[65])
{
    unsigned char md[32];
    if (dynlib_crypto_load() < 0)
        return -1;
    if (sha256(data ? data : "", len, md) < 0)
        return -1;
    to_hex(md, 32, hex);
    return 0;
}

static int hmac(const unsigned char *key, size_t klen, const void *data, size_t dlen,
                unsigned char out[32])
{
    unsigned int n = 0;
    if (!HMAC(EVP_sha256(), key, (int)klen, data, dlen, out, &n) || n != 32)
        return -1;
    return 0;
}

static bool unreserved(unsigned char c)
{
    return isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

int sigv4_uri_encode(struct buf *b, const char *s, size_t n, bool keep_slash)
{
    static const char upper[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (unreserved(c) || (keep_slash && c == '/')) {
            if (buf_add(b, &s[i], 1) < 0)
                return -1;
        } else {
            char esc[3] = {'%', upper[c >> 4], upper[c & 15]};
            if (buf_add(b, esc, 3) < 0)
                return -1;
        }
    }
    return 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Percent-decodes s[0..n) then encodes it canonically. A '%' not followed by two hex digits
 * stays a literal '%'. '+' is not a space here: AWS query strings encode spaces as %20. */
static int recode(struct buf *b, const char *s, size_t n)
{
    char *raw = xmalloc(n + 1);
    if (!raw)
        return -1;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        int hi, lo;
        if (s[i] == '%' && i + 2 < n && (hi = hexval(s[i + 1])) >= 0 &&
            (lo = hexval(s[i + 2])) >= 0) {
            raw[m++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            raw[m++] = s[i];
        }
    }
    int rc = sigv4_uri_encode(b, raw, m, false);
    free(raw);
    return rc;
}

/* Writes the canonical path of path[0..n) into b. */
static int canonical_path(struct buf *b, const char *path, size_t n, bool normalize)
{
    if (n == 0)
        return buf_add(b, "/", 1);
    if (!normalize)
        return sigv4_uri_encode(b, path, n, true);

    /* RFC 3986 section 5.2.4 plus the AWS rule that empty segments are dropped: keep a stack of
     * segment offsets into a copy, as botocore's remove_dot_segments does. */
    size_t *seg = xmalloc((n / 2 + 2) * sizeof(*seg));
    size_t *len = xmalloc((n / 2 + 2) * sizeof(*len));
    int rc = -1;
    size_t top = 0;
    if (!seg || !len)
        goto out;
    for (size_t i = 0; i <= n;) {
        size_t j = i;
        while (j < n && path[j] != '/')
            j++;
        size_t l = j - i;
        if (l == 0 || (l == 1 && path[i] == '.')) {
            /* empty or "." segment: dropped */
        } else if (l == 2 && path[i] == '.' && path[i + 1] == '.') {
            if (top > 0)
                top--;
        } else {
            seg[top] = i;
            len[top] = l;
            top++;
        }
        i = j + 1;
    }
    if (path[0] == '/' && buf_add(b, "/", 1) < 0)
        goto out;
    for (size_t k = 0; k < top; k++) {
        if (k > 0 && buf_add(b, "/", 1) < 0)
            goto out;
        if (sigv4_uri_encode(b, path + seg[k], len[k], false) < 0)
            goto out;
    }
    if (path[n - 1] == '/' && top > 0 && buf_add(b, "/", 1) < 0)
        goto out;
    rc = 0;
out:
    free(seg);
    free(len);
    return rc;
}

struct qpair {
    char *key; /* canonically encoded, NUL-terminated */
    char *value;
};

static int qpair_cmp(const void *a, const void *b)
{
    const struct qpair *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : strcmp(x->value, y->value);
}

static void qpairs_free(struct qpair *q, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(q[i].key);
        free(q[i].value);
    }
    free(q);
}

static int add_pair_raw(struct qpair **q, size_t *n, size_t *cap, const char *k, size_t kl,
                        const char *v, size_t vl, bool encoded)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        struct qpair *nq = xrealloc(*q, nc * sizeof(**q));
        if (!nq)
            return -1;
        *q = nq;
        *cap = nc;
    }
    struct buf kb = BUF_INIT(0), vb = BUF_INIT(0);
    int rc = encoded ? recode(&kb, k, kl) : sigv4_uri_encode(&kb, k, kl, false);
    if (rc == 0)
        rc = encoded ? recode(&vb, v, vl) : sigv4_uri_encode(&vb, v, vl, false);
    if (rc < 0) {
        buf_release(&kb);
        buf_release(&vb);
        return -1;
    }
    (*q)[*n].key = buf_take(&kb, NULL);
    (*q)[*n].value = buf_take(&vb, NULL);
    if (!(*q)[*n].key || !(*q)[*n].value) {
        free((*q)[*n].key);
        free((*q)[*n].value);
        return -1;
    }
    (*n)++;
    return 0;
}

struct header_entry {
    char *name; /* lower-cased */
    const char *value;
    size_t order;
};

static int header_cmp(const void *a, const void *b)
{
    const struct header_entry *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* Trimall: leading and trailing whitespace dropped, inner runs (line folds too) to one space. */
static int add_trimmed(struct buf *b, const char *v)
{
    bool space = false, any = false;
    for (; *v; v++) {
        if (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n' || *v == '\v' || *v == '\f') {
            space = any;
            continue;
        }
        if (space && buf_add(b, " ", 1) < 0)
            return -1;
        space = false;
        any = true;
        if (buf_add(b, v, 1) < 0)
            return -1;
    }
    return 0;
}

static bool is_unsigned_header(const char *lname)
{
    for (size_t i = 0; i < ARRAY_SIZE(unsigned_headers); i++)
        if (strcmp(lname, unsigned_headers[i]) == 0)
            return true;
    return false;
}

static bool valid_scope_part(const char *s)
{
    if (!s || !*s || strlen(s) >= 64)
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.')
            return false;
    return true;
}

static int derive_key(const char *secret, const char *day, const char *region, const char *service,
                      unsigned char key[32])
{
    struct buf k = BUF_INIT(0);
    unsigned char a[32], b[32];
    int rc = -1;
    if (buf_addf(&k, "AWS4%s", secret) < 0)
        goto out;
    if (hmac((unsigned char *)k.p, k.len, day, strlen(day), a) < 0 ||
        hmac(a, 32, region, strlen(region), b) < 0 ||
        hmac(b, 32, service, strlen(service), a) < 0 || hmac(a, 32, "aws4_request", 12, key) < 0)
        goto out;
    rc = 0;
out:
    OPENSSL_cleanse(k.p, k.len);
    OPENSSL_cleanse(a, sizeof(a));
    OPENSSL_cleanse(b, sizeof(b));
    buf_release(&k);
    return rc;
}

static int signing_key(const struct sigv4_params *p, const char *secret, const char *day,
                       unsigned char key[32])
{
    struct sigv4_key_cache *c = p->cache;
    if (!c)
        return derive_key(secret, day, p->region, p->service, key);

    unsigned char digest[32];
    if (sha256(secret, strlen(secret), digest) < 0)
        return -1;
    pthread_mutex_lock(&c->lock);
    if (c->valid && memcmp(c->secret_digest, digest, 32) == 0 && strcmp(c->day, day) == 0 &&
        strcmp(c->region, p->region) == 0 && strcmp(c->service, p->service) == 0) {
        memcpy(key, c->key, 32);
        pthread_mutex_unlock(&c->lock);
        return 0;
    }
    int rc = derive_key(secret, day, p->region, p->service, key);
    if (rc == 0) {
        memcpy(c->secret_digest, digest, 32);
        memcpy(c->day, day, 9);
        memcpy(c->region, p->region, strlen(p->region) + 1);
        memcpy(c->service, p->service, strlen(p->service) + 1);
        memcpy(c->key, key, 32);
        c->valid = true;
    }
    pthread_mutex_unlock(&c->lock);
    return rc;
}

void sigv4_signed_init(struct sigv4_signed *s)
{
    memset(s, 0, sizeof(*s));
    s->security_token = "";
    buf_init(&s->authorization, 0);
    buf_init(&s->query, 0);
    buf_init(&s->canonical_request, 0);
    buf_init(&s->string_to_sign, 0);
}

void sigv4_signed_release(struct sigv4_signed *s)
{
    buf_release(&s->authorization);
    buf_release(&s->query);
    buf_release(&s->canonical_request);
    buf_release(&s->string_to_sign);
}

/* The query pairs of the request, and in the query form the X-Amz-* ones, sorted. */
static int build_query(const struct sigv4_request *req, const struct sigv4_params *p,
                       const char *credential, const char *amz_date, const char *signed_headers,
                       const char *token, struct qpair **out, size_t *nout)
{
    struct qpair *q = NULL;
    size_t n = 0, cap = 0;
    const char *s = req->query ? req->query : "";
    while (*s) {
        const char *amp = strchr(s, '&');
        size_t l = amp ? (size_t)(amp - s) : strlen(s);
        if (l > 0) {
            const char *eq = memchr(s, '=', l);
            size_t kl = eq ? (size_t)(eq - s) : l;
            const char *v = eq ? eq + 1 : s + l;
            size_t vl = eq ? l - kl - 1 : 0;
            if (add_pair_raw(&q, &n, &cap, s, kl, v, vl, true) < 0)
                goto fail;
        }
        s += l + (amp ? 1 : 0);
    }
    if (p->presign) {
        char expires[24];
        int el = snprintf(expires, sizeof(expires), "%ld", p->expires_s);
        const struct {
            const char *k, *v;
        } extra[] = {
            {"X-Amz-Algorithm", SIGV4_ALGORITHM},
            {"X-Amz-Credential", credential},
            {"X-Amz-Date", amz_date},
            {"X-Amz-Expires", expires},
            {"X-Amz-SignedHeaders", signed_headers},
            {"X-Amz-Security-Token", token},
        };
        for (size_t i = 0; i < ARRAY_SIZE(extra); i++) {
            if (!extra[i].v || !*extra[i].v)
                continue;
            size_t vl = extra[i].v == expires ? (size_t)el : strlen(extra[i].v);
            if (add_pair_raw(&q, &n, &cap, extra[i].k, strlen(extra[i].k), extra[i].v, vl, false) <
                0)
                goto fail;
        }
    }
    if (n > 1)
        qsort(q, n, sizeof(*q), qpair_cmp);
    *out = q;
    *nout = n;
    return 0;
fail:
    qpairs_free(q, n);
    return -1;
}

int sigv4_sign(const struct sigv4_request *req, const struct sigv4_credentials *cred,
               const struct sigv4_params *p, struct sigv4_signed *out, struct err *e)
{
    struct header_entry *h = NULL;
    size_t nh = 0;
    struct qpair *q = NULL;
    size_t nq = 0;
    struct buf signed_headers = BUF_INIT(0), credential = BUF_INIT(0);
    struct buf *cr = &out->canonical_request, *sts = &out->string_to_sign;
    char day[9], payload[65], crhash[65];
    unsigned char key[32], sig[32];
    int rc = -1;
    bool have_host = false;

    if (!cred || !cred->access_key_id || !*cred->access_key_id || !cred->secret_access_key ||
        !*cred->secret_access_key)
        return err_set(e, ERR_INVALID_PARAMS, "sigv4: no credentials to sign with");
    if (!valid_scope_part(p->region) || !valid_scope_part(p->service))
        return err_set(e, ERR_INVALID_PARAMS,
                       "sigv4: region and service must be 1-63 of [A-Za-z0-9-_.]");
    if (p->presign && (p->expires_s < 1 || p->expires_s > SIGV4_MAX_EXPIRES))
        return err_set(e, ERR_INVALID_PARAMS, "sigv4: expiry must be 1..%d seconds",
                       SIGV4_MAX_EXPIRES);
    if (!req->method || !*req->method)
        return err_set(e, ERR_INVALID_PARAMS, "sigv4: no method");
    if (dynlib_crypto_load() < 0)
        return err_set(e, ERR_INTERNAL,
                       "sigv4: libcrypto cannot be loaded (Debian package libssl3)");

    struct tm tm;
    if (!gmtime_r(&p->when, &tm))
        return err_set(e, ERR_INVALID_PARAMS, "sigv4: signing time out of range");
    strftime(out->amz_date, sizeof(out->amz_date), "%Y%m%dT%H%M%SZ", &tm);
    memcpy(day, out->amz_date, 8);
    day[8] = '\0';
    const char *token = cred->session_token ? cred->session_token : "";
    out->security_token = token;

    if (req->payload_hash) {
        snprintf(payload, sizeof(payload), "%s", req->payload_hash);
    } else if (sigv4_sha256_hex(req->body, req->body ? req->body_len : 0, payload) < 0) {
        err_set(e, ERR_INTERNAL, "sigv4: SHA-256 failed");
        goto out;
    }
    out->content_sha256[0] = '\0';
    if (p->sign_body && !p->presign)
        snprintf(out->content_sha256, sizeof(out->content_sha256), "%s", payload);

    /* Headers: the caller's, minus the never-signed ones, plus what the signer adds. */
    h = xcalloc(req->n_headers + 3, sizeof(*h));
    if (!h)
        goto oom;
    for (size_t i = 0; i < req->n_headers; i++) {
        const char *name = req->headers[i].name;
        size_t l = strlen(name);
        char *lname = xmalloc(l + 1);
        if (!lname)
            goto oom;
        for (size_t j = 0; j <= l; j++)
            lname[j] = (char)tolower((unsigned char)name[j]);
        /* The signer's own headers replace any the caller left from an earlier signing. */
        if (is_unsigned_header(lname) || strcmp(lname, "authorization") == 0 ||
            strcmp(lname, "x-amz-date") == 0 || strcmp(lname, "x-amz-security-token") == 0 ||
            (strcmp(lname, "x-amz-content-sha256") == 0 && out->content_sha256[0])) {
            free(lname);
            continue;
        }
        have_host |= strcmp(lname, "host") == 0;
        h[nh++] =
            (struct header_entry){lname, req->headers[i].value ? req->headers[i].value : "", i};
    }
    if (!have_host) {
        err_set(e, ERR_INVALID_PARAMS, "sigv4: the request has no Host header");
        goto out;
    }
    if (!p->presign) {
        const struct {
            const char *n, *v;
        } add[] = {
            {"x-amz-date", out->amz_date},
            {"x-amz-security-token", p->omit_session_token ? "" : token},
            {"x-amz-content-sha256", out->content_sha256},
        };
        for (size_t i = 0; i < ARRAY_SIZE(add); i++) {
            if (!*add[i].v)
                continue;
            char *n = xstrdup(add[i].n);
            if (!n)
                goto oom;
            h[nh++] = (struct header_entry){n, add[i].v, req->n_headers + i};
        }
    }
    qsort(h, nh, sizeof(*h), header_cmp);
    for (size_t i = 0; i < nh; i++) {
        if (i > 0 && strcmp(h[i].name, h[i - 1].name) == 0)
            continue;
        if ((signed_headers.len && buf_add(&signed_headers, ";", 1) < 0) ||
            buf_adds(&signed_headers, h[i].name) < 0)
            goto oom;
    }
    if (buf_addf(&credential, "%s/%s/%s/%s/aws4_request", cred->access_key_id, day, p->region,
                 p->service) < 0)
        goto oom;
    if (build_query(req, p, credential.p, out->amz_date, signed_headers.p,
                    p->omit_session_token ? "" : token, &q, &nq) < 0)
        goto oom;

    /* Canonical request. */
    const char *path = req->path ? req->path : "";
    if (buf_addf(cr, "%s\n", req->method) < 0 ||
        canonical_path(cr, path, strlen(path), p->normalize_path) < 0 || buf_add(cr, "\n", 1) < 0)
        goto oom;
    for (size_t i = 0; i < nq; i++)
        if (buf_addf(cr, "%s%s=%s", i ? "&" : "", q[i].key, q[i].value) < 0)
            goto oom;
    if (buf_add(cr, "\n", 1) < 0)
        goto oom;
    for (size_t i = 0; i < nh; i++) {
        bool first = i == 0 || strcmp(h[i].name, h[i - 1].name) != 0;
        bool last = i + 1 == nh || strcmp(h[i].name, h[i + 1].name) != 0;
        if (first && buf_addf(cr, "%s:", h[i].name) < 0)
            goto oom;
        if (!first && buf_add(cr, ",", 1) < 0)
            goto oom;
        if (add_trimmed(cr, h[i].value) < 0 || (last && buf_add(cr, "\n", 1) < 0))
            goto oom;
    }
    if (buf_addf(cr, "\n%s\n%s", signed_headers.p, payload) < 0)
        goto oom;

    /* String to sign and signature. */
    if (sigv4_sha256_hex(cr->p, cr->len, crhash) < 0)
        goto crypto;
    if (buf_addf(sts, SIGV4_ALGORITHM "\n%s\n%s/%s/%s/aws4_request\n%s", out->amz_date, day,
                 p->region, p->service, crhash) < 0)
        goto oom;
    if (signing_key(p, cred->secret_access_key, day, key) < 0 ||
        hmac(key, 32, sts->p, sts->len, sig) < 0)
        goto crypto;
    to_hex(sig, 32, out->signature);

    if (p->presign) {
        for (size_t i = 0; i < nq; i++)
            if (buf_addf(&out->query, "%s%s=%s", i ? "&" : "", q[i].key, q[i].value) < 0)
                goto oom;
        if (buf_addf(&out->query, "%sX-Amz-Signature=%s", nq ? "&" : "", out->signature) < 0)
            goto oom;
        if (p->omit_session_token && *token &&
            (buf_adds(&out->query, "&X-Amz-Security-Token=") < 0 ||
             sigv4_uri_encode(&out->query, token, strlen(token), false) < 0))
            goto oom;
    } else if (buf_addf(&out->authorization,
                        SIGV4_ALGORITHM " Credential=%s, SignedHeaders=%s, Signature=%s",
                        credential.p, signed_headers.p, out->signature) < 0) {
        goto oom;
    }
    rc = 0;
    goto out;
oom:
    err_set(e, ERR_INTERNAL, "sigv4: out of memory");
    goto out;
crypto:
    err_set(e, ERR_INTERNAL, "sigv4: libcrypto failed");
out:
    OPENSSL_cleanse(key, sizeof(key));
    for (size_t i = 0; i < nh; i++)
        free(h[i].name);
    free(h);
    qpairs_free(q, nq);
    buf_release(&signed_headers);
    buf_release(&credential);
    return rc;
}
