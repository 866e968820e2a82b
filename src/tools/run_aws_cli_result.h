#ifndef TOOLS_RUN_AWS_CLI_RESULT_H
#define TOOLS_RUN_AWS_CLI_RESULT_H

/*
 * The result of one run_aws_cli call that ran, whichever engine ran it (docs/tool.md,
 * "Result"): the text blocks, isError, structuredContent {exitCode, stdout, stderr, truncated,
 * durationMs, engine}, and for `cloudwatch get-metric-widget-image` the PNG as an image block.
 * Part of the tool (src/tools/run_aws_cli.c), split out by topic.
 */

#include <stdbool.h>
#include <stddef.h>

#include "awscli/runner.h"
#include "common.h"
#include "config.h"
#include "mcp/tool.h"

/* What the result is made of; everything borrowed. */
struct rac_report {
    const struct config *cfg;
    const struct runner_result *res;
    bool native;          /* the native engine answered; else the AWS CLI ran */
    bool deadline_ours;   /* the deadline was AWSCLI_MCP_TIMEOUT_S, not the request's */
    const char *aws_path; /* the AWS CLI (for the "version 1" text); NULL when native */
    char *const *words;   /* the command's words (no leading "aws") */
    size_t n;
};

/* The value of structuredContent.engine and of the audit line's "engine". */
#define RAC_ENGINE_NATIVE "native"
#define RAC_ENGINE_CLI    "cli"

/*
 * Fills r (empty on entry) from a finished run. The picture: when the command is cloudwatch
 * get-metric-widget-image, it succeeded, and stdout is the whole JSON reply whose
 * MetricWidgetImage member is the base64 of a PNG, an image block (image/png) follows the
 * text; when stdout was cut at the cap, a text block says why there is no image. Returns 0,
 * or -1 when out of memory.
 */
int rac_result_build(const struct rac_report *rep, struct tool_result *r) WUR;

/* Appends one text block made from the format (vasprintf). Returns 0, or -1 (OOM). */
int rac_result_textf(struct tool_result *r, const char *fmt, ...) PRINTF_LIKE(2, 3) WUR;
int rac_result_textv(struct tool_result *r, const char *fmt, va_list ap) PRINTF_LIKE(2, 0) WUR;

#endif
