#ifndef TRANSPORT_LAMBDA_REPLY_H
#define TRANSPORT_LAMBDA_REPLY_H

/*
 * Lambda replies out: the Function URL reply shape, and the fitting that keeps a reply under
 * Lambda's buffered response limit (a reply too large would become a Lambda error). Pure
 * functions: no I/O.
 */

#include <jansson.h>
#include <stddef.h>

#include "transport/http.h"

/* Largest buffered response the Runtime API accepts (one more byte gets 413). */
#define LAMBDA_MAX_RESPONSE_BYTES 6291556

/*
 * The Function URL reply {statusCode, headers, body, isBase64Encoded[, cookies]} for res:
 * the body as a string when it is valid UTF-8, base64 otherwise; repeated headers are joined
 * with ", ", Set-Cookie goes to cookies[]. Returns malloc'd JSON text (length in *len), or
 * NULL when out of memory.
 */
char *lambda_reply_build(const struct http_response *res, size_t *len);

/*
 * Makes a JSON-RPC reply (object or batch array; borrowed, modified in place) fit: cuts the
 * text of tool results to at most `keep` bytes per string, with a note saying so, replaces an
 * image block whose data is longer by a text block saying it was dropped, and marks
 * structuredContent.truncated. Returns the number of strings cut, or -1 when the reply holds
 * no tool result to cut.
 */
int lambda_reply_shrink(json_t *reply, size_t keep);

/*
 * Serialises the Function URL reply for res, and when it would exceed `max` bytes, cuts the
 * JSON-RPC body (lambda_reply_shrink, smaller until it fits) or, failing that, replaces it by a
 * JSON-RPC error saying the reply was too large. Returns malloc'd text or NULL (out of memory).
 * `max` is LAMBDA_MAX_RESPONSE_BYTES outside tests.
 */
char *lambda_reply_fit_http(const struct http_response *res, size_t max, size_t *len);

/* The same for a direct-invoke JSON-RPC reply (borrowed). */
char *lambda_reply_fit_jsonrpc(json_t *reply, size_t max, size_t *len);

#endif
