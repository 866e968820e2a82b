#ifndef TRANSPORT_HTTP_H
#define TRANSPORT_HTTP_H

/*
 * Streamable HTTP rules (MCP basic/transports), transport-neutral: a parsed HTTP request in,
 * a complete HTTP response out. The libmicrohttpd server (httpd.c) and the Lambda Function URL
 * adapter (lambda.c) both call http_handle, so local and Lambda speak identical HTTP.
 * Stateless: no Mcp-Session-Id is minted, GET and DELETE answer 405.
 */

#include <stddef.h>

#include "../config.h"
#include "../mcp/server.h"

struct http_header {
    const char *name; /* any case; compared case-insensitively */
    const char *value;
};

struct http_request {
    const char *method; /* "POST", "GET", ... */
    const char *path;   /* without query string */
    const struct http_header *headers;
    size_t nheaders;
    const char *body;
    size_t body_len;
    const char *caller;     /* authenticated identity (Lambda IAM ARN), NULL when none */
    long long deadline_ms;  /* clock_mono_ms() deadline for tool calls, 0 = none */
    bool local;             /* true: the local server (Host/Origin localhost rules apply) */
};

#define HTTP_MAX_RESPONSE_HEADERS 8

struct http_response {
    int status;
    struct http_header headers[HTTP_MAX_RESPONSE_HEADERS]; /* values are static or in `owned` */
    size_t nheaders;
    char *body; /* malloc'd, may be NULL */
    size_t body_len;
    char owned[256]; /* storage for a header value built at run time */
};

struct http_front; /* configuration of the HTTP rules: auth token, allowed origins, server */

struct http_front *http_front_new(struct mcp_server *server, const struct config *cfg);
void http_front_free(struct http_front *f);

/* Handles one request. Never fails; the response is always complete. */
void http_handle(struct http_front *f, const struct http_request *req, struct http_response *res);
void http_response_release(struct http_response *res);

/* Case-insensitive header lookup; NULL when absent. */
const char *http_header_get(const struct http_request *req, const char *name);

#endif
