#include "aws/http_proxy.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/http_parse.h"
#include "base64.h"
#include "banned.h"

/* ---- no_proxy ---- */

/* Parses an IP address (v4 or v6) into a[16]; returns its family or 0. */
static int parse_ip(const char *s, unsigned char a[16])
{
    if (inet_pton(AF_INET, s, a) == 1)
        return AF_INET;
    if (inet_pton(AF_INET6, s, a) == 1)
        return AF_INET6;
    return 0;
}

/* Whether the first `bits` bits of a and b agree. */
static bool prefix_equal(const unsigned char *a, const unsigned char *b, int bits)
{
    int bytes = bits / 8, rest = bits % 8;
    if (memcmp(a, b, (size_t)bytes) != 0)
        return false;
    return rest == 0 || ((a[bytes] ^ b[bytes]) & (0xff << (8 - rest))) == 0;
}

/* One no_proxy entry (lower case, trimmed, NUL-terminated, modified in place). */
static bool entry_matches(char *ent, const char *host)
{
    unsigned char ha[16], ea[16];
    int hf = parse_ip(host, ha);
    if (strcmp(ent, "*") == 0)
        return true;
    char *slash = strchr(ent, '/');
    if (slash) { /* a CIDR block */
        *slash = '\0';
        char *end;
        long bits = strtol(slash + 1, &end, 10);
        int ef = parse_ip(ent, ea);
        if (*end || slash[1] == '\0' || !ef || ef != hf || bits < 0 ||
            bits > (ef == AF_INET ? 32 : 128))
            return false;
        return prefix_equal(ha, ea, (int)bits);
    }
    if (*ent == '[') { /* [v6] or [v6]:port */
        char *close = strchr(ent, ']');
        if (!close)
            return false;
        *close = '\0';
        ent++;
    } else {
        char *colon = strchr(ent, ':');
        if (colon && !strchr(colon + 1, ':'))
            *colon = '\0'; /* name:port or v4:port */
    }
    int ef = parse_ip(ent, ea);
    if (ef || hf)
        return ef && ef == hf && memcmp(ha, ea, ef == AF_INET ? 4 : 16) == 0;
    if (strncmp(ent, "*.", 2) == 0)
        ent += 2;
    else if (*ent == '.')
        ent++;
    size_t hl = strlen(host), el = strlen(ent);
    if (el == 0 || el > hl)
        return false;
    return strcmp(host + hl - el, ent) == 0 && (hl == el || host[hl - el - 1] == '.');
}

bool http_no_proxy_match(const char *list, const char *host)
{
    while (list && *list) {
        size_t n = strcspn(list, ", \t");
        if (n > 0 && n < 300) {
            char ent[300];
            for (size_t i = 0; i < n; i++)
                ent[i] = (char)tolower((unsigned char)list[i]);
            ent[n] = '\0';
            if (entry_matches(ent, host))
                return true;
        }
        list += n;
        list += strspn(list, ", \t");
    }
    return false;
}

/* ---- the setting ---- */

/* Percent-decodes s[0..n) into out (cap bytes); -1 when it does not fit or is malformed. */
static int pct_decode(const char *s, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '%') {
            if (i + 2 >= n || !isxdigit((unsigned char)s[i + 1]) ||
                !isxdigit((unsigned char)s[i + 2]))
                return -1;
            char hex[3] = {s[i + 1], s[i + 2], '\0'};
            c = (char)strtol(hex, NULL, 16);
            i += 2;
        }
        if (o + 1 >= cap)
            return -1;
        out[o++] = c;
    }
    out[o] = '\0';
    return (int)o;
}

int http_proxy_parse(const char *value, const char *var, struct http_proxy *p, struct err *e)
{
    memset(p, 0, sizeof(*p));
    const char *s = value;
    while (*s == ' ' || *s == '\t')
        s++;
    const char *sep = strstr(s, "://");
    if (sep) {
        if ((size_t)(sep - s) != 4 || strncasecmp(s, "http", 4) != 0)
            return err_set(e, ERR_INVALID_PARAMS,
                           "%s: a %.*s:// proxy is not supported (only http:// proxies, which "
                           "open a CONNECT tunnel)",
                           var, (int)((sep - s) < 20 ? sep - s : 20), s);
        s = sep + 3;
    }
    size_t alen = strcspn(s, "/?# \t");
    const char *at = NULL;
    for (size_t i = 0; i < alen; i++)
        if (s[i] == '@')
            at = s + i;
    if (at) {
        const char *colon = memchr(s, ':', (size_t)(at - s));
        char user[256], pass[256], both[520];
        size_t ul = colon ? (size_t)(colon - s) : (size_t)(at - s);
        if (pct_decode(s, ul, user, sizeof(user)) < 0 ||
            (colon && pct_decode(colon + 1, (size_t)(at - colon - 1), pass, sizeof(pass)) < 0))
            return err_set(e, ERR_INVALID_PARAMS,
                           "%s: the proxy's user name or password is "
                           "malformed or too long",
                           var);
        if (!colon)
            pass[0] = '\0';
        int bl = snprintf(both, sizeof(both), "%s:%s", user, pass);
        char *b64 = base64_encode(both, (size_t)bl, NULL);
        if (!b64)
            return err_set(e, ERR_INTERNAL, "out of memory");
        snprintf(p->auth, sizeof(p->auth), "Basic %s", b64);
        free(b64);
        alen -= (size_t)(at + 1 - s);
        s = at + 1;
    }
    const char *hs = s, *he, *end = s + alen, *port = NULL;
    if (*hs == '[') {
        he = memchr(hs, ']', alen);
        if (!he || (he + 1 < end && he[1] != ':'))
            return err_set(e, ERR_INVALID_PARAMS, "%s: a malformed proxy address", var);
        port = he + 1 < end ? he + 2 : NULL;
        hs++;
    } else {
        he = memchr(hs, ':', alen);
        if (he)
            port = he + 1;
        else
            he = end;
    }
    if (he == hs || (size_t)(he - hs) >= sizeof(p->host))
        return err_set(e, ERR_INVALID_PARAMS, "%s: the proxy has no host or a host too long", var);
    memcpy(p->host, hs, (size_t)(he - hs));
    p->host[he - hs] = '\0';
    p->port = 80;
    if (port) {
        char digits[8];
        size_t pl = (size_t)(end - port);
        char *pe;
        if (pl == 0 || pl >= sizeof(digits))
            return err_set(e, ERR_INVALID_PARAMS, "%s: the proxy has a bad port", var);
        memcpy(digits, port, pl);
        digits[pl] = '\0';
        long v = strtol(digits, &pe, 10);
        if (*pe || v < 1 || v > 65535)
            return err_set(e, ERR_INVALID_PARAMS, "%s: the proxy has a bad port", var);
        p->port = (int)v;
    }
    snprintf(p->shown, sizeof(p->shown), strchr(p->host, ':') ? "[%s]:%d" : "%s:%d", p->host,
             p->port);
    return 0;
}

int http_proxy_for(const char *host, struct http_proxy *p, struct err *e)
{
    const char *var = "https_proxy", *v = getenv(var);
    if (!v || !*v) {
        var = "HTTPS_PROXY";
        v = getenv(var);
    }
    if (!v || !*v)
        return 0;
    const char *np = getenv("no_proxy");
    if (!np || !*np)
        np = getenv("NO_PROXY");
    if (np && http_no_proxy_match(np, host))
        return 0;
    return http_proxy_parse(v, var, p, e) < 0 ? -1 : 1;
}

/* ---- the tunnel ---- */

struct tunnel {
    const struct http_proxy *p;
    const char *authority;
    long status;
};

static int tunnel_head(void *arg, long status, struct err *e)
{
    struct tunnel *t = arg;
    t->status = status;
    if (status >= 200 && status < 300)
        return 0;
    return err_set(e, ERR_INTERNAL, "the proxy %s refused the tunnel to %s: HTTP %ld%s",
                   t->p->shown, t->authority, status,
                   status == 407 ? " (proxy authentication required: check the user and "
                                   "password in https_proxy)"
                                 : "");
}

int http_proxy_tunnel(struct http_conn *c, const struct http_proxy *p, const char *host, int port,
                      const struct http_io *io, struct err *e)
{
    char authority[300], req[1400], in[2048];
    snprintf(authority, sizeof(authority), strchr(host, ':') ? "[%s]:%d" : "%s:%d", host, port);
    int n = snprintf(req, sizeof(req), "CONNECT %s HTTP/1.1\r\nHost: %s\r\n%s%s%s\r\n", authority,
                     authority, p->auth[0] ? "Proxy-Authorization: " : "", p->auth,
                     p->auth[0] ? "\r\n" : "");
    struct tunnel t = {p, authority, 0};
    struct http_parse_cb cb = {.on_head = tunnel_head, .arg = &t};
    struct http_parser ps;
    int rc = http_conn_write(c, req, (size_t)n, io, e);
    if (rc != 0)
        goto io_failed;
    http_parser_init(&ps, &cb, false, true);
    while (!http_parser_done(&ps)) {
        long got = http_conn_read(c, in, sizeof(in), io, e);
        if (got < 0) {
            rc = (int)got;
            http_parser_release(&ps);
            goto io_failed;
        }
        struct err pe = ERR_INIT;
        long used = got == 0 ? (http_parser_eof(&ps, &pe) < 0 ? -1 : 0)
                             : http_parser_feed(&ps, in, (size_t)got, &pe);
        if (used < 0 && t.status && (t.status < 200 || t.status >= 300)) {
            err_set(e, ERR_INTERNAL, "%s", pe.msg); /* the refusal, from tunnel_head */
        } else if (used < 0) {
            err_set(e, ERR_INTERNAL, "the proxy %s answered CONNECT with %s", p->shown, pe.msg);
        } else if (used < got) {
            err_set(e, ERR_INTERNAL, "the proxy %s sent bytes after its CONNECT answer", p->shown);
            used = -1;
        }
        if (used < 0) {
            http_parser_release(&ps);
            return HTTP_IO_ERROR;
        }
    }
    http_parser_release(&ps);
    return 0;
io_failed:
    if (rc == HTTP_IO_TIMEOUT || rc == HTTP_IO_CANCELLED) {
        err_set(e, ERR_INTERNAL, "no tunnel through the proxy %s", p->shown);
    } else if (e) {
        char why[sizeof(e->msg)];
        snprintf(why, sizeof(why), "%s", e->msg);
        err_set(e, ERR_INTERNAL, "the proxy %s: %.180s", p->shown, why);
    }
    return rc;
}
