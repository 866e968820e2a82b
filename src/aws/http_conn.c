#define DYNLIB_SSL
#include "aws/http_conn.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "clock.h"
#include "dynlib.h"
#include "banned.h"

/* ---- waiting ---- */

/*
 * Waits until fd is ready for `events`. Returns 0, HTTP_IO_TIMEOUT or HTTP_IO_CANCELLED (e is
 * left alone for those two: the caller knows what it waited for), or HTTP_IO_ERROR.
 */
static int wait_fd(int fd, short events, const struct http_io *io, struct err *e)
{
    for (;;) {
        if (io->cancel && atomic_load(io->cancel))
            return HTTP_IO_CANCELLED;
        int ms = -1;
        if (io->deadline_ms) {
            long long left = io->deadline_ms - clock_mono_ms();
            if (left <= 0)
                return HTTP_IO_TIMEOUT;
            ms = left > 60000 ? 60000 : (int)left;
        }
        if (io->cancel && (ms < 0 || ms > HTTP_CONN_SLICE_MS))
            ms = HTTP_CONN_SLICE_MS;
        struct pollfd p = {fd, events, 0};
        int r = poll(&p, 1, ms);
        if (r > 0)
            return 0; /* ready, or an error/hang-up the next call will report */
        if (r < 0 && errno != EINTR) {
            char eb[128];
            err_set(e, ERR_INTERNAL, "poll: %s", err_errno_text(errno, eb, sizeof(eb)));
            return HTTP_IO_ERROR;
        }
    }
}

/* ---- TCP ---- */

static int connect_one(const struct addrinfo *ai, const struct http_io *io, int *fd_out,
                       int *err_out)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
        *err_out = errno;
        return HTTP_IO_ERROR;
    }
    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
        *fd_out = fd;
        return 0;
    }
    if (errno != EINPROGRESS) {
        *err_out = errno;
        close(fd);
        return HTTP_IO_ERROR;
    }
    struct err ignored = ERR_INIT;
    int rc = wait_fd(fd, POLLOUT, io, &ignored);
    if (rc == 0) {
        int soerr = 0;
        socklen_t len = sizeof(soerr);
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
            soerr = errno;
        if (soerr == 0) {
            *fd_out = fd;
            return 0;
        }
        *err_out = soerr;
        rc = HTTP_IO_ERROR;
    } else if (rc == HTTP_IO_ERROR) {
        *err_out = EIO;
    }
    close(fd);
    return rc;
}

int http_conn_connect(const char *host, int port, const struct http_io *io, struct http_conn **out,
                      struct err *e)
{
    char service[16], eb[128];
    struct addrinfo hints = {
        .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV};
    struct addrinfo *res = NULL;
    *out = NULL;
    snprintf(service, sizeof(service), "%d", port);
    int g = getaddrinfo(host, service, &hints, &res);
    if (g != 0) {
        err_set(e, ERR_INTERNAL, "cannot resolve host '%s': %s", host,
                g == EAI_SYSTEM ? err_errno_text(errno, eb, sizeof(eb)) : gai_strerror(g));
        return HTTP_IO_ERROR;
    }
    size_t n = 0;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next)
        n++;
    int fd = -1, last_errno = ECONNREFUSED, rc = HTTP_IO_ERROR;
    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next, n--) {
        struct http_io one = *io;
        if (io->deadline_ms && n > 1) {
            /* An equal share of the time left for each address not tried yet. */
            long long left = io->deadline_ms - clock_mono_ms();
            one.deadline_ms = clock_mono_ms() + (left > 0 ? left / (long long)n : 0);
        }
        rc = connect_one(ai, &one, &fd, &last_errno);
        if (rc == HTTP_IO_CANCELLED)
            break;
        if (rc == HTTP_IO_TIMEOUT && n > 1)
            last_errno = ETIMEDOUT; /* the next address may still answer in time */
    }
    freeaddrinfo(res);
    if (fd < 0) {
        if (rc == HTTP_IO_CANCELLED || rc == HTTP_IO_TIMEOUT) {
            err_set(e, ERR_INTERNAL, "no connection to %s port %d", host, port);
            return rc;
        }
        err_set(e, ERR_INTERNAL, "cannot connect to %s port %d: %s", host, port,
                err_errno_text(last_errno, eb, sizeof(eb)));
        return HTTP_IO_ERROR;
    }
    struct http_conn *c = xcalloc(1, sizeof(*c));
    if (!c) {
        close(fd);
        err_set(e, ERR_INTERNAL, "out of memory");
        return HTTP_IO_ERROR;
    }
    c->fd = fd;
    *out = c;
    return 0;
}

/* ---- TLS context and sessions ---- */

int http_tls_init(struct http_tls *t, const char *ca_bundle)
{
    memset(t, 0, sizeof(*t));
    pthread_mutex_init(&t->lock, NULL);
    struct sigaction sa;
    t->sigpipe_ignored = sigaction(SIGPIPE, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN;
    if (ca_bundle && !(t->ca_bundle = xstrdup(ca_bundle)))
        return -1;
    return 0;
}

void http_tls_release(struct http_tls *t)
{
    for (size_t i = 0; i < HTTP_TLS_SESSIONS; i++)
        if (t->sessions[i].session)
            SSL_SESSION_free(t->sessions[i].session);
    if (t->ctx)
        SSL_CTX_free(t->ctx);
    free(t->ca_bundle);
    pthread_mutex_destroy(&t->lock);
    memset(t, 0, sizeof(*t));
}

/* The newest OpenSSL error as text ("error:0A000086:SSL routines::certificate verify
 * failed"), or `dflt`. Clears the queue. */
static const char *ssl_error_text(char *out, size_t n, const char *dflt)
{
    unsigned long code = 0, last;
    while ((last = ERR_get_error()) != 0)
        code = last;
    if (!code)
        return dflt;
    ERR_error_string_n(code, out, n);
    return out;
}

/* Whether dir holds OpenSSL's hashed certificate links (c_rehash: 8 hex digits, ".0"). */
static bool has_hash_links(const char *dir)
{
    DIR *d = dir ? opendir(dir) : NULL;
    bool found = false;
    if (!d)
        return false;
    struct dirent *de;
    while (!found && (de = readdir(d)) != NULL)
        found = strlen(de->d_name) == 10 && strspn(de->d_name, "0123456789abcdef") == 8 &&
                strcmp(de->d_name + 8, ".0") == 0;
    closedir(d);
    return found;
}

/* SSL_CTX_sess_set_new_cb: keep the newest resumable session of the connection's host. */
static int on_new_session(SSL *ssl, SSL_SESSION *s)
{
    struct http_conn *c = SSL_get_ex_data(ssl, 0);
    if (!c || !c->tls || !SSL_SESSION_is_resumable(s))
        return 0;
    struct http_tls *t = c->tls;
    pthread_mutex_lock(&t->lock);
    size_t slot = 0;
    for (size_t i = 0; i < HTTP_TLS_SESSIONS; i++) {
        if (strcmp(t->sessions[i].key, c->host_port) == 0) {
            slot = i;
            break;
        }
        if (t->sessions[i].used < t->sessions[slot].used)
            slot = i; /* least recently used so far */
    }
    if (t->sessions[slot].session)
        SSL_SESSION_free(t->sessions[slot].session);
    snprintf(t->sessions[slot].key, sizeof(t->sessions[slot].key), "%s", c->host_port);
    t->sessions[slot].session = s;
    t->sessions[slot].used = ++t->clock;
    pthread_mutex_unlock(&t->lock);
    return 1; /* the reference is ours */
}

/* Makes t->ctx on first use (under t->lock). */
static int tls_context(struct http_tls *t, struct err *e)
{
    char eb[200];
    int rc = -1;
    pthread_mutex_lock(&t->lock);
    if (t->ctx) {
        rc = 0;
        goto out;
    }
    if (t->failure[0]) {
        err_set(e, ERR_INTERNAL, "%s", t->failure);
        goto out;
    }
    if (dynlib_ssl_load() < 0) {
        snprintf(t->failure, sizeof(t->failure),
                 "libssl cannot be loaded (Debian package libssl3)");
        err_set(e, ERR_INTERNAL, "%s", t->failure);
        goto out;
    }
    ERR_clear_error();
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) {
        snprintf(t->failure, sizeof(t->failure), "TLS set-up failed: %.150s",
                 ssl_error_text(eb, sizeof(eb), "SSL_CTX_new"));
        err_set(e, ERR_INTERNAL, "%s", t->failure);
        goto out;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    /* A peer that closes without close_notify ends the stream (the HTTP framing tells a
     * complete response from a cut one); no renegotiation. */
    SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_NO_RENEGOTIATION);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(ctx, on_new_session);
    int ok;
    if (t->ca_bundle) {
        ok = SSL_CTX_load_verify_file(ctx, t->ca_bundle);
        if (!ok)
            snprintf(t->failure, sizeof(t->failure), "CA bundle '%.100s' cannot be used: %.120s",
                     t->ca_bundle, ssl_error_text(eb, sizeof(eb), "no certificate in it"));
    } else {
        const char *dir = X509_get_default_cert_dir();
        if (!getenv(X509_get_default_cert_file_env()) && !getenv(X509_get_default_cert_dir_env()) &&
            has_hash_links(dir))
            ok = SSL_CTX_load_verify_dir(ctx, dir);
        else
            ok = SSL_CTX_set_default_verify_paths(ctx);
        if (!ok)
            snprintf(t->failure, sizeof(t->failure), "the system's CA certificates: %.150s",
                     ssl_error_text(eb, sizeof(eb), "cannot be loaded"));
    }
    if (!ok) {
        SSL_CTX_free(ctx);
        err_set(e, ERR_INTERNAL, "%s", t->failure);
        goto out;
    }
    t->ctx = ctx;
    rc = 0;
out:
    pthread_mutex_unlock(&t->lock);
    return rc;
}

/* ---- TLS I/O ---- */

/*
 * libssl writes with write(2), which raises SIGPIPE on a connection the peer closed. Unless
 * the process ignores SIGPIPE (the program does: src/app.c), the signal is blocked in this
 * thread around the call and a pending one consumed.
 */
struct pipe_guard {
    bool on;
    sigset_t old;
};

static void guard_on(const struct http_conn *c, struct pipe_guard *g)
{
    g->on = !c->tls->sigpipe_ignored;
    if (g->on) {
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &s, &g->old);
    }
}

static void guard_off(struct pipe_guard *g)
{
    if (!g->on)
        return;
    sigset_t pending, s;
    sigemptyset(&s);
    sigaddset(&s, SIGPIPE);
    if (!sigismember(&g->old, SIGPIPE) && sigpending(&pending) == 0 &&
        sigismember(&pending, SIGPIPE)) {
        struct timespec zero = {0, 0};
        (void)sigtimedwait(&s, NULL, &zero);
    }
    pthread_sigmask(SIG_SETMASK, &g->old, NULL);
}

enum tls_op { TLS_CONNECT, TLS_READ, TLS_WRITE, TLS_SHUTDOWN };

/* One libssl call on c (reading into `in`, writing from `out`) with the error queue cleared
 * and SIGPIPE guarded; errno as the call left it. */
static int tls_call(struct http_conn *c, enum tls_op op, void *in, const void *out, int n)
{
    struct pipe_guard g;
    int r;
    ERR_clear_error();
    errno = 0;
    guard_on(c, &g);
    switch (op) {
    case TLS_CONNECT:
        r = SSL_connect(c->ssl);
        break;
    case TLS_READ:
        r = SSL_read(c->ssl, in, n);
        break;
    case TLS_WRITE:
        r = SSL_write(c->ssl, out, n);
        break;
    default:
        r = SSL_shutdown(c->ssl);
        break;
    }
    int saved = errno;
    guard_off(&g);
    errno = saved;
    return r;
}

/* After an SSL call returned r <= 0: waits as asked and returns 1 to call again, or 0 for a
 * clean end of stream, or an http_io_rc with e filled (what: "reading", "writing"...). */
static int tls_retry(struct http_conn *c, int r, const char *what, const struct http_io *io,
                     struct err *e)
{
    char eb[200];
    int saved = errno;
    switch (SSL_get_error(c->ssl, r)) {
    case SSL_ERROR_WANT_READ: {
        int w = wait_fd(c->fd, POLLIN, io, e);
        return w == 0 ? 1 : w;
    }
    case SSL_ERROR_WANT_WRITE: {
        int w = wait_fd(c->fd, POLLOUT, io, e);
        return w == 0 ? 1 : w;
    }
    case SSL_ERROR_ZERO_RETURN:
        return 0;
    case SSL_ERROR_SYSCALL:
        if (saved == 0)
            return 0;
        err_set(e, ERR_INTERNAL, "%s: %s", what, err_errno_text(saved, eb, sizeof(eb)));
        return HTTP_IO_ERROR;
    default:
        err_set(e, ERR_INTERNAL, "%s: %s", what, ssl_error_text(eb, sizeof(eb), "TLS error"));
        return HTTP_IO_ERROR;
    }
}

int http_conn_tls(struct http_conn *c, struct http_tls *t, const char *host, int port,
                  const struct http_io *io, struct err *e)
{
    char eb[200];
    unsigned char ip[16];
    bool is_ip = inet_pton(AF_INET, host, ip) == 1 || inet_pton(AF_INET6, host, ip) == 1;
    if (tls_context(t, e) < 0)
        return HTTP_IO_ERROR;
    c->tls = t;
    snprintf(c->host_port, sizeof(c->host_port), "%s:%d", host, port);
    ERR_clear_error();
    c->ssl = SSL_new(t->ctx);
    if (!c->ssl || !SSL_set_fd(c->ssl, c->fd) || !SSL_set_ex_data(c->ssl, 0, c) ||
        (is_ip ? !X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), host)
               : (!SSL_set1_host(c->ssl, host) || !SSL_set_tlsext_host_name(c->ssl, host)))) {
        err_set(e, ERR_INTERNAL, "TLS set-up failed: %.150s",
                ssl_error_text(eb, sizeof(eb), "out of memory"));
        return HTTP_IO_ERROR;
    }
    pthread_mutex_lock(&t->lock);
    for (size_t i = 0; i < HTTP_TLS_SESSIONS; i++) {
        if (t->sessions[i].session && strcmp(t->sessions[i].key, c->host_port) == 0) {
            (void)SSL_set_session(c->ssl, t->sessions[i].session);
            t->sessions[i].used = ++t->clock;
            break;
        }
    }
    pthread_mutex_unlock(&t->lock);
    for (;;) {
        int r = tls_call(c, TLS_CONNECT, NULL, NULL, 0);
        if (r == 1)
            return 0;
        long verify = SSL_get_verify_result(c->ssl);
        if (verify != X509_V_OK) {
            err_set(e, ERR_INTERNAL, "TLS certificate not accepted: %s",
                    X509_verify_cert_error_string(verify));
            return HTTP_IO_ERROR;
        }
        int w = tls_retry(c, r, "TLS handshake failed", io, e);
        if (w == 1)
            continue;
        if (w == 0)
            err_set(e, ERR_INTERNAL, "TLS handshake failed: the server closed the connection");
        else if (w != HTTP_IO_ERROR)
            err_set(e, ERR_INTERNAL, "no TLS handshake with %s", c->host_port);
        return w == 0 ? HTTP_IO_ERROR : w;
    }
}

/* ---- reading and writing ---- */

long http_conn_read(struct http_conn *c, char *p, size_t n, const struct http_io *io, struct err *e)
{
    char eb[128];
    int cap = n > 1 << 30 ? 1 << 30 : (int)n;
    for (;;) {
        if (io->cancel && atomic_load(io->cancel))
            return HTTP_IO_CANCELLED;
        if (c->ssl) {
            int r = tls_call(c, TLS_READ, p, NULL, cap);
            if (r > 0)
                return r;
            int w = tls_retry(c, r, "reading", io, e);
            if (w != 1)
                return w;
            continue;
        }
        ssize_t r = recv(c->fd, p, (size_t)cap, 0);
        if (r >= 0)
            return (long)r;
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            err_set(e, ERR_INTERNAL, "reading: %s", err_errno_text(errno, eb, sizeof(eb)));
            return HTTP_IO_ERROR;
        }
        int w = wait_fd(c->fd, POLLIN, io, e);
        if (w != 0)
            return w;
    }
}

int http_conn_write(struct http_conn *c, const char *p, size_t n, const struct http_io *io,
                    struct err *e)
{
    char eb[128];
    while (n > 0) {
        if (io->cancel && atomic_load(io->cancel))
            return HTTP_IO_CANCELLED;
        int cap = n > 1 << 30 ? 1 << 30 : (int)n;
        if (c->ssl) {
            int r = tls_call(c, TLS_WRITE, NULL, p, cap);
            if (r > 0) {
                p += r;
                n -= (size_t)r;
                continue;
            }
            int w = tls_retry(c, r, "writing", io, e);
            if (w == 0) {
                err_set(e, ERR_INTERNAL, "writing: the server closed the connection");
                return HTTP_IO_ERROR;
            }
            if (w != 1)
                return w;
            continue;
        }
        ssize_t r = send(c->fd, p, (size_t)cap, MSG_NOSIGNAL);
        if (r >= 0) {
            p += r;
            n -= (size_t)r;
            continue;
        }
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            err_set(e, ERR_INTERNAL, "writing: %s", err_errno_text(errno, eb, sizeof(eb)));
            return HTTP_IO_ERROR;
        }
        int w = wait_fd(c->fd, POLLOUT, io, e);
        if (w != 0)
            return w;
    }
    return 0;
}

bool http_conn_alive(struct http_conn *c)
{
    struct pollfd pfd = {c->fd, POLLIN, 0};
    int r = poll(&pfd, 1, 0);
    if (r == 0)
        return true;
    if (r < 0 || (pfd.revents & (POLLERR | POLLHUP | POLLNVAL)) || !c->ssl)
        return false; /* closed, or bytes nobody asked for */
    /* TLS: records may be post-handshake messages (session tickets), read and kept here. */
    char b[256];
    int n = tls_call(c, TLS_READ, b, NULL, sizeof(b));
    int why = n > 0 ? SSL_ERROR_NONE : SSL_get_error(c->ssl, n);
    ERR_clear_error();
    return n <= 0 && why == SSL_ERROR_WANT_READ;
}

void http_conn_close(struct http_conn *c)
{
    if (!c)
        return;
    if (c->ssl) {
        (void)tls_call(c, TLS_SHUTDOWN, NULL, NULL, 0); /* non-blocking: sent if it can go now */
        ERR_clear_error();
        SSL_free(c->ssl);
    }
    if (c->fd >= 0)
        close(c->fd);
    free(c);
}
