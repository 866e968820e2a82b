#include "tools/run_aws_cli.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "awscli/argv.h"
#include "awscli/cli_env.h"
#include "awscli/policy.h"
#include "awscli/runner.h"
#include "awscli/version.h"
#include "buf.h"
#include "clock.h"
#include "engine/cli_models.h"
#include "engine/engine.h"
#include "log.h"
#include "tools/run_aws_cli_result.h"
#include "alloc.h"
#include "banned.h"

/* Delay between SIGTERM and SIGKILL when a command runs out of time. */
#define TERM_GRACE_MS 1000

struct rac {
    struct tool tool; /* first, so that a struct tool * is a struct rac * */
    const struct config *cfg;
    char *aws_path;        /* NULL: no AWS CLI (--engine native without one) */
    struct engine *engine; /* NULL: --engine cli */
    struct policy *policy;
    char *description;
    const char *home;
    /*
     * The operator's ~/.aws files, passed as AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE
     * when they exist and the variables are unset: HOME is private, so the CLI would not
     * find them otherwise. NULL when absent ("AWS_CONFIG_FILE=..." strings otherwise).
     */
    char *config_file_env, *creds_file_env;
    atomic_int running;
    atomic_bool v1_warned; /* the "AWS CLI v1" error line was logged */
    /* --engine auto: does the AWS CLI have the models of the engine's tables? Checked once,
     * before the first native call (src/engine/cli_models.h): 0 not yet, 1 yes, -1 no. */
    pthread_mutex_t models_lock;
    int models;
    char models_why[256];
};

static const char tool_title[] = "Run AWS CLI command";

/* ---- creation ---------------------------------------------------------------------------- */

/*
 * Finds the aws program once at start, the way the runner will (runner_find_program, with
 * the server's own PATH), so that a missing CLI is a start-up error. The result is malloc'd.
 */
static int resolve_program(const char *name, const char *from, char **out, struct err *e)
{
    extern char **environ;
    struct buf path = BUF_INIT(0);

    if (runner_find_program(name, (const char *const *)environ, &path, NULL) < 0) {
        buf_release(&path);
        if (!from)
            return err_set(e, ERR_INVALID_PARAMS,
                           "the AWS CLI ('%s') was not found in PATH: install AWS CLI v2, or "
                           "give its path with --aws-cli or AWSCLI_MCP_AWS_CLI",
                           name);
        return err_set(e, ERR_INVALID_PARAMS, "%s: '%s' not found%s (install AWS CLI v2)", from,
                       name, strchr(name, '/') ? "" : " in PATH");
    }
    if (!runner_is_executable_file(path.p)) {
        buf_release(&path);
        return err_set(e, ERR_INVALID_PARAMS, "%s: '%s' is not an executable file",
                       from ? from : "the AWS CLI", name);
    }
    *out = buf_take(&path, NULL);
    return *out ? 0 : err_set(e, ERR_INTERNAL, "out of memory");
}

/* The policy allows the command whose picture the tool returns as an image. */
static bool widget_image_allowed(const struct rac *t)
{
    char w0[] = "cloudwatch", w1[] = "get-metric-widget-image";
    char *const words[] = {w0, w1};

    return policy_check(t->policy, words, ARRAY_SIZE(words), NULL) == 0;
}

/*
 * The AWS CLI, found at start: a missing CLI stops the program, except with --engine native,
 * which needs none (the engine then lacks only the credential sources that only the CLI
 * serves). Says in the log which engine answers.
 */
static int find_cli(struct rac *t, struct err *e)
{
    const struct config *cfg = t->cfg;
    struct err ce = ERR_INIT;
    json_t *f;

    if (resolve_program(cfg->aws_cli ? cfg->aws_cli : "aws", cfg->aws_cli_from, &t->aws_path, &ce) <
        0) {
        if (cfg->engine != CONFIG_ENGINE_NATIVE || ce.code != ERR_INVALID_PARAMS) {
            *e = ce;
            return -1;
        }
        t->aws_path = NULL;
    }
    f = json_pack("{s:s, s:s?}", "engine", config_engine_name(cfg->engine), "awsCli", t->aws_path);
    if (f && !t->aws_path)
        json_object_set_new(f, "awsCliMissing", json_string(ce.msg));
    log_event(LOG_INFO,
              cfg->engine == CONFIG_ENGINE_NATIVE ? "engine: native only, the AWS CLI never runs"
              : cfg->engine == CONFIG_ENGINE_CLI  ? "engine: the AWS CLI runs every command"
                                                  : "engine: native where exact, else the AWS CLI",
              f);
    return 0;
}

static int start_engine(struct rac *t, struct err *e)
{
    struct engine_options o = {0};

    if (t->cfg->engine == CONFIG_ENGINE_CLI)
        return 0;
    o.endpoint_url = t->cfg->endpoint_url;
    o.aws_cli = t->aws_path;
    o.max_stdout = t->cfg->max_output_bytes;
    o.max_stderr = CAP_CLI_STDERR;
    return engine_new(&o, &t->engine, e);
}

static char *build_description(const struct rac *t)
{
    struct buf b = BUF_INIT(0);
    const char *summary = policy_summary(t->policy);
    int rc = 0;

    rc |= buf_adds(&b, "Runs one AWS CLI v2 command and returns what it prints (JSON unless "
                       "the command picks another --output). Write the command as on a shell "
                       "line, with or without the leading 'aws', e.g. "
                       "\"logs describe-log-groups\".\n");
    if (t->cfg->engine == CONFIG_ENGINE_NATIVE)
        rc |= buf_adds(&b, "This server has no AWS CLI: its native engine answers the commands "
                           "it reproduces exactly (CloudWatch Logs and Metrics reads, sts "
                           "get-caller-identity) with the output the AWS CLI would print, and "
                           "refuses the others, saying why.\n");
    else if (t->engine)
        rc |= buf_adds(&b, "Commands the server reproduces exactly (CloudWatch Logs and Metrics "
                           "reads, sts get-caller-identity) are answered in-process, without "
                           "starting the AWS CLI, with the output the CLI would print; "
                           "structuredContent.engine says which ran.\n");
    rc |= buf_adds(&b, "\n");
    rc |= buf_addf(&b, "%s\n\n", summary && *summary ? summary : "Allowed: nothing.");
    rc |= buf_adds(
        &b, "Rules:\n"
            "- There is no shell: quote with '...' or \"...\", but pipes, redirection, ';', '&', "
            "'$', backticks and parentheses outside quotes are refused. Filter with --query "
            "(JMESPath) instead of grep/jq.\n"
            "- Times: " RUN_AWS_CLI_TIME_UNITS "\n");
    rc |= buf_addf(&b,
                   "- Output over %zu bytes is cut and the result says so; keep results small "
                   "with --query, --max-items, --limit, a narrow --start-time/--end-time "
                   "window and --filter-pattern.\n",
                   t->cfg->max_output_bytes);
    if (t->aws_path)
        rc |= buf_addf(&b,
                       "- A command is stopped after %d s, or when the AWS CLI needs more than "
                       "%d MiB of memory.\n",
                       t->cfg->timeout_s, t->cfg->max_cli_memory_mb);
    else
        rc |= buf_addf(&b, "- A command is stopped after %d s.\n", t->cfg->timeout_s);
    if (widget_image_allowed(t))
        rc |= buf_adds(&b, "- cloudwatch get-metric-widget-image also returns the graph as a PNG "
                           "image (MCP image content) beside the JSON, with the default JSON "
                           "output and no --query.\n");
    rc |= buf_adds(&b, "\n");
    rc |= buf_adds(
        &b, "Examples:\n"
            "  logs describe-log-groups --log-group-name-prefix /aws/lambda/ --query "
            "'logGroups[].logGroupName'\n"
            "  logs filter-log-events --log-group-name /aws/lambda/my-function --start-time "
            "1735689600000 --filter-pattern ERROR --limit 20\n"
            "  logs start-query --log-group-name /aws/lambda/my-function --start-time 1735689600 "
            "--end-time 1735693200 --query-string 'fields @timestamp, @message | filter @message "
            "like /ERROR/ | limit 20'   (then: logs get-query-results --query-id ID)\n"
            "  logs tail /aws/lambda/my-function --since 1h --format short   (recent events; "
            "--follow is not available)\n"
            "  cloudwatch list-metrics --namespace AWS/Lambda --metric-name Errors\n"
            "  cloudwatch get-metric-statistics --namespace AWS/Lambda --metric-name Errors "
            "--dimensions Name=FunctionName,Value=my-function --start-time 2025-01-01T00:00:00Z "
            "--end-time 2025-01-02T00:00:00Z --period 3600 --statistics Sum\n"
            "  cloudwatch describe-alarms --state-value ALARM\n");
    if (rc) {
        buf_release(&b);
        return NULL;
    }
    return buf_take(&b, NULL);
}

static json_t *input_schema_new(void)
{
    return json_pack("{s:s, s:{s:{s:s, s:i, s:i, s:s}}, s:[s], s:b}", "type", "object",
                     "properties", "command", "type", "string", "minLength", 1, "maxLength",
                     ARGV_MAX_BYTES, "description",
                     "The AWS CLI command, e.g. \"logs describe-log-groups --limit 5\" (the "
                     "leading 'aws' is optional).",
                     "required", "command", "additionalProperties", 0);
}

static json_t *output_schema_new(void)
{
    return json_pack(
        "{s:s, s:{s:{s:s, s:s}, s:{s:s, s:s}, s:{s:s, s:s}, s:{s:s, s:s}, s:{s:s, s:i, s:s},"
        " s:{s:s, s:[s,s], s:s}}, s:[s,s,s,s,s,s], s:b}",
        "type", "object", "properties", "exitCode", "type", "integer", "description",
        "Exit status of the command as the AWS CLI gives it (0 = success; 128+N when the CLI "
        "was stopped by signal N)",
        "stdout", "type", "string", "description",
        "What the command printed on stdout (cut at the cap)", "stderr", "type", "string",
        "description", "What the command printed on stderr (cut)", "truncated", "type", "boolean",
        "description", "true when stdout or stderr was cut at the size cap", "durationMs", "type",
        "integer", "minimum", 0, "description", "Wall time of the command in milliseconds",
        "engine", "type", "string", "enum", RAC_ENGINE_NATIVE, RAC_ENGINE_CLI, "description",
        "Who answered: native (in-process, the bytes the AWS CLI would print) or cli (the AWS "
        "CLI ran)",
        "required", "exitCode", "stdout", "stderr", "truncated", "durationMs", "engine",
        "additionalProperties", 0);
}

static int call(const struct tool *tool, const struct tool_ctx *ctx, json_t *args,
                struct tool_result *r, struct err *e);

int run_aws_cli_new(const struct config *cfg, struct tool **out, struct err *e)
{
    struct rac *t = xcalloc(1, sizeof(*t));
    bool ro;

    *out = NULL;
    if (!t)
        return err_set(e, ERR_INTERNAL, "out of memory");
    t->cfg = cfg;
    atomic_init(&t->running, 0);
    atomic_init(&t->v1_warned, false);
    pthread_mutex_init(&t->models_lock, NULL);
    if (find_cli(t, e) < 0 || start_engine(t, e) < 0)
        goto fail;
    if (policy_new(&t->policy, cfg->allow, cfg->deny, e) < 0)
        goto fail;
    t->home = runner_home_dir(e);
    if (!t->home)
        goto fail;
    t->config_file_env = cli_env_home_file("AWS_CONFIG_FILE", "config");
    t->creds_file_env = cli_env_home_file("AWS_SHARED_CREDENTIALS_FILE", "credentials");
    t->description = build_description(t);
    ro = policy_read_only(t->policy);
    t->tool.name = RUN_AWS_CLI_NAME;
    t->tool.title = tool_title;
    t->tool.description = t->description;
    t->tool.input_schema = input_schema_new();
    t->tool.output_schema = output_schema_new();
    t->tool.annotations =
        json_pack("{s:s, s:b, s:b, s:b, s:b}", "title", tool_title, "readOnlyHint", ro,
                  "destructiveHint", 0, "idempotentHint", ro, "openWorldHint", 1);
    t->tool.call = call;
    t->tool.data = t;
    if (!t->description || !t->tool.input_schema || !t->tool.output_schema ||
        !t->tool.annotations) {
        err_set(e, ERR_INTERNAL, "out of memory");
        goto fail;
    }
    *out = &t->tool;
    return 0;
fail:
    run_aws_cli_free(&t->tool);
    return -1;
}

void run_aws_cli_free(struct tool *tool)
{
    struct rac *t = (struct rac *)tool;

    if (!t)
        return;
    json_decref(t->tool.input_schema);
    json_decref(t->tool.output_schema);
    json_decref(t->tool.annotations);
    if (t->policy)
        policy_free(t->policy);
    engine_free(t->engine);
    free(t->aws_path);
    free(t->description);
    free(t->config_file_env);
    free(t->creds_file_env);
    pthread_mutex_destroy(&t->models_lock);
    free(t);
}

/* ---- one call ---------------------------------------------------------------------------- */

static bool words_choose_output(char *const *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(w[i], "--output") == 0 || strncmp(w[i], "--output=", 9) == 0)
            return true;
    return false;
}

/*
 * <aws> <words...> --no-cli-pager [--output json] [--endpoint-url URL], NULL-terminated. The
 * words are borrowed from w.
 */
static const char **argv_build(const struct rac *t, const struct argv_words *w)
{
    const char **v = xcalloc(w->n + 7, sizeof(*v));
    size_t k = 0;

    if (!v)
        return NULL;
    v[k++] = t->aws_path;
    for (size_t i = 0; i < w->n; i++)
        v[k++] = w->v[i];
    v[k++] = "--no-cli-pager";
    if (!words_choose_output(w->v, w->n)) {
        v[k++] = "--output";
        v[k++] = "json";
    }
    if (t->cfg->endpoint_url) {
        v[k++] = "--endpoint-url";
        v[k++] = t->cfg->endpoint_url;
    }
    v[k] = NULL;
    return v;
}

static json_t *strings_json(const char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n && v[i]; i++)
        json_array_append_new(a, json_string(v[i]));
    return a;
}

/* One command on its way through prepare, run and report. */
struct job {
    json_t *command; /* the "command" argument (borrowed), for the audit line */
    struct argv_words words;
    struct cli_env env;
    const char **argv;
    long long deadline;
    bool deadline_ours; /* the deadline is AWSCLI_MCP_TIMEOUT_S, not the request's */
    bool counted;       /* counted in t->running */
    bool ran;           /* res is initialised */
    const char *engine; /* RAC_ENGINE_NATIVE or RAC_ENGINE_CLI once one was chosen; else NULL */
    char handoff[256];  /* why the native engine handed the command over; "" = it did not */
    struct runner_result res;
};

/*
 * Writes the audit line (log_audit: whatever the log level). What was asked, the first that is
 * known: `argv` as run by the CLI, the split `words` (the native engine's input, or a command
 * refused after splitting), or the `command` string itself (refused before the words existed).
 * `res` is NULL when nothing ran; `outcome` is one of ok, failed, timeout, cancelled, memory,
 * refused, busy, invalid, error.
 */
static void audit(const struct tool_ctx *ctx, const struct job *j, const char *outcome,
                  const char *reason, const struct runner_result *res)
{
    json_t *f = json_pack("{s:s, s:s}", "tool", RUN_AWS_CLI_NAME, "outcome", outcome);

    if (!f)
        return;
    json_object_set_new(f, "caller", ctx && ctx->caller ? json_string(ctx->caller) : json_null());
    if (j->engine)
        json_object_set_new(f, "engine", json_string(j->engine));
    if (j->argv) {
        size_t n = 0;
        while (j->argv[n])
            n++;
        json_object_set_new(f, "argv", strings_json(j->argv, n));
    } else if (j->words.v && j->words.n) {
        json_object_set_new(f, "words", strings_json((const char *const *)j->words.v, j->words.n));
    } else if (json_is_string(j->command)) {
        json_object_set(f, "command", j->command);
    }
    if (reason)
        json_object_set_new(f, "reason", json_string(reason));
    if (j->handoff[0] && reason != j->handoff)
        json_object_set_new(f, "handoff", json_string(j->handoff));
    if (res) {
        json_object_set_new(f, "exitCode", json_integer(res->exit_code));
        json_object_set_new(f, "stdoutBytes", json_integer((json_int_t)res->stdout_bytes));
        json_object_set_new(f, "stderrBytes", json_integer((json_int_t)res->stderr_bytes));
        json_object_set_new(f, "truncated",
                            json_boolean(res->stdout_truncated || res->stderr_truncated));
        json_object_set_new(f, "timedOut", json_boolean(res->timed_out));
        json_object_set_new(f, "cancelled", json_boolean(res->cancelled));
        json_object_set_new(f, "durationMs", json_integer(res->duration_ms));
        if (j->argv) /* a process ran (the native engine has no resident size of its own) */
            json_object_set_new(f, "maxRssKiB", json_integer(res->max_rss_kb));
    }
    log_audit(f);
}

/* On success *cmd is the command, *cmd_len its length (a NUL inside is the tokenizer's to refuse).
 */
static int validate_args(json_t *args, const char **cmd, size_t *cmd_len, struct err *e)
{
    json_t *c = json_object_get(args, "command");
    const char *key;
    json_t *v;
    size_t len;

    json_object_foreach(args, key, v)
    {
        if (strcmp(key, "command") != 0)
            return err_set(e, ERR_INVALID_PARAMS,
                           "run_aws_cli: unknown argument '%.60s'; the only argument is "
                           "\"command\" (a string)",
                           key);
    }
    if (!c)
        return err_set(e, ERR_INVALID_PARAMS,
                       "run_aws_cli: missing argument \"command\" (a string such as \"logs "
                       "describe-log-groups\")");
    if (!json_is_string(c))
        return err_set(e, ERR_INVALID_PARAMS, "run_aws_cli: \"command\" must be a string");
    len = json_string_length(c);
    if (len == 0)
        return err_set(e, ERR_INVALID_PARAMS, "run_aws_cli: \"command\" is empty");
    if (len > ARGV_MAX_BYTES)
        return err_set(e, ERR_INVALID_PARAMS,
                       "run_aws_cli: \"command\" is %zu bytes; the limit is %d", len,
                       ARGV_MAX_BYTES);
    *cmd = json_string_value(c);
    *cmd_len = len;
    return 0;
}

static void job_release(struct rac *t, struct job *j)
{
    if (j->counted)
        atomic_fetch_sub(&t->running, 1);
    if (j->ran)
        runner_result_release(&j->res);
    cli_env_release(&j->env);
    free(j->argv);
    argv_words_release(&j->words);
}

/*
 * The one way a call is refused: audited as `outcome` with `reason`, answered with an isError
 * result whose text is the format. Returns 1 (the call is answered), or -1 when out of memory.
 */
static int refuse(const struct tool_ctx *ctx, struct tool_result *r, const struct job *j,
                  const char *outcome, const char *reason, const char *fmt, ...) PRINTF_LIKE(6, 7);
static int refuse(const struct tool_ctx *ctx, struct tool_result *r, const struct job *j,
                  const char *outcome, const char *reason, const char *fmt, ...)
{
    va_list ap;
    int n;

    audit(ctx, j, outcome, reason, NULL);
    tool_result_release(r);
    va_start(ap, fmt);
    n = rac_result_textv(r, fmt, ap);
    va_end(ap);
    r->is_error = true;
    return n < 0 ? -1 : 1;
}

/*
 * A failure of argv_split or policy_check: bad input is the caller's (a refusal), anything
 * else is ours. Returns what refuse returns, or -1 with e filled.
 */
static int refuse_or_fail(const struct tool_ctx *ctx, struct tool_result *r, const struct job *j,
                          const char *what, const struct err *ce, struct err *e)
{
    if (ce->code != ERR_INVALID_PARAMS)
        return err_set(e, ERR_INTERNAL, "%s", ce->msg);
    return refuse(ctx, r, j, "refused", ce->msg, "%s: %s", what, ce->msg);
}

/*
 * Turns the arguments into a command ready to run: split, checked against the policy, counted
 * against AWSCLI_MCP_MAX_CONCURRENT, deadline set. Returns 0 when it is ready, 1 when the call
 * is answered already (a refusal in r), -1 with e filled.
 */
static int prepare(struct rac *t, const struct tool_ctx *ctx, json_t *args, struct job *j,
                   struct tool_result *r, struct err *e)
{
    struct err ce = ERR_INIT;
    const char *cmd = NULL;
    size_t cmd_len = 0;
    char busy[96];
    long long now;
    int n;

    j->command = json_object_get(args, "command");
    if (validate_args(args, &cmd, &cmd_len, e) < 0) {
        audit(ctx, j, "invalid", e->msg, NULL);
        return -1;
    }
    if (argv_split_n(cmd, cmd_len, &j->words, &ce) < 0)
        return refuse_or_fail(ctx, r, j, "Refused", &ce, e);
    if (policy_check(t->policy, j->words.v, j->words.n, &ce) < 0)
        return refuse_or_fail(ctx, r, j, "Refused by the server's policy", &ce, e);

    n = atomic_fetch_add(&t->running, 1);
    j->counted = true;
    snprintf(busy, sizeof(busy), "%d commands already running (limit %d)", n,
             t->cfg->max_concurrent);
    if (n >= t->cfg->max_concurrent)
        return refuse(ctx, r, j, "busy", busy,
                      "Busy: %d commands are already running (AWSCLI_MCP_MAX_CONCURRENT=%d). "
                      "Retry in a few seconds.",
                      n, t->cfg->max_concurrent);

    now = clock_mono_ms();
    j->deadline = now + (long long)t->cfg->timeout_s * 1000;
    j->deadline_ours = true;
    if (ctx && ctx->deadline_ms > 0 && ctx->deadline_ms < j->deadline) {
        j->deadline = ctx->deadline_ms;
        j->deadline_ours = false;
    }
    if (j->deadline <= now)
        return refuse(ctx, r, j, "timeout", "no time left before the request's deadline",
                      "The request's deadline has already passed; the command was not run.");
    return 0;
}

static void progress(const struct tool_ctx *ctx, double done, const char *message)
{
    if (ctx && ctx->progress)
        ctx->progress(ctx->progress_opaque, done, 1, message);
}

/*
 * The native engine's turn. Returns 0 (j->res filled), 2 (handed over: run the CLI), 1 (a
 * refusal in r: --engine native cannot run the command) or -1 (OOM).
 */
static int run_native(const struct rac *t, const struct tool_ctx *ctx, struct job *j,
                      struct tool_result *r)
{
    struct engine_call c = {.words = j->words.v,
                            .n = j->words.n,
                            .deadline_ms = j->deadline,
                            .cancel = ctx ? ctx->cancel : NULL};
    struct err ce = ERR_INIT;
    int rc;

    j->engine = RAC_ENGINE_NATIVE;
    progress(ctx, 0, "running the native engine (no AWS CLI process)");
    j->ran = true; /* engine_run leaves res initialised in every case */
    rc = engine_run(t->engine, &c, &j->res, &ce);
    if (rc < 0)
        return -1;
    if (rc == 0) {
        progress(ctx, 1, "done");
        return 0;
    }
    snprintf(j->handoff, sizeof(j->handoff), "%s", ce.msg);
    if (t->cfg->engine == CONFIG_ENGINE_NATIVE)
        return refuse(ctx, r, j, "refused", j->handoff,
                      "Not available on this server: the native engine cannot run this command "
                      "exactly as the AWS CLI would (%s), and this server runs without the AWS "
                      "CLI (AWSCLI_MCP_ENGINE=native). Write the command in another way (for "
                      "example with --output json or text), or ask the operator for "
                      "AWSCLI_MCP_ENGINE=auto with the AWS CLI installed.",
                      j->handoff);
    log_msg(LOG_DEBUG, "the native engine handed the command to the AWS CLI: %s", j->handoff);
    return 2;
}

/* The AWS CLI's turn. Returns 0 (j->res filled), 1 (a refusal in r) or -1 (OOM). */
static int run_cli(const struct rac *t, const struct tool_ctx *ctx, struct job *j,
                   struct tool_result *r)
{
    struct runner_opts o = {0};
    struct err ce = ERR_INIT;

    j->engine = RAC_ENGINE_CLI;
    j->argv = argv_build(t, &j->words);
    if (!j->argv || cli_env_build(&j->env, t->home, t->config_file_env, t->creds_file_env) < 0)
        return -1;
    o.argv = j->argv;
    o.env = (const char *const *)j->env.v;
    o.cwd = t->home;
    o.deadline_ms = j->deadline;
    o.term_grace_ms = TERM_GRACE_MS;
    o.max_stdout = t->cfg->max_output_bytes;
    o.max_stderr = CAP_CLI_STDERR;
    o.cancel = ctx ? ctx->cancel : NULL;
    runner_cli_limits(&o, t->cfg->max_cli_memory_mb, j->deadline - clock_mono_ms());

    /* After a handover the engine's 0 came first: progress only ever grows. */
    progress(ctx, j->handoff[0] ? 0.5 : 0, "running the AWS CLI");
    if (j->ran)
        runner_result_release(&j->res);
    j->ran = true; /* runner_run initialises res in every case */
    if (runner_run(&o, &j->res, &ce) < 0)
        return refuse(ctx, r, j, "error", ce.msg, "Could not run the AWS CLI: %s", ce.msg);
    progress(ctx, 1, "done");
    return 0;
}

/*
 * --engine auto stands the native engine in for the AWS CLI only when that CLI has the models
 * the engine's tables were made from (a newer CLI prints reply members the tables do not
 * know). The first call checks, once; a difference keeps the engine off with one WARN line.
 */
static bool models_match(struct rac *t, struct job *j)
{
    struct err e = ERR_INIT;

    if (t->cfg->engine != CONFIG_ENGINE_AUTO)
        return true;
    pthread_mutex_lock(&t->models_lock);
    if (t->models == 0) {
        t->models = engine_cli_models_check(t->aws_path, &e) == 0 ? 1 : -1;
        if (t->models < 0) {
            snprintf(t->models_why, sizeof(t->models_why), "%s", e.msg);
            log_msg(LOG_WARN, "the native engine is off, every command runs the AWS CLI: %s",
                    e.msg);
        }
    }
    pthread_mutex_unlock(&t->models_lock);
    if (t->models < 0)
        snprintf(j->handoff, sizeof(j->handoff), "%s", t->models_why);
    return t->models > 0;
}

/* Runs the prepared command with the engine the configuration chose. 0, 1 or -1 as run_cli. */
static int run(struct rac *t, const struct tool_ctx *ctx, struct job *j, struct tool_result *r)
{
    if (t->engine && models_match(t, j)) {
        int rc = run_native(t, ctx, j, r);
        if (rc != 2)
            return rc;
    }
    return run_cli(t, ctx, j, r);
}

/* Audits the finished run and fills r from it. Returns 0, or -1 when out of memory. */
static int report(struct rac *t, const struct tool_ctx *ctx, const struct job *j,
                  struct tool_result *r)
{
    const struct runner_result *res = &j->res;
    bool native = !j->argv;
    bool v1 = !native && awscli_v1_failure(res->exit_code, res->err.p, res->err.len);
    struct rac_report rep = {.cfg = t->cfg,
                             .res = res,
                             .native = native,
                             .deadline_ours = j->deadline_ours,
                             .aws_path = t->aws_path,
                             .words = j->words.v,
                             .n = j->words.n};

    if (v1 && !atomic_exchange(&t->v1_warned, true))
        log_msg(LOG_ERROR,
                "the AWS CLI at %s is version 1 and every call fails; set --aws-cli or "
                "AWSCLI_MCP_AWS_CLI to AWS CLI v2",
                t->aws_path);
    audit(ctx, j,
          res->cancelled        ? "cancelled"
          : res->timed_out      ? "timeout"
          : res->memory_limited ? "memory"
          : res->exit_code      ? "failed"
                                : "ok",
          v1 ? "the AWS CLI is version 1" : NULL, res);
    return rac_result_build(&rep, r);
}

static int call(const struct tool *tool, const struct tool_ctx *ctx, json_t *args,
                struct tool_result *r, struct err *e)
{
    struct rac *t = tool->data;
    struct job j = {.words = ARGV_WORDS_INIT};
    int rc;

    rc = prepare(t, ctx, args, &j, r, e);
    if (rc == 0)
        rc = run(t, ctx, &j, r);
    if (rc == 0)
        rc = report(t, ctx, &j, r);
    /* A failure that left e empty ran out of memory (refuse, run and report say no more). */
    if (rc < 0 && e->code == ERR_NONE)
        err_set(e, ERR_INTERNAL, "out of memory");
    if (rc < 0)
        tool_result_release(r);
    job_release(t, &j);
    return rc < 0 ? -1 : 0;
}
