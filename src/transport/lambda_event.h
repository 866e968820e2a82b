#ifndef TRANSPORT_LAMBDA_EVENT_H
#define TRANSPORT_LAMBDA_EVENT_H

/*
 * Lambda events in, as the HTTP layer sees them (transport/lambda.h says which events come).
 * Pure functions: no I/O, no clock reading.
 */

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "transport/http.h"

/* Largest event read from /next; Lambda's own request payload limit is 6 MB. */
#define CAP_LAMBDA_EVENT (7 * 1024 * 1024)
/* Time kept back from Lambda's deadline to stop a tool and post its result. */
#define LAMBDA_DEADLINE_MARGIN_MS 2000

enum lambda_event_kind {
    LAMBDA_EVENT_MALFORMED = 0, /* answer with `status` and `why` */
    LAMBDA_EVENT_HTTP,          /* Function URL (payload 2.0): `req` is filled */
    LAMBDA_EVENT_JSONRPC        /* direct invoke: `message` is the JSON-RPC message or batch */
};

struct lambda_event {
    enum lambda_event_kind kind;
    struct http_request req; /* HTTP: strings borrowed from `root` or the owned fields below;
                                req.deadline_ms is set for every kind */
    json_t *message;         /* JSONRPC: borrowed from root */
    int status;              /* MALFORMED: 400 or 413 */
    char why[200];           /* MALFORMED: what is wrong, for the client */
    /* Owned storage. */
    json_t *root;
    struct http_header *headers;
    char *body;   /* decoded base64 body */
    char *cookie; /* cookies[] joined back into one Cookie header */
};

#define LAMBDA_EVENT_INIT                                                                          \
    {                                                                                              \
        LAMBDA_EVENT_MALFORMED                                                                     \
    }

/*
 * Parses one event (`data` need not be NUL-terminated). Never fails: problems give
 * kind = LAMBDA_EVENT_MALFORMED. `deadline_ms` goes into req.deadline_ms. `truncated` says the
 * event was cut at CAP_LAMBDA_EVENT (answered 413). Release with lambda_event_release.
 */
void lambda_event_parse(const char *data, size_t len, bool truncated, long long deadline_ms,
                        struct lambda_event *ev);
void lambda_event_release(struct lambda_event *ev);

/*
 * The clock_mono_ms() deadline for tools from a Lambda-Runtime-Deadline-Ms value (Unix ms),
 * minus LAMBDA_DEADLINE_MARGIN_MS. A deadline already past gives now_mono (tools time out at
 * once); a missing or invalid header gives 0 (no deadline).
 */
long long lambda_deadline(const char *header, long long now_real_ms, long long now_mono_ms);

#endif
