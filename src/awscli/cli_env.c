#include "awscli/cli_env.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "common.h"
#include "banned.h"

/*
 * The variables the CLI may see from our own environment. Credentials and region (static
 * keys, the Lambda/ECS container provider, web identity), the operator's choice of profile and
 * config files, CA bundle and proxies (operator settings the caller cannot touch: the policy
 * refuses --profile, --ca-bundle, --endpoint-url), retry tuning, the Lambda trace id, and the
 * locale. Everything else, in particular unrelated secrets such as GITHUB_TOKEN or our own
 * AWSCLI_MCP_AUTH_TOKEN, and PYTHON* variables that could change what the CLI executes, stays
 * out. HOME, AWS_PAGER and AWS_CLI_AUTO_PROMPT are always set by us.
 */
static const char *const env_pass[] = {
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_STS_REGIONAL_ENDPOINTS",
    "AWS_PROFILE",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_CA_BUNDLE",
    "AWS_EC2_METADATA_DISABLED",
    "AWS_MAX_ATTEMPTS",
    "AWS_RETRY_MODE",
    "AWS_USE_FIPS_ENDPOINT",
    "_X_AMZN_TRACE_ID",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "PATH",
    "LANG",
    "LC_ALL",
    "TZ",
};
/* The passed variables, HOME, AWS_PAGER, AWS_CLI_AUTO_PROMPT, two config-file defaults, NULL. */
_Static_assert(ARRAY_SIZE(env_pass) + 6 <= CLI_ENV_MAX, "CLI_ENV_MAX is too small");

char *cli_env_home_file(const char *var, const char *file)
{
    const char *home = getenv("HOME");
    char *path = NULL, *env = NULL;

    if ((getenv(var) && *getenv(var)) || !home || !*home)
        return NULL;
    if (asprintf(&path, "%s/.aws/%s", home, file) < 0)
        return NULL;
    if (access(path, R_OK) == 0 && asprintf(&env, "%s=%s", var, path) < 0)
        env = NULL;
    free(path);
    return env;
}

static int env_add(struct cli_env *ev, const char *name, const char *value)
{
    char *s = NULL;

    if (ev->n + 1 >= CLI_ENV_MAX)
        return -1;
    if (asprintf(&s, "%s=%s", name, value) < 0)
        return -1;
    ev->owned[ev->n] = true;
    ev->v[ev->n++] = s;
    return 0;
}

static int env_add_static(struct cli_env *ev, char *s)
{
    if (ev->n + 1 >= CLI_ENV_MAX)
        return -1;
    ev->owned[ev->n] = false;
    ev->v[ev->n++] = s;
    return 0;
}

void cli_env_release(struct cli_env *ev)
{
    for (size_t i = 0; i < ev->n; i++)
        if (ev->owned[i])
            free(ev->v[i]);
    ev->n = 0;
}

int cli_env_build(struct cli_env *ev, const char *home, char *config_file_env, char *creds_file_env)
{
    static char pager[] = "AWS_PAGER=", prompt[] = "AWS_CLI_AUTO_PROMPT=off";

    /*
     * A variable set to the empty string counts as unset: the CLI would take AWS_PROFILE= as a
     * profile named "" and fail every call ("The config profile () could not be found").
     */
    for (size_t i = 0; i < ARRAY_SIZE(env_pass); i++) {
        const char *v = getenv(env_pass[i]);
        if (v && *v && env_add(ev, env_pass[i], v) < 0)
            return -1;
    }
    if (env_add(ev, "HOME", home) < 0 || env_add_static(ev, pager) < 0 ||
        env_add_static(ev, prompt) < 0)
        return -1;
    if (config_file_env && env_add_static(ev, config_file_env) < 0)
        return -1;
    if (creds_file_env && env_add_static(ev, creds_file_env) < 0)
        return -1;
    ev->v[ev->n] = NULL;
    return 0;
}
