#ifndef AWS_HTTP_PARSE_H
#define AWS_HTTP_PARSE_H

/*
 * The HTTP/1.1 response parser of src/aws/http (RFC 9112): bytes from the network in, the
 * final response's status, header fields and body out, through callbacks.
 *
 * It is strict, because its input comes from whatever answered on the socket: a malformed
 * status line, a header field that is not `token ":" value`, a control character, a header
 * section over HTTP_MAX_HEAD bytes or HTTP_MAX_FIELDS fields, a bad or conflicting
 * Content-Length, a Transfer-Encoding other than chunked (or beside a Content-Length), a bad
 * chunk size line and chunk data not ended by a line break are all refused with a message
 * that says what was wrong. What RFC 9112 lets a recipient accept is accepted: a bare LF as a
 * line end, obsolete line folding (replaced by a space, section 5.2), identical repeated
 * Content-Length values, chunk extensions (ignored) and trailer fields (checked, ignored).
 *
 * Framing (section 6.3): 1xx responses are skipped (101 is refused: nothing asked for an
 * upgrade); the answer to a HEAD request, 204 and 304 have no body, nor has a 2xx answer to
 * CONNECT; otherwise chunked, then Content-Length, else the body runs to the end of the
 * connection.
 *
 * Use: http_parser_init, then http_parser_feed with each run of bytes read, until
 * http_parser_done; when the connection ends first, http_parser_eof says whether that
 * completed the response. No allocation but the header section buffer.
 */

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"

#define HTTP_MAX_HEAD       (64 * 1024) /* status line and header fields, or the trailers */
#define HTTP_MAX_FIELDS     256         /* header fields of one response */
#define HTTP_MAX_CHUNK_LINE 1024        /* a chunk size line with its extensions */

/*
 * Callbacks; each returns 0 to go on or -1 to stop with its own message in e. Strings are
 * NUL-terminated and valid for the call only.
 */
struct http_parse_cb {
    /* Each field of the final response, in order, before on_head. */
    int (*on_header)(void *arg, const char *name, const char *value, struct err *e);
    /* The final response's status and header fields are complete. */
    int (*on_head)(void *arg, long status, struct err *e);
    /* Body bytes (de-chunked) as they arrive. */
    int (*on_body)(void *arg, const char *p, size_t n, struct err *e);
    void *arg;
};

enum http_parse_state {
    HP_HEAD,       /* reading a status line and header fields */
    HP_LENGTH,     /* a Content-Length body */
    HP_CHUNK_SIZE, /* a chunk size line */
    HP_CHUNK_DATA, /* chunk data */
    HP_CHUNK_CR,   /* the line break after chunk data */
    HP_CHUNK_LF,
    HP_TRAILER, /* trailer fields after the last chunk */
    HP_CLOSE,   /* a body that runs to the end of the connection */
    HP_DONE,
    HP_FAILED,
};

struct http_parser {
    struct http_parse_cb cb;
    bool head_request;    /* the request was HEAD: no body whatever the fields say */
    bool connect_request; /* the request was CONNECT: a 2xx ends at its header section */
    enum http_parse_state state;
    struct buf head;           /* the header section, chunk size line or trailers as they arrive */
    long status;               /* of the last status line read (1xx included) */
    bool keep_alive;           /* the connection may carry another request after this one */
    bool has_length;           /* Content-Length framed the body */
    unsigned long long length; /* Content-Length, when has_length */
    unsigned long long left;   /* bytes left of the body or of the current chunk */
    unsigned long long body;   /* body bytes delivered */
    unsigned long long fed;    /* bytes fed in all (0: the server sent nothing at all) */
};

void http_parser_init(struct http_parser *p, const struct http_parse_cb *cb, bool head_request,
                      bool connect_request);
void http_parser_release(struct http_parser *p);

/*
 * Parses n more bytes. Returns how many it used: all of them, or fewer when the response
 * ended before them (the rest belongs to no response: the caller must not reuse the
 * connection). -1 with e filled when the bytes are malformed or a callback stopped.
 */
long http_parser_feed(struct http_parser *p, const char *data, size_t n, struct err *e) WUR;

/* The connection ended: 0 when that completes the response, else -1 with e filled. */
int http_parser_eof(struct http_parser *p, struct err *e) WUR;

bool http_parser_done(const struct http_parser *p);

#endif
