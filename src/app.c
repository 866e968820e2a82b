#include "app.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "tools/run_aws_cli.h"
#include "transport/lambda.h"
#include "transport/proxy.h"
#include "transport/httpd.h"
#include "transport/stdio_server.h"
#include "banned.h"

static const struct mcp_server_info server_info = {
    .name = "awscli-mcp",
    .title = "AWS CLI (CloudWatch Logs and Metrics)",
    .version = AWSCLI_MCP_VERSION,
    .instructions = "Use run_aws_cli to read CloudWatch Logs and Metrics with AWS CLI v2 "
                    "commands, for example 'logs describe-log-groups' or 'logs "
                    "filter-log-events --log-group-name NAME --limit 20'. "
                    "Times: " RUN_AWS_CLI_TIME_UNITS " Keep outputs small with --query, "
                    "--max-items, --start-time and --filter-pattern.",
    .list_ttl_ms = 300000,
};

/*
 * A start-up failure: one line on stderr and, in Lambda, an init error (Lambda then
 * re-initialises on the next invoke). Returns the exit status.
 */
static int start_error(bool lambda, const char *msg)
{
    fprintf(stderr, "awscli-mcp: %s\n", msg);
    if (lambda && lambda_init_error(msg, "Runtime.ConfigInvalid") < 0)
        log_msg(LOG_ERROR, "the init error could not be reported to the Runtime API");
    return 2;
}

int app_main(int argc, char **argv, app_extra_tools_fn extra)
{
    struct config cfg;
    struct err e = ERR_INIT;
    struct mcp_server *server = NULL;
    struct tool *aws_tool = NULL;
    int rc = 1;

    if (config_load(&cfg, argc, argv, &e) < 0)
        return start_error(lambda_mode_requested(argc, argv), e.msg);
    if (cfg.mode == MODE_HELP) {
        config_print_usage(stdout);
        return 0;
    }
    if (cfg.mode == MODE_VERSION) {
        printf("awscli-mcp %s\n", AWSCLI_MCP_VERSION);
        return 0;
    }
    log_set_level((enum log_level)cfg.log_level);
    log_set_audit(cfg.audit);
    /* A client that goes away mid-write must not kill the server. */
    signal(SIGPIPE, SIG_IGN);
    /* The proxy forwards to a remote server: no local server, tools or CLI. */
    if (cfg.mode == MODE_PROXY)
        return proxy_run(&cfg);

    server = mcp_server_new(&server_info);
    if (!server) {
        log_msg(LOG_ERROR, "out of memory");
        goto out;
    }
    if (run_aws_cli_new(&cfg, &aws_tool, &e) < 0) {
        rc = start_error(cfg.mode == MODE_LAMBDA, e.msg);
        goto out;
    }
    if (mcp_server_add_tool(server, aws_tool, &e) < 0) {
        log_msg(LOG_ERROR, "registering run_aws_cli failed: %s", e.msg);
        goto out;
    }
    if (extra && extra(server, &cfg) < 0) {
        log_msg(LOG_ERROR, "registering extra tools failed");
        goto out;
    }

    switch (cfg.mode) {
    case MODE_STDIO:
        rc = stdio_run(server, &cfg);
        break;
    case MODE_SERVE: {
        struct http_front *front = http_front_new(server, &cfg);
        if (!front) {
            log_msg(LOG_ERROR, "out of memory");
            break;
        }
        rc = httpd_run(front, &cfg);
        http_front_free(front);
        break;
    }
    case MODE_LAMBDA:
        rc = lambda_run(server, &cfg);
        break;
    default:
        fprintf(stderr, "awscli-mcp: this mode is not available in this build\n");
        rc = 2;
        break;
    }
out:
    mcp_server_free(server);
    run_aws_cli_free(aws_tool);
    return rc;
}
