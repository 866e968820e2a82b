#include "transport/httpd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#define DYNLIB_MHD
#include "dynlib.h"
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "clock.h"
#include "log.h"
#include "alloc.h"
#include "banned.h"

/* A client that sends this many times the cap after being refused is disconnected. */
#define DRAIN_FACTOR 16

/* A request being answered: its socket, watched for the client going away. */
struct watch {
    int fd;
    atomic_bool *cancel;
};

struct httpd {
    struct http_front *front;
    size_t max_body;
    atomic_int inflight; /* requests between their first byte and their completion */
    atomic_bool cancel;  /* set at shutdown: every request from then on is cancelled */
    atomic_ullong seq;   /* request ids */

    /* Disconnect watcher: see watcher(). */
    pthread_mutex_t wlock;
    pthread_cond_t wcond;
    struct watch watches[HTTPD_MAX_CONNECTIONS];
    int nwatches;
    bool stop;
};

/* One request on a connection. */
struct httpd_req {
    struct buf body;
    bool too_large;
    size_t drained;
    struct timespec t0;
};

static int sig_pipe[2] = {-1, -1};

static void on_signal(int sig)
{
    int saved = errno;
    unsigned char b = (unsigned char)sig;
    ssize_t w = write(sig_pipe[1], &b, 1);
    (void)w;
    errno = saved;
}

static long long elapsed_us(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)(t.tv_sec - t0->tv_sec) * 1000000 + (t.tv_nsec - t0->tv_nsec) / 1000;
}

static void mhd_logger(void *cls, const char *fmt, va_list ap)
{
    char msg[512];
    size_t n;
    (void)cls;
    vsnprintf(msg, sizeof(msg), fmt, ap);
    n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
        msg[--n] = '\0';
    log_event(LOG_WARN, "libmicrohttpd", json_pack("{s:s}", "detail", msg));
}

struct header_vec {
    struct http_header *h;
    size_t n, cap;
};

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    struct header_vec *v = cls;
    (void)kind;
    if (v->n < v->cap) {
        v->h[v->n].name = key;
        v->h[v->n].value = value ? value : "";
        v->n++;
    }
    return MHD_YES;
}

static void remote_address(struct MHD_Connection *c, char *out, size_t size)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    out[0] = '\0';
    if (!ci || !ci->client_addr)
        return;
    if (ci->client_addr->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)ci->client_addr)->sin_addr,
                  out, (socklen_t)size);
    else if (ci->client_addr->sa_family == AF_INET6)
        inet_ntop(AF_INET6,
                  &((const struct sockaddr_in6 *)(const void *)ci->client_addr)->sin6_addr, out,
                  (socklen_t)size);
}

/*
 * A client that closes its connection while its request runs has given up on it: the request
 * is cancelled, so a tool call stops its AWS CLI process instead of running to its deadline
 * (2026-07-28 basic/transports/streamable-http "Cancellation": closing the response stream
 * cancels). One thread polls the sockets of the requests being answered every
 * HTTPD_WATCH_MS; it sleeps while there are none.
 */
#define HTTPD_WATCH_MS 100

static void *watcher(void *arg)
{
    struct httpd *d = arg;
    struct pollfd pfds[HTTPD_MAX_CONNECTIONS];

    pthread_mutex_lock(&d->wlock);
    while (!d->stop) {
        nfds_t n = (nfds_t)d->nwatches;
        struct timespec until;
        if (n == 0) {
            pthread_cond_wait(&d->wcond, &d->wlock);
            continue;
        }
        for (nfds_t i = 0; i < n; i++) {
            pfds[i].fd = d->watches[i].fd;
            pfds[i].events = POLLRDHUP;
            pfds[i].revents = 0;
        }
        /* A zero-timeout poll under the lock: the slots cannot change meanwhile. */
        if (poll(pfds, n, 0) > 0)
            for (nfds_t i = 0; i < n; i++)
                if (pfds[i].revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL))
                    atomic_store(d->watches[i].cancel, true);
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += HTTPD_WATCH_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&d->wcond, &d->wlock, &until);
    }
    pthread_mutex_unlock(&d->wlock);
    return NULL;
}

static void watch_add(struct httpd *d, struct MHD_Connection *c, atomic_bool *cancel)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);

    pthread_mutex_lock(&d->wlock);
    if (atomic_load(&d->cancel))
        atomic_store(cancel, true);
    if (ci && d->nwatches < HTTPD_MAX_CONNECTIONS) {
        d->watches[d->nwatches].fd = ci->connect_fd;
        d->watches[d->nwatches].cancel = cancel;
        if (d->nwatches++ == 0)
            pthread_cond_signal(&d->wcond);
    }
    pthread_mutex_unlock(&d->wlock);
}

static void watch_remove(struct httpd *d, atomic_bool *cancel)
{
    pthread_mutex_lock(&d->wlock);
    for (int i = 0; i < d->nwatches; i++) {
        if (d->watches[i].cancel == cancel) {
            d->watches[i] = d->watches[--d->nwatches];
            break;
        }
    }
    pthread_mutex_unlock(&d->wlock);
}

/* Shutdown: cancel every request being answered, and every one that starts from now on. */
static void cancel_all(struct httpd *d)
{
    pthread_mutex_lock(&d->wlock);
    atomic_store(&d->cancel, true);
    for (int i = 0; i < d->nwatches; i++)
        atomic_store(d->watches[i].cancel, true);
    pthread_mutex_unlock(&d->wlock);
}

/* Runs the HTTP rules on a complete request and queues the response. */
static enum MHD_Result respond(struct httpd *d, struct MHD_Connection *c, const char *url,
                               const char *method, struct httpd_req *r)
{
    struct header_vec hv = {0};
    struct http_request req = {0};
    struct http_response res = {0};
    struct MHD_Response *mr = NULL;
    enum MHD_Result ok = MHD_NO;
    char rid[32], remote[64];
    int n = MHD_get_connection_values(c, MHD_HEADER_KIND, NULL, NULL);
    atomic_bool cancel = false;

    snprintf(rid, sizeof(rid), "%llx", (unsigned long long)atomic_fetch_add(&d->seq, 1) + 1);
    log_set_request_id(rid);
    hv.cap = n > 0 ? (size_t)n : 0;
    hv.h = xcalloc(hv.cap + 1, sizeof(*hv.h));
    if (!hv.h)
        goto out;
    MHD_get_connection_values(c, MHD_HEADER_KIND, collect_header, &hv);

    req.method = method;
    req.path = url;
    req.headers = hv.h;
    req.nheaders = hv.n;
    req.body = r->too_large ? NULL : r->body.p;
    req.body_len = r->too_large ? 0 : r->body.len;
    req.body_too_large = r->too_large;
    req.local = true;
    req.cancel = &cancel;
    watch_add(d, c, &cancel);
    http_handle(d->front, &req, &res);
    watch_remove(d, &cancel);

    mr = MHD_create_response_from_buffer(res.body_len, res.body ? res.body : (void *)"",
                                         MHD_RESPMEM_MUST_COPY);
    if (!mr)
        goto out;
    for (size_t i = 0; i < res.nheaders; i++)
        MHD_add_response_header(mr, res.headers[i].name, res.headers[i].value);
    ok = MHD_queue_response(c, (unsigned int)res.status, mr);

    remote_address(c, remote, sizeof(remote));
    log_event(LOG_INFO, "http request",
              json_pack("{s:s, s:s, s:i, s:I, s:s?, s:I, s:I, s:s, s:b}", "method", method, "path",
                        url, "status", res.status, "durationUs", (json_int_t)elapsed_us(&r->t0),
                        "rpcMethod", res.rpc_method[0] ? res.rpc_method : NULL, "bytesIn",
                        (json_int_t)(r->too_large ? r->drained + r->body.len : r->body.len),
                        "bytesOut", (json_int_t)res.body_len, "remote", remote, "cancelled",
                        atomic_load(&cancel)));
out:
    if (mr)
        MHD_destroy_response(mr);
    http_response_release(&res);
    free(hv.h);
    log_set_request_id(NULL);
    return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    struct httpd *d = cls;
    struct httpd_req *r = *con_cls;
    (void)version;

    if (!r) {
        const char *cl;
        r = xcalloc(1, sizeof(*r));
        if (!r)
            return MHD_NO;
        buf_init(&r->body, d->max_body);
        clock_gettime(CLOCK_MONOTONIC, &r->t0);
        *con_cls = r;
        atomic_fetch_add(&d->inflight, 1);
        /* Refuse an announced oversized body before reading it (and before 100-continue). */
        cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl) {
            char *end = NULL;
            unsigned long long len;
            errno = 0;
            len = strtoull(cl, &end, 10);
            if (errno == ERANGE || len > d->max_body) {
                r->too_large = true;
                return respond(d, c, url, method, r);
            }
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (!r->too_large && buf_add(&r->body, upload_data, *upload_data_size) < 0) {
            r->too_large = true;
            r->drained = r->body.len;
            buf_release(&r->body);
        } else if (r->too_large) {
            r->drained += *upload_data_size;
            if (r->drained / DRAIN_FACTOR > d->max_body)
                return MHD_NO; /* close the connection */
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    return respond(d, c, url, method, r);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct httpd *d = cls;
    struct httpd_req *r = *con_cls;
    (void)c;
    (void)toe;
    if (!r)
        return;
    buf_release(&r->body);
    free(r);
    *con_cls = NULL;
    atomic_fetch_sub(&d->inflight, 1);
}

/* Binds and listens; returns the socket or -1 with one line in e. */
static int listen_on(const char *host, int port, struct err *e)
{
    struct addrinfo hints = {0}, *ai = NULL;
    char portstr[8], why[128];
    int fd = -1, saved = 0, rc;

    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    snprintf(portstr, sizeof(portstr), "%d", port);
    rc = getaddrinfo(host[0] ? host : NULL, portstr, &hints, &ai);
    if (rc != 0)
        return err_set(e, ERR_INTERNAL, "cannot listen on %s:%d: %s", host, port, gai_strerror(rc));
    for (struct addrinfo *a = ai; a; a = a->ai_next) {
        int one = 1;
        fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) {
            saved = errno;
            continue;
        }
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, a->ai_addr, a->ai_addrlen) == 0 && listen(fd, 128) == 0)
            break;
        saved = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(ai);
    if (fd < 0)
        return err_set(e, ERR_INTERNAL, "cannot listen on %s%s%s:%d: %s",
                       strchr(host, ':') ? "[" : "", host, strchr(host, ':') ? "]" : "", port,
                       err_errno_text(saved, why, sizeof(why)));
    return fd;
}

/* Waits for a signal on the self-pipe for up to ms (-1 = forever). Returns true on a signal. */
static bool wait_signal(int ms)
{
    struct pollfd p = {.fd = sig_pipe[0], .events = POLLIN};
    int rc = poll(&p, 1, ms);
    if (rc > 0) {
        unsigned char b[16];
        ssize_t r = read(sig_pipe[0], b, sizeof(b));
        (void)r;
        return true;
    }
    return false;
}

/* Waits until no request is in flight or ms pass; a signal cuts it short. True when idle. */
static bool wait_idle(struct httpd *d, int ms)
{
    long long end = clock_mono_ms() + ms;
    while (atomic_load(&d->inflight) > 0) {
        long long left = end - clock_mono_ms();
        if (left <= 0)
            return false;
        if (wait_signal(left < 20 ? (int)left : 20))
            return false;
    }
    return true;
}

int httpd_run(struct http_front *front, const struct config *cfg)
{
    struct httpd d = {.front = front, .max_body = cfg->max_body_bytes};
    pthread_t watch_thread;
    bool watching = false, signals_set = false;
    struct sigaction sa = {0}, old_int, old_term;
    struct MHD_Daemon *daemon = NULL;
    struct err e = ERR_INIT;
    char url[300];
    bool v6 = strchr(cfg->listen_host, ':') != NULL;
    int fd, rc = 1;
    unsigned int flags;

    if (!d.max_body)
        d.max_body = CAP_HTTP_BODY;
    fd = listen_on(cfg->listen_host, cfg->listen_port, &e);
    if (fd < 0) {
        log_event(LOG_ERROR, e.msg, NULL);
        return 1;
    }
    if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
        log_event(LOG_ERROR, "cannot create the signal pipe", NULL);
        close(fd);
        return 1;
    }
    pthread_mutex_init(&d.wlock, NULL);
    pthread_cond_init(&d.wcond, NULL);
    if (pthread_create(&watch_thread, NULL, watcher, &d) != 0) {
        log_event(LOG_ERROR, "cannot start the disconnect watcher thread", NULL);
        close(fd);
        goto out;
    }
    watching = true;
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    signals_set = true;

    flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL |
            MHD_USE_ITC | MHD_USE_ERROR_LOG | (v6 ? MHD_USE_IPv6 : 0);
    daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, &d, MHD_OPTION_EXTERNAL_LOGGER,
                              mhd_logger, NULL, MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
                              MHD_OPTION_CONNECTION_LIMIT, (unsigned int)HTTPD_MAX_CONNECTIONS,
                              MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)HTTPD_IDLE_TIMEOUT_S,
                              MHD_OPTION_NOTIFY_COMPLETED, on_completed, &d, MHD_OPTION_END);
    if (!daemon) {
        log_event(LOG_ERROR, "cannot start the HTTP server (libmicrohttpd)", NULL);
        close(fd);
        goto out;
    }
    snprintf(url, sizeof(url), "http://%s%s%s:%d/mcp", v6 ? "[" : "", cfg->listen_host,
             v6 ? "]" : "", cfg->listen_port);
    log_event(LOG_INFO, "listening",
              json_pack("{s:s, s:s, s:b, s:b}", "url", url, "version", AWSCLI_MCP_VERSION,
                        "authToken", cfg->auth_token != NULL, "allowedOrigins",
                        cfg->allowed_origins != NULL));

    while (!wait_signal(-1))
        ;
    log_event(LOG_INFO, "shutting down", json_pack("{s:i}", "inFlight", atomic_load(&d.inflight)));
    fd = MHD_quiesce_daemon(daemon);
    if (fd >= 0)
        close(fd);
    if (!wait_idle(&d, HTTPD_DRAIN_MS)) {
        cancel_all(&d);
        log_event(LOG_WARN, "cancelling requests still running",
                  json_pack("{s:i}", "inFlight", atomic_load(&d.inflight)));
        wait_idle(&d, HTTPD_CANCEL_GRACE_MS);
    }
    MHD_stop_daemon(daemon);
    log_event(LOG_INFO, "stopped", NULL);
    rc = 0;
out:
    if (watching) {
        pthread_mutex_lock(&d.wlock);
        d.stop = true;
        pthread_cond_signal(&d.wcond);
        pthread_mutex_unlock(&d.wlock);
        pthread_join(watch_thread, NULL);
    }
    pthread_cond_destroy(&d.wcond);
    pthread_mutex_destroy(&d.wlock);
    if (signals_set) {
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGTERM, &old_term, NULL);
    }
    close(sig_pipe[0]);
    close(sig_pipe[1]);
    sig_pipe[0] = sig_pipe[1] = -1;
    return rc;
}
