#ifndef AWS_HTTP_CONN_H
#define AWS_HTTP_CONN_H

/*
 * The connections of src/aws/http: TCP over non-blocking sockets, and TLS over OpenSSL's
 * libssl (loaded at run time by the first https:// request: src/dynlib.h).
 *
 * Every wait is a poll(2) bounded by the caller's deadline, in slices of HTTP_CONN_SLICE_MS
 * when a cancel flag is given, so that setting the flag ends the wait within a slice. Host
 * names are resolved with getaddrinfo(3), which blocks and which neither the deadline nor the
 * cancel flag can interrupt (an IP address in the URL needs no lookup).
 *
 * TLS: certificate chain and host name always verified (SSL_VERIFY_PEER, SSL_set1_host, or
 * the IP address for an IP URL), SNI sent for names, TLS 1.2 at least. Trust: the CA bundle
 * given to http_tls_init, else the system store (OpenSSL's default paths, SSL_CERT_FILE and
 * SSL_CERT_DIR honoured; its hashed certificate directory when it has one, which costs
 * nothing until a certificate is looked up, rather than parsing the whole bundle file, about
 * 57 ms). Sessions are kept per host:port, so a new connection to a host resumes the last
 * session instead of a full handshake.
 */

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <pthread.h>

#include "err.h"

#define HTTP_CONN_SLICE_MS 50 /* poll slice while a cancel flag is watched */
#define HTTP_TLS_SESSIONS  16 /* hosts whose last TLS session is kept */
#define HTTP_CONN_KEY_MAX  600

struct ssl_st;
struct ssl_ctx_st;
struct ssl_session_st;

/* The TLS state of one client: its context (made on first use) and its sessions. */
struct http_tls {
    pthread_mutex_t lock;
    struct ssl_ctx_st *ctx;
    char *ca_bundle;      /* owned; NULL = the system store */
    char failure[256];    /* why the context could not be made, once it failed */
    bool sigpipe_ignored; /* SIGPIPE was ignored when the client was made: no guard needed */
    struct {
        char key[300]; /* host:port */
        struct ssl_session_st *session;
        unsigned long long used;
    } sessions[HTTP_TLS_SESSIONS];
    unsigned long long clock;
};

/* ca_bundle borrowed (copied); returns -1 only when memory runs out. */
int http_tls_init(struct http_tls *t, const char *ca_bundle) WUR;
void http_tls_release(struct http_tls *t);

/* Outcome of a wait or an I/O call, besides a byte count. */
enum http_io_rc {
    HTTP_IO_ERROR = -1,     /* e says why */
    HTTP_IO_TIMEOUT = -2,   /* the deadline passed (e says what was being waited for) */
    HTTP_IO_CANCELLED = -3, /* the cancel flag was set */
};

struct http_io {
    long long deadline_ms;     /* clock_mono_ms(); 0 = none */
    const atomic_bool *cancel; /* NULL = never */
};

struct http_conn {
    int fd;
    struct ssl_st *ssl; /* NULL for plain http */
    struct http_tls *tls;
    char key[HTTP_CONN_KEY_MAX]; /* pool key: scheme://host:port (and the proxy) */
    char host_port[300];         /* the TLS session key */
    long long idle_since;        /* clock_mono_ms() when it went back to the pool */
};

/*
 * A TCP connection to host:port within the deadline (*out; free with http_conn_close).
 * Tries each address getaddrinfo gives in turn, each with an equal share of the time left.
 * Returns 0, or an http_io_rc with e filled ("cannot connect to h port p: Connection
 * refused", "cannot resolve host 'h': ...").
 */
int http_conn_connect(const char *host, int port, const struct http_io *io, struct http_conn **out,
                      struct err *e) WUR;

/*
 * The TLS handshake on c, for `host` (name or IP address, verified) and port, with the
 * session kept for host:port when there is one. Returns 0 or an http_io_rc with e filled
 * ("TLS certificate not accepted: ..." or "TLS handshake failed: ...").
 */
int http_conn_tls(struct http_conn *c, struct http_tls *t, const char *host, int port,
                  const struct http_io *io, struct err *e) WUR;

/* Reads up to n bytes: returns how many (> 0), 0 at the end of the stream, or an
 * http_io_rc. */
long http_conn_read(struct http_conn *c, char *p, size_t n, const struct http_io *io,
                    struct err *e) WUR;
/* Writes all n bytes: 0, or an http_io_rc. */
int http_conn_write(struct http_conn *c, const char *p, size_t n, const struct http_io *io,
                    struct err *e) WUR;

/* Whether an idle connection can carry another request: the peer has not closed it nor sent
 * anything unasked (TLS session tickets and the like are read and kept). */
bool http_conn_alive(struct http_conn *c);

/* Closes and frees c (TLS close_notify sent when it can go at once). NULL allowed. */
void http_conn_close(struct http_conn *c);

#endif
