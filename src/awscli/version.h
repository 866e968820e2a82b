#ifndef AWSCLI_VERSION_H
#define AWSCLI_VERSION_H

/*
 * Which AWS CLI answered. awscli-mcp needs v2, and the `aws` first on a PATH is sometimes a v1
 * (pip, pyenv). Asking (`aws --version`) costs half a second, at every start and in every
 * Lambda init, so instead a call's failure is recognised: v1 has no --no-cli-pager, which the
 * tool adds to every command, and says so in its usage error
 * ("Unknown options: --no-cli-pager", several options joined with ',' or ', '). No v2 says it.
 */

#include <stdbool.h>
#include <stddef.h>

/* True when a run that exited with exit_code and printed err[0..len) on stderr was a v1's. */
bool awscli_v1_failure(int exit_code, const char *err, size_t len);

#endif
