#include "transport/stdio_server.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "clock.h"
#include "log.h"
#include "mcp/jsonrpc.h"
#include "alloc.h"
#include "banned.h"

/* Calls running at once on worker threads; past this, calls run on the reading thread. */
#define STDIO_MAX_INFLIGHT 32

struct inflight {
    json_t *id; /* own reference */
    atomic_bool cancel;
    bool used;
};

struct stdio_state {
    struct mcp_server *server;
    struct mcp_session session;
    pthread_mutex_t out_lock; /* one writer at a time on stdout */
    pthread_mutex_t lock;     /* inflight[] and running */
    pthread_cond_t idle;
    struct inflight inflight[STDIO_MAX_INFLIGHT];
    int running;
};

static void write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return; /* stdout gone: the client left; the reader will see EOF */
        p += w;
        n -= (size_t)w;
    }
}

/* Writes one message as one line. Steals msg. */
static void send_msg(struct stdio_state *st, json_t *msg)
{
    char *text = json_dumps(msg, JSON_COMPACT);
    json_decref(msg);
    if (!text)
        return;
    pthread_mutex_lock(&st->out_lock);
    write_all(STDOUT_FILENO, text, strlen(text));
    write_all(STDOUT_FILENO, "\n", 1);
    pthread_mutex_unlock(&st->out_lock);
    free(text);
}

static void notify_cb(void *opaque, json_t *notification)
{
    send_msg(opaque, notification);
}

static bool ids_equal(json_t *a, json_t *b)
{
    return a && b && json_equal(a, b);
}

struct job {
    struct stdio_state *st;
    json_t *msg;
    struct mcp_session session; /* snapshot: workers never touch the live session */
    int slot;
};

static void run_call(struct stdio_state *st, json_t *msg, struct mcp_session *session,
                     const atomic_bool *cancel)
{
    struct mcp_exchange x = {.cancel = cancel, .notify = notify_cb, .notify_opaque = st};
    struct mcp_reply reply;
    long long t0 = clock_mono_ms();
    const char *method = json_string_value(json_object_get(msg, "method"));
    json_t *id = jsonrpc_id(msg);
    char rid[64] = "";

    /* The JSON-RPC id names the request in every log line written while it is handled. */
    if (json_is_string(id))
        snprintf(rid, sizeof(rid), "%s", json_string_value(id));
    else if (json_is_integer(id))
        snprintf(rid, sizeof(rid), "%" JSON_INTEGER_FORMAT, json_integer_value(id));
    log_set_request_id(rid[0] ? rid : NULL);
    mcp_server_handle(st->server, session, msg, &x, &reply);
    /* notifications/cancelled: the receiver SHOULD NOT answer the cancelled request. */
    if (cancel && atomic_load(cancel)) {
        json_decref(reply.msg);
        reply.msg = NULL;
    }
    /* Tool calls are worth a line at info; the chatter around them only at debug. */
    log_event(method && strcmp(method, "tools/call") == 0 ? LOG_INFO : LOG_DEBUG, "request",
              json_pack("{s:s, s:s?, s:I}", "transport", "stdio", "method", method, "durationMs",
                        (json_int_t)(clock_mono_ms() - t0)));
    if (reply.msg)
        send_msg(st, reply.msg);
    log_set_request_id(NULL);
}

static void *worker(void *arg)
{
    struct job *j = arg;
    struct stdio_state *st = j->st;

    run_call(st, j->msg, &j->session, &st->inflight[j->slot].cancel);
    json_decref(j->msg);

    pthread_mutex_lock(&st->lock);
    json_decref(st->inflight[j->slot].id);
    st->inflight[j->slot].id = NULL;
    st->inflight[j->slot].used = false;
    if (--st->running == 0)
        pthread_cond_broadcast(&st->idle);
    pthread_mutex_unlock(&st->lock);
    free(j);
    return NULL;
}

/*
 * Starts a tools/call on a worker, which takes over msg (stolen on success: the reading
 * thread never touches it again, so no reference count is shared between threads). Returns
 * -1 if no worker is free; the caller keeps msg and runs it inline.
 */
static int start_worker(struct stdio_state *st, json_t *msg)
{
    struct job *j;
    pthread_t t;
    pthread_attr_t attr;
    int slot = -1;

    pthread_mutex_lock(&st->lock);
    for (int i = 0; i < STDIO_MAX_INFLIGHT; i++) {
        if (!st->inflight[i].used) {
            slot = i;
            break;
        }
    }
    if (slot < 0) {
        pthread_mutex_unlock(&st->lock);
        return -1;
    }
    j = xmalloc(sizeof(*j));
    if (!j) {
        pthread_mutex_unlock(&st->lock);
        return -1;
    }
    j->st = st;
    j->msg = msg;
    j->session = st->session;
    j->slot = slot;
    st->inflight[slot].used = true;
    st->inflight[slot].id = json_incref(jsonrpc_id(msg));
    atomic_store(&st->inflight[slot].cancel, false);
    st->running++;

    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &attr, worker, j) != 0) {
        st->running--;
        st->inflight[slot].used = false;
        json_decref(st->inflight[slot].id);
        st->inflight[slot].id = NULL;
        pthread_mutex_unlock(&st->lock);
        pthread_attr_destroy(&attr);
        free(j);
        return -1;
    }
    pthread_attr_destroy(&attr);
    pthread_mutex_unlock(&st->lock);
    return 0;
}

static void cancel_request(struct stdio_state *st, json_t *id)
{
    pthread_mutex_lock(&st->lock);
    for (int i = 0; i < STDIO_MAX_INFLIGHT; i++)
        if (st->inflight[i].used && ids_equal(st->inflight[i].id, id))
            atomic_store(&st->inflight[i].cancel, true);
    pthread_mutex_unlock(&st->lock);
}

static void handle_line(struct stdio_state *st, const char *line, size_t len)
{
    struct err e = ERR_INIT;
    json_t *msg, *cancel_id;
    const char *method;

    while (len && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
        len--;
    if (len == 0)
        return;
    msg = jsonrpc_parse(line, len, false, &e);
    if (!msg) {
        send_msg(st, jsonrpc_error(NULL, e.code, e.msg, NULL));
        return;
    }
    cancel_id = mcp_cancelled_request_id(msg);
    if (cancel_id) {
        cancel_request(st, cancel_id);
        json_decref(msg);
        return;
    }
    method = json_string_value(json_object_get(msg, "method"));
    if (method && strcmp(method, "tools/call") == 0 && jsonrpc_id(msg) &&
        start_worker(st, msg) == 0)
        return;
    run_call(st, msg, &st->session, NULL);
    json_decref(msg);
}

int stdio_run(struct mcp_server *s, const struct config *cfg)
{
    struct stdio_state st = {.server = s, .session = MCP_SESSION_INIT};
    struct buf line = BUF_INIT(CAP_STDIO_LINE);
    char chunk[65536];
    bool skipping = false; /* inside an over-long line: drop until its newline */

    (void)cfg;
    pthread_mutex_init(&st.out_lock, NULL);
    pthread_mutex_init(&st.lock, NULL);
    pthread_cond_init(&st.idle, NULL);
    log_event(LOG_INFO, "stdio transport ready", json_pack("{s:s}", "version", AWSCLI_MCP_VERSION));

    for (;;) {
        ssize_t n = read(STDIN_FILENO, chunk, sizeof(chunk));
        char *p = chunk, *nl;
        size_t left;

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        left = (size_t)n;
        while (left && (nl = memchr(p, '\n', left))) {
            size_t seg = (size_t)(nl - p);
            if (skipping) {
                skipping = false;
            } else if (buf_add(&line, p, seg) < 0) {
                send_msg(&st,
                         jsonrpc_error(NULL, ERR_PARSE,
                                       "Parse error: message longer than the 4 MiB limit", NULL));
            } else {
                handle_line(&st, line.p, line.len);
            }
            buf_reset(&line);
            left -= seg + 1;
            p = nl + 1;
        }
        if (left && !skipping && buf_add(&line, p, left) < 0) {
            send_msg(&st, jsonrpc_error(NULL, ERR_PARSE,
                                        "Parse error: message longer than the 4 MiB limit", NULL));
            buf_reset(&line);
            skipping = true;
        }
    }
    if (line.len && !skipping)
        handle_line(&st, line.p, line.len);
    buf_release(&line);

    /* stdin closed: let running calls answer, then exit. */
    pthread_mutex_lock(&st.lock);
    while (st.running > 0)
        pthread_cond_wait(&st.idle, &st.lock);
    pthread_mutex_unlock(&st.lock);
    pthread_cond_destroy(&st.idle);
    pthread_mutex_destroy(&st.lock);
    pthread_mutex_destroy(&st.out_lock);
    return 0;
}
