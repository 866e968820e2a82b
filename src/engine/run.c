/*
 * engine_run: one command through the whole native pipeline, in the order the AWS CLI takes
 * the same steps (awscli/clidriver.py), so that the first error the CLI would meet is the one
 * reported:
 *
 *   1. the words (args_parse); --query compiled as the CLI compiles it when the global options
 *      are read (customizations/globalargs.py, "Bad value for --query", exit 252), before the
 *      operation's own usage errors (exit 252);
 *   2. the client: region, endpoint and retry settings (settings.c; no region: exit 253);
 *   3. the call, or the pages (send.c, paginate.c), credentials at the first signature
 *      ("Unable to locate credentials", exit 253), service errors (exit 254), connection
 *      errors (exit 255);
 *   4. --query over the result, then the json or text formatter (output.c).
 *
 * What the CLI would print is gathered whole and cut at the caps at the end as the runner cuts
 * a child's output (src/awscli/runner.c): the first max bytes, on a UTF-8 boundary. Only
 * paging stops early, once the output can no longer fit (paginate.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "clock.h"
#include "engine/output.h"
#include "engine/pipeline.h"

#include "banned.h"

int engine_new(const struct engine_options *o, struct engine **out, struct err *e)
{
    struct engine *eng = xcalloc(1, sizeof(*eng));
    static const struct sigv4_key_cache keys = SIGV4_KEY_CACHE_INIT;

    *out = NULL;
    if (!eng)
        return err_set(e, ERR_INTERNAL, "out of memory");
    eng->endpoint_url = o->endpoint_url ? xstrdup(o->endpoint_url) : NULL;
    eng->aws_cli = o->aws_cli ? xstrdup(o->aws_cli) : NULL;
    eng->max_stdout = o->max_stdout;
    eng->max_stderr = o->max_stderr;
    eng->keys = keys;
    pthread_mutex_init(&eng->lock, NULL);
    if ((o->endpoint_url && !eng->endpoint_url) || (o->aws_cli && !eng->aws_cli)) {
        engine_free(eng);
        return err_set(e, ERR_INTERNAL, "out of memory");
    }
    *out = eng;
    return 0;
}

void engine_free(struct engine *eng)
{
    if (!eng)
        return;
    aws_credentials_provider_free(eng->creds);
    aws_http_client_free(eng->http);
    pthread_mutex_destroy(&eng->lock);
    pthread_mutex_destroy(&eng->keys.lock);
    free(eng->endpoint_url);
    free(eng->aws_cli);
    free(eng);
}

/* The HTTP client and the credentials provider, made once for all calls. */
static int engine_ready(struct engine *eng, struct err *e)
{
    struct err le = ERR_INIT;
    int rc = 0;

    pthread_mutex_lock(&eng->lock);
    if (!eng->ready) {
        struct aws_credentials_options co = {.aws_cli = eng->aws_cli};

        if (!eng->http && aws_http_client_new(NULL, &eng->http, &le) < 0)
            rc = le.code == ERR_INTERNAL && strstr(le.msg, "memory") ? -1 : ENGINE_HANDOFF;
        else if (aws_credentials_provider_new(&co, &eng->creds, &le) < 0)
            rc = -1;
        else
            eng->ready = true;
    }
    pthread_mutex_unlock(&eng->lock);
    if (rc == ENGINE_HANDOFF)
        return engine_handoff(e, "engine: %s", le.msg);
    return rc < 0 ? err_set(e, ERR_INTERNAL, "engine: %s", le.msg) : 0;
}

int run_print(struct run *r, json_t *value, struct err *e)
{
    json_t *v = value;
    struct jp_error je = {0};
    int rc;

    if (r->query && jp_eval(r->query, value, NULL, &v, NULL, &je) < 0)
        return je.kind == JP_ERR_NOMEM
                   ? err_set(e, ERR_INTERNAL, "out of memory")
                   : engine_handoff(e, "query: %s (the CLI words it with Python's repr)", je.msg);
    rc = r->text ? output_text(v, &r->out, e) : output_json(v, &r->out, e);
    if (v != value)
        json_decref(v);
    return rc;
}

bool run_out_full(const struct run *r)
{
    return r->out.len > r->eng->max_stdout;
}

/* The query's compile error, as the CLI prints it, into r (exit 252). */
static int query_compile(struct run *r, struct err *e)
{
    struct jp_error je = {0};
    const char *q = r->a.query;

    if (!q || jp_compile(q, strlen(q), &r->query, &je) == 0)
        return 0;
    if (je.kind == JP_ERR_NOMEM)
        return err_set(e, ERR_INTERNAL, "out of memory");
    if (strlen(je.msg) + 1 >= sizeof(je.msg))
        return engine_handoff(e, "query: a compile error too long to copy whole");
    r->exit_code = CLI_RC_PARAM;
    if (buf_addf(&r->err, "\nBad value for --query %s: %s\n", q, je.msg) < 0)
        return err_set(e, ERR_INTERNAL, "out of memory");
    return 0;
}

/* A non-paginated call: one request, its reply printed. */
static int single(struct run *r, struct err *e)
{
    struct reply rp;
    int rc = send_call(r, r->a.params, &rp, e);

    if (rc == 0 && (rp.perr.code || rp.perr.message))
        rc = send_error_text(r, &rp, e);
    else if (rc == 0 && rp.value) {
        /* _remove_request_id keeps ResponseMetadata when the reply has "Errors". */
        if (json_is_object(rp.value) && json_object_get(rp.value, "Errors"))
            rc = engine_handoff(e, "output: a reply with an Errors member");
        else
            rc = run_print(r, rp.value, e);
    }
    reply_release(&rp);
    return rc;
}

static int pipeline(struct run *r, struct err *e)
{
    const struct engine_call *c = r->call;
    int rc = args_parse(c->words, c->n, &r->a, e);

    if (rc != 0)
        return rc;
    if ((rc = query_compile(r, e)) != 0 || r->exit_code)
        return rc;
    if (r->a.usage_error) {
        r->exit_code = ARGS_USAGE_EXIT;
        return buf_adds(&r->err, r->a.usage_error) < 0 ? err_set(e, ERR_INTERNAL, "out of memory")
                                                       : 0;
    }
    if (r->a.output && strcmp(r->a.output, "json") != 0 && strcmp(r->a.output, "text") != 0)
        return engine_handoff(e, "output: --output %s", r->a.output);
    r->text = r->a.output && strcmp(r->a.output, "text") == 0;
    if ((rc = engine_ready(r->eng, e)) != 0)
        return rc;
    if ((rc = settings_resolve(r, e)) != 0 || r->exit_code)
        return rc;
    if (r->a.paginate && r->a.op->paginator)
        return paginate_run(r, e);
    return single(r, e);
}

/* Moves b into out, cut at max bytes on a UTF-8 boundary as the runner cuts (cap_utf8). */
static void cap_into(struct buf *b, size_t max, struct buf *out, bool *truncated, size_t *bytes,
                     bool cut, size_t at_least)
{
    size_t len = b->len;

    *bytes = len;
    if (cut) {
        *bytes = len > at_least ? len : at_least;
        if (*bytes <= max)
            *bytes = max + 1;
        *truncated = true;
    }
    if (len > max) {
        len = max;
        while (len > 0 && ((unsigned char)b->p[len] & 0xC0) == 0x80)
            len--;
        b->len = len;
        b->p[len] = '\0';
        *truncated = true;
    }
    *out = *b;
    out->max = max;
    buf_init(b, 0);
}

int engine_run(struct engine *eng, const struct engine_call *c, struct runner_result *res,
               struct err *e)
{
    long long start = clock_mono_ms();
    struct run r = {.eng = eng, .call = c, .a = ARGS_INIT, .quota = 500};
    int rc;

    memset(res, 0, sizeof(*res));
    buf_init(&res->out, eng->max_stdout);
    buf_init(&res->err, eng->max_stderr);
    buf_init(&r.out, 0);
    buf_init(&r.err, 0);
    rc = pipeline(&r, e);
    if (rc == 0) {
        res->timed_out = r.timed_out;
        res->cancelled = r.cancelled;
        res->exit_code = r.cancelled ? RC_KILLED_KILL : r.timed_out ? RC_KILLED_TERM : r.exit_code;
        cap_into(&r.out, eng->max_stdout, &res->out, &res->stdout_truncated, &res->stdout_bytes,
                 r.cut, r.out_at_least);
        cap_into(&r.err, eng->max_stderr, &res->err, &res->stderr_truncated, &res->stderr_bytes,
                 false, 0);
    }
    res->duration_ms = clock_mono_ms() - start;
    buf_release(&r.out);
    buf_release(&r.err);
    args_release(&r.a);
    jp_free(r.query);
    if (rc != 0) {
        runner_result_release(res);
        memset(res, 0, sizeof(*res));
        buf_init(&res->out, eng->max_stdout);
        buf_init(&res->err, eng->max_stderr);
    }
    return rc;
}
