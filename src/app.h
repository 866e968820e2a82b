#ifndef APP_H
#define APP_H

/*
 * The program: configuration, logging, the MCP server and its tools, and the transport the
 * mode selects. main() is a one-line call into app_main so that test-only builds (the
 * conformance build) can add tools to the same program.
 */

#include "config.h"
#include "mcp/server.h"

/* Called after the shipped tools are registered; may add more. Returns 0 or -1. */
typedef int (*app_extra_tools_fn)(struct mcp_server *s, const struct config *cfg);

int app_main(int argc, char **argv, app_extra_tools_fn extra);

#endif
