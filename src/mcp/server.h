#ifndef MCP_SERVER_H
#define MCP_SERVER_H

/*
 * The MCP protocol core: methods, protocol revisions and eras, and the tool registry.
 * Transport-neutral: it takes one parsed JSON-RPC message (or a 2025-03-26 batch) plus what
 * the transport knows (protocol-version header, caller, deadline, cancel flag, progress sink)
 * and returns the reply, or nothing.
 *
 * Revisions served: legacy 2025-03-26, 2025-06-18, 2025-11-25 (initialize handshake) and
 * modern 2026-07-28 (per-request _meta, server/discover). The era is chosen per message as
 * basic/versioning.mdx "Backward Compatibility with Initialization-Based Versions" says: a
 * request carrying _meta["io.modelcontextprotocol/protocolVersion"] is served statelessly
 * as modern; anything else is legacy, under the version the transport reports (HTTP header)
 * or the session negotiated (stdio).
 *
 * Thread safety: after setup (mcp_server_new + mcp_server_add_tool) the server is read-only
 * and mcp_server_handle may run on many threads at once. A struct mcp_session is not
 * thread-safe: the transport that owns one serialises its use (stdio) or uses none (HTTP).
 */

#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "err.h"
#include "mcp/tool.h"

#define MCP_VERSION_2025_03_26    "2025-03-26"
#define MCP_VERSION_2025_06_18    "2025-06-18"
#define MCP_VERSION_2025_11_25    "2025-11-25"
#define MCP_VERSION_2026_07_28    "2026-07-28"
#define MCP_VERSION_LATEST_LEGACY MCP_VERSION_2025_11_25
#define MCP_VERSION_MODERN        MCP_VERSION_2026_07_28

#define MCP_META_PROTOCOL_VERSION    "io.modelcontextprotocol/protocolVersion"
#define MCP_META_CLIENT_CAPABILITIES "io.modelcontextprotocol/clientCapabilities"
#define MCP_META_CLIENT_INFO         "io.modelcontextprotocol/clientInfo"
#define MCP_META_SERVER_INFO         "io.modelcontextprotocol/serverInfo"

struct mcp_server_info {
    const char *name;         /* serverInfo.name */
    const char *title;        /* serverInfo.title, may be NULL */
    const char *version;      /* serverInfo.version */
    const char *instructions; /* may be NULL */
    long long list_ttl_ms;    /* ttlMs on server/discover and tools/list (2026-07-28) */
};

struct mcp_server;

/* A new server (the info strings are borrowed for its lifetime); NULL when out of memory. */
struct mcp_server *mcp_server_new(const struct mcp_server_info *info);
void mcp_server_free(struct mcp_server *s);
/*
 * Registers a tool (borrowed; it must outlive the server). Order of registration = list order.
 * Returns 0, or -1 with e saying which failure: a tool without name, object input schema or
 * handler, or a name registered already (ERR_INVALID_PARAMS); out of memory (ERR_INTERNAL).
 */
int mcp_server_add_tool(struct mcp_server *s, const struct tool *t, struct err *e) WUR;
const struct tool *mcp_server_find_tool(const struct mcp_server *s, const char *name);

/* State of a legacy session on a stateful transport (stdio). */
struct mcp_session {
    char version[16]; /* negotiated legacy revision, "" before initialize */
    bool initialized; /* notifications/initialized seen */
};
#define MCP_SESSION_INIT                                                                           \
    {                                                                                              \
        {0}, false                                                                                 \
    }

/* What the transport knows about the exchange. All pointers borrowed; NULL = absent. */
struct mcp_exchange {
    bool http;                  /* true: Streamable HTTP (header rules apply) */
    const char *header_version; /* MCP-Protocol-Version header as received */
    const char *caller;         /* caller identity for tools and audit */
    long long deadline_ms;      /* clock_mono_ms() deadline, 0 = none */
    const atomic_bool *cancel;  /* cancellation of this request */
    /* Progress notifications: the core calls this with a complete notification (stolen). */
    void (*notify)(void *opaque, json_t *notification);
    void *notify_opaque;
};

struct mcp_reply {
    json_t *msg;         /* the reply (object, or array for a batch), NULL = nothing to send */
    int http_status;     /* 200, or the status this reply should carry over HTTP (400, 404...) */
    const char *version; /* the revision the reply speaks (static string) */
};

/*
 * Handles one incoming message (a JSON object, or an array = batch). Never fails: every
 * problem becomes a JSON-RPC error in out->msg. `session` may be NULL (stateless HTTP).
 */
void mcp_server_handle(struct mcp_server *s, struct mcp_session *session, json_t *msg,
                       const struct mcp_exchange *x, struct mcp_reply *out);

/* Helpers for transports. */

/* The modern _meta protocol version of a request (borrowed string), or NULL. */
const char *mcp_message_modern_version(json_t *msg);
/* true if `v` is a revision this server speaks. */
bool mcp_version_supported(const char *v);
bool mcp_version_is_modern(const char *v);
/* Every revision served, newest first (supportedVersions, ERR_UNSUPPORTED_VERSION data). New
 * reference, NULL when out of memory. */
json_t *mcp_versions_json(void);
/*
 * The MCP-Protocol-Version header (NULL: absent) must say what the body's _meta says
 * (streamable-http.mdx "Protocol Version Header", "Server Validation"). Returns 0 when it does,
 * else -1 with e = ERR_HEADER_MISMATCH and the message for the client.
 */
int mcp_version_header_check(const char *header, const char *meta_version, struct err *e) WUR;
/* For notifications/cancelled: the requestId it names (borrowed), else NULL. */
json_t *mcp_cancelled_request_id(json_t *msg);

#endif
