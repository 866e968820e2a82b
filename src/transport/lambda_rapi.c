#include "transport/lambda_rapi.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "log.h"
#include "transport/lambda_event.h"
#include "banned.h"

#define RAPI_PREFIX             "/2018-06-01"
#define RAPI_CONNECT_TIMEOUT_MS 2000L
#define RAPI_POST_TIMEOUT_MS    30000L

static size_t on_body(char *p, size_t size, size_t n, void *opaque)
{
    struct lambda_rapi *r = opaque;
    /* Past the cap the rest is read and dropped; body.truncated records it. */
    if (buf_add(&r->body, p, size * n) < 0 && !r->body.truncated)
        return 0; /* out of memory: fail the call */
    return size * n;
}

static void copy_header_value(char *dst, size_t cap, const char *v, size_t n)
{
    while (n > 0 && (*v == ' ' || *v == '\t')) {
        v++;
        n--;
    }
    while (n > 0 && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' '))
        n--;
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, v, n);
    dst[n] = '\0';
}

/* Where a header value goes in struct lambda_rapi, and its room. */
#define FIELD(f) offsetof(struct lambda_rapi, f), sizeof(((struct lambda_rapi *)0)->f)

static size_t on_header(char *p, size_t size, size_t n, void *opaque)
{
    struct lambda_rapi *r = opaque;
    size_t len = size * n;
    static const struct {
        const char *name;
        size_t off, cap;
    } wanted[] = {
        {"lambda-runtime-aws-request-id", FIELD(request_id)},
        {"lambda-runtime-deadline-ms", FIELD(deadline)},
        {"lambda-runtime-trace-id", FIELD(trace_id)},
        {"lambda-runtime-invoked-function-arn", FIELD(function_arn)},
    };
    const char *colon = memchr(p, ':', len);

    if (!colon)
        return len;
    for (size_t i = 0; i < ARRAY_SIZE(wanted); i++) {
        size_t nl = strlen(wanted[i].name);
        if ((size_t)(colon - p) == nl && strncasecmp(p, wanted[i].name, nl) == 0) {
            copy_header_value((char *)r + wanted[i].off, wanted[i].cap, colon + 1, len - nl - 1);
            break;
        }
    }
    return len;
}

int lambda_rapi_init(struct lambda_rapi *r, const char *api, struct err *e)
{
    memset(r, 0, sizeof(*r));
    buf_init(&r->body, CAP_LAMBDA_EVENT);
    if (!api || !*api)
        return err_set(e, ERR_INTERNAL, "AWS_LAMBDA_RUNTIME_API is not set");
    if ((size_t)snprintf(r->base, sizeof(r->base), "http://%s" RAPI_PREFIX, api) >= sizeof(r->base))
        return err_set(e, ERR_INTERNAL, "AWS_LAMBDA_RUNTIME_API is too long");
    r->curl = curl_easy_init();
    r->json_headers = curl_slist_append(NULL, "Content-Type: application/json");
    /* libcurl would otherwise send Expect: 100-continue for large bodies and wait for it. */
    if (r->json_headers)
        r->json_headers = curl_slist_append(r->json_headers, "Expect:");
    if (!r->curl || !r->json_headers)
        return err_set(e, ERR_INTERNAL, "out of memory setting up libcurl");

    /* Options that hold for every call on the reused handle. */
    curl_easy_setopt(r->curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(r->curl, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(r->curl, CURLOPT_PROXY, ""); /* never route the Runtime API via a proxy */
    curl_easy_setopt(r->curl, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(r->curl, CURLOPT_CONNECTTIMEOUT_MS, RAPI_CONNECT_TIMEOUT_MS);
    curl_easy_setopt(r->curl, CURLOPT_USERAGENT, "awscli-mcp/" AWSCLI_MCP_VERSION);
    curl_easy_setopt(r->curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(r->curl, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(r->curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(r->curl, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(r->curl, CURLOPT_ERRORBUFFER, r->curl_error);
    return 0;
}

void lambda_rapi_release(struct lambda_rapi *r)
{
    if (r->curl)
        curl_easy_cleanup(r->curl);
    curl_slist_free_all(r->json_headers);
    buf_release(&r->body);
    r->curl = NULL;
    r->json_headers = NULL;
}

/*
 * One call. Returns the HTTP status, or -1 when no answer came (connection refused, closed,
 * timed out), with the reason in e.
 */
static int lambda_rapi_call(struct lambda_rapi *r, const char *path, const char *body, size_t len,
                            struct curl_slist *headers, struct err *e)
{
    char url[600];
    CURLcode cc;
    long status = 0;

    snprintf(url, sizeof(url), "%s%s", r->base, path);
    buf_reset(&r->body);
    r->curl_error[0] = '\0';
    curl_easy_setopt(r->curl, CURLOPT_URL, url);
    if (body) {
        curl_easy_setopt(r->curl, CURLOPT_POST, 1L);
        curl_easy_setopt(r->curl, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(r->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
        curl_easy_setopt(r->curl, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(r->curl, CURLOPT_TIMEOUT_MS, RAPI_POST_TIMEOUT_MS);
    } else {
        r->request_id[0] = r->deadline[0] = r->trace_id[0] = r->function_arn[0] = '\0';
        curl_easy_setopt(r->curl, CURLOPT_HTTPGET, 1L);
        curl_easy_setopt(r->curl, CURLOPT_HTTPHEADER, NULL);
        /* No timeout: the process is frozen between invocations and the GET resumes. */
        curl_easy_setopt(r->curl, CURLOPT_TIMEOUT_MS, 0L);
    }
    cc = curl_easy_perform(r->curl);
    if (cc != CURLE_OK)
        return err_set(e, ERR_INTERNAL, "%s",
                       r->curl_error[0] ? r->curl_error : curl_easy_strerror(cc));
    curl_easy_getinfo(r->curl, CURLINFO_RESPONSE_CODE, &status);
    return (int)status;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

int lambda_rapi_call_retry(struct lambda_rapi *r, const char *what, const char *path,
                           const char *body, size_t len, struct curl_slist *headers)
{
    static const long backoff_ms[] = {100, 300, 900};
    struct err e = ERR_INIT;
    int status = -1;

    for (int attempt = 1; attempt <= LAMBDA_RAPI_ATTEMPTS; attempt++) {
        status = lambda_rapi_call(r, path, body, len, headers, &e);
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
    char type_header[200];
    struct curl_slist *h = NULL;
    size_t len = 0;
    char *body = error_body(message, type, &len);
    int status = -1;

    snprintf(type_header, sizeof(type_header), "Lambda-Runtime-Function-Error-Type: %s", type);
    h = curl_slist_append(NULL, type_header);
    if (h)
        h = curl_slist_append(h, "Content-Type: application/json");
    if (h)
        h = curl_slist_append(h, "Expect:");
    if (body && h)
        status = lambda_rapi_call_retry(r, what, path, body, len, h);
    curl_slist_free_all(h);
    free(body);
    return status;
}
