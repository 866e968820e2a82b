#ifndef TRANSPORT_LAMBDA_H
#define TRANSPORT_LAMBDA_H

/*
 * AWS Lambda custom runtime (Runtime API 2018-06-01) serving MCP behind a Function URL.
 *
 * lambda_run() is the whole runtime: one reused libcurl handle polls
 * GET /runtime/invocation/next (no timeout: the process is frozen between invocations),
 * turns each event into an HTTP request for the same Streamable HTTP rules the local server
 * uses (http_handle), and POSTs the reply to /runtime/invocation/{id}/response. One invocation
 * is handled at a time, on the calling thread.
 *
 * Events:
 *   - Function URL payload format 2.0 (requestContext.http.method, rawPath, headers, body,
 *     isBase64Encoded): answered with {statusCode, headers, body, isBase64Encoded}.
 *   - A JSON-RPC message or batch (a direct `aws lambda invoke`): answered with the JSON-RPC
 *     reply itself (`{}` for a notification, as AWS's Lambda MCP clients expect), through the
 *     same protocol core without the HTTP header rules.
 *   - Anything else: an HTTP 400 reply in Function URL shape. An event is never a crash.
 *
 * Limits: a reply larger than Lambda's buffered response limit is cut to a truncated tool
 * result (or a JSON-RPC error when it is not a tool result) so it never becomes a Lambda error.
 * Tool deadlines are Lambda-Runtime-Deadline-Ms minus LAMBDA_DEADLINE_MARGIN_MS.
 *
 * The pure functions below (event parsing, reply building, deadline arithmetic, fitting) do
 * no I/O and are what the unit tests exercise.
 */

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "err.h"
#include "mcp/server.h"
#include "transport/http.h"

/* Largest buffered response the Runtime API accepts (one more byte gets 413). */
#define LAMBDA_MAX_RESPONSE_BYTES 6291556
/* Largest event read from /next; Lambda's own request payload limit is 6 MB. */
#define CAP_LAMBDA_EVENT (7 * 1024 * 1024)
/* Time kept back from Lambda's deadline to stop a tool and post its result. */
#define LAMBDA_DEADLINE_MARGIN_MS 2000
/* Attempts of one Runtime API call before the runtime gives up and exits non-zero. */
#define LAMBDA_RAPI_ATTEMPTS 4

/*
 * Runs the runtime until the Runtime API becomes unusable. Returns the process exit status:
 * never 0 in practice (1 after a Runtime API failure, with an ERROR log line saying which
 * call failed and how). Needs AWS_LAMBDA_RUNTIME_API.
 */
int lambda_run(struct mcp_server *s, const struct config *cfg);

/*
 * true when the command line and environment select the Lambda runtime (mode `lambda`, or no
 * mode and AWS_LAMBDA_RUNTIME_API set). Used before the configuration is known to be valid.
 */
bool lambda_mode_requested(int argc, char **argv);

/*
 * POSTs /runtime/init/error with Lambda-Runtime-Function-Error-Type: `type` (e.g.
 * "Runtime.ConfigInvalid") and {errorMessage, errorType, stackTrace: []}. The caller exits
 * non-zero afterwards. Returns 0 when the Runtime API answered 202, else -1 (logged).
 */
int lambda_init_error(const char *message, const char *type) WUR;

enum lambda_event_kind {
    LAMBDA_EVENT_MALFORMED = 0, /* answer with `status` and `why` */
    LAMBDA_EVENT_HTTP,          /* Function URL (payload 2.0): `req` is filled */
    LAMBDA_EVENT_JSONRPC        /* direct invoke: `message` is the JSON-RPC message or batch */
};

struct lambda_event {
    enum lambda_event_kind kind;
    struct http_request req; /* HTTP: strings borrowed from `root` or the owned fields below;
                                req.deadline_ms is set for every kind */
    json_t *message;         /* JSONRPC: borrowed from root */
    int status;              /* MALFORMED: 400 or 413 */
    char why[200];           /* MALFORMED: what is wrong, for the client */
    /* Owned storage. */
    json_t *root;
    struct http_header *headers;
    char *body;   /* decoded base64 body */
    char *cookie; /* cookies[] joined back into one Cookie header */
};

#define LAMBDA_EVENT_INIT                                                                          \
    {                                                                                              \
        LAMBDA_EVENT_MALFORMED                                                                     \
    }

/*
 * Parses one event (`data` need not be NUL-terminated). Never fails: problems give
 * kind = LAMBDA_EVENT_MALFORMED. `deadline_ms` goes into req.deadline_ms. `truncated` says the
 * event was cut at CAP_LAMBDA_EVENT (answered 413). Release with lambda_event_release.
 */
void lambda_event_parse(const char *data, size_t len, bool truncated, long long deadline_ms,
                        struct lambda_event *ev);
void lambda_event_release(struct lambda_event *ev);

/*
 * The clock_mono_ms() deadline for tools from a Lambda-Runtime-Deadline-Ms value (Unix ms),
 * minus LAMBDA_DEADLINE_MARGIN_MS. A deadline already past gives now_mono (tools time out at
 * once); a missing or invalid header gives 0 (no deadline).
 */
long long lambda_deadline(const char *header, long long now_real_ms, long long now_mono_ms);

/*
 * The Function URL reply {statusCode, headers, body, isBase64Encoded[, cookies]} for res:
 * the body as a string when it is valid UTF-8, base64 otherwise; repeated headers are joined
 * with ", ", Set-Cookie goes to cookies[]. Returns malloc'd JSON text (length in *len), or
 * NULL when out of memory.
 */
char *lambda_reply_build(const struct http_response *res, size_t *len);

/*
 * Makes a JSON-RPC reply (object or batch array; borrowed, modified in place) fit: cuts the
 * text of tool results to at most `keep` bytes per string, with a note saying so, and marks
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
