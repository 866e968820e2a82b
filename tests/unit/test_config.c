/* Flags and AWSCLI_MCP_* variables: defaults, precedence, and one clear line per bad value. */
#include <stdarg.h>
#include <stdlib.h>

#include "check.h"
#include "config.h"
#include "log.h"

/* A writable argv (config_load keeps pointers into it, as into the real argv). */
static char *argv_store[16];
static char **make_argv(const char *first, ...)
{
    va_list ap;
    int n = 0;
    const char *a = first;

    for (int i = 0; argv_store[i]; i++)
        free(argv_store[i]);
    argv_store[n++] = strdup("awscli-mcp");
    va_start(ap, first);
    while (a && n < 15) {
        argv_store[n++] = strdup(a);
        a = va_arg(ap, const char *);
    }
    va_end(ap);
    argv_store[n] = NULL;
    return argv_store;
}
#define ARGV(...) make_argv(__VA_ARGS__, (const char *)NULL)

/* argc is counted from argv, so that the cases cannot get it wrong. */
static int load(struct config *c, char **argv, struct err *e)
{
    int argc = 0;
    while (argv[argc])
        argc++;
    return config_load(c, argc, argv, e);
}

static void expect_error(char **argv, const char *want)
{
    struct config c;
    struct err e = ERR_INIT;
    CHECK_INT(load(&c, argv, &e), -1);
    CHECK_CONTAINS(e.msg, want);
}

/* Every variable a case may set, cleared before each case so that cases stand alone. */
static void clear_env(void)
{
    static const char *const vars[] = {
        "AWS_LAMBDA_RUNTIME_API",      "AWS_LAMBDA_LOG_LEVEL",    "AWSCLI_MCP_TIMEOUT_S",
        "AWSCLI_MCP_MAX_OUTPUT_BYTES", "AWSCLI_MCP_ENDPOINT_URL", "AWSCLI_MCP_AUTH_TOKEN",
        "AWSCLI_MCP_LOG_LEVEL",
    };
    for (size_t i = 0; i < ARRAY_SIZE(vars); i++)
        unsetenv(vars[i]);
}

TEST(serve_defaults)
{
    struct config c;
    struct err e = ERR_INIT;

    clear_env();
    CHECK_INT(load(&c, ARGV("serve"), &e), 0);
    CHECK_INT(c.mode, MODE_SERVE);
    CHECK_STR(c.listen_host, "127.0.0.1");
    CHECK_INT(c.listen_port, 8080);
    CHECK_STR(c.aws_cli, "aws");
    CHECK_INT(c.timeout_s, 60);
    CHECK_INT(c.max_output_bytes, 262144);
    CHECK(c.max_concurrent >= 2);
    CHECK(c.endpoint_url == NULL);
    CHECK(c.auth_token == NULL);
}

TEST(listen_address_forms)
{
    struct config c;
    struct err e = ERR_INIT;

    clear_env();
    CHECK_INT(load(&c, ARGV("serve", "--listen", "[::1]:9000", "--timeout=5"), &e), 0);
    CHECK_STR(c.listen_host, "::1");
    CHECK_INT(c.listen_port, 9000);
    CHECK_INT(c.timeout_s, 5);
    CHECK_INT(load(&c, ARGV("serve", "--listen", ":9001"), &e), 0);
    CHECK_STR(c.listen_host, "127.0.0.1");
    CHECK_INT(c.listen_port, 9001);
}

TEST(environment_read_and_flags_win)
{
    struct config c;
    struct err e = ERR_INIT;

    clear_env();
    setenv("AWSCLI_MCP_TIMEOUT_S", "7", 1);
    setenv("AWSCLI_MCP_MAX_OUTPUT_BYTES", "4096", 1);
    setenv("AWSCLI_MCP_ENDPOINT_URL", "http://127.0.0.1:5000", 1);
    setenv("AWSCLI_MCP_AUTH_TOKEN", "0123456789abcdef0123", 1);
    CHECK_INT(load(&c, ARGV("stdio", "--timeout", "9"), &e), 0);
    CHECK_INT(c.mode, MODE_STDIO);
    CHECK_INT(c.timeout_s, 9);
    CHECK_INT(c.max_output_bytes, 4096);
    CHECK_STR(c.endpoint_url, "http://127.0.0.1:5000");
    CHECK_STR(c.auth_token, "0123456789abcdef0123");
    clear_env();
}

TEST(bad_environment_values_name_the_variable)
{
    clear_env();
    setenv("AWSCLI_MCP_TIMEOUT_S", "zero", 1);
    expect_error(ARGV("stdio"), "AWSCLI_MCP_TIMEOUT_S: 'zero' is not a whole number in 1..900");
    clear_env();
    setenv("AWSCLI_MCP_AUTH_TOKEN", "short", 1);
    expect_error(ARGV("stdio"), "AWSCLI_MCP_AUTH_TOKEN: a bearer token needs at least 16");
    clear_env();
    setenv("AWSCLI_MCP_LOG_LEVEL", "chatty", 1);
    expect_error(ARGV("stdio"), "AWSCLI_MCP_LOG_LEVEL: 'chatty' is not one of");
    clear_env();
    setenv("AWSCLI_MCP_ENDPOINT_URL", "ftp://x", 1);
    expect_error(ARGV("stdio"), "is not an http:// or https:// URL");
    clear_env();
}

TEST(bad_flags_get_one_clear_line)
{
    clear_env();
    expect_error(ARGV("fly"), "unknown mode 'fly'");
    expect_error(ARGV("serve", "--nope"), "unknown option '--nope'");
    expect_error(ARGV("serve", "--listen"), "--listen needs a value");
    expect_error(ARGV("serve", "--listen", "127.0.0.1:99999"), "port");
    expect_error(ARGV("serve", "--timeout", "901"), "--timeout: '901' is not a whole number");
    expect_error(ARGV("serve", "--max-output-bytes", "12x"), "'12x'");
    expect_error(ARGV("proxy"), "--url is required");
}

TEST(help_and_version_modes)
{
    struct config c;
    struct err e = ERR_INIT;

    clear_env();
    CHECK_INT(load(&c, ARGV("serve", "--help"), &e), 0);
    CHECK_INT(c.mode, MODE_HELP);
    CHECK_INT(load(&c, ARGV("-V"), &e), 0);
    CHECK_INT(c.mode, MODE_VERSION);
}

/* Lambda's log level is the default; ours, when given, wins. */
TEST(lambda_log_level_is_only_the_default)
{
    struct config c;
    struct err e = ERR_INIT;

    clear_env();
    setenv("AWS_LAMBDA_LOG_LEVEL", "DEBUG", 1);
    CHECK_INT(load(&c, ARGV("stdio"), &e), 0);
    CHECK_INT(c.log_level, LOG_DEBUG);
    CHECK_INT(load(&c, ARGV("stdio", "--log-level", "info"), &e), 0);
    CHECK_INT(c.log_level, LOG_INFO); /* although it is the default */
    clear_env();
}

/* No mode: Lambda when the Runtime API is there (the image's entrypoint), else help. */
TEST(no_mode_means_lambda_only_under_the_runtime_api)
{
    struct config c;
    struct err e = ERR_INIT;
    char **a = make_argv(NULL);

    clear_env();
    CHECK_INT(load(&c, a, &e), 0);
    CHECK_INT(c.mode, MODE_HELP);
    setenv("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001", 1);
    CHECK_INT(load(&c, a, &e), 0);
    CHECK_INT(c.mode, MODE_LAMBDA);
    clear_env();
}

int main(int argc, char **argv)
{
    int rc = check_main(argc, argv);

    make_argv(NULL);
    free(argv_store[0]);
    return rc;
}
