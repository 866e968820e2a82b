/*
 * The policy against an attacker's review (issue 9): the generated operation classes (file
 * writers and program runners refused whatever ALLOW says, secret hand-outs only through an
 * exact ALLOW entry), every hard rule under ALLOW "*:*", short options, and logs tail.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "awscli/argv.h"
#include "awscli/policy.h"
#include "awscli/policy_ops.h"
#include "check.h"

#include "banned.h"

/* 0 when allowed, else -1 with e filled; a tokenizer refusal fails the check. */
static int check_cmd(const struct policy *p, const char *cmd, struct err *e)
{
    struct argv_words w = ARGV_WORDS_INIT;
    int rc = argv_split(cmd, &w, e);

    CHECK_INT(rc, 0);
    if (rc == 0)
        rc = policy_check(p, w.v, w.n, e);
    argv_words_release(&w);
    return rc;
}

static void expect(const struct policy *p, const char *cmd, const char *refusal)
{
    struct err e = ERR_INIT;
    int rc = check_cmd(p, cmd, &e);

    if (!refusal) {
        if (rc != 0)
            fprintf(stderr, "(%s): refused: %s\n", cmd, e.msg);
        CHECK_INT(rc, 0);
        return;
    }
    if (rc == 0)
        fprintf(stderr, "(%s): allowed but must be refused\n", cmd);
    CHECK_INT(rc, -1);
    CHECK_CONTAINS(e.msg, refusal);
    CHECK(strlen(e.msg) < sizeof(e.msg) - 1);
}

/* Issue 9 items 2, 3 and 5 (and emr create-default-roles): refused under ALLOW "*:*". */
static const char *const wide_refused[] = {
    "iot create-keys-and-certificate --private-key-outfile /tmp/k",
    "iot create-keys-and-certificate --private-key-o /tmp/k",
    "iot create-keys-and-certificate --set-as-active --certificate-pem-outfile /tmp/c",
    "iot create-certificate-from-csr --certificate-signing-request x --certificate-pem-outfile c",
    "iam create-virtual-mfa-device --virtual-mfa-device-name m --outfile /tmp/seed "
    "--bootstrap-method Base32StringSeed",
    "emr create-default-roles",
    "ssm get-parameter --name p --with-decryption",
    "ssm get-parameters-by-path --path / --with-decryption",
    "lambda get-function-configuration --function-name f",
    "lambda get-function --function-name f",
    "apigateway get-api-keys --include-values",
    "appsync list-api-keys --api-id a",
    "glue get-connections",
    "ivs get-stream-key --arn a",
    "snowball get-job-unlock-code --job-id j",
    "ec2 get-launch-template-data --instance-id i-1",
    "ec2 describe-instance-attribute --instance-id i-1 --attribute userData",
    "logs describe-log-groups -hh",
    "logs describe-log-groups -h",
    "logs -hh describe-log-groups",
    "logs describe-log-groups --limit 5 -p",
    "logs filter-log-events --log-group-name g -abc",
};

TEST(wide_allow_refuses_writers_secrets_and_short_options)
{
    struct policy *p = NULL;
    struct err e = ERR_INIT;
    const char *patterns[] = {"*:*", "*:get-* *:list-* *:describe-* *:create-*"};

    for (size_t k = 0; k < ARRAY_SIZE(patterns); k++) {
        CHECK_INT(policy_new(&p, patterns[k], NULL, &e), 0);
        for (size_t i = 0; i < ARRAY_SIZE(wide_refused); i++)
            expect(p, wide_refused[i], "");
        policy_free(p);
    }
}

/* A secret hand-out runs when the operator names it exactly, and only then. */
TEST(secret_only_through_exact_allow)
{
    struct policy *p = NULL;
    struct err e = ERR_INIT;

    CHECK_INT(policy_new(&p, "lambda:get-function-configuration", NULL, &e), 0);
    expect(p, "lambda get-function-configuration --function-name f", NULL);
    expect(p, "lambda get-function --function-name f", "not allowed");
    policy_free(p);

    CHECK_INT(policy_new(&p, "lambda:get-function-*", NULL, &e), 0);
    expect(p, "lambda get-function-configuration --function-name f", "--allow lambda:get-");
    policy_free(p);

    CHECK_INT(policy_new(&p, "ssm:get-parameter", "ssm:get-parameter", &e), 0);
    expect(p, "ssm get-parameter --name p --with-decryption", "deny pattern");
    policy_free(p);
}

/* Every generated entry holds under "*:*"; secrets open by name; writers never. */
TEST(every_generated_class)
{
    struct policy *wide = NULL, *exact = NULL;
    struct err e = ERR_INIT;
    char cmd[256], allow[160];

    CHECK(policy_ops_count > 900);
    CHECK_INT(policy_new(&wide, "*:*", NULL, &e), 0);
    for (size_t i = 0; i < policy_ops_count; i++) {
        const struct policy_op *o = &policy_ops[i];
        const char *op = strcmp(o->op, "*") == 0 ? "list" : o->op;

        bool hard;

        snprintf(cmd, sizeof(cmd), "%s %s", o->svc, op);
        e = (struct err)ERR_INIT;
        CHECK_INT(check_cmd(wide, cmd, &e), -1);
        /* A secret hand-out may also be a hard rule (sts, ecr, secretsmanager ...). */
        hard = strstr(e.msg, "never allowed") != NULL;
        if (o->cls != OP_SECRET || !hard)
            CHECK_CONTAINS(e.msg, o->cls == OP_SECRET ? "only by name" : "never allowed");
        snprintf(allow, sizeof(allow), "%s:%s", o->svc, op);
        CHECK_INT(policy_new(&exact, allow, NULL, &e), 0);
        expect(exact, cmd, o->cls == OP_SECRET && !hard ? NULL : "never allowed");
        policy_free(exact);
    }
    policy_free(wide);
}

/*
 * The hard rules, written out here on purpose (not read from the table): deleting a rule from
 * policy.c must fail this test.
 */
static const char *const hard_commands[] = {
    "configure list",
    "history list",
    "help list",
    "cli-dev list",
    "logs start-live-tail",
    "logs get-log-object",
    "s3 cp",
    "s3 mv",
    "s3 sync",
    "s3 presign",
    "cloudformation package",
    "cloudformation deploy",
    "cloudfront sign",
    "codeartifact login",
    "codecommit credential-helper",
    "deploy push",
    "deploy install",
    "deploy uninstall",
    "deploy register",
    "deploy deregister",
    "ec2 get-password-data",
    "ecs execute-command",
    "ecs deploy",
    "eks update-kubeconfig",
    "eks get-token",
    "emr ssh",
    "emr socks",
    "emr get",
    "emr put",
    "gamelift upload-build",
    "gamelift get-game-session-log",
    "lightsail push-container-image",
    "opsworks register",
    "servicecatalog generate",
    "ssm start-session",
    "sso login",
    "sso logout",
    "ec2 wizard",
    "sts assume-role",
    "sts assume-root",
    "sts get-session-token",
    "sts get-federation-token",
    "sts get-delegated-access-token",
    "sts get-web-identity-token",
    "ecr get-login",
    "ecr get-authorization-token",
    "ecr-public get-login",
    "ecr-public get-authorization-token",
    "codeartifact get-authorization-token",
    "rds generate-db-auth-token",
    "dsql generate-db-connect",
    "redshift get-cluster-credentials",
    "redshift-serverless get-credentials",
    "sso get-role-credentials",
    "cognito-identity get-credentials-for-identity",
    "cognito-identity get-open-id-token",
    "connect get-federation-token",
    "gamelift get-instance-access",
    "gamelift get-compute-access",
    "gamelift request-upload-credentials",
    "lightsail get-instance-access-details",
    "lightsail get-relational-database-master-user-password",
    "lightsail download-default-key-pair",
    "ec2 create-key-pair",
    "iam create-access-key",
    "sso-oidc create-token",
    "secretsmanager get-secret-value",
    "secretsmanager batch-get-secret-value",
};

/* Every hard rule refuses under "*:*" (a concrete name made from each glob). */
TEST(every_hard_rule_under_allow_all)
{
    struct policy *p = NULL;
    struct err e = ERR_INIT;
    const char *svc, *op;
    size_t i = 0;

    CHECK_INT(policy_new(&p, "*:*", NULL, &e), 0);
    for (; i < policy_hard_rules_count; i++) {
        char s[64], o[80], cmd[160];
        size_t k = 0;

        svc = policy_hard_rules[i].svc;
        op = policy_hard_rules[i].op;
        snprintf(s, sizeof(s), "%s", strcmp(svc, "*") == 0 ? "ec2" : svc);
        for (const char *c = strcmp(op, "*") == 0 ? "list" : op; *c && k + 1 < sizeof(o); c++)
            if (*c != '*')
                o[k++] = *c == '?' ? 'a' : *c;
        o[k] = '\0';
        snprintf(cmd, sizeof(cmd), "%s %s", s, o);
        /* The word "help" is refused wherever it stands, before any rule. */
        expect(p, cmd, strcmp(svc, "help") == 0 ? "'help' is not available" : "never allowed");
    }
    CHECK(i > 60);
    CHECK_INT((long long)i, (long long)ARRAY_SIZE(hard_commands));
    for (i = 0; i < ARRAY_SIZE(hard_commands); i++)
        expect(p, hard_commands[i],
               strncmp(hard_commands[i], "help ", 5) == 0 ? "'help' is not available"
                                                          : "never allowed");
    policy_free(p);
}

TEST(short_options)
{
    struct policy *p = NULL;
    struct err e = ERR_INIT;

    CHECK_INT(policy_new(&p, NULL, NULL, &e), 0);
    expect(p, "logs describe-log-groups -hh", "single '-'");
    expect(p, "logs describe-log-groups --limit=-5", NULL);
    expect(p, "logs describe-log-groups --limit -5", NULL);
    expect(p, "logs describe-log-groups --limit -0.5", NULL);
    expect(p, "logs describe-log-groups -5", "single '-'");
    expect(p, "logs describe-log-groups --limit -5x", "single '-'");
    expect(p, "logs describe-log-groups --limit=1 -5", "single '-'");
    expect(p, "logs filter-log-events --log-group-name g --filter-pattern=-DEBUG", NULL);
    expect(p, "logs filter-log-events --log-group-name g --filter-pattern -DEBUG", "single '-'");
    policy_free(p);
}

TEST(logs_tail_by_default)
{
    struct policy *p = NULL;
    struct err e = ERR_INIT;

    CHECK_INT(policy_new(&p, NULL, NULL, &e), 0);
    expect(p, "logs tail /aws/lambda/f --since 1h", NULL);
    expect(p, "logs tail /aws/lambda/f --since 10m --format short --filter-pattern ERROR", NULL);
    expect(p, "logs tail /aws/lambda/f --follow", "--follow never ends");
    expect(p, "logs tail /aws/lambda/f --foll", "--follow never ends");
    expect(p, "logs tail /aws/lambda/f -f", "single '-'");
    expect(p, "logs --region us-east-1 tail /aws/lambda/f --FOLLOW", "--follow never ends");
    CHECK_CONTAINS(policy_summary(p), "tail (without --follow)");
    policy_free(p);

    CHECK_INT(policy_new(&p, NULL, "logs:tail", &e), 0);
    expect(p, "logs tail /aws/lambda/f", "deny pattern");
    policy_free(p);
}

CHECK_MAIN
