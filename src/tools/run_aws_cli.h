#ifndef TOOLS_RUN_AWS_CLI_H
#define TOOLS_RUN_AWS_CLI_H

/*
 * The run_aws_cli tool: runs one AWS CLI v2 command that the policy allows and returns its
 * output. See docs/tool.md for what the model sees.
 *
 * One call:
 *   1. The arguments are validated: exactly {"command": string}, 1..ARGV_MAX_BYTES bytes.
 *      Anything else is -1 with e->code ERR_INVALID_PARAMS (the core turns it into an isError
 * result or a JSON-RPC error, as the negotiated revision wants).
 *   2. The command is split into words (awscli/argv.h; it refuses a NUL among other control
 *      bytes) and checked (awscli/policy.h). A refusal is an isError result that says why and
 *      what to do instead.
 *   3. Past cfg->max_concurrent calls at once, the call is an isError "busy, retry" result.
 *   4. The argv is built as  <aws> <words...> --no-cli-pager [--output json] [--endpoint-url
 *      <cfg->endpoint_url>]: the global options are added after the policy check, because the
 *      policy refuses them from the caller. --output json is added only when the command does
 *      not choose an output format itself.
 *   5. The CLI runs (awscli/runner.h) with an environment built from an allowlist (see
 *      RUN_AWS_CLI_ENV_PASS in run_aws_cli.c and docs/tool.md), HOME = a private directory,
 *      AWS_PAGER="" and AWS_CLI_AUTO_PROMPT=off; deadline = min(now + cfg->timeout_s, the
 *      caller's deadline); cancellation from ctx->cancel.
 *   6. The result: text = stdout on success, stderr and the exit status on failure, plus a
 *      note when output was cut at the cap; isError from the exit status; structuredContent
 *      {exitCode, stdout, stderr, truncated, durationMs} matching the tool's outputSchema.
 *   7. One "audit" log line per call (log_audit: written at any log level): caller, argv as
 *      run, outcome, exit code, byte counts, truncated, timed out, duration. Never the
 *      environment or credentials.
 *   An AWS CLI v1 (which refuses --no-cli-pager) is recognised on its first failure: the result
 *   says so and how to fix it, and one ERROR line is logged.
 *
 * Thread safety: call() may run on many threads at once.
 */

#include "config.h"
#include "err.h"
#include "mcp/tool.h"

#define RUN_AWS_CLI_NAME "run_aws_cli"

/*
 * The time units of the CloudWatch commands: one text, used by the tool description and by
 * the server's instructions (src/app.c), so that the two can never disagree.
 */
#define RUN_AWS_CLI_TIME_UNITS                                                                     \
    "CloudWatch Logs --start-time/--end-time of filter-log-events and get-log-events are "         \
    "epoch MILLISECONDS (e.g. 1735689600000); logs start-query takes epoch SECONDS; cloudwatch "   \
    "get-metric-data/get-metric-statistics take ISO 8601 (2025-01-01T00:00:00Z) or epoch "         \
    "seconds."

/*
 * Creates the tool from the configuration: resolves cfg->aws_cli to an executable path
 * (searching PATH when it has no '/'), compiles the policy from cfg->allow / cfg->deny and
 * creates the private HOME directory. `cfg` is borrowed and must outlive the tool.
 *
 * Returns 0 with *out set (free it with run_aws_cli_free), or -1 with one line in e that says
 * what is wrong, naming the setting as the operator wrote it (e.g. "--aws-cli: '/x/aws' not
 * found").
 */
int run_aws_cli_new(const struct config *cfg, struct tool **out, struct err *e) WUR;

/* Frees a tool made by run_aws_cli_new; NULL allowed. No call may be running. */
void run_aws_cli_free(struct tool *t);

#endif
