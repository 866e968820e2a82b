#ifndef CONFIG_H
#define CONFIG_H

/*
 * Flags and AWSCLI_MCP_* environment variables, validated once at start into one immutable
 * struct. Flags beat the environment. Lambda's reserved AWS_* variables are never read for
 * our own settings (only AWS_LAMBDA_RUNTIME_API, to pick the default mode, and
 * AWS_LAMBDA_LOG_LEVEL, the log level's default, which Lambda sets for the runtime; the log
 * lines are always JSON, so AWS_LAMBDA_LOG_FORMAT is not read).
 */

#include <stdbool.h>
#include <stddef.h>

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

struct config {
    enum mode mode;

    /* serve */
    char listen_host[256];
    int listen_port;

    /* run_aws_cli */
    const char *aws_cli;      /* path of the aws program ("aws" = look up in PATH) */
    const char *endpoint_url; /* added as --endpoint-url to every call; NULL = none */
    int timeout_s;            /* per call, 1..900 (proxy: per forwarded request) */
    size_t max_output_bytes;  /* stdout cap, 1 KiB..5 MiB */
    int max_concurrent;       /* concurrent CLI processes; default 2 x CPUs */
    const char *allow;        /* comma/space separated service:operation-glob patterns */
    const char *deny;

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
};

/*
 * Parses argv and the environment into c. On failure returns -1 with one line in e that names
 * the setting and says what is wrong. The strings in c point into argv / environ (borrowed for
 * the life of the process).
 */
int config_load(struct config *c, int argc, char **argv, struct err *e) WUR;

/* The usage text printed by --help. */
extern const char config_usage[];

#endif
