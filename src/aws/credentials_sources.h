#ifndef AWS_CREDENTIALS_SOURCES_H
#define AWS_CREDENTIALS_SOURCES_H

/*
 * The sources of src/aws/credentials that need a child process or the network. Internal to
 * the credentials module. Each returns 0 with *out filled, 1 when the source is not configured
 * or not there (the chain goes on; `why` says why, for the final message), or -1 with e filled
 * when it is configured but failed (the chain stops: the CLI does not fall through either).
 */

#include "aws/credentials.h"

/* Runs a credential_process command line (no shell) and reads its JSON. `what` names the
 * source in messages. */
int creds_from_process(const char *cmdline, const char *what, struct aws_credentials *out,
                       struct err *e) WUR;

/* `aws configure export-credentials [--profile P] --format process` through the AWS CLI. */
int creds_from_cli(const char *aws_cli, const char *profile, struct aws_credentials *out,
                   struct err *e) WUR;

int creds_from_container(struct aws_http_client *h, struct aws_credentials *out, char *why,
                         size_t whylen, struct err *e) WUR;

int creds_from_imds(struct aws_http_client *h, struct aws_credentials *out, char *why,
                    size_t whylen, struct err *e) WUR;

#endif
