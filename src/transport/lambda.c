#include "transport/lambda.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "log.h"
#include "mcp/jsonrpc.h"
#include "transport/http.h"
#include "transport/lambda_event.h"
#include "transport/lambda_rapi.h"
#include "transport/lambda_reply.h"
#include "alloc.h"
#include "banned.h"

bool lambda_mode_requested(int argc, char **argv)
{
    if (argc > 1 && argv[1][0] != '-')
        return strcmp(argv[1], "lambda") == 0;
    return getenv("AWS_LAMBDA_RUNTIME_API") != NULL;
}

int lambda_init_error(const char *message, const char *type)
{
    struct lambda_rapi r;
    struct err e = ERR_INIT;
    int status = -1;

    log_event(LOG_ERROR, "initialisation failed",
              json_pack("{s:s, s:s}", "errorType", type, "errorMessage", message));
    if (lambda_rapi_init(&r, getenv("AWS_LAMBDA_RUNTIME_API"), &e) < 0) {
        log_msg(LOG_ERROR, "cannot report the init error: %s", e.msg);
        lambda_rapi_release(&r);
        return -1;
    }
    status = lambda_rapi_post_error(&r, "init error", "/runtime/init/error", message, type);
    lambda_rapi_release(&r);
    if (status != 202) {
        if (status >= 0) /* no answer at all was logged by lambda_rapi_call_retry */
            log_event(LOG_ERROR, "Runtime API refused the init error",
                      json_pack("{s:i}", "status", status));
        return -1;
    }
    return 0;
}

struct lambda_rt {
    struct mcp_server *server;
    struct http_front *front;
    struct lambda_rapi rapi;
};

static const char *const event_kind_names[] = {"malformed", "functionUrl", "invoke"};

/* Builds the payload for one event. Returns malloc'd text, or NULL when out of memory. */
static char *invocation_payload(struct lambda_rt *rt, struct lambda_event *ev, int *status,
                                char *rpc_method, size_t rpc_cap, size_t *len)
{
    char *text = NULL;

    if (ev->kind == LAMBDA_EVENT_HTTP) {
        struct http_response res = {0};
        http_handle(rt->front, &ev->req, &res);
        *status = res.status;
        snprintf(rpc_method, rpc_cap, "%s", res.rpc_method);
        text = lambda_reply_fit_http(&res, LAMBDA_MAX_RESPONSE_BYTES, len);
        http_response_release(&res);
    } else if (ev->kind == LAMBDA_EVENT_JSONRPC) {
        struct mcp_exchange x = {.http = false, .deadline_ms = ev->req.deadline_ms};
        struct mcp_reply reply = {0};
        const char *m = json_string_value(json_object_get(ev->message, "method"));
        snprintf(rpc_method, rpc_cap, "%.63s", m ? m : "");
        mcp_server_handle(rt->server, NULL, ev->message, &x, &reply);
        *status = reply.msg ? reply.http_status : 202;
        if (reply.msg) {
            text = lambda_reply_fit_jsonrpc(reply.msg, LAMBDA_MAX_RESPONSE_BYTES, len);
        } else {
            /* A notification: AWS's Lambda MCP clients take `{}` as "no reply". */
            text = xstrdup("{}");
            *len = 2;
        }
        json_decref(reply.msg);
    } else {
        struct http_response res = {.status = ev->status};
        json_t *err = jsonrpc_error(NULL, ERR_INVALID_REQUEST, ev->why, NULL);
        *status = ev->status;
        res.headers[0].name = "Content-Type";
        res.headers[0].value = "application/json";
        res.nheaders = 1;
        res.body = err ? json_dumps(err, JSON_COMPACT) : NULL;
        json_decref(err);
        if (res.body) {
            res.body_len = strlen(res.body);
            text = lambda_reply_build(&res, len);
        }
        free(res.body);
    }
    return text;
}

/* Handles the invocation whose event is in rt->rapi. Returns 0, or -1 to stop the runtime. */
static int invocation_run(struct lambda_rt *rt)
{
    struct lambda_rapi *r = &rt->rapi;
    struct lambda_event ev;
    char path[256], rpc_method[64] = "";
    char *payload = NULL;
    size_t len = 0;
    int status = 0, posted, rc = 0;
    long long t0 = clock_mono_ms();
    struct timespec ts0, ts1;
    long long deadline;

    clock_gettime(CLOCK_MONOTONIC, &ts0);
    log_set_request_id(r->request_id);
    /*
     * Custom runtimes must set _X_AMZN_TRACE_ID themselves. setenv is not thread-safe, which is
     * safe here: one invocation at a time, on this thread, and no other thread of the process
     * reads the environment between invocations (tool children get an environment built
     * before fork).
     */
    if (r->trace_id[0])
        setenv("_X_AMZN_TRACE_ID", r->trace_id, 1);
    else
        unsetenv("_X_AMZN_TRACE_ID");

    deadline = lambda_deadline(r->deadline, clock_real_ms(), t0);
    lambda_event_parse(r->body.p, r->body.len, r->body.truncated, deadline, &ev);
    payload = invocation_payload(rt, &ev, &status, rpc_method, sizeof(rpc_method), &len);

    snprintf(path, sizeof(path), "/runtime/invocation/%s/response", r->request_id);
    if (payload) {
        posted = lambda_rapi_call_retry(r, "response", path, payload, len, lambda_rapi_json_headers,
                                        ARRAY_SIZE(lambda_rapi_json_headers));
    } else {
        snprintf(path, sizeof(path), "/runtime/invocation/%s/error", r->request_id);
        posted =
            lambda_rapi_post_error(r, "invocation error", path,
                                   "out of memory while building the reply", "Runtime.OutOfMemory");
    }
    if (posted == 413) {
        /* Cannot happen while the fitting above works; never report it as a success. */
        snprintf(path, sizeof(path), "/runtime/invocation/%s/error", r->request_id);
        posted = lambda_rapi_post_error(r, "invocation error", path,
                                        "reply larger than the Runtime API accepts",
                                        "Function.ResponseSizeTooLarge");
    }
    clock_gettime(CLOCK_MONOTONIC, &ts1);
    if (posted < 0) {
        rc = -1; /* logged by lambda_rapi_call_retry */
    } else if (posted != 202) {
        log_event(LOG_ERROR, "Runtime API refused the reply",
                  json_pack("{s:i, s:s}", "status", posted, "body", r->body.p));
    }
    log_event(LOG_INFO, "invocation",
              json_pack("{s:s, s:s?, s:s?, s:s?, s:i, s:s?, s:I, s:I}", "event",
                        event_kind_names[ev.kind], "httpMethod",
                        ev.kind == LAMBDA_EVENT_HTTP ? ev.req.method : NULL, "path",
                        ev.kind == LAMBDA_EVENT_HTTP ? ev.req.path : NULL, "rpcMethod",
                        rpc_method[0] ? rpc_method : NULL, "status", status, "caller",
                        ev.req.caller, "responseBytes", (json_int_t)len, "durationUs",
                        (json_int_t)((ts1.tv_sec - ts0.tv_sec) * 1000000LL +
                                     (ts1.tv_nsec - ts0.tv_nsec) / 1000)));
    free(payload);
    lambda_event_release(&ev);
    log_set_request_id(NULL);
    return rc;
}

int lambda_run(struct mcp_server *s, const struct config *cfg)
{
    struct lambda_rt rt = {.server = s};
    struct err e = ERR_INIT;
    long long t0 = clock_mono_ms();
    int rc = 1;

    if (lambda_rapi_init(&rt.rapi, getenv("AWS_LAMBDA_RUNTIME_API"), &e) < 0) {
        log_msg(LOG_ERROR, "lambda: %s", e.msg);
        goto out;
    }
    rt.front = http_front_new(s, cfg);
    if (!rt.front) {
        (void)lambda_rapi_post_error(&rt.rapi, "init error", "/runtime/init/error",
                                     "cannot set up the HTTP front", "Runtime.InitError");
        goto out;
    }
    log_event(LOG_INFO, "lambda runtime ready",
              json_pack("{s:s?, s:s?, s:s?, s:I}", "function", getenv("AWS_LAMBDA_FUNCTION_NAME"),
                        "functionVersion", getenv("AWS_LAMBDA_FUNCTION_VERSION"), "memoryMb",
                        getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"), "initMs",
                        (json_int_t)(clock_mono_ms() - t0)));
    for (;;) {
        int status =
            lambda_rapi_call_retry(&rt.rapi, "next", "/runtime/invocation/next", NULL, 0, NULL, 0);
        if (status < 0)
            break;
        if (status != 200 || !rt.rapi.request_id[0]) {
            log_event(LOG_ERROR, "Runtime API gave no usable invocation, exiting",
                      json_pack("{s:i, s:s}", "status", status, "body", rt.rapi.body.p));
            break;
        }
        if (invocation_run(&rt) < 0)
            break;
    }
out:
    http_front_free(rt.front);
    lambda_rapi_release(&rt.rapi);
    return rc;
}
