#ifndef AWS_HTTP_H
#define AWS_HTTP_H

/*
 * The HTTPS client of the AWS client layer: HTTP/1.1 written here (request bytes, and the
 * strict response parser of src/aws/http_parse.h) over non-blocking sockets and OpenSSL's
 * libssl (src/aws/http_conn.h; libssl is loaded at run time by the first https:// request,
 * src/dynlib.h), so that a mode that sends a request pays for loading libssl and nothing else.
 *
 * One struct aws_http_client serves any number of threads. It keeps a pool of idle
 * kept-alive connections (8 in all, keyed by scheme, host, port and proxy) and the last TLS
 * session of each host, so that sequential requests to one endpoint cost one TCP and TLS
 * handshake, a new connection to a known host resumes its session, and concurrent requests
 * each get their own connection. A reused connection that turns out to have been closed by
 * the server before any byte of the answer came is replaced once, and the request sent again.
 *
 * Security: certificates and host names are always verified (SNI sent); the trust store is
 * the system's, or the PEM bundle named by the options or by AWS_CA_BUNDLE (as the AWS CLI
 * honours it). Plain http:// is refused except to a loopback host (127.0.0.0/8, ::1,
 * localhost), or where the request allows it. Proxies: https_proxy / HTTPS_PROXY and
 * no_proxy / NO_PROXY for https:// URLs, through a CONNECT tunnel (src/aws/http_proxy.h);
 * plain http:// always goes directly.
 *
 * Time: connecting (DNS, TCP, proxy tunnel, TLS handshake) is bounded by connect_timeout_ms
 * and the request's deadline, the exchange by the deadline, and the cancel flag is looked at
 * at least every 50 ms while waiting. The DNS lookup itself (getaddrinfo) blocks and cannot be
 * cut short by either; IP addresses and localhost need none worth mentioning.
 *
 * Responses: 1xx skipped, chunked or Content-Length bodies, a body without either read to the
 * end of the connection, none for HEAD, 204 and 304; "Connection: close" honoured; a
 * Content-Length over the bound refused before the body is read.
 *
 * Signing: a request may carry SigV4 parameters and credentials; the client then signs it last,
 * after it has fixed the Host header from the URL, so nothing changes after the signature.
 */

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "aws/header.h"
#include "aws/sigv4.h"
#include "buf.h"
#include "err.h"

#define AWS_HTTP_DEFAULT_MAX_RESPONSE (16 * 1024 * 1024)
#define AWS_HTTP_MAX_HEADERS          64 /* extra request headers per request */

struct aws_http_options {
    const char *ca_bundle;   /* PEM file; NULL = AWS_CA_BUNDLE, else the system store */
    size_t max_response;     /* default body bound per request; 0 = AWS_HTTP_DEFAULT_MAX_RESPONSE */
    long connect_timeout_ms; /* 0 = 10 s (bounded by each request's deadline too) */
    const char *user_agent;  /* NULL = "awscli-mcp/VERSION" */
};

struct aws_http_client;

/* Why aws_http_send failed, for callers that report each kind in their own words. */
enum aws_http_failure {
    AWS_HTTP_FAIL_NONE = 0,
    AWS_HTTP_FAIL_CONNECT,         /* DNS, or the TCP connection refused or unreachable */
    AWS_HTTP_FAIL_CONNECT_TIMEOUT, /* no connection within the connect timeout */
    AWS_HTTP_FAIL_READ_TIMEOUT,    /* no byte received for the read timeout */
    AWS_HTTP_FAIL_CLOSED,          /* the connection closed (or reset) before a complete reply */
    AWS_HTTP_FAIL_DEADLINE,        /* the request's deadline */
    AWS_HTTP_FAIL_CANCELLED,       /* *cancel turned true */
    AWS_HTTP_FAIL_TLS,             /* handshake or certificate */
    AWS_HTTP_FAIL_OTHER,           /* a refused URL, a body over the bound, memory, ... */
};

struct aws_http_response {
    enum aws_http_failure failure; /* set when aws_http_send fails */
    long status;                   /* 0 until a status line arrived */
    struct aws_header *headers;    /* owned; names as received */
    size_t n_headers;
    struct buf body; /* the body, unless the request streams it to on_body */
};

void aws_http_response_init(struct aws_http_response *r);
void aws_http_response_release(struct aws_http_response *r);
/* The value of the first header named `name` (any case), or NULL. Borrowed from r. */
const char *aws_http_response_header(const struct aws_http_response *r, const char *name);

struct aws_http_request {
    const char *method; /* NULL = "GET" without a body, "POST" with one */
    const char *url;
    const struct aws_header *headers; /* borrowed; Host is set by the client */
    size_t n_headers;
    const void *body;
    size_t body_len;
    long long deadline_ms; /* CLOCK_MONOTONIC ms (clock_mono_ms); 0 = none */
    /* Connect timeout (DNS, TCP, proxy tunnel, TLS handshake): 0 = the client's, < 0 = none
     * (the deadline only). Read timeout: > 0 = fail when one send or receive waits that long
     * without progress (a socket timeout, as botocore's read timeout), 0 = none. */
    long connect_timeout_ms, read_timeout_ms;
    size_t max_response; /* 0 = the client's default */
    /*
     * Streaming: when set, body bytes go here as they arrive instead of into resp->body; the
     * response's status and headers are complete by the first call. Return 0 to go on, -1 to
     * stop the transfer (aws_http_send then fails with the message the callback left in e).
     */
    int (*on_body)(void *arg, const struct aws_http_response *resp, const char *p, size_t n,
                   struct err *e);
    void *arg;
    const atomic_bool *cancel; /* set to true (any thread) to abort; NULL = never */
    /* Plain http:// to a non-loopback host: only for the link-local metadata endpoints of
     * containers and EC2, whose addresses the caller vouches for. */
    bool allow_http;
    /* SigV4: both set = sign (borrowed). region and service must be set in `sign`. */
    const struct sigv4_params *sign;
    const struct sigv4_credentials *credentials;
};

/* A new client (*out), or -1 with e filled (an unreadable CA bundle, memory). libssl is
 * loaded later, by the first https:// request, which fails if it cannot be. */
int aws_http_client_new(const struct aws_http_options *o, struct aws_http_client **out,
                        struct err *e) WUR;
/* Frees the client; no request may be in flight. NULL allowed. */
void aws_http_client_free(struct aws_http_client *c);

/*
 * Sends one request and waits for the whole response (or streams its body). Returns 0 when a
 * response arrived, whatever its status (resp->status); -1 with e filled otherwise: a refused
 * URL, DNS, connection or TLS failure, the deadline, cancellation, a body over the bound or
 * a malformed response, each message naming the method, the URL and the cause. resp must be
 * initialised; it is filled as far as the exchange got.
 */
int aws_http_send(struct aws_http_client *c, const struct aws_http_request *r,
                  struct aws_http_response *resp, struct err *e) WUR;

/* The parts of an http(s) URL; pointers into `buf`. */
struct aws_url {
    char buf[2048];
    const char *scheme;    /* "https" or "http" */
    const char *host;      /* without brackets for IPv6 */
    const char *authority; /* host[:port] as the Host header carries it (default port dropped) */
    int port;
    const char *path;  /* "/" when empty */
    const char *query; /* "" when none */
};
int aws_url_parse(const char *url, struct aws_url *u, struct err *e) WUR;
bool aws_url_is_loopback(const struct aws_url *u);

#endif
