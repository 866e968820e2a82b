#ifndef AWSCLI_CLI_ENV_H
#define AWSCLI_CLI_ENV_H

/*
 * The environment an AWS CLI child sees: the few variables passed from ours (credentials,
 * region, the operator's profile and files, proxies, locale; cli_env.c lists them and says
 * why), plus HOME, AWS_PAGER and AWS_CLI_AUTO_PROMPT set by us. Built before fork.
 */

#include <stdbool.h>
#include <stddef.h>

#include "common.h"

#define CLI_ENV_MAX 48

/* NULL-terminated "NAME=value" strings in v; owned[i] says v[i] is malloc'd. Zero = empty. */
struct cli_env {
    char *v[CLI_ENV_MAX];
    bool owned[CLI_ENV_MAX];
    size_t n;
};

/*
 * Fills ev (empty) with the passed variables, HOME=home, and the two optional strings
 * config_file_env / creds_file_env (borrowed "NAME=value" strings, NULL = none; see
 * cli_env_home_file). Returns 0, or -1 when out of memory (cli_env_release still needed).
 */
int cli_env_build(struct cli_env *ev, const char *home, char *config_file_env,
                  char *creds_file_env) WUR;
void cli_env_release(struct cli_env *ev);

/*
 * "var=$HOME/.aws/file" (malloc'd) when var is unset and that file is readable, else NULL:
 * the CLI runs with a private HOME and would not find the operator's ~/.aws files otherwise.
 */
char *cli_env_home_file(const char *var, const char *file);

#endif
