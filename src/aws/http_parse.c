#include "aws/http_parse.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "banned.h"

/* A field of the header section: pointers into the parser's head buffer. */
struct field {
    const char *name;
    const char *value;
};

void http_parser_init(struct http_parser *p, const struct http_parse_cb *cb, bool head_request,
                      bool connect_request)
{
    memset(p, 0, sizeof(*p));
    p->cb = *cb;
    p->head_request = head_request;
    p->connect_request = connect_request;
    p->state = HP_HEAD;
    buf_init(&p->head, 0);
}

void http_parser_release(struct http_parser *p)
{
    buf_release(&p->head);
}

bool http_parser_done(const struct http_parser *p)
{
    return p->state == HP_DONE;
}

/* Up to 40 bytes of s for a message: printable ASCII kept, anything else shown as '?'. */
static const char *snip(char out[48], const char *s, size_t n)
{
    size_t k = n > 40 ? 40 : n;
    for (size_t i = 0; i < k; i++)
        out[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
    if (n > k) {
        memcpy(out + k, "...", 3);
        k += 3;
    }
    out[k] = '\0';
    return out;
}

static int fail(struct http_parser *p, struct err *e, const char *fmt, ...) PRINTF_LIKE(3, 4);
static int fail(struct http_parser *p, struct err *e, const char *fmt, ...)
{
    p->state = HP_FAILED;
    if (e) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
        va_end(ap);
        e->code = ERR_INTERNAL;
    }
    return -1;
}

/* A callback stopped the parse; its message is in e already. */
static int stopped(struct http_parser *p)
{
    p->state = HP_FAILED;
    return -1;
}

/* RFC 9110 5.6.2: tchar. */
static bool is_tchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* RFC 9110 5.5: field-vchar, SP and HTAB (obs-text included). */
static bool is_value_char(unsigned char c)
{
    return c == '\t' || (c >= 0x20 && c != 0x7f);
}

static bool is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/*
 * The end of a section of lines ended by an empty line (the header section or the trailers)
 * in b[0..len): the index just past its last LF, or 0 when it has not ended yet. The search
 * starts at `from` (bytes before it were searched already); at_start: b[0] begins a line, so
 * an empty first line ends the section (trailers; a header section needs its status line).
 */
static size_t section_end(const char *b, size_t len, size_t from, bool at_start)
{
    if (at_start && from == 0) {
        if (len >= 1 && b[0] == '\n')
            return 1;
        if (len >= 2 && b[0] == '\r' && b[1] == '\n')
            return 2;
    }
    for (size_t i = from; i < len; i++) {
        if (b[i] != '\n')
            continue;
        if (i + 1 < len && b[i + 1] == '\n')
            return i + 2;
        if (i + 2 < len && b[i + 1] == '\r' && b[i + 2] == '\n')
            return i + 3;
    }
    return 0;
}

/* Trims the OWS around the value [*v, *end) and checks its characters (field `name`). */
static int trim_value(struct http_parser *p, char **v, char **end, const char *name, struct err *e)
{
    while (*v < *end && is_ows(**v))
        (*v)++;
    while (*end > *v && is_ows((*end)[-1]))
        (*end)--;
    for (const char *c = *v; c < *end; c++)
        if (!is_value_char((unsigned char)*c))
            return fail(p, e, "a control character (0x%02x) in field '%s'", (unsigned char)*c,
                        name);
    return 0;
}

/*
 * Splits the field lines in s[0..end) (each ended by LF or CRLF, the last being the empty
 * line) into fields, in place: names and values are NUL-terminated, values trimmed, obsolete
 * line folds joined with a space (RFC 9112 5.2). `what` names the section in messages.
 */
static int parse_fields(struct http_parser *p, char *s, char *end, struct field *f, size_t *nf,
                        const char *what, struct err *e)
{
    char sn[48];
    char *vend = NULL; /* where the last field's value ends (its NUL), for folding */
    *nf = 0;
    while (s < end) {
        char *lf = memchr(s, '\n', (size_t)(end - s));
        char *next = lf + 1, *le = lf;
        if (le > s && le[-1] == '\r')
            le--;
        char *cr = memchr(s, '\r', (size_t)(le - s));
        if (cr)
            return fail(p, e, "a bare CR in the %s", what);
        if (le == s)
            return 0; /* the empty line that ends the section */
        if (is_ows(*s)) {
            /* Obsolete line folding: more of the previous field's value. */
            if (!vend)
                return fail(p, e, "the %s starts with whitespace (a fold with no field)", what);
            if (trim_value(p, &s, &le, f[*nf - 1].name, e) < 0)
                return -1;
            if (le > s) {
                size_t n = (size_t)(le - s);
                *vend = ' ';
                memmove(vend + 1, s, n);
                vend += 1 + n;
                *vend = '\0';
            }
            s = next;
            continue;
        }
        char *colon = memchr(s, ':', (size_t)(le - s));
        if (!colon)
            return fail(p, e, "a line without ':' in the %s: '%s'", what,
                        snip(sn, s, (size_t)(le - s)));
        if (colon == s)
            return fail(p, e, "a field with an empty name in the %s", what);
        for (char *c = s; c < colon; c++) {
            if (is_ows(*c))
                return fail(p, e, "whitespace in or after the field name '%s'",
                            snip(sn, s, (size_t)(colon - s)));
            if (!is_tchar((unsigned char)*c))
                return fail(p, e, "a field name with a character (0x%02x) not allowed: '%s'",
                            (unsigned char)*c, snip(sn, s, (size_t)(colon - s)));
        }
        if (*nf == HTTP_MAX_FIELDS)
            return fail(p, e, "more than %d fields in the %s", HTTP_MAX_FIELDS, what);
        *colon = '\0';
        char *v = colon + 1;
        if (trim_value(p, &v, &le, s, e) < 0)
            return -1;
        *le = '\0';
        f[*nf].name = s;
        f[*nf].value = v;
        (*nf)++;
        vend = le;
        s = next;
    }
    return fail(p, e, "the %s has no end", what); /* not reached: section_end found one */
}

/* Calls fn on each element of a comma-separated list (RFC 9110 5.6.1), trimmed, empty ones
 * skipped; stops at the first that returns -1. */
static int each_element(const char *v, int (*fn)(void *, const char *, size_t), void *arg)
{
    while (*v) {
        size_t n = strcspn(v, ",");
        const char *s = v, *t = v + n;
        while (s < t && is_ows(*s))
            s++;
        while (t > s && is_ows(t[-1]))
            t--;
        if (t > s && fn(arg, s, (size_t)(t - s)) < 0)
            return -1;
        v += n;
        if (*v == ',')
            v++;
    }
    return 0;
}

/* What the framing fields say, gathered over all of them. */
struct framing {
    struct http_parser *p;
    struct err *e;
    bool has_length, has_te, chunked, close, keep_alive;
    unsigned long long length;
    int te_codings;
};

static int length_element(void *arg, const char *s, size_t n)
{
    struct framing *fr = arg;
    char sn[48];
    unsigned long long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return fail(fr->p, fr->e, "a Content-Length that is not a number: '%s'",
                        snip(sn, s, n));
        if (v > (~0ULL >> 4))
            return fail(fr->p, fr->e, "a Content-Length too large: '%s'", snip(sn, s, n));
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (fr->has_length && v != fr->length)
        return fail(fr->p, fr->e, "conflicting Content-Length values %llu and %llu", fr->length, v);
    fr->has_length = true;
    fr->length = v;
    return 0;
}

static int te_element(void *arg, const char *s, size_t n)
{
    struct framing *fr = arg;
    char sn[48];
    fr->te_codings++;
    if (n == 7 && strncasecmp(s, "chunked", 7) == 0 && !fr->chunked) {
        fr->chunked = true;
        return 0;
    }
    if (fr->chunked && n == 7 && strncasecmp(s, "chunked", 7) == 0)
        return fail(fr->p, fr->e, "Transfer-Encoding names chunked twice");
    return fail(fr->p, fr->e, "an unsupported Transfer-Encoding '%s' (only chunked is understood)",
                snip(sn, s, n));
}

static int connection_element(void *arg, const char *s, size_t n)
{
    struct framing *fr = arg;
    if (n == 5 && strncasecmp(s, "close", 5) == 0)
        fr->close = true;
    else if (n == 10 && strncasecmp(s, "keep-alive", 10) == 0)
        fr->keep_alive = true;
    return 0;
}

/* "HTTP/1.x SP 3DIGIT [SP reason]" (RFC 9112 4). Sets p->status; *minor gets x. */
static int parse_status_line(struct http_parser *p, const char *s, size_t n, int *minor,
                             struct err *e)
{
    char sn[48];
    if (n < 12 || memcmp(s, "HTTP/", 5) != 0 || s[6] != '.' || s[8] != ' ') {
        if (n >= 5 && memcmp(s, "HTTP/", 5) == 0 && n >= 8 && s[5] >= '2' && s[5] <= '9')
            return fail(p, e, "an unsupported HTTP version in the status line '%s'",
                        snip(sn, s, n));
        return fail(p, e, "a malformed status line '%s'", snip(sn, s, n));
    }
    if (s[5] != '1' || s[7] < '0' || s[7] > '9')
        return fail(p, e, "an unsupported HTTP version in the status line '%s'", snip(sn, s, n));
    for (int i = 9; i < 12; i++)
        if (s[i] < '0' || s[i] > '9')
            return fail(p, e, "a status code that is not 3 digits in '%s'", snip(sn, s, n));
    if (n > 12 && s[12] != ' ')
        return fail(p, e, "a malformed status line '%s'", snip(sn, s, n));
    for (size_t i = 13; i < n; i++)
        if (!is_value_char((unsigned char)s[i]))
            return fail(p, e, "a control character (0x%02x) in the status line",
                        (unsigned char)s[i]);
    p->status = (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
    if (p->status < 100)
        return fail(p, e, "a status code below 100 in '%s'", snip(sn, s, n));
    *minor = s[7] - '0';
    return 0;
}

/* The header section in p->head (complete, ended by its empty line): status, fields,
 * framing, callbacks, next state. */
static int parse_head(struct http_parser *p, struct err *e)
{
    struct field fields[HTTP_MAX_FIELDS];
    size_t nf = 0;
    char *s = p->head.p, *end = s + p->head.len;
    if (memchr(s, '\0', p->head.len))
        return fail(p, e, "a NUL byte in the header section");
    char *lf = memchr(s, '\n', p->head.len);
    size_t sl = (size_t)(lf - s);
    if (sl > 0 && s[sl - 1] == '\r')
        sl--;
    if (sl == 0)
        return fail(p, e, "an empty status line");
    if (memchr(s, '\r', sl))
        return fail(p, e, "a bare CR in the status line");
    int minor = 1;
    if (parse_status_line(p, s, sl, &minor, e) < 0 ||
        parse_fields(p, lf + 1, end, fields, &nf, "header section", e) < 0)
        return -1;

    if (p->status >= 100 && p->status < 200) {
        if (p->status == 101)
            return fail(p, e, "an unexpected 101 Switching Protocols (no upgrade was asked for)");
        buf_reset(&p->head); /* an interim response: the real one follows */
        return 0;
    }

    struct framing fr = {.p = p, .e = e};
    for (size_t i = 0; i < nf; i++) {
        const char *n = fields[i].name, *v = fields[i].value;
        int rc = 0;
        if (strcasecmp(n, "content-length") == 0) {
            rc = each_element(v, length_element, &fr);
            if (rc == 0 && !fr.has_length)
                return fail(p, e, "an empty Content-Length");
        } else if (strcasecmp(n, "transfer-encoding") == 0) {
            fr.has_te = true;
            rc = each_element(v, te_element, &fr);
        } else if (strcasecmp(n, "connection") == 0) {
            rc = each_element(v, connection_element, &fr);
        }
        if (rc < 0)
            return -1;
    }
    bool bodiless = p->head_request || p->status == 204 || p->status == 304 ||
                    (p->connect_request && p->status < 300);
    if (fr.has_te && fr.te_codings == 0)
        return fail(p, e, "an empty Transfer-Encoding");
    if (!bodiless && fr.has_te && fr.has_length)
        return fail(p, e,
                    "both Transfer-Encoding and Content-Length (RFC 9112 6.3: a sign of "
                    "request smuggling)");
    if (!bodiless && fr.has_te && minor == 0)
        return fail(p, e, "Transfer-Encoding in an HTTP/1.0 response");
    p->keep_alive = minor == 0 ? fr.keep_alive && !fr.close : !fr.close;
    p->has_length = !bodiless && !fr.has_te && fr.has_length;
    p->length = fr.length;

    for (size_t i = 0; i < nf; i++)
        if (p->cb.on_header && p->cb.on_header(p->cb.arg, fields[i].name, fields[i].value, e) < 0)
            return stopped(p);
    if (p->cb.on_head && p->cb.on_head(p->cb.arg, p->status, e) < 0)
        return stopped(p);
    buf_reset(&p->head);
    if (bodiless) {
        p->state = HP_DONE;
    } else if (fr.has_te) {
        p->state = HP_CHUNK_SIZE;
    } else if (fr.has_length) {
        p->left = fr.length;
        p->state = fr.length ? HP_LENGTH : HP_DONE;
    } else {
        p->state = HP_CLOSE;
        p->keep_alive = false;
    }
    return 0;
}

/* Appends up to `room` bytes of a section (header or trailers) and looks for its end.
 * Returns bytes used, with *ended set when the section is complete in p->head. */
static long feed_section(struct http_parser *p, const char *d, size_t n, size_t max, bool at_start,
                         bool *ended, const char *what, struct err *e)
{
    size_t old = p->head.len, take = n < max - old ? n : max - old;
    *ended = false;
    if (take && buf_add(&p->head, d, take) < 0)
        return fail(p, e, "out of memory reading the %s", what);
    size_t from = old >= 2 ? old - 2 : 0;
    size_t end = section_end(p->head.p, p->head.len, from, at_start);
    if (end) {
        p->head.len = end;
        p->head.p[end] = '\0';
        *ended = true;
        return (long)(end - old);
    }
    if (p->head.len >= max)
        return fail(p, e, "a %s larger than %zu bytes", what, max);
    return (long)take;
}

/* A chunk size line in p->head (without its LF): 1*HEXDIG [BWS ";" extensions]. */
static int parse_chunk_size(struct http_parser *p, struct err *e)
{
    char sn[48];
    const char *s = p->head.p;
    size_t n = p->head.len;
    if (n && s[n - 1] == '\r')
        n--;
    size_t i = 0, digits = 0;
    unsigned long long v = 0;
    for (; i < n; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            break;
        if (v || d)
            digits++;
        if (digits > 15)
            return fail(p, e, "a chunk size too large: '%s'", snip(sn, s, n));
        v = v * 16 + (unsigned)d;
    }
    if (i == 0)
        return fail(p, e, "a chunk size line that is not hexadecimal: '%s'", snip(sn, s, n));
    while (i < n && is_ows(s[i]))
        i++;
    if (i < n && s[i] != ';')
        return fail(p, e, "a malformed chunk size line: '%s'", snip(sn, s, n));
    for (; i < n; i++)
        if (!is_value_char((unsigned char)s[i]))
            return fail(p, e, "a control character (0x%02x) in a chunk extension",
                        (unsigned char)s[i]);
    p->left = v;
    buf_reset(&p->head);
    p->state = v ? HP_CHUNK_DATA : HP_TRAILER;
    return 0;
}

static int deliver(struct http_parser *p, const char *d, size_t n, struct err *e)
{
    p->body += n;
    if (n && p->cb.on_body && p->cb.on_body(p->cb.arg, d, n, e) < 0)
        return stopped(p);
    return 0;
}

long http_parser_feed(struct http_parser *p, const char *data, size_t n, struct err *e)
{
    size_t i = 0;
    if (p->state == HP_FAILED)
        return fail(p, e, "the response was already refused");
    while (i < n && p->state != HP_DONE) {
        const char *d = data + i;
        size_t m = n - i;
        long used;
        bool ended;
        switch (p->state) {
        case HP_HEAD:
            used = feed_section(p, d, m, HTTP_MAX_HEAD, false, &ended, "header section", e);
            if (used < 0 || (ended && parse_head(p, e) < 0))
                return -1;
            break;
        case HP_TRAILER:
            used = feed_section(p, d, m, HTTP_MAX_HEAD, true, &ended, "trailer section", e);
            if (used < 0)
                return -1;
            if (ended) {
                struct field fields[HTTP_MAX_FIELDS];
                size_t nf;
                if (memchr(p->head.p, '\0', p->head.len))
                    return fail(p, e, "a NUL byte in the trailer section");
                if (parse_fields(p, p->head.p, p->head.p + p->head.len, fields, &nf,
                                 "trailer section", e) < 0)
                    return -1;
                buf_reset(&p->head);
                p->state = HP_DONE;
            }
            break;
        case HP_LENGTH:
        case HP_CHUNK_DATA:
            used = (long)(m < p->left ? m : p->left);
            p->left -= (unsigned long long)used;
            if (deliver(p, d, (size_t)used, e) < 0)
                return -1;
            if (p->left == 0)
                p->state = p->state == HP_LENGTH ? HP_DONE : HP_CHUNK_CR;
            break;
        case HP_CLOSE:
            used = (long)m;
            if (deliver(p, d, m, e) < 0)
                return -1;
            break;
        case HP_CHUNK_SIZE: {
            const char *lf = memchr(d, '\n', m);
            size_t take = lf ? (size_t)(lf - d) : m;
            if (p->head.len + take > HTTP_MAX_CHUNK_LINE)
                return fail(p, e, "a chunk size line longer than %d bytes", HTTP_MAX_CHUNK_LINE);
            if (buf_add(&p->head, d, take) < 0)
                return fail(p, e, "out of memory reading a chunk size line");
            if (memchr(d, '\0', take) ||
                (p->head.len > 1 && memchr(p->head.p, '\r', p->head.len - 1)))
                return fail(p, e, "a NUL or bare CR in a chunk size line");
            used = (long)(lf ? take + 1 : take);
            if (lf && parse_chunk_size(p, e) < 0)
                return -1;
            break;
        }
        case HP_CHUNK_CR:
        case HP_CHUNK_LF:
            used = 1;
            if (*d == '\n')
                p->state = HP_CHUNK_SIZE;
            else if (*d == '\r' && p->state == HP_CHUNK_CR)
                p->state = HP_CHUNK_LF;
            else
                return fail(p, e, "chunk data not followed by a line break (0x%02x instead)",
                            (unsigned char)*d);
            break;
        default:
            return fail(p, e, "the parser is in no state to read");
        }
        i += (size_t)used;
        p->fed += (size_t)used;
    }
    return (long)i;
}

int http_parser_eof(struct http_parser *p, struct err *e)
{
    switch (p->state) {
    case HP_DONE:
        return 0;
    case HP_CLOSE:
        p->state = HP_DONE;
        return 0;
    case HP_HEAD:
        return p->fed == 0
                   ? fail(p, e, "the connection closed before a response")
                   : fail(p, e, "the connection closed in the middle of the header section");
    case HP_LENGTH:
        return fail(p, e, "the connection closed after %llu of %llu body bytes", p->body,
                    p->length);
    case HP_FAILED:
        return fail(p, e, "the response was already refused");
    default:
        return fail(p, e,
                    "the connection closed in the middle of the chunked body (after %llu "
                    "bytes)",
                    p->body);
    }
}
