/*
 * libFuzzer target for the response parser of the HTTPS client (src/aws/http_parse.c):
 * arbitrary bytes as what a server sent. The first byte chooses the request kind (bit 0:
 * HEAD, bit 1: CONNECT) and the size of the pieces the rest is fed in (bits 2-7; 0 = at once).
 * Contract besides the sanitizers: fed at once and fed in pieces, the bytes are accepted or
 * refused alike, with the same status and body; a refusal has a message; the body delivered
 * never holds more bytes than were fed, nor more than a Content-Length said.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/http_parse.h"

struct out {
    long status;
    size_t body;
    unsigned long long sum;
};

static int on_head(void *arg, long status, struct err *e)
{
    (void)e;
    ((struct out *)arg)->status = status;
    return 0;
}

static int on_body(void *arg, const char *p, size_t n, struct err *e)
{
    struct out *o = arg;
    (void)e;
    o->body += n;
    for (size_t i = 0; i < n; i++)
        o->sum = o->sum * 31 + (unsigned char)p[i];
    return 0;
}

/* -1 refused, 0 complete, 1 incomplete (then the connection ends: eof decides). */
static int run(const char *d, size_t n, size_t step, bool head, bool connect, struct out *o)
{
    struct http_parser p;
    struct http_parse_cb cb = {NULL, on_head, on_body, o};
    struct err e = ERR_INIT;
    int rc = 1;
    memset(o, 0, sizeof(*o));
    http_parser_init(&p, &cb, head, connect);
    for (size_t i = 0; i < n && !http_parser_done(&p);) {
        size_t k = step && step < n - i ? step : n - i;
        long u = http_parser_feed(&p, d + i, k, &e);
        if (u < 0 || (size_t)u > k) {
            rc = -1;
            break;
        }
        i += k;
        if ((size_t)u < k)
            break;
    }
    if (rc == 1 && !http_parser_done(&p) && http_parser_eof(&p, &e) < 0)
        rc = -1;
    if (rc == 1)
        rc = 0;
    if (rc < 0 && e.msg[0] == '\0')
        abort();
    if (o->body > n || (rc == 0 && p.has_length && o->body != p.length))
        abort();
    http_parser_release(&p);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    bool head = data[0] & 1, connect = data[0] & 2;
    size_t step = data[0] >> 2;
    /* No NUL after the input: the parser must respect the length. */
    char *text = malloc(size);
    if (!text)
        return 0;
    memcpy(text, data + 1, size - 1);
    struct out a, b;
    int ra = run(text, size - 1, 0, head, connect, &a);
    int rb = run(text, size - 1, step ? step : 1, head, connect, &b);
    if (ra != rb || (ra == 0 && (a.status != b.status || a.body != b.body || a.sum != b.sum)))
        abort();
    free(text);
    return 0;
}
