/*
 * run_aws_cli driven through its call() with a fake aws program ($HELPERS_DIR/fake_aws, see
 * tests/helpers/fake_aws.c): argv building, environment scrubbing, refusals, argument
 * validation, results, truncation, timeouts, cancellation, the busy limit and the audit line.
 * The real AWS CLI is exercised by tests/integration/test_awscli_*.
 */

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "awscli/runner.h"
#include "check.h"
#include "config.h"
#include "clock.h"
#include "log.h"
#include "tools/run_aws_cli.h"
#include "banned.h"

static char fake_path[4096];

static void config_for_tests(struct config *c)
{
    memset(c, 0, sizeof(*c));
    c->aws_cli = fake_path;
    c->endpoint_url = NULL;
    c->timeout_s = 120; /* only a hung fake reaches it */
    c->max_output_bytes = 65536;
    c->max_concurrent = 4;
    /* The fake aws stands in for the AWS CLI: the native engine stays out (see
     * test_run_aws_cli_engine.c for the engine's side). */
    c->engine = CONFIG_ENGINE_CLI;
}

/* Calls the tool with {"command": cmd}; returns call()'s status. */
static int run(struct tool *t, const struct tool_ctx *ctx, const char *cmd, struct tool_result *r,
               struct err *e)
{
    json_t *args = json_pack("{s:s}", "command", cmd);
    struct tool_ctx empty = {0};
    int rc;

    *r = (struct tool_result)TOOL_RESULT_INIT;
    *e = (struct err)ERR_INIT;
    rc = t->call(t, ctx ? ctx : &empty, args, r, e);
    json_decref(args);
    return rc;
}

static const char *text_of(const struct tool_result *r, size_t i)
{
    return json_string_value(json_object_get(json_array_get(r->content, i), "text"));
}

static const char *structured_str(const struct tool_result *r, const char *key)
{
    return json_string_value(json_object_get(r->structured, key));
}

static long long structured_int(const struct tool_result *r, const char *key)
{
    return json_integer_value(json_object_get(r->structured, key));
}

static char *log_path(void)
{
    static char path[4200];
    snprintf(path, sizeof(path), "%s/fake_aws.log", runner_home_dir(NULL));
    return path;
}

static bool fake_ran(void)
{
    return access(log_path(), F_OK) == 0;
}

/* A tool over the fake aws, or NULL (and a failed check) when it cannot be made. */
static struct tool *tool_for(const struct config *c)
{
    struct tool *t = NULL;
    struct err e = ERR_INIT;

    if (run_aws_cli_new(c, &t, &e) < 0) {
        fprintf(stderr, "run_aws_cli_new: %s\n", e.msg);
        CHECK(!"run_aws_cli_new");
        return NULL;
    }
    return t;
}

/* The tool keeps a pointer to its config: the helpers below keep theirs here. */
static struct config helper_config;

static struct tool *default_tool(void)
{
    config_for_tests(&helper_config);
    return tool_for(&helper_config);
}

TEST(tool_description_schemas_and_annotations)
{
    struct tool *t = default_tool();
    json_t *cmd;

    if (!t)
        return;
    CHECK_STR(t->name, "run_aws_cli");
    CHECK(t->title != NULL);
    CHECK_CONTAINS(t->description, "epoch MILLISECONDS");
    CHECK_CONTAINS(t->description, "--query");
    CHECK_CONTAINS(t->description, "logs");
    CHECK(json_is_false(json_object_get(t->input_schema, "additionalProperties")));
    cmd = json_object_get(json_object_get(t->input_schema, "properties"), "command");
    CHECK_STR(json_string_value(json_object_get(cmd, "type")), "string");
    CHECK_INT(json_integer_value(json_object_get(cmd, "maxLength")), 16384);
    CHECK_STR(json_string_value(json_array_get(json_object_get(t->input_schema, "required"), 0)),
              "command");
    CHECK_INT(json_array_size(json_object_get(t->output_schema, "required")), 6);
    CHECK_STR(json_string_value(json_array_get(json_object_get(t->output_schema, "required"), 5)),
              "engine");
    CHECK(json_is_false(json_object_get(t->output_schema, "additionalProperties")));
    CHECK(json_is_true(json_object_get(t->annotations, "readOnlyHint")));
    CHECK(json_is_false(json_object_get(t->annotations, "destructiveHint")));
    CHECK(json_is_true(json_object_get(t->annotations, "idempotentHint")));
    CHECK(json_is_true(json_object_get(t->annotations, "openWorldHint")));
    CHECK(json_object_get(t->annotations, "title") != NULL);
    run_aws_cli_free(t);
}

/* An ALLOW pattern widens the policy: no longer read-only. */
TEST(allow_pattern_drops_read_only_hint)
{
    struct config c;
    struct tool *t;

    config_for_tests(&c);
    c.allow = "ec2:describe-*";
    t = tool_for(&c);
    if (t)
        CHECK(json_is_false(json_object_get(t->annotations, "readOnlyHint")));
    run_aws_cli_free(t);
}

/* Start-up errors: one clear line each. */
TEST(start_up_errors_are_one_clear_line)
{
    struct config c;
    struct tool *t = NULL;
    struct err e = ERR_INIT;

    config_for_tests(&c);
    c.aws_cli = "/nonexistent/dir/aws";
    CHECK_INT(run_aws_cli_new(&c, &t, &e), -1);
    CHECK(t == NULL);
    CHECK_CONTAINS(e.msg, "the AWS CLI");
    CHECK_CONTAINS(e.msg, "/nonexistent/dir/aws");

    c.aws_cli = "no-such-aws-program-xyz";
    CHECK_INT(run_aws_cli_new(&c, &t, &e), -1);
    CHECK_CONTAINS(e.msg, "not found in PATH");
    CHECK_CONTAINS(e.msg, "--aws-cli or AWSCLI_MCP_AWS_CLI");

    config_for_tests(&c);
    c.allow = "this-is-not-a-pattern";
    e = (struct err)ERR_INIT;
    CHECK_INT(run_aws_cli_new(&c, &t, &e), -1);
    CHECK(e.msg[0] != '\0');
}

/* The server's own environment, with things the CLI must and must not see. */
static void set_server_env(void)
{
    setenv("GITHUB_TOKEN", "ghp_secretsecretsecret", 1);
    setenv("AWSCLI_MCP_AUTH_TOKEN", "token-secret-0123456789", 1);
    setenv("PYTHONPATH", "/tmp/evil", 1);
    setenv("AWS_ACCESS_KEY_ID", "AKIDUNITTEST", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "unit-secret-key", 1);
    setenv("AWS_REGION", "eu-west-1", 1);
    setenv("AWS_PAGER", "less", 1);
}

static void unset_server_env(void)
{
    unsetenv("GITHUB_TOKEN");
    unsetenv("AWSCLI_MCP_AUTH_TOKEN");
    unsetenv("PYTHONPATH");
    unsetenv("AWS_PAGER");
}

/* A tool with an endpoint URL, made under set_server_env(). */
static struct tool *endpoint_tool(void)
{
    config_for_tests(&helper_config);
    helper_config.endpoint_url = "http://127.0.0.1:9";
    set_server_env();
    return tool_for(&helper_config);
}

TEST(argv_built_and_environment_scrubbed)
{
    struct tool *t = endpoint_tool();
    struct tool_result r;
    struct err e;
    char want[1024];
    const char *out;

    if (!t)
        return;
    CHECK_INT(run(t, NULL, "aws logs describe-log-groups --limit 5", &r, &e), 0);
    CHECK(!r.is_error);
    out = text_of(&r, 0);
    snprintf(want, sizeof(want),
             "ARG logs\nARG describe-log-groups\nARG --limit\nARG 5\nARG --no-cli-pager\n"
             "ARG --output\nARG json\nARG --endpoint-url\nARG http://127.0.0.1:9\nENV ");
    CHECK(out && strncmp(out, want, strlen(want)) == 0);
    if (out && strncmp(out, want, strlen(want)) != 0)
        fprintf(stderr, "  got: %.400s\n", out);
    CHECK_CONTAINS(out, "ENV AWS_ACCESS_KEY_ID=AKIDUNITTEST\n");
    CHECK_CONTAINS(out, "ENV AWS_SECRET_ACCESS_KEY=unit-secret-key\n");
    CHECK_CONTAINS(out, "ENV AWS_REGION=eu-west-1\n");
    CHECK_CONTAINS(out, "ENV AWS_PAGER=\n");
    CHECK_CONTAINS(out, "ENV AWS_CLI_AUTO_PROMPT=off\n");
    snprintf(want, sizeof(want), "ENV HOME=%s\n", runner_home_dir(NULL));
    CHECK_CONTAINS(out, want);
    snprintf(want, sizeof(want), "CWD %s\n", runner_home_dir(NULL));
    CHECK_CONTAINS(out, want);
    CHECK(out && !strstr(out, "GITHUB_TOKEN"));
    CHECK(out && !strstr(out, "ghp_secret"));
    CHECK(out && !strstr(out, "AWSCLI_MCP"));
    CHECK(out && !strstr(out, "PYTHONPATH"));
    CHECK(out && !strstr(out, "AWS_PAGER=less"));
    /* structuredContent mirrors the run and has exactly the schema's six members. */
    CHECK_INT(json_object_size(r.structured), 6);
    CHECK_STR(structured_str(&r, "engine"), "cli");
    CHECK_INT(structured_int(&r, "exitCode"), 0);
    CHECK_STR(structured_str(&r, "stdout"), out);
    CHECK_STR(structured_str(&r, "stderr"), "");
    CHECK(json_is_false(json_object_get(r.structured, "truncated")));
    CHECK(json_is_integer(json_object_get(r.structured, "durationMs")));
    CHECK(structured_int(&r, "durationMs") >= 0);
    tool_result_release(&r);
    run_aws_cli_free(t);
    unset_server_env();
}

/* The command's own output format wins: no second --output. */
TEST(own_output_format_wins)
{
    struct tool *t = endpoint_tool();
    struct tool_result r;
    struct err e;
    const char *out;

    if (!t)
        return;
    CHECK_INT(run(t, NULL, "logs describe-log-groups --output text", &r, &e), 0);
    out = text_of(&r, 0);
    CHECK_CONTAINS(out, "ARG --output\nARG text\nARG --no-cli-pager\nARG --endpoint-url\n");
    CHECK(out && !strstr(out, "ARG json"));
    tool_result_release(&r);
    CHECK_INT(run(t, NULL, "logs describe-log-groups --output=table", &r, &e), 0);
    out = text_of(&r, 0);
    CHECK_CONTAINS(out, "ARG --output=table\nARG --no-cli-pager\nARG --endpoint-url\n");
    tool_result_release(&r);
    run_aws_cli_free(t);
    unset_server_env();
}

/* Quoted words arrive as one argument each, untouched. */
TEST(quoted_words_arrive_untouched)
{
    struct tool *t = endpoint_tool();
    struct tool_result r;
    struct err e;

    if (!t)
        return;
    CHECK_INT(run(t, NULL,
                  "logs filter-log-events --log-group-name '/aws/lambda/my fn' "
                  "--filter-pattern \"ERROR | $x\"",
                  &r, &e),
              0);
    CHECK_CONTAINS(text_of(&r, 0), "ARG /aws/lambda/my fn\nARG --filter-pattern\nARG ERROR | $x\n");
    tool_result_release(&r);
    run_aws_cli_free(t);
    unset_server_env();
}

/* Without an endpoint, no --endpoint-url. */
TEST(no_endpoint_no_endpoint_url)
{
    struct tool *t = default_tool();
    struct tool_result r;
    struct err e;
    const char *out;

    if (!t)
        return;
    CHECK_INT(run(t, NULL, "sts get-caller-identity", &r, &e), 0);
    out = text_of(&r, 0);
    CHECK_CONTAINS(out, "ARG sts\nARG get-caller-identity\nARG --no-cli-pager\nARG --output\n"
                        "ARG json\nENV ");
    CHECK(out && !strstr(out, "--endpoint-url"));
    tool_result_release(&r);
    run_aws_cli_free(t);
}

TEST(refused_commands_run_nothing)
{
    static const char *const refused[] = {
        "logs describe-log-groups | head",
        "logs describe-log-groups; rm -rf /",
        "logs describe-log-groups $(id)",
        "logs describe-log-groups `id`",
        "logs describe-log-groups > /tmp/x",
        "'logs describe-log-groups",
        "configure list",
        "help",
        "logs describe-log-groups --endpoint-url http://evil.example",
        "logs describe-log-groups --profile prod",
        "logs describe-log-groups --debug",
        "logs describe-log-groups --cli-input-json file:///etc/passwd",
        "logs put-log-events --log-group-name x --log-stream-name y --log-events '[]'",
        "logs delete-log-group --log-group-name x",
        "s3 ls",
        "logs start-live-tail --log-group-identifiers x",
        "logs describe-log-groups -- --x",
    };
    struct tool *t = default_tool();
    struct tool_result r;
    struct err e;

    if (!t)
        return;
    for (size_t i = 0; i < ARRAY_SIZE(refused); i++) {
        unlink(log_path());
        CHECK_INT(run(t, NULL, refused[i], &r, &e), 0);
        CHECK(r.is_error);
        CHECK_CONTAINS(text_of(&r, 0), "Refused");
        CHECK(r.structured == NULL);
        if (fake_ran())
            fprintf(stderr, "  the fake aws ran for: %s\n", refused[i]);
        CHECK(!fake_ran());
        tool_result_release(&r);
    }
    run_aws_cli_free(t);
}

/* Bad arguments: -1 with -32602, nothing run. */
TEST(bad_arguments_get_invalid_params)
{
    static const char *const bad[] = {"{}",
                                      "{\"command\": 5}",
                                      "{\"command\": null}",
                                      "{\"command\": \"logs describe-log-groups\", \"extra\": 1}",
                                      "{\"command\": \"\"}",
                                      "{\"cmd\": \"logs describe-log-groups\"}"};
    struct tool *t = default_tool();
    struct tool_result r;
    struct err e;

    if (!t)
        return;
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        json_error_t je;
        json_t *args = json_loads(bad[i], JSON_ALLOW_NUL, &je);
        CHECK(args != NULL);
        unlink(log_path());
        r = (struct tool_result)TOOL_RESULT_INIT;
        e = (struct err)ERR_INIT;
        CHECK_INT(t->call(t, &(struct tool_ctx){0}, args, &r, &e), -1);
        CHECK_INT(e.code, ERR_INVALID_PARAMS);
        CHECK_CONTAINS(e.msg, "command");
        CHECK(!fake_ran());
        tool_result_release(&r);
        json_decref(args);
    }
    run_aws_cli_free(t);
}

TEST(command_longer_than_max_length_refused)
{
    struct tool *t = default_tool();
    struct tool_result r;
    struct err e;
    size_t n = 16385;
    char *big;

    if (!t)
        return;
    big = malloc(n + 1);
    memset(big, 'a', n);
    big[n] = '\0';
    memcpy(big, "logs describe-log-groups --log-group-name-prefix ", 49);
    CHECK_INT(run(t, NULL, big, &r, &e), -1);
    CHECK_INT(e.code, ERR_INVALID_PARAMS);
    CHECK_CONTAINS(e.msg, "16384");
    tool_result_release(&r);
    free(big);
    run_aws_cli_free(t);
}

/* A tool whose output cap is 1024 bytes. */
static struct tool *small_cap_tool(void)
{
    config_for_tests(&helper_config);
    helper_config.max_output_bytes = 1024;
    return tool_for(&helper_config);
}

TEST(cli_failure_is_an_error_result)
{
    struct tool *t = small_cap_tool();
    struct tool_result r;
    struct err e;

    if (!t)
        return;
    CHECK_INT(run(t, NULL, "logs get-fail", &r, &e), 0);
    CHECK(r.is_error);
    CHECK_CONTAINS(text_of(&r, 0), "An error occurred (ResourceNotFoundException)");
    CHECK_CONTAINS(text_of(&r, 0), "(aws exited with status 254)");
    CHECK_INT(structured_int(&r, "exitCode"), 254);
    CHECK_CONTAINS(structured_str(&r, "stderr"), "ResourceNotFoundException");
    tool_result_release(&r);
    run_aws_cli_free(t);
}

TEST(output_over_the_cap_truncated_with_a_note)
{
    struct tool *t = small_cap_tool();
    struct tool_result r;
    struct err e;
    const char *note;

    if (!t)
        return;
    CHECK_INT(run(t, NULL, "logs get-flood --bytes 5000", &r, &e), 0);
    CHECK(!r.is_error);
    CHECK_INT(json_array_size(r.content), 2);
    CHECK_INT(strlen(text_of(&r, 0)), 1024);
    CHECK_INT(strlen(structured_str(&r, "stdout")), 1024);
    CHECK(json_is_true(json_object_get(r.structured, "truncated")));
    note = text_of(&r, 1);
    CHECK_CONTAINS(note, "printed 5000 bytes");
    CHECK_CONTAINS(note, "3976 were dropped");
    CHECK_CONTAINS(note, "--query");
    CHECK_CONTAINS(note, "--max-items");
    tool_result_release(&r);
    run_aws_cli_free(t);
}

/* Exactly at the cap: not truncated. */
TEST(output_at_the_cap_not_truncated)
{
    struct tool *t = small_cap_tool();
    struct tool_result r;
    struct err e;

    if (!t)
        return;
    CHECK_INT(run(t, NULL, "logs get-flood --bytes 1024", &r, &e), 0);
    CHECK(json_is_false(json_object_get(r.structured, "truncated")));
    CHECK_INT(json_array_size(r.content), 1);
    tool_result_release(&r);
    run_aws_cli_free(t);
}

struct bg {
    struct tool *t;
    struct tool_ctx ctx;
    const char *cmd;
    struct tool_result r;
    struct err e;
    int rc;
    long long ms;
};

static void *bg_run(void *arg)
{
    struct bg *b = arg;
    long long t0 = clock_mono_ms();
    b->rc = run(b->t, &b->ctx, b->cmd, &b->r, &b->e);
    b->ms = clock_mono_ms() - t0;
    return NULL;
}

/*
 * The fake aws's "started" signal (get-hold, tests/helpers/fake_aws.c): a FIFO in a fresh
 * directory. hold_start() makes it and the command that uses it; hold_wait_started() waits
 * until the fake aws has written its byte (so the tool holds its slot and the CLI runs);
 * hold_release() closes the test's end, which lets the fake aws finish.
 */
struct hold {
    char dir[64], fifo[96], cmd[160];
    int fd;
};

static int hold_start(struct hold *h)
{
    snprintf(h->dir, sizeof(h->dir), "/tmp/test_run_aws_cli_hold_XXXXXX");
    h->fd = -1;
    if (!mkdtemp(h->dir))
        return -1;
    snprintf(h->fifo, sizeof(h->fifo), "%s/started", h->dir);
    snprintf(h->cmd, sizeof(h->cmd), "logs get-hold --fifo %s", h->fifo);
    if (mkfifo(h->fifo, 0600) != 0)
        return -1;
    /* Non-blocking, so that opening does not wait for the writer; reading waits in poll. */
    h->fd = open(h->fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    return h->fd < 0 ? -1 : 0;
}

/* True once the byte arrived. The 20 s bound only keeps a broken tool from hanging the test. */
static bool hold_wait_started(struct hold *h)
{
    struct pollfd p = {h->fd, POLLIN, 0};
    char c;

    return poll(&p, 1, 120000) == 1 && (p.revents & POLLIN) && read(h->fd, &c, 1) == 1;
}

static void hold_release(struct hold *h)
{
    if (h->fd >= 0)
        close(h->fd);
    h->fd = -1;
    unlink(h->fifo);
    rmdir(h->dir);
}

TEST(timeout_stops_the_cli)
{
    struct config c;
    struct tool *t;
    struct tool_result r;
    struct err e;
    long long t0, ms;

    config_for_tests(&c);
    c.timeout_s = 1;
    t = tool_for(&c);
    if (!t)
        return;
    t0 = clock_mono_ms();
    CHECK_INT(run(t, NULL, "logs get-sleep --ms 60000", &r, &e), 0);
    ms = clock_mono_ms() - t0;
    CHECK(r.is_error);
    CHECK_CONTAINS(text_of(&r, 0), "did not finish within 1 s");
    /* Stopped by our signal, not finished: the fake sleeps 60 s; 30 s is "enforced" on any load. */
    CHECK(ms >= 900 && ms < 30000);
    CHECK(structured_int(&r, "exitCode") > 128);
    tool_result_release(&r);
    run_aws_cli_free(t);
}

/* The caller's deadline is earlier than the configured timeout. */
TEST(request_deadline_before_the_timeout)
{
    struct tool *t = default_tool();
    struct tool_result r;
    struct err e;
    struct tool_ctx ctx = {0};
    long long t0, ms;

    if (!t)
        return;
    ctx.deadline_ms = clock_mono_ms() + 300;
    t0 = clock_mono_ms();
    CHECK_INT(run(t, &ctx, "logs get-sleep --ms 60000", &r, &e), 0);
    ms = clock_mono_ms() - t0;
    CHECK(r.is_error);
    CHECK_CONTAINS(text_of(&r, 0), "request's deadline");
    CHECK(ms >= 250 && ms < 30000);
    tool_result_release(&r);
    run_aws_cli_free(t);
}

/* A deadline already gone: nothing runs. */
TEST(past_deadline_runs_nothing)
{
    struct tool *t = default_tool();
    struct tool_result r;
    struct err e;
    struct tool_ctx ctx = {0};

    if (!t)
        return;
    unlink(log_path());
    ctx.deadline_ms = clock_mono_ms() - 1;
    CHECK_INT(run(t, &ctx, "logs describe-log-groups", &r, &e), 0);
    CHECK(r.is_error);
    CHECK_CONTAINS(text_of(&r, 0), "deadline");
    CHECK(!fake_ran());
    tool_result_release(&r);
    run_aws_cli_free(t);
}

/* Cancellation, once the CLI has started, stops it at once. */
TEST(cancellation_stops_the_cli)
{
    struct tool *t = default_tool();
    atomic_bool cancel;
    struct bg b = {0};
    struct hold h;
    pthread_t th;

    if (!t)
        return;
    CHECK_INT(hold_start(&h), 0);
    atomic_init(&cancel, false);
    b.t = t;
    b.cmd = h.cmd;
    b.ctx.cancel = &cancel;
    CHECK_INT(pthread_create(&th, NULL, bg_run, &b), 0);
    CHECK(hold_wait_started(&h));
    atomic_store(&cancel, true);
    pthread_join(th, NULL);
    CHECK_INT(b.rc, 0);
    CHECK(b.r.is_error);
    CHECK_CONTAINS(text_of(&b.r, 0), "cancelled");
    tool_result_release(&b.r);
    hold_release(&h);
    run_aws_cli_free(t);
}

/* With one slot, taken by a running CLI, a second call is refused as busy and runs nothing. */
TEST(busy_when_every_slot_is_taken)
{
    struct config c;
    struct tool *t;
    struct tool_result r;
    struct err e;
    struct bg b = {0};
    struct hold h;
    pthread_t th;

    config_for_tests(&c);
    c.max_concurrent = 1;
    t = tool_for(&c);
    if (!t)
        return;
    CHECK_INT(hold_start(&h), 0);
    b.t = t;
    b.cmd = h.cmd;
    CHECK_INT(pthread_create(&th, NULL, bg_run, &b), 0);
    CHECK(hold_wait_started(&h));
    unlink(log_path());
    CHECK_INT(run(t, NULL, "logs describe-log-groups", &r, &e), 0);
    CHECK(r.is_error);
    CHECK_CONTAINS(text_of(&r, 0), "Busy");
    CHECK_CONTAINS(text_of(&r, 0), "etry");
    CHECK(!fake_ran());
    tool_result_release(&r);
    hold_release(&h);
    pthread_join(th, NULL);
    CHECK_INT(b.rc, 0);
    CHECK(!b.r.is_error);
    tool_result_release(&b.r);
    /* The slot is free again. */
    CHECK_INT(run(t, NULL, "logs describe-log-groups", &r, &e), 0);
    CHECK(!r.is_error);
    tool_result_release(&r);
    run_aws_cli_free(t);
}

static int progress_calls;
static double progress_last;
static void on_progress(void *opaque, double progress, double total, const char *message)
{
    (void)opaque;
    (void)total;
    (void)message;
    progress_calls++;
    progress_last = progress;
}

struct logged_call {
    struct tool *t;
    const struct tool_ctx *ctx;
    const char *cmd;
};

static void call_for_log(void *arg)
{
    struct logged_call *c = arg;
    struct tool_result r;
    struct err e;

    (void)run(c->t, c->ctx, c->cmd, &r, &e);
    tool_result_release(&r);
}

/* Runs one call and returns what it logged (malloc'd). */
static char *logged_during(struct tool *t, const struct tool_ctx *ctx, const char *cmd)
{
    struct logged_call c = {t, ctx, cmd};

    return check_stderr_of(call_for_log, &c);
}

TEST(audit_line_without_secrets_and_progress)
{
    struct config c;
    struct tool *t;
    struct tool_ctx ctx = {.caller = "arn:aws:iam::123456789012:user/alice"};
    char *log;

    config_for_tests(&c);
    c.endpoint_url = "http://127.0.0.1:9";
    setenv("AWS_SECRET_ACCESS_KEY", "audit-secret-value", 1);
    setenv("AWS_SESSION_TOKEN", "audit-session-token", 1);
    t = tool_for(&c);
    if (!t)
        return;
    ctx.progress = on_progress;
    log = logged_during(t, &ctx, "logs describe-log-groups --limit 3");
    CHECK_CONTAINS(log, "\"message\":\"audit\"");
    CHECK_CONTAINS(log, "\"caller\":\"arn:aws:iam::123456789012:user/alice\"");
    CHECK_CONTAINS(log, "\"describe-log-groups\",\"--limit\",\"3\",\"--no-cli-pager\"");
    CHECK_CONTAINS(log, "\"--endpoint-url\",\"http://127.0.0.1:9\"]");
    CHECK_CONTAINS(log, "\"exitCode\":0");
    CHECK_CONTAINS(log, "\"outcome\":\"ok\"");
    CHECK_CONTAINS(log, "\"engine\":\"cli\"");
    CHECK_CONTAINS(log, "\"stdoutBytes\":");
    CHECK_CONTAINS(log, "\"durationMs\":");
    CHECK(log && !strstr(log, "audit-secret-value"));
    CHECK(log && !strstr(log, "audit-session-token"));
    CHECK(log && !strstr(log, "AWS_SECRET"));
    CHECK_INT(progress_calls, 2);
    CHECK(progress_last == 1.0);
    free(log);
    run_aws_cli_free(t);
    unsetenv("AWS_SECRET_ACCESS_KEY");
    unsetenv("AWS_SESSION_TOKEN");
}

TEST(audit_line_for_refusals_and_failures)
{
    struct tool *t = default_tool();
    char *log;

    if (!t)
        return;
    log = logged_during(t, NULL, "configure list");
    CHECK_CONTAINS(log, "\"outcome\":\"refused\"");
    CHECK_CONTAINS(log, "\"reason\":");
    CHECK_CONTAINS(log, "\"caller\":null");
    free(log);

    log = logged_during(t, NULL, "logs get-fail");
    CHECK_CONTAINS(log, "\"outcome\":\"failed\"");
    CHECK_CONTAINS(log, "\"exitCode\":254");
    free(log);
    run_aws_cli_free(t);
}

/* HOME is private, so the operator's ~/.aws files are passed by name when they exist. */
TEST(operator_aws_files_passed_by_name)
{
    struct config c;
    struct tool *t = NULL;
    struct tool_result r;
    struct err e;
    char dir[] = "/tmp/test_run_aws_cli_home_XXXXXX", path[256], want[512];
    const char *old_home = getenv("HOME");
    char *saved = old_home ? strdup(old_home) : NULL;
    FILE *f;

    if (!mkdtemp(dir)) {
        CHECK(!"mkdtemp");
        return;
    }
    snprintf(path, sizeof(path), "%s/.aws", dir);
    mkdir(path, 0700);
    snprintf(path, sizeof(path), "%s/.aws/config", dir);
    f = fopen(path, "w");
    if (f) {
        fputs("[default]\nregion = eu-north-1\n", f);
        fclose(f);
    }
    setenv("HOME", dir, 1);
    unsetenv("AWS_CONFIG_FILE");
    unsetenv("AWS_SHARED_CREDENTIALS_FILE");
    setenv("AWS_PROFILE", "operator-profile", 1);
    config_for_tests(&c);
    if (run_aws_cli_new(&c, &t, &e) == 0) {
        CHECK_INT(run(t, NULL, "logs describe-log-groups", &r, &e), 0);
        snprintf(want, sizeof(want), "ENV AWS_CONFIG_FILE=%s\n", path);
        CHECK_CONTAINS(text_of(&r, 0), want);
        /* No credentials file exists, so none is named. */
        CHECK(!strstr(text_of(&r, 0), "AWS_SHARED_CREDENTIALS_FILE"));
        CHECK_CONTAINS(text_of(&r, 0), "ENV AWS_PROFILE=operator-profile\n");
        tool_result_release(&r);
        run_aws_cli_free(t);
    } else {
        CHECK(!"run_aws_cli_new");
    }

    /* An explicit AWS_CONFIG_FILE wins. */
    setenv("AWS_CONFIG_FILE", "/etc/operator-aws-config", 1);
    if (run_aws_cli_new(&c, &t, &e) == 0) {
        CHECK_INT(run(t, NULL, "logs describe-log-groups", &r, &e), 0);
        CHECK_CONTAINS(text_of(&r, 0), "ENV AWS_CONFIG_FILE=/etc/operator-aws-config\n");
        CHECK(!strstr(text_of(&r, 0), path));
        tool_result_release(&r);
        run_aws_cli_free(t);
    }
    unsetenv("AWS_CONFIG_FILE");
    unsetenv("AWS_PROFILE");
    if (saved)
        setenv("HOME", saved, 1);
    free(saved);
    unlink(path);
    snprintf(path, sizeof(path), "%s/.aws", dir);
    rmdir(path);
    rmdir(dir);
}

/* Issue 8, item 6: the start-up line names the setting as the operator wrote it. */
TEST(start_error_names_the_setting)
{
    struct config c;
    struct tool *t = NULL;
    struct err e = ERR_INIT;

    config_for_tests(&c);
    c.aws_cli = "/nonexistent/aws";
    c.aws_cli_from = "--aws-cli";
    CHECK_INT(run_aws_cli_new(&c, &t, &e), -1);
    CHECK_CONTAINS(e.msg, "--aws-cli: '/nonexistent/aws'");
    CHECK(!strstr(e.msg, "AWSCLI_MCP_AWS_CLI"));
    c.aws_cli = "no-such-aws-program-xyz";
    c.aws_cli_from = "AWSCLI_MCP_AWS_CLI";
    CHECK_INT(run_aws_cli_new(&c, &t, &e), -1);
    CHECK_CONTAINS(e.msg, "AWSCLI_MCP_AWS_CLI: 'no-such-aws-program-xyz' not found in PATH");
    CHECK(t == NULL);
}

/* Issue 8, item 1: AWS_PROFILE= (empty) would make the CLI look for a profile named "". */
TEST(empty_variables_are_unset)
{
    struct config c;
    struct tool *t = NULL;
    struct tool_result r;
    struct err e;
    const char *out;

    config_for_tests(&c);
    if (run_aws_cli_new(&c, &t, &e) < 0) {
        CHECK(!"run_aws_cli_new");
        return;
    }
    setenv("AWS_PROFILE", "", 1);
    setenv("AWS_DEFAULT_REGION", "", 1);
    CHECK_INT(run(t, NULL, "logs describe-log-groups", &r, &e), 0);
    out = text_of(&r, 0);
    CHECK(out && !strstr(out, "ENV AWS_PROFILE="));
    CHECK(out && !strstr(out, "ENV AWS_DEFAULT_REGION="));
    tool_result_release(&r);
    setenv("AWS_PROFILE", "dev", 1);
    CHECK_INT(run(t, NULL, "logs describe-log-groups", &r, &e), 0);
    CHECK_CONTAINS(text_of(&r, 0), "ENV AWS_PROFILE=dev\n");
    tool_result_release(&r);
    unsetenv("AWS_PROFILE");
    unsetenv("AWS_DEFAULT_REGION");
    run_aws_cli_free(t);
}

/* Issue 8, item 3: an AWS CLI v1 fails every call on --no-cli-pager; say so, once in the log. */
TEST(cli_v1_is_named)
{
    struct config c;
    struct tool *t = NULL;
    struct tool_result r;
    struct err e;
    char *log;

    config_for_tests(&c);
    if (run_aws_cli_new(&c, &t, &e) < 0) {
        CHECK(!"run_aws_cli_new");
        return;
    }
    CHECK_INT(run(t, NULL, "logs get-v1", &r, &e), 0);
    CHECK(r.is_error);
    CHECK_CONTAINS(text_of(&r, 0), "is version 1; awscli-mcp needs AWS CLI v2");
    CHECK_CONTAINS(text_of(&r, 0), "--aws-cli or AWSCLI_MCP_AWS_CLI");
    CHECK_CONTAINS(text_of(&r, 0), fake_path);
    CHECK_INT(structured_int(&r, "exitCode"), 255);
    CHECK_CONTAINS(structured_str(&r, "stderr"), "Unknown options: --no-cli-pager");
    tool_result_release(&r);
    /* The first v1 failure above logged the ERROR line; later ones only their audit line. */
    log = logged_during(t, NULL, "logs get-v1");
    CHECK_CONTAINS(log, "\"reason\":\"the AWS CLI is version 1\"");
    CHECK(log && !strstr(log, "\"level\":\"ERROR\""));
    free(log);
    /* A v2 complaining about other unknown options is an ordinary failure. */
    CHECK_INT(run(t, NULL, "logs get-unknown", &r, &e), 0);
    CHECK(r.is_error);
    CHECK(!strstr(text_of(&r, 0), "version 1"));
    CHECK_CONTAINS(text_of(&r, 0), "Unknown options: --no-cli-pagerx");
    tool_result_release(&r);
    run_aws_cli_free(t);
}

/* Issue 8, item 5: a NUL in the command is the tokenizer's refusal, audited like the others. */
struct nul_call {
    struct tool *t;
    json_t *args;
    struct tool_result r;
    struct err e;
    int rc;
};

static void call_nul(void *arg)
{
    struct nul_call *c = arg;
    c->rc = c->t->call(c->t, &(struct tool_ctx){0}, c->args, &c->r, &c->e);
}

TEST(nul_refused_by_tokenizer)
{
    struct nul_call c = {.r = TOOL_RESULT_INIT, .e = ERR_INIT};
    char *log;

    c.t = default_tool();
    if (!c.t)
        return;
    c.args = json_pack("{s:s%}", "command", "logs\0x", (size_t)6);
    unlink(log_path());
    log = check_stderr_of(call_nul, &c);
    CHECK_INT(c.rc, 0);
    CHECK(c.r.is_error);
    CHECK_CONTAINS(text_of(&c.r, 0), "Refused: NUL character (\\u0000) at position 5");
    CHECK(!fake_ran());
    CHECK_CONTAINS(log, "\"outcome\":\"refused\"");
    CHECK_CONTAINS(log, "\"command\":\"logs\\u0000x\"");
    free(log);
    tool_result_release(&c.r);
    json_decref(c.args);
    run_aws_cli_free(c.t);
}

/* Issue 8, items 4 and 11: audit lines at any log level, with what was asked and why. */
TEST(audit_is_its_own_stream)
{
    struct config c;
    struct tool *t = NULL;
    struct err e;
    char *log;

    config_for_tests(&c);
    if (run_aws_cli_new(&c, &t, &e) < 0) {
        CHECK(!"run_aws_cli_new");
        return;
    }
    log_set_level(LOG_ERROR);
    log = logged_during(t, NULL, "logs describe-log-groups");
    CHECK_CONTAINS(log, "\"message\":\"audit\"");
    CHECK_CONTAINS(log, "\"outcome\":\"ok\"");
    free(log);
    log = logged_during(t, NULL, "logs describe-log-groups | head");
    CHECK_CONTAINS(log, "\"outcome\":\"refused\"");
    CHECK_CONTAINS(log, "\"command\":\"logs describe-log-groups | head\"");
    CHECK_CONTAINS(log, "\"reason\":\"'|' at position 26");
    free(log);
    log_set_audit(false);
    log = logged_during(t, NULL, "logs describe-log-groups");
    CHECK(log && !strstr(log, "audit"));
    free(log);
    log_set_audit(true);
    log_set_level(LOG_INFO);
    run_aws_cli_free(t);
}

TEST(busy_audit_has_reason)
{
    struct config c;
    struct tool *t;
    struct bg b = {0};
    struct hold h;
    pthread_t th;
    char *log;

    config_for_tests(&c);
    c.max_concurrent = 1;
    t = tool_for(&c);
    if (!t)
        return;
    CHECK_INT(hold_start(&h), 0);
    b.t = t;
    b.cmd = h.cmd;
    CHECK_INT(pthread_create(&th, NULL, bg_run, &b), 0);
    CHECK(hold_wait_started(&h));
    log = logged_during(t, NULL, "logs describe-log-groups");
    CHECK_CONTAINS(log, "\"outcome\":\"busy\"");
    CHECK_CONTAINS(log, "\"words\":[\"logs\",\"describe-log-groups\"]");
    CHECK_CONTAINS(log, "\"reason\":\"1 commands already running (limit 1)\"");
    free(log);
    hold_release(&h);
    pthread_join(th, NULL);
    tool_result_release(&b.r);
    run_aws_cli_free(t);
}

/* Issue 8, item 10: the description carries the one text of the time units. */
TEST(time_units_one_source)
{
    struct config c;
    struct tool *t = NULL;
    struct err e;

    config_for_tests(&c);
    if (run_aws_cli_new(&c, &t, &e) < 0) {
        CHECK(!"run_aws_cli_new");
        return;
    }
    CHECK_CONTAINS(t->description, RUN_AWS_CLI_TIME_UNITS);
    run_aws_cli_free(t);
}

int main(int argc, char **argv)
{
    const char *helpers = getenv("HELPERS_DIR");
    int rc;

    snprintf(fake_path, sizeof(fake_path), "%s/fake_aws", helpers ? helpers : "build/helpers");
    if (access(fake_path, X_OK) != 0) {
        fprintf(stderr, "fake aws not found at %s (set HELPERS_DIR)\n", fake_path);
        return 1;
    }
    log_set_level(LOG_INFO);
    rc = check_main(argc, argv);
    unlink(log_path());
    return rc;
}
