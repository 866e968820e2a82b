#ifndef ENGINE_PIPELINE_H
#define ENGINE_PIPELINE_H

/*
 * The parts of engine_run (src/engine/engine.h), shared between run.c (the pipeline and the
 * result), settings.c (region, endpoint, retry settings and the shared config file, as the
 * CLI reads them), send.c (one API call: sign, send, retry as botocore's standard mode) and
 * paginate.c (botocore's PageIterator and build_full_result, the text formatter's pages).
 * Internal to src/engine/.
 */

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "aws/credentials.h"
#include "aws/http.h"
#include "aws/sigv4.h"
#include "buf.h"
#include "engine/args.h"
#include "engine/engine.h"
#include "engine/protocol.h"
#include "err.h"
#include "jmespath/jmespath.h"

struct engine {
    char *endpoint_url; /* NULL = AWS's */
    char *aws_cli;
    size_t max_stdout, max_stderr;
    /* Made by the first engine_run (engine_ready), under `lock`; then read-only. */
    pthread_mutex_t lock;
    bool ready;
    struct aws_http_client *http;
    struct aws_credentials_provider *creds;
    struct sigv4_key_cache keys;
};

/* The CLI's exit codes (awscli/constants.py). */
#define CLI_RC_PARAM   252 /* PARAM_VALIDATION_ERROR_RC */
#define CLI_RC_CONFIG  253 /* CONFIGURATION_ERROR_RC: no region, no credentials */
#define CLI_RC_CLIENT  254 /* CLIENT_ERROR_RC: a service error */
#define CLI_RC_GENERAL 255 /* GENERAL_ERROR_RC: connection errors and the rest */
#define RC_KILLED_TERM 143 /* what the runner reports for a CLI stopped at its deadline */
#define RC_KILLED_KILL 137 /* ... and for one killed on cancel */

/* What the CLI reads from its configuration for one command (settings.c). */
struct engine_settings {
    char region[64];
    char url[1024]; /* the request URL: endpoint + "/" */
    int max_attempts;
    long connect_timeout_ms, read_timeout_ms; /* 0 = none (the CLI's 0) */
};

/* One engine_run call. */
struct run {
    struct engine *eng;
    const struct engine_call *call;
    struct args a;
    struct jp_expr *query; /* compiled --query, or NULL */
    bool text;             /* --output text (else json) */
    struct engine_settings set;
    int quota; /* botocore's retry quota (RetryQuota), per call as per CLI client */
    /* What the CLI would print, uncapped except that run.c stops paging past the cap. */
    struct buf out, err;
    int exit_code;
    bool timed_out, cancelled;
    bool cut;            /* paging stopped because stdout can no longer fit the cap */
    size_t out_at_least; /* with cut: a lower bound of what the CLI would print */
};

/*
 * Region, endpoint and retry settings (settings.c). Returns 0 (r->set filled, or r->exit_code
 * and r->err set when the CLI would stop with an error of its own: no region), ENGINE_HANDOFF
 * (a setting the engine does not reproduce), or -1 (memory).
 */
int settings_resolve(struct run *r, struct err *e) WUR;

/* The outcome of one API call, retries included (send.c). */
struct reply {
    json_t *value; /* the parsed reply (new reference), on success */
    struct protocol_error perr;
    int retries;       /* attempts - 1 */
    bool max_attempts; /* botocore's MaxAttemptsReached */
    size_t bytes;      /* the reply body's size */
};
void reply_release(struct reply *rp);

/*
 * Sends the operation with `params`, retrying as the CLI's standard mode does. Returns 0 with
 * rp->value (success) or rp->perr (a service error); or 0 with r->exit_code, r->err set (a
 * connection error, as the CLI prints it) or r->timed_out / r->cancelled; ENGINE_HANDOFF; -1.
 */
int send_call(struct run *r, const json_t *params, struct reply *rp, struct err *e) WUR;

/* A service error as the CLI prints it, into r->err, exit 254 (send.c). */
int send_error_text(struct run *r, const struct reply *rp, struct err *e) WUR;

/*
 * The paginated command (paginate.c): pages fetched, merged and printed into r->out as the
 * CLI's formatter would, with r->exit_code / r->err for an error on the way. Returns 0,
 * ENGINE_HANDOFF or -1.
 */
int paginate_run(struct run *r, struct err *e) WUR;

/* TokenEncoder.encode of a flat dict (paging_token.c): a new string, or NULL with rc in *rc. */
char *paging_token_encode(const json_t *tok, int *rc, struct err *e);
/*
 * --starting-token as botocore reads it for the paginator's input tokens (the first ninput):
 * *out the dict of tokens (new reference), *index the items of the first page to skip.
 * Returns 0 (or 0 with r->exit_code and r->err: "Bad starting token"), ENGINE_HANDOFF, -1.
 */
int paging_token_decode(struct run *r, const struct model_paginator *pg, int ninput,
                        const char *tok, json_t **out, long long *index, struct err *e) WUR;

/* --query (if any) then the format, appended to r->out (run.c). 0, ENGINE_HANDOFF or -1. */
int run_print(struct run *r, json_t *value, struct err *e) WUR;

/* True when r->out can no longer fit under the stdout cap (run.c). */
bool run_out_full(const struct run *r);

#endif
