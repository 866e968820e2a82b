/*
 * The response parser of src/aws/http (src/aws/http_parse.c): framing, interim responses,
 * what RFC 9112 lets a recipient accept, and a refusal with its reason for each kind of
 * malformed input. Every accepted case is parsed twice, in one piece and one byte at a time,
 * and must give the same result.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "aws/http_parse.h"
#include "banned.h"

struct got {
    long status;
    int heads;
    char headers[2048];
    struct buf body;
    const char *stop_at_body; /* on_body refuses once the body holds this */
};

static int on_header(void *arg, const char *name, const char *value, struct err *e)
{
    struct got *g = arg;
    size_t l = strlen(g->headers);
    (void)e;
    snprintf(g->headers + l, sizeof(g->headers) - l, "%s=%s|", name, value);
    return 0;
}

static int on_head(void *arg, long status, struct err *e)
{
    struct got *g = arg;
    (void)e;
    g->status = status;
    g->heads++;
    return 0;
}

static int on_body(void *arg, const char *p, size_t n, struct err *e)
{
    struct got *g = arg;
    if (buf_add(&g->body, p, n) < 0)
        return err_set(e, ERR_INTERNAL, "out of memory");
    if (g->stop_at_body && strstr(g->body.p, g->stop_at_body))
        return err_set(e, ERR_INTERNAL, "the callback had enough");
    return 0;
}

/* Result of one parse: rc (-1 refused, 0 complete, 1 incomplete), what was used. */
struct run {
    int rc;
    long used;
    bool keep_alive;
    struct err e;
    struct got g;
};

/* Feeds text (n bytes) in pieces of `step` (0 = at once); eof: then the connection ends. */
static void parse(const char *text, size_t n, size_t step, bool head, bool eof, struct run *r)
{
    struct http_parser p;
    struct http_parse_cb cb = {on_header, on_head, on_body, &r->g};
    memset(r, 0, sizeof(*r));
    buf_init(&r->g.body, 0);
    http_parser_init(&p, &cb, head, false);
    r->rc = 1;
    for (size_t i = 0; i < n && !http_parser_done(&p);) {
        size_t k = step && step < n - i ? step : n - i;
        long u = http_parser_feed(&p, text + i, k, &r->e);
        if (u < 0) {
            r->rc = -1;
            break;
        }
        r->used += u;
        i += k;
        if ((size_t)u < k)
            break;
    }
    if (r->rc == 1 && eof && !http_parser_done(&p))
        r->rc = http_parser_eof(&p, &r->e) < 0 ? -1 : 1;
    if (r->rc == 1 && http_parser_done(&p))
        r->rc = 0;
    r->keep_alive = p.keep_alive;
    http_parser_release(&p);
}

/* Parses at once and byte by byte; both must agree. Returns the first run (release it). */
static struct run *ok(const char *text, bool head, bool eof)
{
    static struct run a, b;
    size_t n = strlen(text);
    parse(text, n, 0, head, eof, &a);
    parse(text, n, 1, head, eof, &b);
    if (a.rc != 0)
        fprintf(stderr, "refused: %s\n", a.e.msg);
    CHECK_INT(a.rc, 0);
    CHECK_INT(b.rc, 0);
    CHECK_INT(a.g.status, b.g.status);
    CHECK_STR(a.g.headers, b.g.headers);
    CHECK_STR(a.g.body.p, b.g.body.p);
    CHECK_INT(a.used, b.used);
    CHECK_INT(a.keep_alive, b.keep_alive);
    buf_release(&b.g.body);
    return &a;
}

/* Must be refused, at once and byte by byte, with `why` in the message. */
static void bad(const char *text, size_t n, const char *why)
{
    struct run a, b;
    parse(text, n, 0, false, true, &a);
    parse(text, n, 1, false, true, &b);
    if (a.rc != -1)
        fprintf(stderr, "accepted: %.60s\n", text);
    CHECK_INT(a.rc, -1);
    CHECK_INT(b.rc, -1);
    CHECK_CONTAINS(a.e.msg, why);
    CHECK_CONTAINS(b.e.msg, why);
    buf_release(&a.g.body);
    buf_release(&b.g.body);
}

#define BAD(text, why) bad(text, sizeof(text) - 1, why)

TEST(content_length)
{
    struct run *r =
        ok("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A:  b c \r\n\r\nhello", false, false);
    CHECK_INT(r->g.status, 200);
    CHECK_STR(r->g.headers, "Content-Length=5|X-A=b c|");
    CHECK_STR(r->g.body.p, "hello");
    CHECK(r->keep_alive);
    buf_release(&r->g.body);
    r = ok("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false, false);
    CHECK_STR(r->g.body.p, "");
    buf_release(&r->g.body);
    /* Identical repeated values are one value (RFC 9110 8.6). */
    r = ok("HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\nContent-Length: 3\r\n\r\nabc", false, false);
    CHECK_STR(r->g.body.p, "abc");
    buf_release(&r->g.body);
}

TEST(chunked)
{
    struct run *r = ok("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                       "5;name=value\r\nhello\r\n6 ; x\r\n world\r\n00\r\nX-Trailer: t\r\n\r\n",
                       false, false);
    CHECK_STR(r->g.body.p, "hello world");
    CHECK(r->keep_alive);
    buf_release(&r->g.body);
    r = ok("HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n",
           false, false);
    CHECK_STR(r->g.body.p, "0123456789");
    buf_release(&r->g.body);
}

TEST(interim_responses_skipped)
{
    struct run *r = ok("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                       "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok",
                       false, false);
    CHECK_INT(r->g.status, 201);
    CHECK_INT(r->g.heads, 1);
    CHECK_STR(r->g.headers, "Content-Length=2|");
    CHECK_STR(r->g.body.p, "ok");
    buf_release(&r->g.body);
}

TEST(no_body)
{
    /* HEAD, 204 and 304 end at the header section whatever their fields say. */
    struct run *r = ok("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", true, false);
    CHECK_STR(r->g.body.p, "");
    CHECK(r->keep_alive);
    buf_release(&r->g.body);
    r = ok("HTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\n", false, false);
    CHECK_INT(r->g.status, 204);
    buf_release(&r->g.body);
    r = ok("HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n", false, false);
    CHECK_INT(r->g.status, 304);
    buf_release(&r->g.body);
}

TEST(read_to_close)
{
    struct run *r = ok("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it", false, true);
    CHECK_STR(r->g.body.p, "all of it");
    CHECK(!r->keep_alive);
    buf_release(&r->g.body);
    struct run x;
    const char t[] = "HTTP/1.1 200 OK\r\n\r\nmore to come";
    parse(t, sizeof(t) - 1, 0, false, false, &x);
    CHECK_INT(x.rc, 1); /* not complete until the connection ends */
    buf_release(&x.g.body);
}

TEST(connection_and_versions)
{
    struct run *r =
        ok("HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\nContent-Length: 0\r\n\r\n", false,
           false);
    CHECK(!r->keep_alive);
    buf_release(&r->g.body);
    r = ok("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", false, false);
    CHECK(!r->keep_alive);
    buf_release(&r->g.body);
    r = ok("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", false, false);
    CHECK(r->keep_alive);
    buf_release(&r->g.body);
    r = ok("HTTP/1.1 404\r\nContent-Length: 0\r\n\r\n", false, false); /* no reason phrase */
    CHECK_INT(r->g.status, 404);
    buf_release(&r->g.body);
}

TEST(lenient_where_rfc_allows)
{
    /* Bare LF line ends (RFC 9112 2.2) and obsolete line folding (5.2). */
    struct run *r =
        ok("HTTP/1.1 200 OK\nX-Fold: a\r\n  b\r\n\tc\nContent-Length: 1\n\nz", false, false);
    CHECK_STR(r->g.headers, "X-Fold=a b c|Content-Length=1|");
    CHECK_STR(r->g.body.p, "z");
    buf_release(&r->g.body);
    r = ok("HTTP/1.1 200 OK\r\nX-Empty:\r\nX-Utf8: caf\xc3\xa9\r\nContent-Length: 0\r\n\r\n", false,
           false);
    CHECK_STR(r->g.headers, "X-Empty=|X-Utf8=caf\xc3\xa9|Content-Length=0|");
    buf_release(&r->g.body);
}

TEST(bytes_after_the_response_are_left)
{
    struct run r;
    const char t[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA";
    parse(t, sizeof(t) - 1, 0, false, false, &r);
    CHECK_INT(r.rc, 0);
    CHECK_INT(r.used, (long)(sizeof(t) - 1 - 5));
    CHECK_STR(r.g.body.p, "ok");
    buf_release(&r.g.body);
}

TEST(malformed_status_lines)
{
    BAD("\r\n\r\n", "an empty status line");
    BAD("ICY 200 OK\r\n\r\n", "a malformed status line 'ICY 200 OK'");
    BAD("HTTP/1.1 2000 OK\r\n\r\n", "a malformed status line");
    BAD("HTTP/2 200 OK\r\n\r\n", "unsupported HTTP version");
    BAD("HTTP/3.0 200 OK\r\n\r\n", "unsupported HTTP version");
    BAD("HTTP/1.1 20x OK\r\n\r\n", "not 3 digits");
    BAD("HTTP/1.1 099 Low\r\n\r\n", "below 100");
    BAD("HTTP/1.1 200 O\x01K\r\n\r\n", "control character (0x01) in the status line");
    BAD("HTTP/1.1 200 OK\rX\r\n\r\n", "bare CR in the status line");
    BAD("HTTP/1.1 101 Switching Protocols\r\n\r\n", "101");
}

TEST(malformed_fields)
{
    BAD("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", "whitespace in or after the field name");
    BAD("HTTP/1.1 200 OK\r\nX-A : x\r\n\r\n", "whitespace in or after the field name 'X-A '");
    BAD("HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", "a line without ':'");
    BAD("HTTP/1.1 200 OK\r\n: v\r\n\r\n", "empty name");
    BAD("HTTP/1.1 200 OK\r\nX@Y: 1\r\n\r\n", "not allowed: 'X@Y'");
    BAD("HTTP/1.1 200 OK\r\nX-A: a\x01"
        "b\r\n\r\n",
        "control character (0x01) in field 'X-A'");
    BAD("HTTP/1.1 200 OK\r\nX-A: a\x7f\r\n\r\n", "control character (0x7f)");
    BAD("HTTP/1.1 200 OK\r\nX-A: a\rb\r\n\r\n", "a bare CR in the header section");
    BAD("HTTP/1.1 200 OK\r\nX-A: a\0b\r\n\r\n", "a NUL byte in the header section");
    BAD("HTTP/1.1 200 OK\r\n  folded\r\n\r\n", "starts with whitespace");
}

TEST(malformed_framing)
{
    BAD("HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n", "not a number: 'abc'");
    BAD("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "not a number");
    BAD("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n", "too large");
    BAD("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
        "conflicting Content-Length values 5 and 6");
    BAD("HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\n", "conflicting Content-Length");
    BAD("HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n", "an empty Content-Length");
    BAD("HTTP/1.1 200 OK\r\nContent-Length: ,\r\n\r\n", "an empty Content-Length");
    BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n",
        "both Transfer-Encoding and Content-Length");
    BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
        "unsupported Transfer-Encoding 'gzip'");
    BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
        "chunked twice");
    BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding:\r\n\r\n", "an empty Transfer-Encoding");
    BAD("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "HTTP/1.0");
}

TEST(malformed_chunks)
{
#define CH "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    BAD(CH "zz\r\n", "not hexadecimal: 'zz'");
    BAD(CH "\r\n", "not hexadecimal");
    BAD(CH "5x\r\nhello\r\n", "a malformed chunk size line: '5x'");
    BAD(CH "1000000000000000\r\n", "a chunk size too large");
    BAD(CH "5\r\nhelloX\r\n0\r\n\r\n", "chunk data not followed by a line break (0x58");
    BAD(CH "5\r\nhello\rX", "chunk data not followed by a line break");
    BAD(CH "5;a=\x01\r\n", "control character (0x01) in a chunk extension");
    BAD(CH "5\r\r\n", "bare CR in a chunk size line");
    BAD(CH "0\r\nBad Trailer: x\r\n\r\n", "whitespace in or after the field name");
    BAD(CH "0\r\nX-T: a\0\r\n\r\n", "a NUL byte in the trailer section");
#undef CH
}

TEST(oversize)
{
    struct buf t = BUF_INIT(0);
    CHECK_INT(buf_adds(&t, "HTTP/1.1 200 OK\r\n"), 0);
    for (int i = 0; i < HTTP_MAX_FIELDS + 1; i++)
        CHECK_INT(buf_addf(&t, "X-%d: v\r\n", i), 0);
    CHECK_INT(buf_adds(&t, "\r\n"), 0);
    bad(t.p, t.len, "more than 256 fields in the header section");
    buf_reset(&t);
    CHECK_INT(buf_adds(&t, "HTTP/1.1 200 OK\r\nX-Big: "), 0);
    for (int i = 0; i < HTTP_MAX_HEAD; i++)
        CHECK_INT(buf_add(&t, "a", 1), 0);
    bad(t.p, t.len, "a header section larger than 65536 bytes");
    buf_reset(&t);
    CHECK_INT(buf_adds(&t, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;"), 0);
    for (int i = 0; i < HTTP_MAX_CHUNK_LINE; i++)
        CHECK_INT(buf_add(&t, "e", 1), 0);
    bad(t.p, t.len, "a chunk size line longer than 1024 bytes");
    buf_release(&t);
}

TEST(early_end)
{
    bad("", 0, "the connection closed before a response");
    BAD("HTTP/1.1 200 OK\r\nContent-Le", "closed in the middle of the header section");
    BAD("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab", "closed after 2 of 5 body bytes");
    BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
        "in the middle of the chunked body (after 3 bytes)");
    BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n",
        "in the middle of the chunked body");
}

TEST(callback_stops)
{
    struct http_parser p;
    struct got g = {.stop_at_body = "stop"};
    struct http_parse_cb cb = {on_header, on_head, on_body, &g};
    struct err e = ERR_INIT;
    const char t[] = "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nnow stop!";
    buf_init(&g.body, 0);
    http_parser_init(&p, &cb, false, false);
    CHECK_INT(http_parser_feed(&p, t, sizeof(t) - 1, &e), -1);
    CHECK_STR(e.msg, "the callback had enough");
    CHECK_INT(http_parser_feed(&p, "x", 1, &e), -1); /* refused for good */
    CHECK_CONTAINS(e.msg, "already refused");
    http_parser_release(&p);
    buf_release(&g.body);
}

TEST(connect_answer_has_no_body)
{
    struct http_parser p;
    struct got g = {0};
    struct http_parse_cb cb = {on_header, on_head, on_body, &g};
    struct err e = ERR_INIT;
    const char t[] = "HTTP/1.1 200 Connection established\r\n\r\n\x16\x03";
    buf_init(&g.body, 0);
    http_parser_init(&p, &cb, false, true);
    CHECK_INT(http_parser_feed(&p, t, sizeof(t) - 1, &e), (long)(sizeof(t) - 3));
    CHECK(http_parser_done(&p));
    http_parser_release(&p);
    buf_release(&g.body);
}

CHECK_MAIN
