#ifndef AWS_HTTP_PROXY_H
#define AWS_HTTP_PROXY_H

/*
 * HTTP proxies for src/aws/http, from the environment as the AWS CLI reads it: https_proxy
 * (or HTTPS_PROXY) for https:// URLs, unless no_proxy (or NO_PROXY) names the host. Plain
 * http:// goes only to loopback and the link-local metadata endpoints, and always directly.
 *
 * The proxy is an http:// one (or host:port; port 80 when none, as botocore does), optionally
 * with user:password (percent-encoded) sent as Basic Proxy-Authorization; the client opens a
 * tunnel with CONNECT (RFC 9110 9.3.6) and speaks TLS to the AWS host through it, so the
 * proxy sees only the host name and port.
 *
 * no_proxy: a comma-separated list of host names (matching the host and its subdomains; a
 * leading dot or "*." is allowed), IP addresses, CIDR blocks (10.0.0.0/8, fd00::/8), or "*"
 * for every host; a ":port" after an entry is ignored.
 */

#include <stdbool.h>

#include "aws/http_conn.h"
#include "err.h"

struct http_proxy {
    char host[256];
    int port;
    char auth[600];  /* "Basic ..." or "" */
    char shown[300]; /* host:port, for messages (never the credentials) */
};

/* Whether `host` (lower case, IPv6 without brackets) is excluded by the no_proxy list. */
bool http_no_proxy_match(const char *list, const char *host);

/*
 * The proxy for an https:// request to host: 1 with *p filled, 0 for a direct connection, -1
 * with e filled when the variable holds something unusable (a scheme other than http://).
 */
int http_proxy_for(const char *host, struct http_proxy *p, struct err *e) WUR;

/* Parses a proxy setting (`var` names it in messages) into *p: 0 or -1 with e filled. */
int http_proxy_parse(const char *value, const char *var, struct http_proxy *p, struct err *e) WUR;

/*
 * On c, connected to the proxy: CONNECT host:port and its 2xx answer, within io. Returns 0
 * or an http_io_rc with e filled ("the proxy h:p refused the tunnel: HTTP 407").
 */
int http_proxy_tunnel(struct http_conn *c, const struct http_proxy *p, const char *host, int port,
                      const struct http_io *io, struct err *e) WUR;

#endif
