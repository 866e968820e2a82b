#ifndef AWSCLI_STREAMING_H
#define AWSCLI_STREAMING_H

/*
 * The operations with a streaming body (AWS CLI 2.9.19's models: has_streaming_input/output or
 * an event stream). The CLI reads such a body from a local path given as a parameter, or
 * writes it to a local path given as a positional "outfile", so each one reads or writes local
 * files; the policy refuses them all.
 */

#include <stdbool.h>

/* true when `svc op` (exact, lower case as the CLI spells them) has a streaming body. */
bool cli_op_streams(const char *svc, const char *op);

#endif
