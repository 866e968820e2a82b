#ifndef TRANSPORT_LAMBDA_RAPI_H
#define TRANSPORT_LAMBDA_RAPI_H

/*
 * The Lambda Runtime API client (2018-06-01) over the project's HTTP client (src/aws/http.h):
 * plain HTTP to AWS_LAMBDA_RUNTIME_API, one kept-alive connection, never through a proxy
 * (plain http:// never is), calls retried on no answer or a 5xx. Used by one thread at a
 * time.
 */

#include <stddef.h>

#include "aws/http.h"
#include "buf.h"
#include "err.h"

/* Attempts of one Runtime API call before the runtime gives up and exits non-zero. */
#define LAMBDA_RAPI_ATTEMPTS 4

struct lambda_rapi {
    struct aws_http_client *http;
    char base[300];  /* http://host:port/2018-06-01 */
    struct buf body; /* body of the last answer (cut at CAP_LAMBDA_EVENT: body.truncated) */
    /* Lambda-Runtime-* headers of the last /next answer. */
    char request_id[128];
    char deadline[32];
    char trace_id[512];
    char function_arn[256];
};

/* The headers of a JSON reply (Content-Type: application/json). */
extern const struct aws_header lambda_rapi_json_headers[1];

/*
 * Sets up r for the Runtime API at `api` (host:port, AWS_LAMBDA_RUNTIME_API). Returns 0, or -1
 * with the reason in e. lambda_rapi_release is needed either way.
 */
int lambda_rapi_init(struct lambda_rapi *r, const char *api, struct err *e) WUR;
void lambda_rapi_release(struct lambda_rapi *r);

/*
 * One call: a GET of `path` when body is NULL (no time limit: the process is frozen between
 * invocations; the Lambda-Runtime-* headers of the answer land in r), else a POST of body
 * with the n `headers` (borrowed). Retried on no answer or a 5xx (a connection dropped across
 * a freeze; a Runtime API restarting answers 500 briefly). Returns the status of the first
 * answer below 500 (its body in r->body), or -1 after LAMBDA_RAPI_ATTEMPTS attempts, logged
 * as an ERROR naming the call (`what`).
 */
int lambda_rapi_call_retry(struct lambda_rapi *r, const char *what, const char *path,
                           const char *body, size_t len, const struct aws_header *headers,
                           size_t n);

/*
 * POSTs the error document {errorMessage, errorType, stackTrace: []} to path, with
 * Lambda-Runtime-Function-Error-Type: type. Returns the HTTP status or -1.
 */
int lambda_rapi_post_error(struct lambda_rapi *r, const char *what, const char *path,
                           const char *message, const char *type);

#endif
