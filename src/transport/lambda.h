#ifndef TRANSPORT_LAMBDA_H
#define TRANSPORT_LAMBDA_H

/*
 * AWS Lambda custom runtime (Runtime API 2018-06-01) serving MCP behind a Function URL.
 *
 * lambda_run() is the whole runtime: one kept-alive HTTP connection polls
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
 * The runtime is four modules: transport/lambda_event.h (event parsing, deadline arithmetic)
 * and transport/lambda_reply.h (reply building and fitting), pure functions that the unit
 * tests exercise; transport/lambda_rapi.h (the Runtime API client); and this loop.
 */

#include <stdbool.h>

#include "common.h"
#include "config.h"
#include "mcp/server.h"

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

#endif
