#ifndef AWS_CREDENTIALS_H
#define AWS_CREDENTIALS_H

/*
 * AWS credentials from the sources the AWS CLI uses, in its order (botocore
 * create_credential_resolver):
 *
 *   1. environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (or the older
 *      AWS_SECURITY_TOKEN), AWS_CREDENTIAL_EXPIRATION; skipped when a profile is given
 *      explicitly (options.profile), as the CLI skips it for --profile. One key without the
 *      other is an error, not a fall-through.
 *   2. the profile (options.profile, else AWS_PROFILE, else "default") in the shared files
 *      (AWS_SHARED_CREDENTIALS_FILE, default ~/.aws/credentials; AWS_CONFIG_FILE, default
 *      ~/.aws/config):
 *        - a profile the CLI resolves with a service call (role_arn, web_identity_token_file,
 *          sso_session / sso_start_url, login_session), and AWS_ROLE_ARN with
 *          AWS_WEB_IDENTITY_TOKEN_FILE in the environment, are handed to the installed AWS CLI:
 *          `aws configure export-credentials --profile P --format process`;
 *        - static keys in the credentials file;
 *        - credential_process in the config file (run without a shell, its JSON read as the
 *          CLI reads it: Version 1, AccessKeyId, SecretAccessKey, SessionToken, Expiration);
 *        - static keys in the config file.
 *      A profile named explicitly (options or AWS_PROFILE) that exists in neither file is an
 *      error; a missing "default" just falls through.
 *   3. container credentials: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (on 169.254.170.2) or
 *      _FULL_URI (https anywhere; http only to a loopback address or the ECS / EKS Pod
 *      Identity hosts), with the Authorization header from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE
 *      or AWS_CONTAINER_AUTHORIZATION_TOKEN; 2 s timeout, 3 attempts, as the CLI.
 *   4. EC2 instance metadata (IMDSv2: a PUT token, then the role and its credentials; IMDSv1
 *      only if the token call is not supported), unless AWS_EC2_METADATA_DISABLED=true;
 *      endpoint AWS_EC2_METADATA_SERVICE_ENDPOINT (or _MODE=IPv6), timeout
 *      AWS_METADATA_SERVICE_TIMEOUT (1 s) and AWS_METADATA_SERVICE_NUM_ATTEMPTS (1).
 *
 * Expiring credentials are refreshed before they expire, with botocore's two windows: within
 * 15 minutes of expiry (advisory) one caller refreshes while the others go on with the current
 * credentials, and a failed refresh keeps them; within 10 minutes (mandatory) every caller
 * waits for the one refresh, and a failure is an error. Refreshed credentials that are still
 * inside the mandatory window are reported as expired.
 *
 * Thread-safety: one provider serves any number of threads; aws_credentials_get copies.
 */

#include <stdbool.h>
#include <time.h>

#include "aws/http.h"
#include "err.h"

#define AWS_CREDS_ADVISORY_S  (15 * 60)
#define AWS_CREDS_MANDATORY_S (10 * 60)

/* One set of credentials; every string owned (aws_credentials_release frees them). */
struct aws_credentials {
    char *access_key_id;
    char *secret_access_key;
    char *session_token; /* NULL = none */
    time_t expiration;   /* 0 = does not expire */
    const char *source;  /* static string: "environment", "profile", "credential_process",
                            "aws configure export-credentials", "container", "imds" */
};
void aws_credentials_release(struct aws_credentials *c);
/* The borrowed view the signer takes. */
struct sigv4_credentials aws_credentials_view(const struct aws_credentials *c);

struct aws_credentials_options {
    const char *profile; /* explicit profile (--profile); NULL = AWS_PROFILE or "default" */
    const char *aws_cli; /* the AWS CLI v2 for export-credentials; NULL = "aws" in PATH */
    struct aws_http_client *http; /* borrowed; for container and IMDS (NULL = own client) */
    /* Test hook: the clock (seconds); NULL = time(NULL). */
    time_t (*now)(void *arg);
    void *now_arg;
};

struct aws_credentials_provider;

/* A new provider (*out); nothing is resolved until the first aws_credentials_get. */
int aws_credentials_provider_new(const struct aws_credentials_options *o,
                                 struct aws_credentials_provider **out, struct err *e) WUR;
void aws_credentials_provider_free(struct aws_credentials_provider *p);

/*
 * Current credentials, refreshed as described above, copied into *out (caller releases).
 * Errors (ERR_INVALID_PARAMS for configuration mistakes, ERR_INTERNAL otherwise) say which
 * source failed and why: "no AWS credentials found (tried ...)", "credential_process ...
 * returned credentials that expired at ...", "the config profile (P) could not be found".
 */
int aws_credentials_get(struct aws_credentials_provider *p, struct aws_credentials *out,
                        struct err *e) WUR;

/* How many times the chain has been resolved (for tests of the refresh rules). */
unsigned aws_credentials_resolve_count(struct aws_credentials_provider *p);

/* ISO 8601 UTC ("2026-12-02T05:00:00Z", fractions and "+00:00" allowed) to time_t; -1 bad. */
time_t aws_parse_iso8601(const char *s);

#endif
