#ifndef AWSCLI_POLICY_H
#define AWSCLI_POLICY_H

/*
 * The policy of run_aws_cli: decides whether the words of one AWS CLI v2 command (as
 * argv_split returns them, without the leading "aws") may run. The rules, the reasons and
 * every bypass considered are in docs/security.md; in short:
 *
 *   1. Refused whatever ALLOW says: the commands configure, history, help, cli-dev; a word
 *      "help" or "-h" anywhere; the word "--"; the options --debug, --endpoint-url, --profile,
 *      --ca-bundle, --no-verify-ssl, --no-sign-request, --cli-input-json, --cli-input-yaml,
 *      --cli-auto-prompt, --unmask, --help and every abbreviation the CLI would accept for
 *      them (Python argparse takes any unambiguous prefix), anywhere in the command; any word
 *      starting with file://, fileb://, http:// or https:// in any case (also after --opt=); an
 * invalid --region; and a fixed list of operations that read or write local files, run other
 * programs or hand out credentials (logs start-live-tail, s3 cp, sts assume-role, ...); every
 * operation policy_ops.h classes as writing local files or running programs; any word that
 * starts with a single '-', except a negative number right after an option.
 *   2. The service and the operation are found the way the CLI finds them: the first two
 *      words that are neither options nor option values. Only the CLI's global options, spelt
 *      out in full, may come before the service or between service and operation.
 *   3. DENY patterns refuse; an operation classed as handing out secrets needs an ALLOW entry
 *      naming it exactly (no wildcard); then the read-only default (logs and cloudwatch
 *      describe-*, list-*, get-*, filter-log-events, start-query, stop-query,
 *      test-metric-filter; logs tail without --follow; sts get-caller-identity) or an ALLOW
 *      pattern must match.
 *
 * A policy is immutable after policy_new, so one policy may serve many threads.
 */

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

struct policy;

/*
 * Builds a policy. allow and deny are NULL or lists of patterns "service:operation-glob"
 * separated by commas and/or whitespace; a glob may use * and ? (e.g. "logs:*",
 * "*:describe-*", "ec2:describe-instances"). ALLOW patterns add to the read-only default,
 * DENY patterns always win over both. Returns 0 with *out set (free with policy_free), or -1
 * with e naming the malformed pattern (code ERR_INVALID_PARAMS) or ERR_INTERNAL when memory ran
 * out.
 */
int policy_new(struct policy **out, const char *allow, const char *deny, struct err *e) WUR;
void policy_free(struct policy *p);

/*
 * Checks a list of patterns as policy_new would, for start-up validation: -1 with e saying
 * "malformed <setting> pattern '...'" (setting is the name the operator wrote, e.g. "--allow"
 * or "AWSCLI_MCP_DENY"), or 0.
 */
int policy_patterns_check(const char *list, const char *setting, struct err *e) WUR;

/*
 * Checks one command: words[0..n) are the CLI words without the leading "aws" (borrowed, not
 * modified). Returns 0 if the command may run; -1 with e->code ERR_INVALID_PARAMS and a message
 * that says why it was refused and what is allowed instead.
 */
int policy_check(const struct policy *p, char *const *words, size_t n, struct err *e) WUR;

/*
 * Where the service and the operation stand in words[0..n) (the global options before them
 * stepped over as policy_check steps over them): 0 with *svc and *op set, or -1 when the words
 * name no operation. Meant for words policy_check accepted.
 */
int policy_command(char *const *words, size_t n, size_t *svc, size_t *op) WUR;

/* True while only the read-only default is in force (no ALLOW patterns): readOnlyHint. */
bool policy_read_only(const struct policy *p);

/*
 * A short summary of what is allowed, for the tool description. Owned by p, valid until
 * policy_free.
 */
const char *policy_summary(const struct policy *p);

#endif
