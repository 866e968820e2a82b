#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "awscli/policy.h"
#include "buf.h"
#include "log.h"
#include "banned.h"

/* The modes an option applies to, one bit per enum mode. */
#define IN(m)      (1u << (m))
#define TOOL_MODES (IN(MODE_SERVE) | IN(MODE_STDIO) | IN(MODE_LAMBDA))
#define HTTP_MODES (IN(MODE_SERVE) | IN(MODE_LAMBDA))
#define ALL_MODES  (TOOL_MODES | IN(MODE_PROXY))

enum {
    OPT_LISTEN,
    OPT_AWS_CLI,
    OPT_ENDPOINT,
    OPT_TIMEOUT,
    OPT_MAX_OUTPUT,
    OPT_MAX_CONCURRENT,
    OPT_MAX_CLI_MEMORY,
    OPT_ALLOW,
    OPT_DENY,
    OPT_ENGINE,
    OPT_AUDIT,
    OPT_ORIGINS,
    OPT_MAX_BODY,
    OPT_AUTH_TOKEN,
    OPT_LOG_LEVEL,
    OPT_URL,
    OPT_REGION,
    OPT_SERVICE,
    OPT_PROFILE,
    OPT_HEADER,
    OPT_COUNT
};

/*
 * Every setting, with the modes it has an effect in. The same flag may appear once per group
 * of modes with its own id (a proxy --timeout need not mean the tool's). Entries without help
 * text are not shown by --help.
 */
struct option_def {
    const char *flag; /* "--listen"; NULL = environment only */
    const char *env;  /* "AWSCLI_MCP_LISTEN"; NULL = flag only */
    int id;
    unsigned modes;
    const char *arg;  /* "HOST:PORT" */
    const char *help; /* "address to listen on (127.0.0.1:8080)" */
};

static const struct option_def options[] = {
    {"--aws-cli", "AWSCLI_MCP_AWS_CLI", OPT_AWS_CLI, TOOL_MODES, "PATH",
     "the AWS CLI v2 program (aws, from PATH)"},
    {"--endpoint-url", "AWSCLI_MCP_ENDPOINT_URL", OPT_ENDPOINT, TOOL_MODES, "URL",
     "add --endpoint-url URL to every call"},
    {"--timeout", "AWSCLI_MCP_TIMEOUT_S", OPT_TIMEOUT, TOOL_MODES, "SECONDS",
     "per-call time limit, 1..900 (60)"},
    {"--max-output-bytes", "AWSCLI_MCP_MAX_OUTPUT_BYTES", OPT_MAX_OUTPUT, TOOL_MODES, "N",
     "stdout kept per call (262144)"},
    {"--max-concurrent", "AWSCLI_MCP_MAX_CONCURRENT", OPT_MAX_CONCURRENT, TOOL_MODES, "N",
     "CLI processes at once (2 x CPUs)"},
    {"--max-cli-memory-mb", "AWSCLI_MCP_MAX_CLI_MEMORY_MB", OPT_MAX_CLI_MEMORY, TOOL_MODES, "N",
     "address space per CLI process, 128..65536 (512)"},
    {"--allow", "AWSCLI_MCP_ALLOW", OPT_ALLOW, TOOL_MODES, "PATTERNS",
     "extra service:operation-glob allowed"},
    {"--deny", "AWSCLI_MCP_DENY", OPT_DENY, TOOL_MODES, "PATTERNS",
     "service:operation-glob refused"},
    {"--engine", "AWSCLI_MCP_ENGINE", OPT_ENGINE, TOOL_MODES, "auto|native|cli",
     "auto = native engine where exact, else the CLI (auto)"},
    {"--audit", "AWSCLI_MCP_AUDIT", OPT_AUDIT, TOOL_MODES, "on|off",
     "one audit line per call, at any log level (on)"},
    {"--allowed-origins", "AWSCLI_MCP_ALLOWED_ORIGINS", OPT_ORIGINS, HTTP_MODES, "LIST",
     "extra allowed Origin values, or *"},
    {"--max-body-bytes", "AWSCLI_MCP_MAX_BODY_BYTES", OPT_MAX_BODY, HTTP_MODES, "N",
     "largest HTTP request body (1048576)"},
    /* A secret on the command line is visible in ps(1): the token is environment-only. */
    {NULL, "AWSCLI_MCP_AUTH_TOKEN", OPT_AUTH_TOKEN, HTTP_MODES, NULL,
     "bearer token required on every HTTP request"},
    {"--listen", "AWSCLI_MCP_LISTEN", OPT_LISTEN, IN(MODE_SERVE), "HOST:PORT",
     "address to listen on (127.0.0.1:8080)"},
    {"--log-level", "AWSCLI_MCP_LOG_LEVEL", OPT_LOG_LEVEL, ALL_MODES, "LEVEL",
     "debug, info, warn, error or off (info)"},
    {"--url", NULL, OPT_URL, IN(MODE_PROXY), "URL", "the remote MCP endpoint (required)"},
    {"--region", NULL, OPT_REGION, IN(MODE_PROXY), "REGION",
     "signing region (from <id>.lambda-url.<region>.on.aws)"},
    {"--service", NULL, OPT_SERVICE, IN(MODE_PROXY), "NAME", "signing service (lambda)"},
    {"--profile", NULL, OPT_PROFILE, IN(MODE_PROXY), "NAME",
     "AWS profile for the credentials (else the CLI's chain)"},
    /* Repeatable: collected as it is read. An Authorization header turns signing off. */
    {"--header", NULL, OPT_HEADER, IN(MODE_PROXY), "'NAME: VALUE'",
     "extra request header, repeatable (Authorization: no signing)"},
    /* The same variable as the tool's, with the proxy's own default. */
    {"--timeout", "AWSCLI_MCP_TIMEOUT_S", OPT_TIMEOUT, IN(MODE_PROXY), "SECONDS",
     "per forwarded request, 1..900 (120)"},
};

/* The groups of --help, in order; an option whose modes are not listed here is not shown. */
static const unsigned usage_groups[] = {TOOL_MODES, HTTP_MODES, IN(MODE_SERVE), IN(MODE_PROXY),
                                        ALL_MODES};

static const char *const mode_names[] = {[MODE_SERVE] = "serve",
                                         [MODE_STDIO] = "stdio",
                                         [MODE_LAMBDA] = "lambda",
                                         [MODE_PROXY] = "proxy"};

const char *config_mode_name(enum mode m)
{
    return (size_t)m < ARRAY_SIZE(mode_names) && mode_names[m] ? mode_names[m] : "";
}

static const char *const engine_names[] = {
    [CONFIG_ENGINE_AUTO] = "auto", [CONFIG_ENGINE_NATIVE] = "native", [CONFIG_ENGINE_CLI] = "cli"};

const char *config_engine_name(enum config_engine x)
{
    return (size_t)x < ARRAY_SIZE(engine_names) ? engine_names[x] : "";
}

/* "serve, stdio and lambda" for a mode mask. */
static void modes_text(unsigned modes, char *out, size_t size)
{
    size_t len = 0, count = 0, done = 0;

    for (size_t m = 0; m < ARRAY_SIZE(mode_names); m++)
        count += mode_names[m] && (modes & IN(m));
    out[0] = '\0';
    for (size_t m = 0; m < ARRAY_SIZE(mode_names) && len < size; m++) {
        if (!mode_names[m] || !(modes & IN(m)))
            continue;
        done++;
        len += (size_t)snprintf(out + len, size - len, "%s%s",
                                done == 1       ? ""
                                : done == count ? " and "
                                                : ", ",
                                mode_names[m]);
    }
}

void config_print_usage(FILE *f)
{
    fputs("usage: awscli-mcp MODE [OPTIONS]\n"
          "\n"
          "An MCP server that runs read-only AWS CLI v2 commands (CloudWatch Logs and Metrics)\n"
          "through one tool, run_aws_cli.\n"
          "\n"
          "Modes:\n"
          "  serve    local Streamable HTTP server on /mcp (default 127.0.0.1:8080)\n"
          "  stdio    MCP over stdin/stdout, for local MCP clients\n"
          "  lambda   AWS Lambda custom runtime behind a Function URL (the default when\n"
          "           AWS_LAMBDA_RUNTIME_API is set)\n"
          "  proxy    stdio MCP server that forwards every message to a remote Streamable HTTP\n"
          "           server (a Function URL with AWS_IAM auth), signed with your AWS credentials\n"
          "\n"
          "Options: each is also an environment variable AWSCLI_MCP_<NAME> (in brackets);\n"
          "flags win. A flag given to a mode it does not apply to is an error.\n",
          f);
    for (size_t k = 0; k < ARRAY_SIZE(usage_groups); k++) {
        char modes[64], left[64];
        bool heading = false;

        for (size_t j = 0; j < ARRAY_SIZE(options); j++) {
            const struct option_def *o = &options[j];
            if (!o->help || o->modes != usage_groups[k])
                continue;
            if (!heading) {
                modes_text(o->modes, modes, sizeof(modes));
                if (o->modes == ALL_MODES)
                    fputs("\nEvery mode:\n", f);
                else
                    fprintf(f, "\n%s %s:\n", strchr(modes, ' ') ? "Modes" : "Mode", modes);
                heading = true;
            }
            if (o->flag)
                snprintf(left, sizeof(left), "%s %s", o->flag, o->arg);
            else
                snprintf(left, sizeof(left), "%s", o->env);
            fprintf(f, "  %-24s %s", left, o->help);
            if (o->flag && o->env)
                fprintf(f, " [%s]", o->env + strlen("AWSCLI_MCP_"));
            else if (!o->flag)
                fputs(" (environment only)", f);
            fputc('\n', f);
        }
    }
    fprintf(f, "  %-24s %s\n  %-24s %s\n", "-h, --help", "this text", "-V, --version",
            "print the version");
}

/*
 * A whole number in lo..hi written as plain decimal digits: no sign, no blanks, no other
 * base (strtol alone would take " 5", "+5" and "0x10").
 */
static bool parse_digits(const char *s, long lo, long hi, long *out)
{
    size_t n = strspn(s, "0123456789");
    char *end;
    long v;

    if (n == 0 || s[n] != '\0' || n > 18)
        return false;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static int parse_long(const char *name, const char *s, long lo, long hi, long *out, struct err *e)
{
    if (!parse_digits(s, lo, hi, out))
        return err_set(e, ERR_INVALID_PARAMS, "%s: '%s' is not a whole number in %ld..%ld", name, s,
                       lo, hi);
    return 0;
}

/* HOST:PORT, [V6]:PORT, or :PORT / PORT alone (host stays the default). */
static int parse_listen(struct config *c, const char *name, const char *s, struct err *e)
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
    if (!parse_digits(port, 1, 65535, &p))
        return err_set(e, ERR_INVALID_PARAMS,
                       "%s: port '%s' is not a whole number in 1..65535 (write HOST:PORT, "
                       "[V6]:PORT or :PORT)",
                       name, port);
    if (hlen >= sizeof(c->listen_host))
        return err_set(e, ERR_INVALID_PARAMS, "%s: host name too long", name);
    if (hlen) {
        memcpy(c->listen_host, host, hlen);
        c->listen_host[hlen] = '\0';
    }
    c->listen_port = (int)p;
    return 0;
}

/*
 * One web origin as browsers send it (RFC 6454): http:// or https://, a host name, an IPv4
 * address or a [bracketed] IPv6 address, an optional port, and nothing else (no path, no
 * trailing slash: the comparison is exact, so such an entry could never match).
 */
static bool valid_origin(const char *s, size_t n)
{
    size_t skip, i;

    if (n > 7 && strncasecmp(s, "http://", 7) == 0)
        skip = 7;
    else if (n > 8 && strncasecmp(s, "https://", 8) == 0)
        skip = 8;
    else
        return false;
    i = skip;
    if (s[i] == '[') {
        const char *close = memchr(s + i, ']', n - i);
        if (!close || close == s + i + 1)
            return false;
        for (const char *q = s + i + 1; q < close; q++)
            if (!isxdigit((unsigned char)*q) && *q != ':' && *q != '.')
                return false;
        i = (size_t)(close - s) + 1;
    } else {
        while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '-' || s[i] == '.' || s[i] == '_'))
            i++;
        if (i == skip)
            return false;
    }
    if (i < n && s[i] == ':') {
        char port[8];
        long p;
        if (n - i - 1 == 0 || n - i - 1 >= sizeof(port))
            return false;
        memcpy(port, s + i + 1, n - i - 1);
        port[n - i - 1] = '\0';
        return parse_digits(port, 1, 65535, &p);
    }
    return i == n;
}

/* A comma-separated list of origins, or "*"; blanks around entries are ignored. */
static int check_origins(const char *name, const char *v, struct err *e)
{
    const char *p = v;

    for (;;) {
        size_t n = strcspn(p, ",");
        const char *s = p;
        size_t len = n;
        while (len && isspace((unsigned char)*s)) {
            s++;
            len--;
        }
        while (len && isspace((unsigned char)s[len - 1]))
            len--;
        if (len && !(len == 1 && *s == '*') && !valid_origin(s, len))
            return err_set(e, ERR_INVALID_PARAMS,
                           "%s: '%.*s' is not an origin: write scheme://host[:port] with no path "
                           "(e.g. https://app.example.com), or * for any",
                           name, (int)(len < 80 ? len : 80), s);
        if (!p[n])
            return 0;
        p += n + 1;
    }
}

static int apply(struct config *c, int id, const char *name, const char *v, struct err *e)
{
    long n = 0;

    switch (id) {
    case OPT_LISTEN:
        return parse_listen(c, name, v, e);
    case OPT_AWS_CLI:
        if (!*v)
            return err_set(e, ERR_INVALID_PARAMS, "%s: must not be empty", name);
        c->aws_cli = v;
        c->aws_cli_from = name;
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
    case OPT_MAX_CLI_MEMORY:
        if (parse_long(name, v, 128, 65536, &n, e) < 0)
            return -1;
        c->max_cli_memory_mb = (int)n;
        return 0;
    case OPT_ALLOW:
    case OPT_DENY:
        if (policy_patterns_check(v, name, e) < 0)
            return -1;
        *(id == OPT_ALLOW ? &c->allow : &c->deny) = v;
        return 0;
    case OPT_ENGINE:
        for (size_t k = 0; k < ARRAY_SIZE(engine_names); k++) {
            if (strcasecmp(v, engine_names[k]) == 0) {
                c->engine = (enum config_engine)k;
                return 0;
            }
        }
        return err_set(e, ERR_INVALID_PARAMS,
                       "%s: '%s' is not auto, native or cli (auto: the native engine where it "
                       "reproduces the AWS CLI exactly, else the CLI)",
                       name, v);
    case OPT_AUDIT:
        if (strcasecmp(v, "on") != 0 && strcasecmp(v, "off") != 0)
            return err_set(e, ERR_INVALID_PARAMS, "%s: '%s' is not on or off", name, v);
        c->audit = strcasecmp(v, "on") == 0;
        return 0;
    case OPT_ORIGINS:
        if (check_origins(name, v, e) < 0)
            return -1;
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
        /* Set but empty is a mistake, not a wish for no authentication. */
        if (!*v)
            return err_set(e, ERR_INVALID_PARAMS,
                           "%s is set but empty: give a token of 16 or more characters, or "
                           "unset the variable to run without one",
                           name);
        if (strlen(v) < 16)
            return err_set(e, ERR_INVALID_PARAMS, "%s: a bearer token needs at least 16 characters",
                           name);
        c->auth_token = v;
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

/*
 * Lambda's application log level (the function's logging configuration) names six levels;
 * TRACE is our DEBUG and FATAL our ERROR. An unknown value is ignored: Lambda validates it.
 */
static void lambda_log_level(struct config *c)
{
    const char *v = getenv("AWS_LAMBDA_LOG_LEVEL");
    enum log_level l;

    if (!v)
        return;
    if (strcasecmp(v, "TRACE") == 0)
        c->log_level = LOG_DEBUG;
    else if (strcasecmp(v, "FATAL") == 0)
        c->log_level = LOG_ERROR;
    else if (strcasecmp(v, "off") != 0 && log_level_parse(v, &l) == 0)
        c->log_level = (int)l;
}

/* proxy --header NAME: VALUE, repeatable. */
static int add_header(struct config *c, const char *val, struct err *e)
{
    const char *colon = strchr(val, ':');

    if (c->n_proxy_headers == CONFIG_MAX_PROXY_HEADERS)
        return err_set(e, ERR_INVALID_PARAMS, "--header: at most %d", CONFIG_MAX_PROXY_HEADERS);
    if (!colon || colon == val || strpbrk(val, "\r\n"))
        return err_set(e, ERR_INVALID_PARAMS, "--header: '%s' is not 'Name: value' on one line",
                       val);
    c->proxy_headers[c->n_proxy_headers++] = val;
    return 0;
}

/* The entry for `flag` (its first alen bytes) in mode m; *elsewhere is set when only others. */
static const struct option_def *find_flag(const char *flag, size_t alen, enum mode m,
                                          const struct option_def **elsewhere)
{
    *elsewhere = NULL;
    for (size_t k = 0; k < ARRAY_SIZE(options); k++) {
        const struct option_def *o = &options[k];
        if (!o->flag || strlen(o->flag) != alen || strncmp(o->flag, flag, alen) != 0)
            continue;
        if (o->modes & IN(m))
            return o;
        *elsewhere = o;
    }
    return NULL;
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
    c->max_cli_memory_mb = CONFIG_DEFAULT_CLI_MEMORY_MB;
    c->max_body_bytes = CAP_HTTP_BODY;
    c->engine = CONFIG_ENGINE_AUTO;
    c->proxy_service = "lambda";
    c->log_level = LOG_INFO;
    c->audit = true;

    if (i < argc && argv[i][0] != '-') {
        const char *m = argv[i++];
        if (strcmp(m, "help") == 0) {
            c->mode = MODE_HELP;
            return 0;
        }
        for (size_t k = 0; k < ARRAY_SIZE(mode_names); k++)
            if (mode_names[k] && strcmp(m, mode_names[k]) == 0)
                c->mode = (enum mode)k;
        if (c->mode == MODE_NONE)
            return err_set(e, ERR_INVALID_PARAMS,
                           "unknown mode '%s' (expected serve, stdio, lambda or proxy)", m);
    } else {
        c->mode = getenv("AWS_LAMBDA_RUNTIME_API") ? MODE_LAMBDA : MODE_HELP;
    }

    for (; i < argc; i++) {
        const char *a = argv[i], *val = NULL, *eq;
        size_t alen;
        const struct option_def *o, *elsewhere;

        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            c->mode = MODE_HELP;
            return 0;
        }
        if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
            c->mode = MODE_VERSION;
            return 0;
        }
        if (c->mode == MODE_HELP)
            return err_set(e, ERR_INVALID_PARAMS,
                           "no mode given: write awscli-mcp serve|stdio|lambda [OPTIONS] "
                           "(see --help)");
        if (a[0] != '-')
            return err_set(e, ERR_INVALID_PARAMS, "unexpected argument '%s' (see --help)", a);
        eq = strchr(a, '=');
        alen = eq ? (size_t)(eq - a) : strlen(a);
        o = find_flag(a, alen, c->mode, &elsewhere);
        if (!o && elsewhere) {
            char modes[64];
            modes_text(elsewhere->modes, modes, sizeof(modes));
            return err_set(e, ERR_INVALID_PARAMS, "%s does not apply to %s (only to %s)",
                           elsewhere->flag, config_mode_name(c->mode), modes);
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
        if (o->id == OPT_HEADER) {
            if (add_header(c, val, e) < 0)
                return -1;
            continue;
        }
        flag_values[o->id] = val;
        flag_names[o->id] = o->flag;
    }
    if (c->mode == MODE_HELP)
        return 0;
    if (c->mode == MODE_PROXY)
        c->timeout_s = CONFIG_DEFAULT_PROXY_TIMEOUT_S;

    for (size_t k = 0; k < ARRAY_SIZE(options); k++) {
        const struct option_def *o = &options[k];
        const char *v = flag_values[o->id], *name = flag_names[o->id];
        if (!(o->modes & IN(c->mode)))
            continue;
        if (!v && o->env) {
            v = getenv(o->env);
            name = o->env;
        }
        if (v && apply(c, o->id, name, v, e) < 0)
            return -1;
        if (v && o->id == OPT_LOG_LEVEL)
            log_level_given = true;
    }
    if (!log_level_given && c->mode == MODE_LAMBDA)
        lambda_log_level(c);
    if (c->mode == MODE_PROXY && !c->proxy_url)
        return err_set(e, ERR_INVALID_PARAMS, "proxy: --url is required");
    return 0;
}
