/*
 * run_aws_cli's engine choice (issue 13, item 7) and pictures (item 8), through call():
 * --engine native starts without an AWS CLI and refuses what the engine hands over; auto
 * hands it to the CLI (tests/helpers/fake_aws) and says so in the audit line; the metric
 * widget's PNG becomes an MCP image block. The engine's bytes against moto and a loopback
 * endpoint are tests/integration/test_engine_select.py's.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "awscli/runner.h"
#include "base64.h"
#include "check.h"
#include "config.h"
#include "log.h"
#include "tools/run_aws_cli.h"
#include "banned.h"

static char fake_path[4096];
static char script_dir[] = "/tmp/rac-engine-XXXXXX";
static char script_path[4200], reply_path[4200];

/* The configuration a tool keeps a pointer to. */
static struct config cfg;

static struct tool *tool_with(enum config_engine engine, const char *aws_cli)
{
    struct tool *t = NULL;
    struct err e = ERR_INIT;

    memset(&cfg, 0, sizeof(cfg));
    cfg.aws_cli = aws_cli;
    cfg.aws_cli_from = "--aws-cli";
    cfg.timeout_s = 120;
    cfg.max_output_bytes = 4096;
    cfg.max_concurrent = 4;
    cfg.max_cli_memory_mb = 512;
    /* Nothing listens on port 9: a command the engine does run fails at once, never at AWS. */
    cfg.endpoint_url = "http://127.0.0.1:9";
    cfg.engine = engine;
    if (run_aws_cli_new(&cfg, &t, &e) < 0) {
        fprintf(stderr, "run_aws_cli_new: %s\n", e.msg);
        CHECK(!"run_aws_cli_new");
        return NULL;
    }
    return t;
}

static int run(struct tool *t, const struct tool_ctx *ctx, const char *cmd, struct tool_result *r)
{
    json_t *args = json_pack("{s:s}", "command", cmd);
    struct tool_ctx empty = {0};
    struct err e = ERR_INIT;
    int rc;

    *r = (struct tool_result)TOOL_RESULT_INIT;
    rc = t->call(t, ctx ? ctx : &empty, args, r, &e);
    json_decref(args);
    return rc;
}

static const char *block(const struct tool_result *r, size_t i, const char *key)
{
    return json_string_value(json_object_get(json_array_get(r->content, i), key));
}

/* Where the fake aws notes every run (its working directory is the private HOME). */
static const char *fake_log(void)
{
    static char path[4200];
    snprintf(path, sizeof(path), "%s/fake_aws.log", runner_home_dir(NULL));
    return path;
}

struct logged_call {
    struct tool *t;
    const struct tool_ctx *ctx;
    const char *cmd;
    struct tool_result r;
};

static void call_for_log(void *arg)
{
    struct logged_call *c = arg;
    CHECK_INT(run(c->t, c->ctx, c->cmd, &c->r), 0);
}

static double progress_seen[8];
static int progress_calls;
static void on_progress(void *opaque, double progress, double total, const char *message)
{
    (void)opaque;
    (void)total;
    (void)message;
    if (progress_calls < 8)
        progress_seen[progress_calls] = progress;
    progress_calls++;
}

/* Issue 13, item 7: an image without the AWS CLI starts; the other choices still need it. */
TEST(native_starts_without_the_cli)
{
    struct tool *t = tool_with(CONFIG_ENGINE_NATIVE, "/nonexistent/aws");
    struct err e = ERR_INIT;
    struct tool *u = NULL;

    if (!t)
        return;
    CHECK_CONTAINS(t->description, "This server has no AWS CLI");
    CHECK_CONTAINS(t->description, "get-metric-widget-image also returns the graph as a PNG");
    CHECK(strstr(t->description, "MiB of memory") == NULL);
    run_aws_cli_free(t);

    memset(&cfg, 0, sizeof(cfg));
    cfg.aws_cli = "/nonexistent/aws";
    cfg.aws_cli_from = "--aws-cli";
    cfg.timeout_s = 60;
    cfg.engine = CONFIG_ENGINE_AUTO;
    CHECK_INT(run_aws_cli_new(&cfg, &u, &e), -1);
    CHECK_CONTAINS(e.msg, "--aws-cli: '/nonexistent/aws'");
    cfg.engine = CONFIG_ENGINE_CLI;
    CHECK_INT(run_aws_cli_new(&cfg, &u, &e), -1);
}

/* --engine native: what the engine hands over is refused, naming the reason; nothing runs. */
TEST(native_refuses_a_handed_over_command)
{
    struct tool *t = tool_with(CONFIG_ENGINE_NATIVE, fake_path);
    struct logged_call c = {0};
    char *log;

    if (!t)
        return;
    c.t = t;
    c.cmd = "logs describe-log-groups --output table";
    unlink(fake_log());
    log = check_stderr_of(call_for_log, &c);
    CHECK(c.r.is_error);
    CHECK(c.r.structured == NULL);
    CHECK_CONTAINS(block(&c.r, 0, "text"), "the native engine cannot run this command exactly");
    CHECK_CONTAINS(block(&c.r, 0, "text"), "runs without the AWS CLI (AWSCLI_MCP_ENGINE=native)");
    CHECK_CONTAINS(log, "\"outcome\":\"refused\"");
    CHECK_CONTAINS(log, "\"engine\":\"native\"");
    CHECK_CONTAINS(log, "\"words\":[\"logs\",\"describe-log-groups\",\"--output\",\"table\"]");
    CHECK(log && !strstr(log, "\"argv\""));
    CHECK(access(fake_log(), F_OK) != 0); /* the fake aws never ran */
    free(log);
    tool_result_release(&c.r);
    run_aws_cli_free(t);
}

/* --engine auto: a handed-over command runs the CLI; the audit line says why. */
/*
 * The stand-in CLI has no botocore models, so --engine auto keeps the native engine off for it
 * (src/engine/cli_models.h): every command goes to the CLI, the audit line says why, and one
 * WARN line says so once.
 */
TEST(auto_keeps_the_engine_off_for_a_cli_with_other_models)
{
    struct tool *t = tool_with(CONFIG_ENGINE_AUTO, fake_path);
    struct tool_ctx ctx = {.progress = on_progress};
    struct logged_call c = {0};
    char *log;

    if (!t)
        return;
    c.t = t;
    c.ctx = &ctx;
    c.cmd = "logs describe-log-groups --output table";
    progress_calls = 0;
    log = check_stderr_of(call_for_log, &c);
    CHECK(!c.r.is_error);
    CHECK_CONTAINS(block(&c.r, 0, "text"), "ARG --output\nARG table\n"); /* fake_aws ran */
    CHECK_STR(json_string_value(json_object_get(c.r.structured, "engine")), "cli");
    CHECK_CONTAINS(log, "\"engine\":\"cli\"");
    CHECK_CONTAINS(log, "\"handoff\":\"");
    CHECK_CONTAINS(log, "the native engine is off");
    CHECK_CONTAINS(log, "\"argv\":[");
    /* Progress only grows: the CLI's 0.5 (after a handoff), then 1. */
    CHECK_INT(progress_calls, 2);
    CHECK(progress_seen[0] == 0.5 && progress_seen[1] == 1);
    free(log);
    tool_result_release(&c.r);
    run_aws_cli_free(t);
}

/* ---- pictures ------------------------------------------------------------------------------ */

/* The stand-in CLI for pictures prints reply_path, whatever its arguments. */
static void write_reply(const char *text)
{
    FILE *f = fopen(reply_path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* {"MetricWidgetImage": base64 of the PNG signature plus n bytes}, as the CLI prints it. */
static char *widget_reply(const char *head, size_t n)
{
    size_t hlen = strlen(head), blen = 0;
    char *bytes = calloc(1, hlen + n), *b64, *out = NULL;

    memcpy(bytes, head, hlen);
    for (size_t i = 0; i < n; i++)
        bytes[hlen + i] = (char)(i * 7);
    b64 = base64_encode(bytes, hlen + n, &blen);
    CHECK(asprintf(&out, "{\n    \"MetricWidgetImage\": \"%s\"\n}\n", b64) > 0);
    free(bytes);
    free(b64);
    return out;
}

TEST(widget_png_becomes_image_content)
{
    struct tool *t = tool_with(CONFIG_ENGINE_CLI, script_path);
    struct tool_result r;
    char *reply = widget_reply("\x89PNG\r\n\x1a\n", 40);
    json_t *want = json_loads(reply, 0, NULL);

    if (!t)
        return;
    write_reply(reply);
    CHECK_INT(run(t, NULL, "cloudwatch get-metric-widget-image --metric-widget '{}'", &r), 0);
    CHECK(!r.is_error);
    CHECK_INT(json_array_size(r.content), 2);
    CHECK_STR(block(&r, 0, "text"), reply);
    CHECK_STR(block(&r, 1, "type"), "image");
    CHECK_STR(block(&r, 1, "mimeType"), "image/png");
    CHECK_STR(block(&r, 1, "data"), json_string_value(json_object_get(want, "MetricWidgetImage")));
    tool_result_release(&r);

    /* Global options before the service count as the CLI counts them. */
    CHECK_INT(
        run(t, NULL, "--region eu-west-1 cloudwatch get-metric-widget-image --metric-widget x", &r),
        0);
    CHECK_STR(block(&r, 1, "type"), "image");
    tool_result_release(&r);

    /* Another operation with the same reply: no picture. */
    CHECK_INT(run(t, NULL, "cloudwatch get-metric-data --metric-data-queries x", &r), 0);
    CHECK_INT(json_array_size(r.content), 1);
    tool_result_release(&r);

    /* --query that keeps only the string, or text output: no object, no picture, no note. */
    write_reply("\"iVBORw0KGgo=\"\n");
    CHECK_INT(run(t, NULL,
                  "cloudwatch get-metric-widget-image --metric-widget x --query MetricWidgetImage",
                  &r),
              0);
    CHECK_INT(json_array_size(r.content), 1);
    tool_result_release(&r);
    free(reply);
    json_decref(want);
    run_aws_cli_free(t);
}

TEST(widget_without_a_whole_png_has_no_image)
{
    struct tool *t = tool_with(CONFIG_ENGINE_CLI, script_path);
    struct tool_result r;
    char *gif = widget_reply("GIF89a", 40), *big = widget_reply("\x89PNG\r\n\x1a\n", 4000);

    if (!t)
        return;
    write_reply(gif);
    CHECK_INT(run(t, NULL, "cloudwatch get-metric-widget-image --metric-widget x", &r), 0);
    CHECK(!r.is_error);
    CHECK_INT(json_array_size(r.content), 2);
    CHECK_STR(block(&r, 1, "type"), "text");
    CHECK_STR(block(&r, 1, "text"), "[No image: MetricWidgetImage is not a PNG.]");
    tool_result_release(&r);

    /* Cut at the cap (4096 bytes here): the PNG would be incomplete; the text says so. */
    write_reply(big);
    CHECK_INT(run(t, NULL, "cloudwatch get-metric-widget-image --metric-widget x", &r), 0);
    CHECK(json_is_true(json_object_get(r.structured, "truncated")));
    CHECK_INT(json_array_size(r.content), 3);
    CHECK_CONTAINS(block(&r, 1, "text"), "[No image: the reply was cut at the output cap (4096");
    CHECK_CONTAINS(block(&r, 2, "text"), "[Output truncated");
    for (size_t i = 0; i < json_array_size(r.content); i++)
        CHECK_STR(block(&r, i, "type"), "text");
    tool_result_release(&r);
    free(gif);
    free(big);
    run_aws_cli_free(t);
}

int main(int argc, char **argv)
{
    const char *helpers = getenv("HELPERS_DIR");
    FILE *f;
    int rc;

    snprintf(fake_path, sizeof(fake_path), "%s/fake_aws", helpers ? helpers : "build/helpers");
    if (access(fake_path, X_OK) != 0) {
        fprintf(stderr, "fake aws not found at %s (set HELPERS_DIR)\n", fake_path);
        return 1;
    }
    if (!mkdtemp(script_dir))
        return 1;
    snprintf(script_path, sizeof(script_path), "%s/aws", script_dir);
    snprintf(reply_path, sizeof(reply_path), "%s/reply", script_dir);
    f = fopen(script_path, "w");
    if (!f)
        return 1;
    fprintf(f, "#!/bin/sh\nexec cat '%s'\n", reply_path);
    fclose(f);
    chmod(script_path, 0700);
    log_set_level(LOG_INFO);
    rc = check_main(argc, argv);
    unlink(script_path);
    unlink(reply_path);
    rmdir(script_dir);
    return rc;
}
