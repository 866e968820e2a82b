/*
 * The native engine's parts on the command line, for the differential tests that compare them
 * with the AWS CLI's own code (tests/lib/cli_oracle.py):
 *
 *   engine_tool format json|text FILE   FILE has one JSON value per line; for each, prints one
 *                                       JSON line {"rc": "ok"|"handoff"|"error", "out": TEXT}
 *   engine_tool args FILE               FILE has one JSON list of words per line; for each,
 *                                       prints {"rc": "params", "params": ..., "paginate": B,
 *                                       "request": {"target", "body"}, "globals": {...}}, {"rc":
 * 252, "stderr": TEXT} or
 *                                       {"rc": "handoff", "reason": TEXT}
 *   engine_tool request WORDS...        the request the engine would send for the command:
 *                                       {"target": T, "content_type": C, "body": B} or handoff
 *   engine_tool reply FILE              FILE is a recorded reply (tests/data/engine/replies/):
 *                                       {"command": [...], "status": N, "body": TEXT,
 *                                       "query_error": H}; prints what the CLI would print,
 *                                       {"rc": 0|254, "stdout": TEXT, "stderr": TEXT}, or handoff
 *   engine_tool run WORDS...            runs the command through engine_run (the whole native
 *                                       pipeline) and prints {"rc": "ok"|"handoff"|"error",
 *                                       "exit": N, "stdout": T, "stderr": T, "truncated": B,
 *                                       "stdout_bytes": N, "timed_out": B, "cancelled": B,
 *                                       "reason": T (handoff, error)}
 *   engine_tool run-parallel N WORDS... the same command on N threads at once, one engine:
 *                                       N lines, in thread order
 *   engine_tool run-serial N WORDS...   the same command N times in turn on one engine (the
 *                                       kept-alive connection reused): N lines
 *   engine_tool run-cancel MS WORDS...  cancels the call MS ms after it starts
 * The run commands take their engine options from the environment: ENGINE_ENDPOINT_URL,
 * ENGINE_AWS_CLI, ENGINE_MAX_STDOUT (default 262144), ENGINE_MAX_STDERR (65536), and
 * ENGINE_TIMEOUT_MS (the call's deadline from its start; default none).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "buf.h"
#include "clock.h"
#include "engine/args.h"
#include "engine/engine.h"
#include "engine/output.h"
#include "engine/protocol.h"

static void emit(int rc, const struct buf *out, const struct err *e)
{
    json_t *rec = json_pack("{s:s}", "rc",
                            rc == 0                ? "ok"
                            : rc == ENGINE_HANDOFF ? "handoff"
                                                   : "error");
    char *s;

    if (rc == 0)
        json_object_set_new(rec, "out", json_stringn(out->p, out->len));
    else
        json_object_set_new(rec, "reason", json_string(e->msg));
    s = json_dumps(rec, JSON_COMPACT | JSON_ENSURE_ASCII);
    puts(s);
    free(s);
    json_decref(rec);
}

static int cmd_format(const char *mode, const char *path)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;

    if (!f) {
        perror(path);
        return 2;
    }
    while ((n = getline(&line, &cap, f)) > 0) {
        json_error_t je;
        json_t *v = json_loadb(line, (size_t)n, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
        struct buf out = BUF_INIT(0);
        struct err e = ERR_INIT;
        int rc;

        if (!v) {
            fprintf(stderr, "engine_tool: %s:%d: %s\n", path, je.line, je.text);
            return 2;
        }
        rc = strcmp(mode, "json") == 0 ? output_json(v, &out, &e) : output_text(v, &out, &e);
        emit(rc, &out, &e);
        buf_release(&out);
        json_decref(v);
    }
    free(line);
    fclose(f);
    return 0;
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static void args_one(json_t *words)
{
    size_t n = json_array_size(words);
    char **w = calloc(n + 1, sizeof(*w));
    struct args a = ARGS_INIT;
    struct err e = ERR_INIT;
    json_t *rec;
    char *s;
    int rc;

    for (size_t i = 0; i < n; i++)
        w[i] = (char *)json_string_value(json_array_get(words, i));
    rc = args_parse(w, n, &a, &e);
    if (rc == ENGINE_HANDOFF) {
        rec = json_pack("{s:s, s:s}", "rc", "handoff", "reason", e.msg);
    } else if (rc < 0) {
        rec = json_pack("{s:s, s:s}", "rc", "error", "reason", e.msg);
    } else if (a.usage_error) {
        rec = json_pack("{s:i, s:s, s:s}", "rc", ARGS_USAGE_EXIT, "stdout", "", "stderr",
                        a.usage_error);
    } else {
        struct buf body = BUF_INIT(0);
        struct protocol_request req;
        struct err pe = ERR_INIT;
        json_t *request;

        rc = protocol_request(a.svc, a.op, a.params, &body, &req, &pe);
        request = rc == 0 ? json_pack("{s:s, s:s%}", "target", req.target, "body", body.p, body.len)
                          : json_pack("{s:s}", "handoff", pe.msg);
        buf_release(&body);
        if (a.pagination_config)
            json_object_set(a.params, "PaginationConfig", a.pagination_config);
        rec = json_pack("{s:s, s:O, s:b, s:o, s:{s:o, s:o, s:o, s:o, s:I, s:I}}", "rc", "params",
                        "params", a.params, "paginate", a.paginate, "request", request, "globals",
                        "region", str_or_null(a.region), "output", str_or_null(a.output), "query",
                        str_or_null(a.query), "color", json_string(a.color ? a.color : "auto"),
                        "read_timeout", (json_int_t)(a.read_timeout < 0 ? 60 : a.read_timeout),
                        "connect_timeout",
                        (json_int_t)(a.connect_timeout < 0 ? 60 : a.connect_timeout));
    }
    s = json_dumps(rec, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_ENCODE_ANY);
    puts(s);
    free(s);
    json_decref(rec);
    args_release(&a);
    free(w);
}

static int cmd_args(const char *path)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;

    if (!f) {
        perror(path);
        return 2;
    }
    while ((n = getline(&line, &cap, f)) > 0) {
        json_t *words = json_loadb(line, (size_t)n, 0, NULL);

        if (!json_is_array(words)) {
            fprintf(stderr, "engine_tool: %s: not a list of words\n", path);
            return 2;
        }
        args_one(words);
        json_decref(words);
    }
    free(line);
    fclose(f);
    return 0;
}

static void print_rec(json_t *rec)
{
    char *s = json_dumps(rec, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_ENCODE_ANY);

    puts(s);
    free(s);
    json_decref(rec);
}

static int cmd_request(char **words, size_t n)
{
    struct args a = ARGS_INIT;
    struct err e = ERR_INIT;
    struct buf body = BUF_INIT(0);
    struct protocol_request req;
    int rc = args_parse(words, n, &a, &e);

    if (rc == 0 && a.usage_error)
        rc = engine_handoff(&e, "a usage error");
    if (rc == 0)
        rc = protocol_request(a.svc, a.op, a.params, &body, &req, &e);
    if (rc == 0)
        print_rec(json_pack("{s:s, s:s, s:s%}", "target", req.target, "content_type",
                            req.content_type, "body", body.p, body.len));
    else
        print_rec(json_pack("{s:s, s:s}", "rc", rc == ENGINE_HANDOFF ? "handoff" : "error",
                            "reason", e.msg));
    buf_release(&body);
    args_release(&a);
    return 0;
}

static int cmd_reply(const char *path)
{
    json_error_t je;
    json_t *fx = json_load_file(path, 0, &je), *words, *value = NULL;
    struct args a = ARGS_INIT;
    struct err e = ERR_INIT;
    struct protocol_error perr = {0};
    struct buf out = BUF_INIT(0), errtext = BUF_INIT(0);
    char **w;
    size_t n;
    int rc;

    if (!fx) {
        fprintf(stderr, "engine_tool: %s: %s\n", path, je.text);
        return 2;
    }
    words = json_object_get(fx, "command");
    n = json_array_size(words);
    w = calloc(n + 1, sizeof(*w));
    for (size_t i = 0; i < n; i++)
        w[i] = (char *)json_string_value(json_array_get(words, i));
    rc = args_parse(w, n, &a, &e);
    if (rc == 0 && a.usage_error)
        rc = engine_handoff(&e, "a usage error");
    /* --query is src/jmespath's, not wired here yet: the hook is between parse and output. */
    if (rc == 0 && a.query)
        rc = engine_handoff(&e, "--query (JMESPath is not wired to the engine yet)");
    if (rc == 0) {
        const char *body = json_string_value(json_object_get(fx, "body"));

        rc = protocol_reply(
            a.svc, a.op, (int)json_integer_value(json_object_get(fx, "status")), body, strlen(body),
            json_string_value(json_object_get(fx, "query_error")), &value, &perr, &e);
    }
    if (rc == 0 && perr.code) {
        if (protocol_error_text(&perr, a.op, -1, &errtext) < 0)
            rc = -1;
    } else if (rc == 0) {
        rc = a.output && strcmp(a.output, "text") == 0 ? output_text(value, &out, &e)
                                                       : output_json(value, &out, &e);
    }
    if (rc == 0)
        print_rec(json_pack("{s:i, s:s%, s:s%}", "rc", perr.code ? 254 : 0, "stdout", out.p,
                            out.len, "stderr", errtext.p, errtext.len));
    else
        print_rec(json_pack("{s:s, s:s}", "rc", rc == ENGINE_HANDOFF ? "handoff" : "error",
                            "reason", e.msg));
    json_decref(value);
    protocol_error_release(&perr);
    buf_release(&out);
    buf_release(&errtext);
    args_release(&a);
    free(w);
    json_decref(fx);
    return 0;
}

static size_t env_size(const char *name, size_t dflt)
{
    const char *v = getenv(name);
    return v && *v ? (size_t)strtoull(v, NULL, 10) : dflt;
}

static struct engine *tool_engine(void)
{
    struct engine_options o = {getenv("ENGINE_ENDPOINT_URL"), getenv("ENGINE_AWS_CLI"),
                               env_size("ENGINE_MAX_STDOUT", 262144),
                               env_size("ENGINE_MAX_STDERR", 65536)};
    struct engine *eng;
    struct err e = ERR_INIT;

    if (engine_new(&o, &eng, &e) < 0) {
        fprintf(stderr, "engine_tool: %s\n", e.msg);
        exit(2);
    }
    return eng;
}

struct one_run {
    struct engine *eng;
    char **words;
    size_t n;
    atomic_bool cancel;
    char *line; /* the JSON record */
};

static void *run_one(void *arg)
{
    struct one_run *o = arg;
    long long timeout = (long long)env_size("ENGINE_TIMEOUT_MS", 0);
    struct engine_call c = {o->words, o->n, timeout ? clock_mono_ms() + timeout : 0, &o->cancel};
    struct runner_result res;
    struct err e = ERR_INIT;
    int rc = engine_run(o->eng, &c, &res, &e);
    json_t *rec = json_pack("{s:s, s:i, s:s%, s:s%, s:b, s:I, s:b, s:b}", "rc",
                            rc == 0                ? "ok"
                            : rc == ENGINE_HANDOFF ? "handoff"
                                                   : "error",
                            "exit", res.exit_code, "stdout", res.out.p, res.out.len, "stderr",
                            res.err.p, res.err.len, "truncated", res.stdout_truncated,
                            "stdout_bytes", (json_int_t)res.stdout_bytes, "timed_out",
                            res.timed_out, "cancelled", res.cancelled);

    if (rc != 0)
        json_object_set_new(rec, "reason", json_string(e.msg));
    o->line = json_dumps(rec, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(rec);
    runner_result_release(&res);
    return NULL;
}

static int cmd_serial(int times, char **words, size_t n)
{
    struct engine *eng = tool_engine();

    for (int i = 0; i < times; i++) {
        struct one_run o = {eng, words, n};

        atomic_init(&o.cancel, false);
        run_one(&o);
        puts(o.line);
        free(o.line);
    }
    engine_free(eng);
    return 0;
}

static int cmd_run(int threads, long cancel_ms, char **words, size_t n)
{
    struct engine *eng = tool_engine();
    struct one_run *runs = calloc((size_t)threads, sizeof(*runs));
    pthread_t *tids = calloc((size_t)threads, sizeof(*tids));

    for (int i = 0; i < threads; i++) {
        runs[i] = (struct one_run){eng, words, n};
        atomic_init(&runs[i].cancel, false);
        if (pthread_create(&tids[i], NULL, run_one, &runs[i]) != 0) {
            fprintf(stderr, "engine_tool: pthread_create failed\n");
            return 2;
        }
    }
    if (cancel_ms >= 0) {
        struct timespec ts = {cancel_ms / 1000, (cancel_ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
        for (int i = 0; i < threads; i++)
            atomic_store(&runs[i].cancel, true);
    }
    for (int i = 0; i < threads; i++) {
        pthread_join(tids[i], NULL);
        puts(runs[i].line);
        free(runs[i].line);
    }
    free(runs);
    free(tids);
    engine_free(eng);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "run") == 0)
        return cmd_run(1, -1, argv + 2, (size_t)argc - 2);
    if (argc >= 3 && strcmp(argv[1], "run-parallel") == 0)
        return cmd_run(atoi(argv[2]), -1, argv + 3, (size_t)argc - 3);
    if (argc >= 3 && strcmp(argv[1], "run-serial") == 0)
        return cmd_serial(atoi(argv[2]), argv + 3, (size_t)argc - 3);
    if (argc >= 3 && strcmp(argv[1], "run-cancel") == 0)
        return cmd_run(1, atol(argv[2]), argv + 3, (size_t)argc - 3);
    if (argc >= 2 && strcmp(argv[1], "request") == 0)
        return cmd_request(argv + 2, (size_t)argc - 2);
    if (argc == 3 && strcmp(argv[1], "reply") == 0)
        return cmd_reply(argv[2]);
    if (argc == 3 && strcmp(argv[1], "args") == 0)
        return cmd_args(argv[2]);
    if (argc == 4 && strcmp(argv[1], "format") == 0)
        return cmd_format(argv[2], argv[3]);
    fprintf(stderr, "usage: engine_tool format json|text FILE\n");
    return 2;
}
