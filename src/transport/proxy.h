#ifndef TRANSPORT_PROXY_H
#define TRANSPORT_PROXY_H

/*
 * `awscli-mcp proxy`: a stdio MCP server in front, a Streamable HTTP client behind. Every line
 * read from stdin (one JSON-RPC message or batch, either protocol era) is POSTed unchanged to
 * cfg->proxy_url, signed with SigV4 from the AWS credential chain (src/aws/credentials.h)
 * unless an Authorization header was given with --header. Each message goes out on its own
 * thread, so requests are in flight concurrently; replies come back as lines on stdout, in the
 * order they complete:
 *
 *   - application/json: the body, as one line;
 *   - text/event-stream: each event's data, as one line each, as it arrives;
 *   - 202: nothing (a notification or response was accepted);
 *   - any other status: the body if it is a JSON-RPC reply (a modern server's 400 -32020 and
 *     -32022 errors must reach the client), else a JSON-RPC error for each request in the
 *     message that says what happened in words (403 with Lambda's Forbidden or signature
 *     bodies, expired credentials, the URL and cause of a network failure).
 *
 * Headers: Accept, Content-Type, MCP-Protocol-Version (from the message's modern _meta, else
 * the version the initialize reply negotiated), Mcp-Method, Mcp-Name (tools/call, prompts/get,
 * resources/read; non-ASCII values as =?base64?...?=), and any Mcp-Session-Id the server sets.
 * notifications/cancelled is forwarded and also aborts the matching request in flight.
 * Returns the exit status when stdin closes, after the requests in flight have answered.
 */

#include "config.h"

int proxy_run(const struct config *cfg);

/*
 * Region and service for the URL: the given ones, else inferred from a Function URL host
 * <id>.lambda-url.<region>.on.aws. Fills region (cap 64) or fails with a message that says to
 * pass --region.
 */
int proxy_signing_scope(const char *url, const char *given_region, char region[64],
                        struct err *e) WUR;

#endif
