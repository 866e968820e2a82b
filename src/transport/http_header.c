#include "transport/http_header.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base64.h"
#include "alloc.h"
#include "banned.h"

bool http_is_ows(char c)
{
    return c == ' ' || c == '\t';
}

void http_trim(const char **p, size_t *n)
{
    while (*n && http_is_ows(**p)) {
        (*p)++;
        (*n)--;
    }
    while (*n && http_is_ows((*p)[*n - 1]))
        (*n)--;
}

bool http_span_ieq(const char *p, size_t n, const char *lit)
{
    return strlen(lit) == n && strncasecmp(p, lit, n) == 0;
}

const char *http_header_get(const struct http_header *h, size_t nh, const char *name)
{
    for (size_t i = 0; i < nh; i++)
        if (h[i].name && strcasecmp(h[i].name, name) == 0)
            return h[i].value ? h[i].value : "";
    return NULL;
}

size_t http_header_count(const struct http_header *h, size_t nh, const char *name)
{
    size_t n = 0;
    for (size_t i = 0; i < nh; i++)
        if (h[i].name && strcasecmp(h[i].name, name) == 0)
            n++;
    return n;
}

int http_header_value_decode(const char *value, char **out, size_t *len)
{
    const char *p = value ? value : "";
    size_t n = strlen(p);
    char *copy;

    *out = NULL;
    *len = 0;
    http_trim(&p, &n);
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

bool http_authority_split(const char *p, size_t n, char *name, size_t name_size, bool *v6)
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

/* The media type of a Content-Type or Accept element, parameters dropped. */
static void media_type(const char *p, size_t n, const char **type, size_t *tlen,
                       const char **params, size_t *plen)
{
    const char *semi = memchr(p, ';', n);
    *type = p;
    *tlen = semi ? (size_t)(semi - p) : n;
    http_trim(type, tlen);
    *params = semi ? semi + 1 : p + n;
    *plen = semi ? (size_t)(p + n - semi - 1) : 0;
}

bool http_content_type_is(const char *v, const char *type_wanted)
{
    const char *type, *params;
    size_t tlen, plen;
    media_type(v, strlen(v), &type, &tlen, &params, &plen);
    return http_span_ieq(type, tlen, type_wanted);
}

/* true when a "q=0" (also 0.0, 0.00, 0.000) parameter refuses the range (RFC 9110 12.4.2). */
static bool params_refuse(const char *p, size_t n)
{
    while (n) {
        const char *semi = memchr(p, ';', n);
        size_t len = semi ? (size_t)(semi - p) : n;
        const char *s = p;
        size_t sl = len;
        http_trim(&s, &sl);
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

bool http_accepts_json(const struct http_header *h, size_t nh)
{
    bool any_value = false;

    for (size_t i = 0; i < nh; i++) {
        const char *v, *p;
        size_t n;
        if (!h[i].name || strcasecmp(h[i].name, "Accept") != 0)
            continue;
        v = h[i].value ? h[i].value : "";
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
                if ((http_span_ieq(type, tlen, "application/json") ||
                     http_span_ieq(type, tlen, "application/*") ||
                     http_span_ieq(type, tlen, "*/*")) &&
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
