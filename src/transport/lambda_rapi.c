#include "transport/lambda_rapi.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "clock.h"
#include "log.h"
#include "transport/lambda_event.h"
#include "banned.h"

#define RAPI_PREFIX             "/2018-06-01"
#define RAPI_CONNECT_TIMEOUT_MS 2000L
#define RAPI_POST_TIMEOUT_MS    30000LL

const struct aws_header lambda_rapi_json_headers[1] = {{"Content-Type", "application/json"}};

/* The body as it arrives: past the cap the rest is read and dropped (body.truncated). */
static int on_body(void *arg, const struct aws_http_response *resp, const char *p, size_t n,
                   struct err *e)
{
    struct lambda_rapi *r = arg;
    (void)resp;
    if (buf_add(&r->body, p, n) < 0 && !r->body.truncated)
        return err_set(e, ERR_INTERNAL, "out of memory reading the answer");
    return 0;
}

static void copy_header(char *dst, size_t cap, const struct aws_http_response *resp,
                        const char *name)
{
    const char *v = aws_http_response_header(resp, name);
    snprintf(dst, cap, "%s", v ? v : "");
}

int lambda_rapi_init(struct lambda_rapi *r, const char *api, struct err *e)
{
    memset(r, 0, sizeof(*r));
    buf_init(&r->body, CAP_LAMBDA_EVENT);
    if (!api || !*api)
        return err_set(e, ERR_INTERNAL, "AWS_LAMBDA_RUNTIME_API is not set");
    if ((size_t)snprintf(r->base, sizeof(r->base), "http://%s" RAPI_PREFIX, api) >= sizeof(r->base))
        return err_set(e, ERR_INTERNAL, "AWS_LAMBDA_RUNTIME_API is too long");
    struct aws_http_options o = {.connect_timeout_ms = RAPI_CONNECT_TIMEOUT_MS};
    return aws_http_client_new(&o, &r->http, e);
}

void lambda_rapi_release(struct lambda_rapi *r)
{
    aws_http_client_free(r->http);
    r->http = NULL;
    buf_release(&r->body);
}

/*
 * One call. Returns the HTTP status, or -1 when no answer came (connection refused, closed,
 * timed out), with the reason in e.
 */
static int lambda_rapi_call(struct lambda_rapi *r, const char *path, const char *body, size_t len,
                            const struct aws_header *headers, size_t n, struct err *e)
{
    char url[600];
    struct aws_http_response resp;
    int rc;

    snprintf(url, sizeof(url), "%s%s", r->base, path);
    buf_reset(&r->body);
    r->body.truncated = false;
    /* The Runtime API is whatever Lambda put in AWS_LAMBDA_RUNTIME_API (127.0.0.1:9001). A
     * GET has no time limit: the process is frozen between invocations and the GET resumes. */
    struct aws_http_request q = {.method = body ? "POST" : "GET",
                                 .url = url,
                                 .headers = body ? headers : NULL,
                                 .n_headers = body ? n : 0,
                                 .body = body,
                                 .body_len = body ? len : 0,
                                 .deadline_ms = body ? clock_mono_ms() + RAPI_POST_TIMEOUT_MS : 0,
                                 .max_response = (size_t)-1 / 2, /* the cap is the buffer's */
                                 .on_body = on_body,
                                 .arg = r,
                                 .allow_http = true};
    if (!body)
        r->request_id[0] = r->deadline[0] = r->trace_id[0] = r->function_arn[0] = '\0';
    aws_http_response_init(&resp);
    rc = aws_http_send(r->http, &q, &resp, e);
    if (rc == 0) {
        rc = (int)resp.status;
        if (!body) {
            copy_header(r->request_id, sizeof(r->request_id), &resp,
                        "lambda-runtime-aws-request-id");
            copy_header(r->deadline, sizeof(r->deadline), &resp, "lambda-runtime-deadline-ms");
            copy_header(r->trace_id, sizeof(r->trace_id), &resp, "lambda-runtime-trace-id");
            copy_header(r->function_arn, sizeof(r->function_arn), &resp,
                        "lambda-runtime-invoked-function-arn");
        }
    }
    aws_http_response_release(&resp);
    return rc;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

int lambda_rapi_call_retry(struct lambda_rapi *r, const char *what, const char *path,
                           const char *body, size_t len, const struct aws_header *headers, size_t n)
{
    static const long backoff_ms[] = {100, 300, 900};
    struct err e = ERR_INIT;
    int status = -1;

    for (int attempt = 1; attempt <= LAMBDA_RAPI_ATTEMPTS; attempt++) {
        status = lambda_rapi_call(r, path, body, len, headers, n, &e);
        if (status >= 0 && status < 500)
            return status;
        if (status >= 500)
            snprintf(e.msg, sizeof(e.msg), "HTTP %d %.*s", status, 120, r->body.p);
        log_event(attempt < LAMBDA_RAPI_ATTEMPTS ? LOG_WARN : LOG_ERROR,
                  attempt < LAMBDA_RAPI_ATTEMPTS ? "Runtime API call failed, retrying"
                                                 : "Runtime API call failed, giving up",
                  json_pack("{s:s, s:s, s:s, s:i, s:i}", "call", what, "path", path, "error", e.msg,
                            "attempt", attempt, "attempts", LAMBDA_RAPI_ATTEMPTS));
        if (attempt < LAMBDA_RAPI_ATTEMPTS)
            sleep_ms(backoff_ms[attempt - 1]);
    }
    return -1;
}

static char *error_body(const char *message, const char *type, size_t *len)
{
    json_t *j =
        json_pack("{s:s, s:s, s:[]}", "errorMessage", message, "errorType", type, "stackTrace");
    char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;

    if (text)
        *len = strlen(text);
    json_decref(j);
    return text;
}

int lambda_rapi_post_error(struct lambda_rapi *r, const char *what, const char *path,
                           const char *message, const char *type)
{
    size_t len = 0;
    char *body = error_body(message, type, &len);
    struct aws_header h[2] = {{"Lambda-Runtime-Function-Error-Type", type},
                              {"Content-Type", "application/json"}};
    int status = -1;

    if (body)
        status = lambda_rapi_call_retry(r, what, path, body, len, h, ARRAY_SIZE(h));
    free(body);
    return status;
}
