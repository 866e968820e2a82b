/*
 * Flags and AWSCLI_MCP_* variables: defaults, precedence, one clear line per bad value that
 * names the setting as written, and flags that belong to other modes.
 */
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

/* Every case starts from an environment without our variables. */
static void clean_env(void)
{
    static const char *const vars[] = {"AWS_LAMBDA_RUNTIME_API",
                                       "AWS_LAMBDA_LOG_LEVEL",
                                       "AWSCLI_MCP_LISTEN",
                                       "AWSCLI_MCP_AWS_CLI",
                                       "AWSCLI_MCP_ENDPOINT_URL",
                                       "AWSCLI_MCP_TIMEOUT_S",
                                       "AWSCLI_MCP_MAX_OUTPUT_BYTES",
                                       "AWSCLI_MCP_MAX_CONCURRENT",
                                       "AWSCLI_MCP_ALLOW",
                                       "AWSCLI_MCP_DENY",
                                       "AWSCLI_MCP_ALLOWED_ORIGINS",
                                       "AWSCLI_MCP_MAX_BODY_BYTES",
                                       "AWSCLI_MCP_LOG_LEVEL",
                                       "AWSCLI_MCP_AUTH_TOKEN",
                                       "AWSCLI_MCP_AUDIT",
                                       "AWSCLI_MCP_ENGINE"};
    for (size_t i = 0; i < ARRAY_SIZE(vars); i++)
        unsetenv(vars[i]);
}

TEST(defaults)
{
    struct config c;
    struct err e = ERR_INIT;

    clean_env();
    CHECK_INT(load(&c, ARGV("serve"), &e), 0);
    CHECK_INT(c.mode, MODE_SERVE);
    CHECK_STR(c.listen_host, "127.0.0.1");
    CHECK_INT(c.listen_port, 8080);
    CHECK_STR(c.aws_cli, "aws");
    CHECK(c.aws_cli_from == NULL);
    CHECK_INT(c.timeout_s, 60);
    CHECK_INT(c.max_output_bytes, 262144);
    CHECK(c.max_concurrent >= 2);
    CHECK(c.endpoint_url == NULL);
    CHECK(c.auth_token == NULL);
    CHECK(c.audit);
    CHECK_INT(c.log_level, LOG_INFO);
}

TEST(listen_forms)
{
    struct config c;
    struct err e = ERR_INIT;

    clean_env();
    CHECK_INT(load(&c, ARGV("serve", "--listen", "[::1]:9000", "--timeout=5"), &e), 0);
    CHECK_STR(c.listen_host, "::1");
    CHECK_INT(c.listen_port, 9000);
    CHECK_INT(c.timeout_s, 5);
    CHECK_INT(load(&c, ARGV("serve", "--listen", ":9001"), &e), 0);
    CHECK_STR(c.listen_host, "127.0.0.1");
    CHECK_INT(c.listen_port, 9001);
}

TEST(environment_and_precedence)
{
    struct config c;
    struct err e = ERR_INIT;

    clean_env();
    setenv("AWSCLI_MCP_TIMEOUT_S", "7", 1);
    setenv("AWSCLI_MCP_MAX_OUTPUT_BYTES", "4096", 1);
    setenv("AWSCLI_MCP_ENDPOINT_URL", "http://127.0.0.1:5000", 1);
    setenv("AWSCLI_MCP_AUTH_TOKEN", "0123456789abcdef0123", 1);
    setenv("AWSCLI_MCP_AWS_CLI", "/usr/bin/aws", 1);
    CHECK_INT(load(&c, ARGV("serve", "--timeout", "9"), &e), 0);
    CHECK_INT(c.timeout_s, 9);
    CHECK_INT(c.max_output_bytes, 4096);
    CHECK_STR(c.endpoint_url, "http://127.0.0.1:5000");
    CHECK_STR(c.auth_token, "0123456789abcdef0123");
    CHECK_STR(c.aws_cli_from, "AWSCLI_MCP_AWS_CLI");
    CHECK_INT(load(&c, ARGV("serve", "--aws-cli", "/opt/aws"), &e), 0);
    CHECK_STR(c.aws_cli, "/opt/aws");
    CHECK_STR(c.aws_cli_from, "--aws-cli");
    clean_env();
}

TEST(bad_values)
{
    clean_env();
    setenv("AWSCLI_MCP_TIMEOUT_S", "zero", 1);
    expect_error(ARGV("stdio"), "AWSCLI_MCP_TIMEOUT_S: 'zero' is not a whole number in 1..900");
    clean_env();
    setenv("AWSCLI_MCP_AUTH_TOKEN", "short", 1);
    expect_error(ARGV("serve"), "AWSCLI_MCP_AUTH_TOKEN: a bearer token needs at least 16");
    clean_env();
    setenv("AWSCLI_MCP_LOG_LEVEL", "chatty", 1);
    expect_error(ARGV("stdio"), "AWSCLI_MCP_LOG_LEVEL: 'chatty' is not one of");
    clean_env();
    setenv("AWSCLI_MCP_ENDPOINT_URL", "ftp://x", 1);
    expect_error(ARGV("stdio"), "is not an http:// or https:// URL");
    clean_env();
    expect_error(ARGV("fly"), "unknown mode 'fly'");
    expect_error(ARGV("serve", "--nope"), "unknown option '--nope'");
    expect_error(ARGV("serve", "--listen"), "--listen needs a value");
    expect_error(ARGV("serve", "--listen", "127.0.0.1:99999"), "port");
    expect_error(ARGV("serve", "--timeout", "901"), "--timeout: '901' is not a whole number");
    expect_error(ARGV("serve", "--max-output-bytes", "12x"), "'12x'");
    expect_error(ARGV("proxy"), "--url is required");
}

/* Issue 8, item 2: a set-but-empty token is a mistake, not "no authentication". */
TEST(empty_token_stops)
{
    clean_env();
    setenv("AWSCLI_MCP_AUTH_TOKEN", "", 1);
    expect_error(ARGV("serve"), "AWSCLI_MCP_AUTH_TOKEN is set but empty");
    expect_error(ARGV("lambda"), "AWSCLI_MCP_AUTH_TOKEN is set but empty");
    clean_env();
}

/* Issue 8, item 6: each error names the setting the way the user wrote it. */
TEST(errors_name_the_spelling_used)
{
    clean_env();
    setenv("AWSCLI_MCP_LISTEN", "foo", 1);
    expect_error(ARGV("serve"), "AWSCLI_MCP_LISTEN: port 'foo'");
    clean_env();
    expect_error(ARGV("serve", "--listen", "foo"), "--listen: port 'foo'");
    expect_error(ARGV("stdio", "--allow", "X"), "malformed --allow pattern 'X'");
    setenv("AWSCLI_MCP_ALLOW", "X", 1);
    expect_error(ARGV("stdio"), "malformed AWSCLI_MCP_ALLOW pattern 'X'");
    clean_env();
    setenv("AWSCLI_MCP_DENY", "logs", 1);
    expect_error(ARGV("stdio"), "malformed AWSCLI_MCP_DENY pattern 'logs'");
    clean_env();
}

/* Issue 8, item 7: numbers are plain digits; origins are origins. */
TEST(loose_values_refused)
{
    static const char *const numbers[] = {" 5", "+5", "5 ", "0x10", "-5", "", "5.0"};
    static const char *const origins[] = {"not a url",  "https://x/", "http://",     "null",
                                          "ftp://x",    "http://a:0", "http://[::1", "*x",
                                          "http://a b", "https://a,b"};
    static const char *const good[] = {"*", "https://app.example.com",
                                       "http://[::1]:3000, https://a.example.com:8443", ""};
    struct config c;
    struct err e = ERR_INIT;

    clean_env();
    for (size_t i = 0; i < ARRAY_SIZE(numbers); i++) {
        setenv("AWSCLI_MCP_TIMEOUT_S", numbers[i], 1);
        expect_error(ARGV("stdio"), "AWSCLI_MCP_TIMEOUT_S:");
    }
    clean_env();
    for (size_t i = 0; i < ARRAY_SIZE(origins); i++)
        expect_error(ARGV("serve", "--allowed-origins", origins[i]), "is not an origin");
    for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
        e = (struct err)ERR_INIT;
        CHECK_INT(load(&c, ARGV("serve", "--allowed-origins", good[i]), &e), 0);
        CHECK_STR(e.msg, "");
    }
}

/* Issue 8, item 8: a flag that does nothing in the mode is an error, not silence. */
TEST(flags_belong_to_modes)
{
    struct config c;
    struct err e = ERR_INIT;

    clean_env();
    expect_error(ARGV("serve", "--profile", "x"),
                 "--profile does not apply to serve (only to proxy)");
    expect_error(ARGV("stdio", "--url", "https://x"), "--url does not apply to stdio");
    expect_error(ARGV("serve", "--region", "eu-west-1"), "--region does not apply to serve");
    expect_error(ARGV("lambda", "--service", "lambda"), "--service does not apply to lambda");
    expect_error(ARGV("stdio", "--listen", ":9000"),
                 "--listen does not apply to stdio (only to serve)");
    expect_error(ARGV("stdio", "--allowed-origins", "*"),
                 "--allowed-origins does not apply to stdio");
    expect_error(ARGV("proxy", "--url", "https://x", "--allow", "logs:*"),
                 "--allow does not apply to proxy");
    expect_error(ARGV("--listen", ":9000"), "no mode given");
    CHECK_INT(
        load(&c, ARGV("proxy", "--url", "https://x", "--profile", "p", "--log-level", "warn"), &e),
        0);
    CHECK_STR(c.proxy_profile, "p");
    CHECK_INT(c.log_level, LOG_WARN);
    /* An environment variable of another mode is ignored: one environment serves many. */
    setenv("AWSCLI_MCP_LISTEN", "not-a-port", 1);
    CHECK_INT(load(&c, ARGV("stdio"), &e), 0);
    clean_env();
}

/* Issue 8, item 9: exactly the documented levels; Lambda's own only in lambda mode. */
TEST(log_levels)
{
    struct config c;
    struct err e = ERR_INIT;

    clean_env();
    expect_error(ARGV("stdio", "--log-level", "trace"), "--log-level: 'trace' is not one of");
    expect_error(ARGV("stdio", "--log-level", "fatal"), "'fatal' is not one of");
    CHECK_INT(load(&c, ARGV("stdio", "--log-level", "WARN"), &e), 0);
    CHECK_INT(c.log_level, LOG_WARN);
    setenv("AWS_LAMBDA_LOG_LEVEL", "DEBUG", 1);
    CHECK_INT(load(&c, ARGV("stdio"), &e), 0);
    CHECK_INT(c.log_level, LOG_INFO); /* not Lambda: Lambda's variable means nothing here */
    CHECK_INT(load(&c, ARGV("lambda"), &e), 0);
    CHECK_INT(c.log_level, LOG_DEBUG);
    CHECK_INT(load(&c, ARGV("lambda", "--log-level", "info"), &e), 0);
    CHECK_INT(c.log_level, LOG_INFO); /* ours wins, although it is the default */
    setenv("AWS_LAMBDA_LOG_LEVEL", "TRACE", 1);
    CHECK_INT(load(&c, ARGV("lambda"), &e), 0);
    CHECK_INT(c.log_level, LOG_DEBUG);
    setenv("AWS_LAMBDA_LOG_LEVEL", "FATAL", 1);
    CHECK_INT(load(&c, ARGV("lambda"), &e), 0);
    CHECK_INT(c.log_level, LOG_ERROR);
    clean_env();
}

/* Issue 8, item 4: audit lines can be turned off explicitly, and only that way. */
TEST(audit_setting)
{
    struct config c;
    struct err e = ERR_INIT;

    clean_env();
    CHECK_INT(load(&c, ARGV("stdio", "--audit", "off"), &e), 0);
    CHECK(!c.audit);
    setenv("AWSCLI_MCP_AUDIT", "OFF", 1);
    CHECK_INT(load(&c, ARGV("stdio", "--audit", "on"), &e), 0);
    CHECK(c.audit);
    unsetenv("AWSCLI_MCP_AUDIT");
    CHECK_INT(load(&c, ARGV("stdio", "--log-level", "off"), &e), 0);
    CHECK(c.audit); /* the log level does not silence audit lines */
    setenv("AWSCLI_MCP_AUDIT", "no", 1);
    expect_error(ARGV("stdio"), "AWSCLI_MCP_AUDIT: 'no' is not on or off");
    clean_env();
}

/* Issue 13, item 7: --engine / AWSCLI_MCP_ENGINE, auto by default, in the tool modes only. */
TEST(engine_setting)
{
    struct config c;
    struct err e = ERR_INIT;

    clean_env();
    CHECK_INT(load(&c, ARGV("stdio"), &e), 0);
    CHECK_INT(c.engine, CONFIG_ENGINE_AUTO);
    CHECK_STR(config_engine_name(c.engine), "auto");
    CHECK_INT(load(&c, ARGV("serve", "--engine", "native"), &e), 0);
    CHECK_INT(c.engine, CONFIG_ENGINE_NATIVE);
    CHECK_INT(load(&c, ARGV("lambda", "--engine=CLI"), &e), 0);
    CHECK_INT(c.engine, CONFIG_ENGINE_CLI);
    CHECK_STR(config_engine_name(c.engine), "cli");
    setenv("AWSCLI_MCP_ENGINE", "native", 1);
    CHECK_INT(load(&c, ARGV("stdio"), &e), 0);
    CHECK_INT(c.engine, CONFIG_ENGINE_NATIVE);
    CHECK_INT(load(&c, ARGV("stdio", "--engine", "auto"), &e), 0);
    CHECK_INT(c.engine, CONFIG_ENGINE_AUTO); /* the flag wins */
    setenv("AWSCLI_MCP_ENGINE", "python", 1);
    expect_error(ARGV("stdio"), "AWSCLI_MCP_ENGINE: 'python' is not auto, native or cli");
    setenv("AWSCLI_MCP_ENGINE", "", 1);
    expect_error(ARGV("stdio"), "AWSCLI_MCP_ENGINE: '' is not auto, native or cli");
    unsetenv("AWSCLI_MCP_ENGINE");
    expect_error(ARGV("serve", "--engine", "nativ"),
                 "--engine: 'nativ' is not auto, native or cli");
    expect_error(ARGV("proxy", "--url", "https://x", "--engine", "cli"),
                 "--engine does not apply to proxy (only to serve, stdio and lambda)");
    /* The proxy ignores the variable, as it ignores the tool's other variables. */
    setenv("AWSCLI_MCP_ENGINE", "bogus", 1);
    CHECK_INT(load(&c, ARGV("proxy", "--url", "https://x"), &e), 0);
    clean_env();
}

TEST(help_version_and_default_mode)
{
    struct config c;
    struct err e = ERR_INIT;

    clean_env();
    CHECK_INT(load(&c, ARGV("serve", "--help"), &e), 0);
    CHECK_INT(c.mode, MODE_HELP);
    CHECK_INT(load(&c, ARGV("-V"), &e), 0);
    CHECK_INT(c.mode, MODE_VERSION);
    /* No mode: Lambda when the Runtime API is there (the image's entrypoint), else help. */
    CHECK_INT(load(&c, make_argv(NULL), &e), 0);
    CHECK_INT(c.mode, MODE_HELP);
    setenv("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001", 1);
    CHECK_INT(load(&c, make_argv(NULL), &e), 0);
    CHECK_INT(c.mode, MODE_LAMBDA);
    CHECK_INT(load(&c, ARGV("--timeout", "5"), &e), 0);
    CHECK_INT(c.timeout_s, 5);
    clean_env();
}

/* --help shows each option under the modes it belongs to. */
TEST(usage_groups_options_by_mode)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    config_print_usage(f);
    fclose(f);
    CHECK_CONTAINS(text, "\nMode serve:\n  --listen HOST:PORT");
    CHECK_CONTAINS(text, "\nModes serve, stdio and lambda:\n  --aws-cli PATH");
    CHECK_CONTAINS(text, "[AUDIT]");
    CHECK_CONTAINS(text, "  --engine auto|native|cli auto = native engine where exact, else the "
                         "CLI (auto) [ENGINE]");
    CHECK_CONTAINS(text, "Modes serve and lambda:\n  --allowed-origins LIST");
    CHECK_CONTAINS(text, "AWSCLI_MCP_AUTH_TOKEN    bearer token");
    CHECK_CONTAINS(text, "Every mode:\n  --log-level LEVEL");
    free(text);
}

int main(int argc, char **argv)
{
    int rc = check_main(argc, argv);

    make_argv(NULL);
    free(argv_store[0]);
    return rc;
}
