#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"
#include "banned.h"

const char config_usage[] =
    "usage: awscli-mcp [MODE] [OPTIONS]\n"
    "\n"
    "An MCP server that runs read-only AWS CLI v2 commands (CloudWatch Logs and Metrics)\n"
    "through one tool, run_aws_cli.\n"
    "\n"
    "Modes:\n"
    "  serve    local Streamable HTTP server on /mcp (default 127.0.0.1:8080)\n"
    "  stdio    MCP over stdin/stdout, for local MCP clients\n"
    "  lambda   AWS Lambda custom runtime behind a Function URL (the default when\n"
    "           AWS_LAMBDA_RUNTIME_API is set)\n"
    "\n"
    "Options (each also an environment variable AWSCLI_MCP_<NAME>; flags win):\n"
    "  --listen HOST:PORT        serve: address to listen on          [LISTEN]\n"
    "  --aws-cli PATH            the aws program to run                [AWS_CLI]\n"
    "  --endpoint-url URL        add --endpoint-url URL to every call  [ENDPOINT_URL]\n"
    "  --timeout SECONDS         per-call time limit, 1..900 (60)      [TIMEOUT_S]\n"
    "  --max-output-bytes N      stdout cap per call (262144)          [MAX_OUTPUT_BYTES]\n"
    "  --max-concurrent N        concurrent CLI processes (2 x CPUs)   [MAX_CONCURRENT]\n"
    "  --allow PATTERNS          extra service:operation-glob allowed  [ALLOW]\n"
    "  --deny PATTERNS           service:operation-glob refused        [DENY]\n"
    "  --allowed-origins LIST    extra allowed Origin values           [ALLOWED_ORIGINS]\n"
    "  --max-body-bytes N        largest HTTP request body (1048576)   [MAX_BODY_BYTES]\n"
    "  --log-level LEVEL         debug, info, warn, error, off (info)  [LOG_LEVEL]\n"
    "  AWSCLI_MCP_AUTH_TOKEN     bearer token required on HTTP requests (environment only)\n"
    "  -h, --help                this text\n"
    "  -V, --version             print the version\n";

struct option_def {
    const char *flag; /* "--listen" */
    const char *env;  /* "AWSCLI_MCP_LISTEN", NULL = flag only */
    int id;
};

enum {
    OPT_LISTEN,
    OPT_AWS_CLI,
    OPT_ENDPOINT,
    OPT_TIMEOUT,
    OPT_MAX_OUTPUT,
    OPT_MAX_CONCURRENT,
    OPT_ALLOW,
    OPT_DENY,
    OPT_ORIGINS,
    OPT_MAX_BODY,
    OPT_LOG_LEVEL,
    OPT_AUTH_TOKEN,
    OPT_URL,
    OPT_REGION,
    OPT_SERVICE,
    OPT_PROFILE,
    OPT_COUNT
};

static const struct option_def options[] = {
    {"--listen", "AWSCLI_MCP_LISTEN", OPT_LISTEN},
    {"--aws-cli", "AWSCLI_MCP_AWS_CLI", OPT_AWS_CLI},
    {"--endpoint-url", "AWSCLI_MCP_ENDPOINT_URL", OPT_ENDPOINT},
    {"--timeout", "AWSCLI_MCP_TIMEOUT_S", OPT_TIMEOUT},
    {"--max-output-bytes", "AWSCLI_MCP_MAX_OUTPUT_BYTES", OPT_MAX_OUTPUT},
    {"--max-concurrent", "AWSCLI_MCP_MAX_CONCURRENT", OPT_MAX_CONCURRENT},
    {"--allow", "AWSCLI_MCP_ALLOW", OPT_ALLOW},
    {"--deny", "AWSCLI_MCP_DENY", OPT_DENY},
    {"--allowed-origins", "AWSCLI_MCP_ALLOWED_ORIGINS", OPT_ORIGINS},
    {"--max-body-bytes", "AWSCLI_MCP_MAX_BODY_BYTES", OPT_MAX_BODY},
    {"--log-level", "AWSCLI_MCP_LOG_LEVEL", OPT_LOG_LEVEL},
    /* A secret on the command line is visible in ps(1): the token is environment-only. */
    {NULL, "AWSCLI_MCP_AUTH_TOKEN", OPT_AUTH_TOKEN},
    {"--url", NULL, OPT_URL},
    {"--region", NULL, OPT_REGION},
    {"--service", NULL, OPT_SERVICE},
    {"--profile", NULL, OPT_PROFILE},
};

static int parse_long(const char *name, const char *s, long lo, long hi, long *out, struct err *e)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end != '\0' || v < lo || v > hi)
        return err_set(e, ERR_INVALID_PARAMS, "%s: '%s' is not a whole number in %ld..%ld", name, s,
                       lo, hi);
    *out = v;
    return 0;
}

/* HOST:PORT, [V6]:PORT, or :PORT / PORT alone (host stays the default). */
static int parse_listen(struct config *c, const char *s, struct err *e)
{
    const char *colon = strrchr(s, ':');
    const char *host = s, *port = s;
    size_t hlen = 0;
    long p = 0;

    if (colon) {
        port = colon + 1;
        hlen = (size_t)(colon - s);
        if (hlen >= 2 && s[0] == '[' && s[hlen - 1] == ']') {
            host++;
            hlen -= 2;
        }
    }
    if (parse_long("--listen port", port, 1, 65535, &p, e) < 0)
        return -1;
    if (hlen >= sizeof(c->listen_host))
        return err_set(e, ERR_INVALID_PARAMS, "--listen: host name too long");
    if (hlen) {
        memcpy(c->listen_host, host, hlen);
        c->listen_host[hlen] = '\0';
    }
    c->listen_port = (int)p;
    return 0;
}

static int apply(struct config *c, int id, const char *name, const char *v, struct err *e)
{
    long n = 0;

    switch (id) {
    case OPT_LISTEN:
        return parse_listen(c, v, e);
    case OPT_AWS_CLI:
        if (!*v)
            return err_set(e, ERR_INVALID_PARAMS, "%s: must not be empty", name);
        c->aws_cli = v;
        return 0;
    case OPT_ENDPOINT:
        if (*v && strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0)
            return err_set(e, ERR_INVALID_PARAMS, "%s: '%s' is not an http:// or https:// URL",
                           name, v);
        c->endpoint_url = *v ? v : NULL;
        return 0;
    case OPT_TIMEOUT:
        if (parse_long(name, v, 1, 900, &n, e) < 0)
            return -1;
        c->timeout_s = (int)n;
        return 0;
    case OPT_MAX_OUTPUT:
        if (parse_long(name, v, 1024, 5 * 1024 * 1024, &n, e) < 0)
            return -1;
        c->max_output_bytes = (size_t)n;
        return 0;
    case OPT_MAX_CONCURRENT:
        if (parse_long(name, v, 1, 1024, &n, e) < 0)
            return -1;
        c->max_concurrent = (int)n;
        return 0;
    case OPT_ALLOW:
        c->allow = v;
        return 0;
    case OPT_DENY:
        c->deny = v;
        return 0;
    case OPT_ORIGINS:
        c->allowed_origins = v;
        return 0;
    case OPT_MAX_BODY:
        if (parse_long(name, v, 1024, 6 * 1024 * 1024, &n, e) < 0)
            return -1;
        c->max_body_bytes = (size_t)n;
        return 0;
    case OPT_LOG_LEVEL: {
        enum log_level l;
        if (log_level_parse(v, &l) < 0)
            return err_set(e, ERR_INVALID_PARAMS,
                           "%s: '%s' is not one of debug, info, warn, error, off", name, v);
        c->log_level = (int)l;
        return 0;
    }
    case OPT_AUTH_TOKEN:
        if (*v && strlen(v) < 16)
            return err_set(e, ERR_INVALID_PARAMS, "%s: a bearer token needs at least 16 characters",
                           name);
        c->auth_token = *v ? v : NULL;
        return 0;
    case OPT_URL:
        c->proxy_url = v;
        return 0;
    case OPT_REGION:
        c->proxy_region = v;
        return 0;
    case OPT_SERVICE:
        c->proxy_service = v;
        return 0;
    case OPT_PROFILE:
        c->proxy_profile = v;
        return 0;
    }
    return err_set(e, ERR_INTERNAL, "internal: unknown option id %d", id);
}

static long cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? n : 1;
}

int config_load(struct config *c, int argc, char **argv, struct err *e)
{
    const char *flag_values[OPT_COUNT] = {0};
    const char *flag_names[OPT_COUNT] = {0};
    bool log_level_given = false;
    int i = 1;

    memset(c, 0, sizeof(*c));
    snprintf(c->listen_host, sizeof(c->listen_host), "%s", CONFIG_DEFAULT_HOST);
    c->listen_port = CONFIG_DEFAULT_PORT;
    c->aws_cli = "aws";
    c->timeout_s = CONFIG_DEFAULT_TIMEOUT_S;
    c->max_output_bytes = CAP_CLI_STDOUT;
    c->max_concurrent = (int)(cpu_count() * 2);
    c->max_body_bytes = CAP_HTTP_BODY;
    c->proxy_service = "lambda";
    c->log_level = LOG_INFO;

    if (i < argc && argv[i][0] != '-') {
        const char *m = argv[i++];
        if (strcmp(m, "serve") == 0)
            c->mode = MODE_SERVE;
        else if (strcmp(m, "stdio") == 0)
            c->mode = MODE_STDIO;
        else if (strcmp(m, "lambda") == 0)
            c->mode = MODE_LAMBDA;
        else if (strcmp(m, "proxy") == 0)
            c->mode = MODE_PROXY;
        else if (strcmp(m, "help") == 0)
            c->mode = MODE_HELP;
        else
            return err_set(e, ERR_INVALID_PARAMS,
                           "unknown mode '%s' (expected serve, stdio, lambda or proxy)", m);
    }

    for (; i < argc; i++) {
        const char *a = argv[i], *val = NULL, *eq;
        size_t alen;
        const struct option_def *o = NULL;

        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            c->mode = MODE_HELP;
            return 0;
        }
        if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
            c->mode = MODE_VERSION;
            return 0;
        }
        eq = strchr(a, '=');
        alen = eq ? (size_t)(eq - a) : strlen(a);
        for (size_t k = 0; k < ARRAY_SIZE(options); k++) {
            if (options[k].flag && strlen(options[k].flag) == alen &&
                strncmp(options[k].flag, a, alen) == 0) {
                o = &options[k];
                break;
            }
        }
        if (!o)
            return err_set(e, ERR_INVALID_PARAMS, "unknown option '%.*s' (see --help)", (int)alen,
                           a);
        if (eq) {
            val = eq + 1;
        } else {
            if (i + 1 >= argc)
                return err_set(e, ERR_INVALID_PARAMS, "%s needs a value", o->flag);
            val = argv[++i];
        }
        flag_values[o->id] = val;
        flag_names[o->id] = o->flag;
    }

    for (size_t k = 0; k < ARRAY_SIZE(options); k++) {
        const struct option_def *o = &options[k];
        const char *v = flag_values[o->id], *name = flag_names[o->id];
        if (!v && o->env) {
            v = getenv(o->env);
            name = o->env;
        }
        if (v && apply(c, o->id, name, v, e) < 0)
            return -1;
        if (v && o->id == OPT_LOG_LEVEL)
            log_level_given = true;
    }
    /*
     * Lambda's application log level (AWS_LAMBDA_LOG_LEVEL, set with the function's logging
     * configuration) is the default when ours is not given; an unknown value is ignored, as
     * Lambda itself validates it.
     */
    if (!log_level_given && getenv("AWS_LAMBDA_LOG_LEVEL")) {
        enum log_level l;
        if (log_level_parse(getenv("AWS_LAMBDA_LOG_LEVEL"), &l) == 0)
            c->log_level = (int)l;
    }

    if (c->mode == MODE_NONE)
        c->mode = getenv("AWS_LAMBDA_RUNTIME_API") ? MODE_LAMBDA : MODE_HELP;
    if (c->mode == MODE_PROXY && !c->proxy_url)
        return err_set(e, ERR_INVALID_PARAMS, "proxy: --url is required");
    return 0;
}
