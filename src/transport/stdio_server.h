#ifndef TRANSPORT_STDIO_SERVER_H
#define TRANSPORT_STDIO_SERVER_H

/*
 * MCP over stdin/stdout (basic/transports "stdio"): one JSON-RPC message per line, nothing but
 * MCP messages on stdout, logs on stderr. Requests that may take long (tools/call) run on
 * worker threads, so ping and notifications/cancelled are handled while a call runs. Returns
 * when stdin closes, after in-flight calls have answered.
 */

#include "config.h"
#include "mcp/server.h"

int stdio_run(struct mcp_server *s, const struct config *cfg);

#endif
