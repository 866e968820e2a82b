/*
 * One API call as botocore makes it for the CLI: the request body, SigV4, the kept-alive
 * HTTPS client, and the standard retry mode (botocore/retries/standard.py), which AWS CLI v2
 * uses unless told otherwise:
 *
 *   - retried: the transient error codes (RequestTimeout, RequestTimeoutException,
 *     PriorRequestNotComplete), the statuses 500, 502, 503, 504, the throttling codes
 *     (ThrottledRetryableChecker's list), and connection errors (botocore's ConnectionError
 *     and HTTPClientError: refused, DNS, connect and read timeouts, a closed connection);
 *     the logs, monitoring and sts models mark no error shape `retryable`;
 *   - at most max_attempts attempts; the delay before attempt n+1 is random() * 2^(n-1)
 *     seconds, capped at 20 s (ExponentialBackoff);
 *   - a retry quota (RetryQuota): 500 per client, which the CLI makes once per command;
 *     a retry costs 5, or 10 after a timeout; a 2xx gives back 1, or what its retry cost;
 *   - a service error seen on the last allowed attempt says "(reached max retries: N)"
 *     (MaxAttemptsReached), whether or not it was itself retryable.
 *
 * The sleep between attempts ends at the call's deadline (timed_out) or on cancel (checked
 * every 10 ms). Connection errors that survive the retries are printed as botocore words them
 * (exit 255); TLS failures, whose words come from Python's ssl module, go to the CLI.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include "clock.h"
#include "engine/pipeline.h"

#include "banned.h"

#define BACKOFF_MAX_S       20
#define QUOTA_RETRY_COST    5
#define QUOTA_TIMEOUT_COST  10
#define QUOTA_NO_RETRY_GAIN 1
#define ATTEMPT_CLI_ERROR   2
#define ATTEMPT_FAILED      3

static const char *const throttling_codes[] = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
};
static const char *const transient_codes[] = {
    "RequestTimeout",
    "RequestTimeoutException",
    "PriorRequestNotComplete",
};

static bool in_list(const char *code, const char *const *list, size_t n)
{
    for (size_t i = 0; code && i < n; i++)
        if (strcmp(code, list[i]) == 0)
            return true;
    return false;
}

static bool transient_status(long status)
{
    return status == 500 || status == 502 || status == 503 || status == 504;
}

void reply_release(struct reply *rp)
{
    json_decref(rp->value);
    protocol_error_release(&rp->perr);
    memset(rp, 0, sizeof(*rp));
}

/* random.random() in [0, 1): 53 bits from the kernel (getrandom never blocks once seeded). */
static double random01(void)
{
    unsigned long long v = 0;

    if (getrandom(&v, sizeof(v), GRND_NONBLOCK) != (ssize_t)sizeof(v))
        v = (unsigned long long)clock_mono_ms() * 0x9E3779B97F4A7C15ULL;
    return (double)(v >> 11) / (double)(1ULL << 53);
}

/* Sleeps ms, waking at the deadline or on cancel: 0 slept, 1 deadline, 2 cancelled. */
static int backoff_sleep(const struct engine_call *c, long long ms)
{
    long long end = clock_mono_ms() + ms;

    for (;;) {
        long long now = clock_mono_ms(), step = end - now;

        if (c->cancel && atomic_load(c->cancel))
            return 2;
        if (c->deadline_ms && now >= c->deadline_ms)
            return 1;
        if (step <= 0)
            return 0;
        if (c->deadline_ms && c->deadline_ms - now < step)
            step = c->deadline_ms - now;
        if (step > 10)
            step = 10;
        struct timespec ts = {0, (long)step * 1000000L};
        nanosleep(&ts, NULL);
    }
}

/*
 * The words botocore gives a connection error that outlived the retries (botocore/
 * exceptions.py: the text before the quoted URL, and the "." some put after it); NULL: hand
 * over.
 */
static const char *failure_words(enum aws_http_failure f, const char **after)
{
    *after = "";
    switch (f) {
    case AWS_HTTP_FAIL_CONNECT:
        return "Could not connect to the endpoint URL: ";
    case AWS_HTTP_FAIL_CONNECT_TIMEOUT:
        return "Connect timeout on endpoint URL: ";
    case AWS_HTTP_FAIL_READ_TIMEOUT:
        return "Read timeout on endpoint URL: ";
    case AWS_HTTP_FAIL_CLOSED:
        *after = ".";
        return "Connection was closed before we received a valid response from endpoint URL: ";
    default:
        return NULL;
    }
}

static const char *const no_credentials_text =
    "\nUnable to locate credentials. You can configure credentials by running \"aws "
    "configure\".\n";

/* Credentials for one attempt; ATTEMPT_CLI_ERROR when the CLI would stop with its own error. */
static int credentials(struct run *r, struct aws_credentials *cr, struct err *e)
{
    struct err ce = ERR_INIT;
    const char *off;

    if (aws_credentials_get(r->eng->creds, cr, &ce) == 0)
        return 0;
    off = getenv("AWS_EC2_METADATA_DISABLED");
    if (strncmp(ce.msg, "no AWS credentials found", 24) == 0 && off &&
        strcasecmp(off, "true") == 0) {
        r->exit_code = CLI_RC_CONFIG;
        if (buf_adds(&r->err, no_credentials_text) < 0)
            return err_set(e, ERR_INTERNAL, "out of memory");
        return ATTEMPT_CLI_ERROR;
    }
    return engine_handoff(e, "credentials: %s", ce.msg);
}

/* One attempt's exchange: 0 a reply (resp), ATTEMPT_FAILED a transport failure (resp->failure),
 * ATTEMPT_CLI_ERROR the CLI's own error (in r), or ENGINE_HANDOFF, -1. */
static int attempt(struct run *r, const struct buf *body, const struct protocol_request *pr,
                   struct aws_http_response *resp, struct err *e)
{
    const struct model_service *svc = r->a.svc;
    struct aws_credentials cr = {0};
    struct sigv4_credentials view;
    struct aws_header h[2] = {{"Content-Type", pr->content_type}, {"X-Amz-Target", pr->target}};
    struct sigv4_params sp = {
        .region = r->set.region,
        .service = svc->signing_name ? svc->signing_name : svc->endpoint_prefix,
        .when = time(NULL),
        .normalize_path = true,
        .cache = &r->eng->keys,
    };
    struct aws_http_request req = {
        .method = "POST",
        .url = r->set.url,
        .headers = h,
        .n_headers = pr->target[0] ? 2 : 1,
        .body = body->p,
        .body_len = body->len,
        .deadline_ms = r->call->deadline_ms,
        .connect_timeout_ms = r->set.connect_timeout_ms ? r->set.connect_timeout_ms : -1,
        .read_timeout_ms = r->set.read_timeout_ms,
        .cancel = r->call->cancel,
        .sign = &sp,
    };
    struct err he = ERR_INIT;
    const char *after;
    int rc = credentials(r, &cr, e);

    if (rc != 0)
        return rc;
    view = aws_credentials_view(&cr);
    req.credentials = &view;
    aws_http_response_release(resp);
    aws_http_response_init(resp);
    rc = aws_http_send(r->eng->http, &req, resp, &he);
    aws_credentials_release(&cr);
    if (rc == 0)
        return 0;
    if (resp->failure == AWS_HTTP_FAIL_DEADLINE || resp->failure == AWS_HTTP_FAIL_CANCELLED ||
        failure_words(resp->failure, &after))
        return ATTEMPT_FAILED;
    return engine_handoff(e, "send: %s", he.msg);
}

/* Retry decision and sleep: 0 retry now, 1 no retry, 2 the sleep ended the call. */
static int retry(struct run *r, int n, int cost, int *acquired)
{
    double delay;
    int slept;

    if (n >= r->set.max_attempts)
        return 1;
    if (cost > r->quota)
        return 1; /* RetryQuotaReached: no retry, and no MaxAttemptsReached either */
    r->quota -= cost;
    *acquired = cost;
    delay = random01() * (double)(1LL << (n - 1 < 30 ? n - 1 : 30));
    if (delay > BACKOFF_MAX_S)
        delay = BACKOFF_MAX_S;
    slept = backoff_sleep(r->call, (long long)(delay * 1000.0));
    if (slept == 1)
        r->timed_out = true;
    else if (slept == 2)
        r->cancelled = true;
    return slept ? 2 : 0;
}

int send_call(struct run *r, const json_t *params, struct reply *rp, struct err *e)
{
    struct buf body = BUF_INIT(0);
    struct protocol_request pr;
    struct aws_http_response resp;
    int rc, acquired = 0;

    memset(rp, 0, sizeof(*rp));
    aws_http_response_init(&resp);
    if ((rc = protocol_request(r->a.svc, r->a.op, params, &body, &pr, e)) != 0)
        goto out;
    for (int n = 1;; n++) {
        int got = attempt(r, &body, &pr, &resp, e);

        if (got == ATTEMPT_CLI_ERROR) {
            rc = 0; /* the CLI's own error, in r */
            break;
        }
        if (got < 0 || got == ENGINE_HANDOFF) {
            rc = got;
            break;
        }
        if (got == ATTEMPT_FAILED) {
            enum aws_http_failure f = resp.failure;
            int cost = f == AWS_HTTP_FAIL_CONNECT_TIMEOUT || f == AWS_HTTP_FAIL_READ_TIMEOUT
                           ? QUOTA_TIMEOUT_COST
                           : QUOTA_RETRY_COST;
            int again;

            rc = 0;
            if (f == AWS_HTTP_FAIL_DEADLINE) {
                r->timed_out = true;
                break;
            }
            if (f == AWS_HTTP_FAIL_CANCELLED) {
                r->cancelled = true;
                break;
            }
            if ((again = retry(r, n, cost, &acquired)) == 0)
                continue;
            if (again == 1) {
                const char *after, *words = failure_words(f, &after);

                r->exit_code = CLI_RC_GENERAL;
                if (buf_addf(&r->err, "\n%s\"%s\"%s\n", words, r->set.url, after) < 0)
                    rc = err_set(e, ERR_INTERNAL, "out of memory");
            }
            break;
        }
        /* A reply. The transient statuses are retried before any parsing, as botocore's
         * checker looks at the status whatever the body says. */
        if (transient_status(resp.status) && n < r->set.max_attempts) {
            int again = retry(r, n, QUOTA_RETRY_COST, &acquired);

            if (again == 0)
                continue;
            if (again == 2) {
                rc = 0;
                break;
            }
        }
        rp->bytes = resp.body.len;
        rc = protocol_reply(r->a.svc, r->a.op, (int)resp.status, resp.body.p, resp.body.len,
                            aws_http_response_header(&resp, "x-amzn-query-error"), &rp->value,
                            &rp->perr, e);
        if (rc != 0)
            break;
        if (rp->perr.code || rp->perr.message) {
            const char *code = rp->perr.code;
            bool retryable = transient_status(resp.status) ||
                             in_list(code, transient_codes, ARRAY_SIZE(transient_codes)) ||
                             in_list(code, throttling_codes, ARRAY_SIZE(throttling_codes));
            int again = retryable ? retry(r, n, QUOTA_RETRY_COST, &acquired) : 1;

            if (again == 0) {
                protocol_error_release(&rp->perr);
                continue;
            }
            if (again == 2) {
                protocol_error_release(&rp->perr);
                break;
            }
            rp->retries = n - 1;
            rp->max_attempts = n >= r->set.max_attempts;
            break;
        }
        /* Success: release_retry_quota. */
        if (resp.status >= 200 && resp.status < 300) {
            r->quota += acquired ? acquired : QUOTA_NO_RETRY_GAIN;
            if (r->quota > 500)
                r->quota = 500;
        }
        rp->retries = n - 1;
        break;
    }
out:
    aws_http_response_release(&resp);
    buf_release(&body);
    return rc;
}

int send_error_text(struct run *r, const struct reply *rp, struct err *e)
{
    r->exit_code = CLI_RC_CLIENT;
    if (protocol_error_text(&rp->perr, r->a.op, rp->max_attempts ? rp->retries : -1, &r->err) < 0)
        return err_set(e, ERR_INTERNAL, "out of memory");
    return 0;
}
