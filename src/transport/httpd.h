#ifndef TRANSPORT_HTTPD_H
#define TRANSPORT_HTTPD_H

/*
 * The local Streamable HTTP server (`awscli-mcp serve`), on libmicrohttpd. Every request goes
 * through http_handle (http.h), exactly as in Lambda; this file only moves bytes.
 *
 * - Listens on cfg->listen_host:cfg->listen_port (an IPv6 literal is fine; a name is resolved
 *   and the first address that binds is used). A port in use is one clear ERROR line and a
 *   non-zero return.
 * - One thread per connection (at most HTTPD_MAX_CONNECTIONS), so a slow tool call on one
 *   connection never delays another; an idle connection is closed after HTTPD_IDLE_TIMEOUT_S.
 * - Bodies are read up to cfg->max_body_bytes; a larger Content-Length is refused (413) before
 *   the body is read, a larger chunked body is drained and refused, and a client that keeps
 *   sending far past the cap is disconnected.
 * - A client that closes its connection while its request runs cancels it (a tool call stops
 *   its CLI process); a watcher thread polls the sockets of running requests every 100 ms.
 * - One access-log line per request (method, path, status, durationUs, rpcMethod, bytes in
 *   and out, remote address, cancelled; never a header value such as Authorization).
 * - Runs until SIGINT or SIGTERM. It then stops accepting, lets requests in flight finish for
 *   up to HTTPD_DRAIN_MS (a second signal cuts this short), cancels running tool calls, and
 *   waits at most HTTPD_CANCEL_GRACE_MS more before closing every connection.
 */

#include "config.h"
#include "transport/http.h"

#define HTTPD_MAX_CONNECTIONS 64
#define HTTPD_IDLE_TIMEOUT_S  30
#define HTTPD_DRAIN_MS        10000
#define HTTPD_CANCEL_GRACE_MS 5000

/* Serves `front` (borrowed). Returns 0 after a clean shutdown, 1 when it could not start. */
int httpd_run(struct http_front *front, const struct config *cfg);

#endif
