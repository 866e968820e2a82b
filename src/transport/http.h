#ifndef TRANSPORT_HTTP_H
#define TRANSPORT_HTTP_H

/*
 * Streamable HTTP rules (MCP basic/transports), transport-neutral: a parsed HTTP request in,
 * a complete HTTP response out. The libmicrohttpd server (httpd.c) and the Lambda Function URL
 * adapter (lambda.c) both call http_handle, so local and Lambda speak identical HTTP.
 * Stateless: no Mcp-Session-Id is minted (an incoming one is ignored), GET and DELETE answer
 * 405, replies are application/json (never an SSE stream). docs/http.md lists every rule, its
 * status code and its spec section.
 *
 * Checks, in this order (the first that fails answers):
 *   Host (local only) 403 -> Origin 403 -> path 404 -> OPTIONS preflight 204 ->
 *   bearer token 401 -> method 405 -> Content-Type 415 -> Accept 406 -> body size 413 ->
 *   JSON parse 400/ERR_PARSE -> MCP-Protocol-Version 400 -> Mcp-Method / Mcp-Name
 * 400/ERR_HEADER_MISMATCH -> the protocol core (200, or its status: 400, 404 for modern
 * ERR_METHOD_NOT_FOUND) or 202 for nothing.
 */

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "mcp/server.h"
#include "transport/http_header.h"

struct http_request {
    const char *method; /* "POST", "GET", ... */
    const char *path;   /* without query string */
    const struct http_header *headers;
    size_t nheaders;
    const char *body; /* need not be NUL-terminated */
    size_t body_len;
    const char *caller;    /* authenticated identity (Lambda IAM ARN), NULL when none */
    long long deadline_ms; /* clock_mono_ms() deadline for tool calls, 0 = none */
    bool local;            /* true: the local server (Host/Origin localhost rules apply) */
    /*
     * The transport cut the body at its cap (it may then pass body = NULL): answered 413 once
     * the checks before the size check pass. A body longer than cfg->max_body_bytes is 413 too.
     */
    bool body_too_large;
    const atomic_bool *cancel; /* becomes true to stop a running tool call; NULL = never */
};

#define HTTP_MAX_RESPONSE_HEADERS 8

struct http_response {
    int status;
    struct http_header headers[HTTP_MAX_RESPONSE_HEADERS]; /* values are static or in `owned` */
    size_t nheaders;
    char *body; /* malloc'd, may be NULL (202, 204) */
    size_t body_len;
    char owned[256];     /* storage for a header value built at run time (the echoed Origin) */
    char rpc_method[64]; /* JSON-RPC method of the body, for access logs; "" when none */
};

struct http_front; /* configuration of the HTTP rules: auth token, allowed origins, server */

/*
 * A front for `server` (borrowed) configured from cfg (auth_token, allowed_origins,
 * max_body_bytes and listen_host are copied). NULL when out of memory.
 */
struct http_front *http_front_new(struct mcp_server *server, const struct config *cfg);
void http_front_free(struct http_front *f);

/*
 * Handles one request. Never fails; the response is always complete (on out of memory it is a
 * 500 without body). Safe to call from many threads at once. Release with
 * http_response_release (safe on a zeroed response, and twice).
 */
void http_handle(struct http_front *f, const struct http_request *req, struct http_response *res);
void http_response_release(struct http_response *res);

#endif
