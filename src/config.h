#ifndef CONFIG_H
#define CONFIG_H

/*
 * Flags and AWSCLI_MCP_* environment variables, validated once at start into one immutable
 * struct. Flags beat the environment. Each flag belongs to the modes it has an effect in; a
 * flag given to another mode is an error (an environment variable for another mode is
 * ignored, since one environment often serves several modes). Lambda's reserved AWS_*
 * variables are never read for our own settings, with two exceptions that Lambda sets for the
 * runtime: AWS_LAMBDA_RUNTIME_API picks the default mode, and in lambda mode
 * AWS_LAMBDA_LOG_LEVEL is the log level when ours is not given.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "err.h"

enum mode {
    MODE_NONE = 0,
    MODE_HELP,
    MODE_VERSION,
    MODE_SERVE,
    MODE_STDIO,
    MODE_LAMBDA,
    MODE_PROXY
};

#define CONFIG_DEFAULT_HOST            "127.0.0.1"
#define CONFIG_DEFAULT_PORT            8080
#define CONFIG_DEFAULT_TIMEOUT_S       60
#define CONFIG_DEFAULT_PROXY_TIMEOUT_S 120 /* proxy: whole request, above run_aws_cli's 60 s */
#define CONFIG_MAX_PROXY_HEADERS       16
#define CONFIG_DEFAULT_CLI_MEMORY_MB   512

/*
 * Who answers a run_aws_cli call (docs/engine.md, "Choosing the engine"). AUTO: the native
 * engine where it reproduces the AWS CLI exactly, else the CLI. NATIVE: never the CLI (what
 * the engine cannot run is refused; the CLI need not be installed). CLI: always the CLI.
 */
enum config_engine { CONFIG_ENGINE_AUTO = 0, CONFIG_ENGINE_NATIVE, CONFIG_ENGINE_CLI };

struct config {
    enum mode mode;

    /* serve */
    char listen_host[256];
    int listen_port;

    /* run_aws_cli */
    const char *aws_cli;      /* path of the aws program ("aws" = look up in PATH) */
    const char *aws_cli_from; /* "--aws-cli" or "AWSCLI_MCP_AWS_CLI"; NULL = the default */
    const char *endpoint_url; /* added as --endpoint-url to every call; NULL = none */
    int timeout_s;            /* per call, 1..900 (proxy: per forwarded request) */
    size_t max_output_bytes;  /* stdout cap, 1 KiB..5 MiB */
    int max_concurrent;       /* concurrent CLI processes; default 2 x CPUs */
    int max_cli_memory_mb;    /* address space of each CLI process (RLIMIT_AS), 128..65536 */
    const char *allow;        /* comma/space separated service:operation-glob patterns */
    const char *deny;
    enum config_engine engine; /* default CONFIG_ENGINE_AUTO */

    /* HTTP front (serve and lambda) */
    const char *auth_token;      /* bearer token; NULL = none */
    const char *allowed_origins; /* extra allowed Origins, comma separated */
    size_t max_body_bytes;

    /* proxy */
    const char *proxy_url;
    const char *proxy_region;
    const char *proxy_service;
    const char *proxy_profile;
    const char *proxy_headers[CONFIG_MAX_PROXY_HEADERS]; /* "Name: value", as given */
    int n_proxy_headers;

    /* logging */
    int log_level; /* enum log_level */
    bool audit;    /* one audit line per tool call, whatever the log level (default on) */
};

/*
 * Parses argv and the environment into c. On failure returns -1 with one line in e that names
 * the setting and says what is wrong. The strings in c point into argv / environ (borrowed for
 * the life of the process).
 */
int config_load(struct config *c, int argc, char **argv, struct err *e) WUR;

/* Writes the usage text of --help: the modes, and every option grouped by the modes it
 * applies to. */
void config_print_usage(FILE *f);

/* The name of a mode as written on the command line ("serve"), or "" for the others. */
const char *config_mode_name(enum mode m);

/* The name of an engine choice as written in --engine ("auto", "native", "cli"). */
const char *config_engine_name(enum config_engine x);

#endif
