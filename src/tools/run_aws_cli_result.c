#include "tools/run_aws_cli_result.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awscli/policy.h"
#include "awscli/version.h"
#include "base64.h"
#include "banned.h"

int rac_result_textv(struct tool_result *r, const char *fmt, va_list ap)
{
    char *s = NULL;
    int n = vasprintf(&s, fmt, ap);

    if (n < 0)
        return -1;
    n = tool_result_add_text(r, s, (size_t)n);
    free(s);
    return n;
}

int rac_result_textf(struct tool_result *r, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = rac_result_textv(r, fmt, ap);
    va_end(ap);
    return n;
}

static size_t trim_len(const char *s, size_t n)
{
    while (n && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\r' || s[n - 1] == '\t'))
        n--;
    return n;
}

/* ---- the picture ------------------------------------------------------------------------- */

/* The eight bytes every PNG file starts with (PNG specification, section 5.2). */
static const unsigned char png_signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

static bool is_widget_image(char *const *words, size_t n)
{
    size_t svc, op;

    return policy_command(words, n, &svc, &op) == 0 && strcmp(words[svc], "cloudwatch") == 0 &&
           strcmp(words[op], "get-metric-widget-image") == 0;
}

/*
 * cloudwatch get-metric-widget-image: the CLI prints the reply's MetricWidgetImage blob as
 * base64 in its JSON; an assistant that sees images gets it as an MCP image block too. Only
 * from the whole reply (json output; a --query or --output text gives no object with that
 * member, so no image) and only a real PNG. Returns 0, or -1 when out of memory.
 */
static int add_picture(const struct rac_report *rep, struct tool_result *r)
{
    const struct runner_result *res = rep->res;
    json_t *reply, *img;
    const char *b64;
    char *png = NULL;
    size_t b64_len, png_len = 0;
    int rc = 0;

    if (!is_widget_image(rep->words, rep->n))
        return 0;
    if (res->stdout_truncated)
        return rac_result_textf(r,
                                "[No image: the reply was cut at the output cap (%zu bytes, "
                                "AWSCLI_MCP_MAX_OUTPUT_BYTES), so the PNG in MetricWidgetImage "
                                "is incomplete. Ask for a smaller picture (\"width\" and "
                                "\"height\" in --metric-widget) or fewer metrics.]",
                                rep->cfg->max_output_bytes);
    reply = json_loadb(res->out.p, res->out.len, 0, NULL);
    img = json_object_get(reply, "MetricWidgetImage");
    if (!json_is_string(img)) {
        json_decref(reply);
        return 0;
    }
    b64 = json_string_value(img);
    b64_len = json_string_length(img);
    png = base64_decode(b64, b64_len, &png_len);
    if (png && png_len >= sizeof(png_signature) &&
        memcmp(png, png_signature, sizeof(png_signature)) == 0)
        rc = tool_result_add_image(r, "image/png", b64, b64_len);
    else if (b64_len)
        rc = rac_result_textf(r, "[No image: MetricWidgetImage is not %s.]",
                              png ? "a PNG" : "valid base64");
    free(png);
    json_decref(reply);
    return rc;
}

/* ---- the result -------------------------------------------------------------------------- */

static int add_timeout_text(const struct rac_report *rep, struct tool_result *r)
{
    if (rep->deadline_ours)
        return rac_result_textf(r,
                                "The command did not finish within %d s (AWSCLI_MCP_TIMEOUT_S) "
                                "and was stopped. Ask for less: a shorter "
                                "--start-time/--end-time window, --max-items, --limit, or "
                                "--filter-pattern.",
                                rep->cfg->timeout_s);
    return rac_result_textf(r,
                            "The command was stopped after %lld ms because the request's "
                            "deadline arrived. Ask for less: a shorter time window, "
                            "--max-items, --limit, or --filter-pattern.",
                            rep->res->duration_ms);
}

/* A command that ended with a non-zero status (not stopped): stderr first, then the status. */
static int add_failure_text(const struct rac_report *rep, struct tool_result *r)
{
    const struct runner_result *res = rep->res;
    size_t elen = trim_len(res->err.p, res->err.len);

    if (!rep->native && awscli_v1_failure(res->exit_code, res->err.p, res->err.len))
        return rac_result_textf(r,
                                "The AWS CLI at %s is version 1; awscli-mcp needs AWS CLI v2. "
                                "The server's operator must set --aws-cli or AWSCLI_MCP_AWS_CLI "
                                "to an AWS CLI v2 program (for example /usr/bin/aws). Retrying "
                                "will not help.",
                                rep->aws_path ? rep->aws_path : "aws");
    /* The native engine exits as the CLI would, but no aws process ran. */
    if (elen)
        return rac_result_textf(
            r, rep->native ? "%.*s\n(exit status %d)" : "%.*s\n(aws exited with status %d)",
            (int)elen, res->err.p, res->exit_code);
    return rac_result_textf(r, "%s with status %d and printed no error message.%s%.*s",
                            rep->native ? "The command failed" : "aws exited", res->exit_code,
                            res->out.len ? " Its output:\n" : "",
                            (int)trim_len(res->out.p, res->out.len), res->out.p);
}

int rac_result_build(const struct rac_report *rep, struct tool_result *r)
{
    const struct runner_result *res = rep->res;
    bool ok = res->exit_code == 0 && !res->timed_out && !res->cancelled;
    bool cut = res->stdout_truncated || res->stderr_truncated;
    json_t *sout = json_stringn(res->out.p, res->out.len);
    json_t *serr = json_stringn(res->err.p, res->err.len);
    size_t elen = trim_len(res->err.p, res->err.len);
    int rc = 0;

    if (!sout || !serr) {
        json_decref(sout);
        json_decref(serr);
        return -1;
    }
    r->structured = json_pack("{s:i, s:o, s:o, s:b, s:I, s:s}", "exitCode", res->exit_code,
                              "stdout", sout, "stderr", serr, "truncated", cut, "durationMs",
                              (json_int_t)(res->duration_ms < 0 ? 0 : res->duration_ms), "engine",
                              rep->native ? RAC_ENGINE_NATIVE : RAC_ENGINE_CLI);
    if (!r->structured)
        return -1;
    r->is_error = !ok;

    if (res->cancelled) {
        rc = rep->native
                 ? rac_result_textf(r, "The call was cancelled after %lld ms.", res->duration_ms)
                 : rac_result_textf(r,
                                    "The call was cancelled; the AWS CLI was stopped after %lld "
                                    "ms.",
                                    res->duration_ms);
    } else if (res->memory_limited) {
        rc = rac_result_textf(r, RUNNER_MEMORY_ADVICE, rep->cfg->max_cli_memory_mb, res->exit_code);
    } else if (res->timed_out) {
        rc = add_timeout_text(rep, r);
        if (rc == 0 && elen)
            rc = tool_result_add_text(r, res->err.p, elen);
    } else if (ok) {
        rc = tool_result_add_text(r, res->out.p, res->out.len);
        if (rc == 0)
            rc = add_picture(rep, r);
    } else {
        rc = add_failure_text(rep, r);
    }
    if (rc < 0)
        return -1;

    if (res->stdout_truncated &&
        rac_result_textf(r,
                         "[Output truncated: the command printed %zu bytes; the first %zu are "
                         "shown and %zu were dropped (cap %zu bytes, "
                         "AWSCLI_MCP_MAX_OUTPUT_BYTES). The JSON above is incomplete. Narrow the "
                         "command: --query to keep only the fields you need, --max-items or "
                         "--limit for fewer items, a shorter --start-time/--end-time window, or "
                         "--filter-pattern for log events.]",
                         res->stdout_bytes, res->out.len, res->stdout_bytes - res->out.len,
                         rep->cfg->max_output_bytes) < 0)
        return -1;
    if (res->stderr_truncated &&
        rac_result_textf(r, "[stderr truncated: %zu of %zu bytes dropped.]",
                         res->stderr_bytes - res->err.len, res->stderr_bytes) < 0)
        return -1;
    return 0;
}
