/*
 * Drives src/aws/http for tests/integration/test_aws_http.py:
 *
 *   aws_http_get [-n N] [-t THREADS] [-m MAX_BYTES] [-T TIMEOUT_MS] [-X METHOD] [-d BODY] URL
 *
 * Each of THREADS threads (default 1) sends N requests (default 1) in sequence through one
 * shared client. One line per request on stdout: "status=S bytes=B" or "error: MESSAGE".
 * CA bundle: AWS_CA_BUNDLE, as in the program.
 */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws/http.h"
#include "clock.h"
#include "log.h"
#include "banned.h"

static struct aws_http_client *client;
static const char *url, *method, *body;
static int n_requests = 1;
static long max_bytes, timeout_ms;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < n_requests; i++) {
        struct aws_http_request r = {.method = method, .url = url};
        if (body) {
            r.body = body;
            r.body_len = strlen(body);
        }
        r.max_response = (size_t)max_bytes;
        if (timeout_ms)
            r.deadline_ms = clock_mono_ms() + timeout_ms;
        struct aws_http_response resp;
        struct err e = ERR_INIT;
        aws_http_response_init(&resp);
        int rc = aws_http_send(client, &r, &resp, &e);
        pthread_mutex_lock(&out_lock);
        if (rc == 0)
            printf("status=%ld bytes=%zu\n", resp.status, resp.body.len);
        else
            printf("error: %s\n", e.msg);
        fflush(stdout);
        pthread_mutex_unlock(&out_lock);
        aws_http_response_release(&resp);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    int threads = 1, opt;
    while ((opt = getopt(argc, argv, "n:t:m:T:X:d:")) != -1) {
        switch (opt) {
        case 'n':
            n_requests = (int)strtol(optarg, NULL, 10);
            break;
        case 't':
            threads = (int)strtol(optarg, NULL, 10);
            break;
        case 'm':
            max_bytes = strtol(optarg, NULL, 10);
            break;
        case 'T':
            timeout_ms = strtol(optarg, NULL, 10);
            break;
        case 'X':
            method = optarg;
            break;
        case 'd':
            body = optarg;
            break;
        default:
            return 2;
        }
    }
    if (optind != argc - 1 || threads < 1 || threads > 64)
        return 2;
    url = argv[optind];
    struct err e = ERR_INIT;
    if (aws_http_client_new(NULL, &client, &e) < 0) {
        printf("error: %s\n", e.msg);
        return 1;
    }
    pthread_t t[64];
    for (int i = 0; i < threads; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < threads; i++)
        pthread_join(t[i], NULL);
    aws_http_client_free(client);
    return 0;
}
