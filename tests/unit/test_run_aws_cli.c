/*
 * run_aws_cli driven through its call() with a fake aws program ($HELPERS_DIR/fake_aws, see
 * tests/helpers/fake_aws.c): argv building, environment scrubbing, refusals, argument
 * validation, results, truncation, timeouts, cancellation, the busy limit and the audit line.
 * The real AWS CLI is exercised by tests/integration/test_awscli_*.
 */

#include <fcntl.h>
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
#include "log.h"
#include "tools/run_aws_cli.h"
#include "banned.h"

static char fake_path[4096];

static void config_for_tests(struct config *c)
{
    memset(c, 0, sizeof(*c));
    c->aws_cli = fake_path;
    c->endpoint_url = NULL;
    c->timeout_s = 10;
    c->max_output_bytes = 65536;
    c->max_concurrent = 4;
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

TEST(create)
{
    struct config c;
    struct tool *t = NULL;
    struct err e = ERR_INIT;
    json_t *cmd;

    config_for_tests(&c);
    CHECK_INT(run_aws_cli_new(&c, &t, &e), 0);
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
    CHECK_INT(json_array_size(json_object_get(t->output_schema, "required")), 5);
    CHECK(json_is_false(json_object_get(t->output_schema, "additionalProperties")));
    CHECK(json_is_true(json_object_get(t->annotations, "readOnlyHint")));
    CHECK(json_is_false(json_object_get(t->annotations, "destructiveHint")));
    CHECK(json_is_true(json_object_get(t->annotations, "idempotentHint")));
    CHECK(json_is_true(json_object_get(t->annotations, "openWorldHint")));
    CHECK(json_object_get(t->annotations, "title") != NULL);
    run_aws_cli_free(t);

    /* An ALLOW pattern widens the policy: no longer read-only. */
    c.allow = "ec2:describe-*";
    t = NULL;
    CHECK_INT(run_aws_cli_new(&c, &t, &e), 0);
    if (t)
        CHECK(json_is_false(json_object_get(t->annotations, "readOnlyHint")));
    run_aws_cli_free(t);

    /* Start-up errors: one clear line each. */
    config_for_tests(&c);
    c.aws_cli = "/nonexistent/dir/aws";
    t = NULL;
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

TEST(argv_and_env)
{
    struct config c;
    struct tool *t = NULL;
    struct tool_result r;
    struct err e;
    char want[1024];
    const char *out;

    config_for_tests(&c);
    c.endpoint_url = "http://127.0.0.1:9";
    setenv("GITHUB_TOKEN", "ghp_secretsecretsecret", 1);
    setenv("AWSCLI_MCP_AUTH_TOKEN", "token-secret-0123456789", 1);
    setenv("PYTHONPATH", "/tmp/evil", 1);
    setenv("AWS_ACCESS_KEY_ID", "AKIDUNITTEST", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "unit-secret-key", 1);
    setenv("AWS_REGION", "eu-west-1", 1);
    setenv("AWS_PAGER", "less", 1);
    if (run_aws_cli_new(&c, &t, &e) < 0) {
        CHECK(!"run_aws_cli_new");
        return;
    }

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
    /* structuredContent mirrors the run and has exactly the schema's five members. */
    CHECK_INT(json_object_size(r.structured), 5);
    CHECK_INT(structured_int(&r, "exitCode"), 0);
    CHECK_STR(structured_str(&r, "stdout"), out);
    CHECK_STR(structured_str(&r, "stderr"), "");
    CHECK(json_is_false(json_object_get(r.structured, "truncated")));
    CHECK(json_is_integer(json_object_get(r.structured, "durationMs")));
    CHECK(structured_int(&r, "durationMs") >= 0);
    tool_result_release(&r);

    /* The command's own output format wins: no second --output. */
    CHECK_INT(run(t, NULL, "logs describe-log-groups --output text", &r, &e), 0);
    out = text_of(&r, 0);
    CHECK_CONTAINS(out, "ARG --output\nARG text\nARG --no-cli-pager\nARG --endpoint-url\n");
    CHECK(out && !strstr(out, "ARG json"));
    tool_result_release(&r);
    CHECK_INT(run(t, NULL, "logs describe-log-groups --output=table", &r, &e), 0);
    out = text_of(&r, 0);
    CHECK_CONTAINS(out, "ARG --output=table\nARG --no-cli-pager\nARG --endpoint-url\n");
    tool_result_release(&r);

    /* Quoted words arrive as one argument each, untouched. */
    CHECK_INT(run(t, NULL,
                  "logs filter-log-events --log-group-name '/aws/lambda/my fn' "
                  "--filter-pattern \"ERROR | $x\"",
                  &r, &e),
              0);
    out = text_of(&r, 0);
    CHECK_CONTAINS(out, "ARG /aws/lambda/my fn\nARG --filter-pattern\nARG ERROR | $x\n");
    tool_result_release(&r);
    run_aws_cli_free(t);

    /* Without an endpoint, no --endpoint-url. */
    config_for_tests(&c);
    if (run_aws_cli_new(&c, &t, &e) < 0)
        return;
    CHECK_INT(run(t, NULL, "sts get-caller-identity", &r, &e), 0);
    out = text_of(&r, 0);
    CHECK_CONTAINS(out, "ARG sts\nARG get-caller-identity\nARG --no-cli-pager\nARG --output\n"
                        "ARG json\nENV ");
    CHECK(out && !strstr(out, "--endpoint-url"));
    tool_result_release(&r);
    run_aws_cli_free(t);
    unsetenv("GITHUB_TOKEN");
    unsetenv("AWSCLI_MCP_AUTH_TOKEN");
    unsetenv("PYTHONPATH");
    unsetenv("AWS_PAGER");
}

TEST(refusals_and_validation)
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
    struct config c;
    struct tool *t = NULL;
    struct tool_result r;
    struct err e;
    json_t *args;

    config_for_tests(&c);
    if (run_aws_cli_new(&c, &t, &e) < 0) {
        CHECK(!"run_aws_cli_new");
        return;
    }
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
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

    /* Bad arguments: -1 with -32602, nothing run. */
    {
        const char *bad[] = {"{}",
                             "{\"command\": 5}",
                             "{\"command\": null}",
                             "{\"command\": \"logs describe-log-groups\", \"extra\": 1}",
                             "{\"command\": \"\"}",
                             "{\"cmd\": \"logs describe-log-groups\"}"};
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            json_error_t je;
            args = json_loads(bad[i], JSON_ALLOW_NUL, &je);
            CHECK(args != NULL);
            unlink(log_path());
            r = (struct tool_result)TOOL_RESULT_INIT;
            e = (struct err)ERR_INIT;
            CHECK_INT(t->call(t, &(struct tool_ctx){0}, args, &r, &e), -1);
            CHECK_INT(e.code, -32602);
            CHECK_CONTAINS(e.msg, "command");
            CHECK(!fake_ran());
            tool_result_release(&r);
            json_decref(args);
        }
    }
    {
        /* Longer than maxLength. */
        size_t n = 16385;
        char *big = malloc(n + 1);
        memset(big, 'a', n);
        big[n] = '\0';
        memcpy(big, "logs describe-log-groups --log-group-name-prefix ", 49);
        CHECK_INT(run(t, NULL, big, &r, &e), -1);
        CHECK_INT(e.code, -32602);
        CHECK_CONTAINS(e.msg, "16384");
        tool_result_release(&r);
        free(big);
    }
    run_aws_cli_free(t);
}

TEST(failure_and_truncation)
{
    struct config c;
    struct tool *t = NULL;
    struct tool_result r;
    struct err e;
    const char *note;

    config_for_tests(&c);
    c.max_output_bytes = 1024;
    if (run_aws_cli_new(&c, &t, &e) < 0) {
        CHECK(!"run_aws_cli_new");
        return;
    }
    CHECK_INT(run(t, NULL, "logs get-fail", &r, &e), 0);
    CHECK(r.is_error);
    CHECK_CONTAINS(text_of(&r, 0), "An error occurred (ResourceNotFoundException)");
    CHECK_CONTAINS(text_of(&r, 0), "(aws exited with status 254)");
    CHECK_INT(structured_int(&r, "exitCode"), 254);
    CHECK_CONTAINS(structured_str(&r, "stderr"), "ResourceNotFoundException");
    tool_result_release(&r);

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

    /* Exactly at the cap: not truncated. */
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

TEST(time_limits)
{
    struct config c;
    struct tool *t = NULL;
    struct tool_result r;
    struct err e;
    struct tool_ctx ctx = {0};
    long long t0, ms;

    config_for_tests(&c);
    c.timeout_s = 1;
    if (run_aws_cli_new(&c, &t, &e) < 0) {
        CHECK(!"run_aws_cli_new");
        return;
    }
    t0 = clock_mono_ms();
    CHECK_INT(run(t, NULL, "logs get-sleep --ms 20000", &r, &e), 0);
    ms = clock_mono_ms() - t0;
    CHECK(r.is_error);
    CHECK_CONTAINS(text_of(&r, 0), "did not finish within 1 s");
    CHECK(ms >= 900 && ms < 3500);
    CHECK(structured_int(&r, "exitCode") > 128);
    tool_result_release(&r);
    run_aws_cli_free(t);

    /* The caller's deadline is earlier than the configured timeout. */
    config_for_tests(&c);
    if (run_aws_cli_new(&c, &t, &e) < 0)
        return;
    ctx.deadline_ms = clock_mono_ms() + 300;
    t0 = clock_mono_ms();
    CHECK_INT(run(t, &ctx, "logs get-sleep --ms 20000", &r, &e), 0);
    ms = clock_mono_ms() - t0;
    CHECK(r.is_error);
    CHECK_CONTAINS(text_of(&r, 0), "request's deadline");
    CHECK(ms >= 250 && ms < 2500);
    tool_result_release(&r);

    /* A deadline already gone: nothing runs. */
    unlink(log_path());
    ctx.deadline_ms = clock_mono_ms() - 1;
    CHECK_INT(run(t, &ctx, "logs describe-log-groups", &r, &e), 0);
    CHECK(r.is_error);
    CHECK_CONTAINS(text_of(&r, 0), "deadline");
    CHECK(!fake_ran());
    tool_result_release(&r);

    /* Cancellation stops the CLI at once. */
    {
        atomic_bool cancel;
        struct bg b = {.t = t, .cmd = "logs get-sleep --ms 20000"};
        pthread_t th;
        atomic_init(&cancel, false);
        b.ctx.cancel = &cancel;
        pthread_create(&th, NULL, bg_run, &b);
        usleep(300 * 1000);
        atomic_store(&cancel, true);
        pthread_join(th, NULL);
        CHECK_INT(b.rc, 0);
        CHECK(b.r.is_error);
        CHECK_CONTAINS(text_of(&b.r, 0), "cancelled");
        CHECK(b.ms < 2000);
        tool_result_release(&b.r);
    }
    run_aws_cli_free(t);
}

TEST(busy)
{
    struct config c;
    struct tool *t = NULL;
    struct tool_result r;
    struct err e;
    struct bg b = {0};
    pthread_t th;

    config_for_tests(&c);
    c.max_concurrent = 1;
    if (run_aws_cli_new(&c, &t, &e) < 0) {
        CHECK(!"run_aws_cli_new");
        return;
    }
    b.t = t;
    b.cmd = "logs get-sleep --ms 1500";
    pthread_create(&th, NULL, bg_run, &b);
    usleep(400 * 1000);
    unlink(log_path());
    CHECK_INT(run(t, NULL, "logs describe-log-groups", &r, &e), 0);
    CHECK(r.is_error);
    CHECK_CONTAINS(text_of(&r, 0), "Busy");
    CHECK_CONTAINS(text_of(&r, 0), "etry");
    CHECK(!fake_ran());
    tool_result_release(&r);
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

/* Runs one call with fd 2 redirected to a file and returns what was logged (malloc'd). */
static char *logged_during(struct tool *t, const struct tool_ctx *ctx, const char *cmd)
{
    char path[] = "/tmp/test_run_aws_cli_log_XXXXXX";
    int fd = mkstemp(path), saved = dup(2);
    struct tool_result r;
    struct err e;
    char *text = calloc(1, 65536);
    ssize_t n;

    dup2(fd, 2);
    (void)run(t, ctx, cmd, &r, &e);
    dup2(saved, 2);
    close(saved);
    tool_result_release(&r);
    n = pread(fd, text, 65535, 0);
    if (n > 0)
        text[n] = '\0';
    close(fd);
    unlink(path);
    return text;
}

TEST(audit_and_progress)
{
    struct config c;
    struct tool *t = NULL;
    struct err e;
    struct tool_ctx ctx = {.caller = "arn:aws:iam::123456789012:user/alice"};
    char *log;

    config_for_tests(&c);
    c.endpoint_url = "http://127.0.0.1:9";
    setenv("AWS_SECRET_ACCESS_KEY", "audit-secret-value", 1);
    setenv("AWS_SESSION_TOKEN", "audit-session-token", 1);
    if (run_aws_cli_new(&c, &t, &e) < 0) {
        CHECK(!"run_aws_cli_new");
        return;
    }
    ctx.progress = on_progress;
    log = logged_during(t, &ctx, "logs describe-log-groups --limit 3");
    CHECK_CONTAINS(log, "\"message\":\"audit\"");
    CHECK_CONTAINS(log, "\"caller\":\"arn:aws:iam::123456789012:user/alice\"");
    CHECK_CONTAINS(log, "\"describe-log-groups\",\"--limit\",\"3\",\"--no-cli-pager\"");
    CHECK_CONTAINS(log, "\"--endpoint-url\",\"http://127.0.0.1:9\"]");
    CHECK_CONTAINS(log, "\"exitCode\":0");
    CHECK_CONTAINS(log, "\"outcome\":\"ok\"");
    CHECK_CONTAINS(log, "\"stdoutBytes\":");
    CHECK_CONTAINS(log, "\"durationMs\":");
    CHECK(log && !strstr(log, "audit-secret-value"));
    CHECK(log && !strstr(log, "audit-session-token"));
    CHECK(log && !strstr(log, "AWS_SECRET"));
    CHECK_INT(progress_calls, 2);
    CHECK(progress_last == 1.0);
    free(log);

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
    unsetenv("AWS_SECRET_ACCESS_KEY");
    unsetenv("AWS_SESSION_TOKEN");
}

/* HOME is private, so the operator's ~/.aws files are passed by name when they exist. */
TEST(operator_aws_files)
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
TEST(nul_refused_by_tokenizer)
{
    struct config c;
    struct tool *t = NULL;
    struct tool_result r = TOOL_RESULT_INIT;
    struct err e = ERR_INIT;
    json_t *args = json_pack("{s:s%}", "command", "logs\0x", (size_t)6);
    char path[] = "/tmp/test_run_aws_cli_nul_XXXXXX";
    int fd = mkstemp(path), saved = dup(2);
    char text[4096] = {0};

    config_for_tests(&c);
    if (run_aws_cli_new(&c, &t, &e) < 0) {
        CHECK(!"run_aws_cli_new");
        return;
    }
    unlink(log_path());
    dup2(fd, 2);
    CHECK_INT(t->call(t, &(struct tool_ctx){0}, args, &r, &e), 0);
    dup2(saved, 2);
    close(saved);
    CHECK(r.is_error);
    CHECK_CONTAINS(text_of(&r, 0), "Refused: NUL character (\\u0000) at position 5");
    CHECK(!fake_ran());
    CHECK(pread(fd, text, sizeof(text) - 1, 0) > 0);
    CHECK_CONTAINS(text, "\"outcome\":\"refused\"");
    CHECK_CONTAINS(text, "\"command\":\"logs\\u0000x\"");
    close(fd);
    unlink(path);
    tool_result_release(&r);
    json_decref(args);
    run_aws_cli_free(t);
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
    struct tool *t = NULL;
    struct err e;
    struct bg b = {0};
    pthread_t th;
    char *log;

    config_for_tests(&c);
    c.max_concurrent = 1;
    if (run_aws_cli_new(&c, &t, &e) < 0) {
        CHECK(!"run_aws_cli_new");
        return;
    }
    unlink(log_path());
    b.t = t;
    b.cmd = "logs get-sleep --ms 3000";
    pthread_create(&th, NULL, bg_run, &b);
    /* The fake writes its log as it starts: the slot is taken from then on. */
    for (int i = 0; i < 2000 && !fake_ran(); i++)
        usleep(1000);
    log = logged_during(t, NULL, "logs describe-log-groups");
    CHECK_CONTAINS(log, "\"outcome\":\"busy\"");
    CHECK_CONTAINS(log, "\"words\":[\"logs\",\"describe-log-groups\"]");
    CHECK_CONTAINS(log, "\"reason\":\"1 AWS CLI commands already running (limit 1)\"");
    free(log);
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
