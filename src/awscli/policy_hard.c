/*
 * The hand-written hard rules of the policy (policy_ops.h): commands refused whatever ALLOW
 * says. docs/security.md, "The policy", says why each is here.
 */
#include "awscli/policy_ops.h"

#include "banned.h"

/*
 * Commands refused whatever ALLOW says, with the reason given to the caller. Globs as in
 * patterns. See docs/security.md for why each is here.
 */
const struct policy_hard_rule policy_hard_rules[] = {
    {"configure", "*", "it reads and writes the CLI's configuration and credential files"},
    {"history", "*", "it reads the CLI's local command history"},
    {"help", "*", "help pages are not served here"},
    {"cli-dev", "*", "it is a CLI developer tool"},
    {"logs", "start-live-tail", "it streams without end: use filter-log-events --start-time"},
    {"logs", "get-log-object", "it streams without end: use get-log-events"},
    /* Customizations that read or write local files, or run other programs. */
    {"s3", "cp", "it reads or writes local files"},
    {"s3", "mv", "it reads or writes local files"},
    {"s3", "sync", "it reads or writes local files"},
    {"s3", "presign", "it hands out a URL signed with the server's credentials"},
    {"cloudformation", "package", "it reads local files"},
    {"cloudformation", "deploy", "it reads local files"},
    {"cloudfront", "sign", "it reads a local private key"},
    {"codeartifact", "login", "it writes local configuration and runs other programs"},
    {"codecommit", "credential-helper", "it hands out credentials"},
    {"deploy", "push", "it reads local files"},
    {"deploy", "install", "it writes local files"},
    {"deploy", "uninstall", "it writes local files"},
    {"deploy", "register", "it writes local files"},
    {"deploy", "deregister", "it writes local files"},
    {"ec2", "get-password-data", "it reads a local private key"},
    {"ecs", "execute-command", "it runs another program"},
    {"ecs", "deploy", "it reads local files"},
    {"eks", "update-kubeconfig", "it writes local files"},
    {"eks", "get-token", "it hands out credentials"},
    {"emr", "ssh", "it runs other programs with local key files"},
    {"emr", "socks", "it runs other programs with local key files"},
    {"emr", "get", "it writes local files"},
    {"emr", "put", "it reads local files"},
    {"gamelift", "upload-build", "it reads local files"},
    {"gamelift", "get-game-session-log", "it writes local files"},
    {"lightsail", "push-container-image", "it runs another program"},
    {"opsworks", "register", "it runs other programs"},
    {"servicecatalog", "generate", "it reads local files"},
    {"ssm", "start-session", "it runs another program"},
    {"sso", "login", "it writes local files"},
    {"sso", "logout", "it writes local files"},
    {"*", "wizard", "it is interactive"},
    /* Operations that mint or hand out credentials. */
    {"sts", "assume-role*", "it hands out credentials"},
    {"sts", "assume-root", "it hands out credentials"},
    {"sts", "get-session-token", "it hands out credentials"},
    {"sts", "get-federation-token", "it hands out credentials"},
    {"sts", "get-delegated-access-token", "it hands out credentials"},
    {"sts", "get-web-identity-token", "it hands out credentials"},
    {"ecr", "get-login*", "it hands out credentials"},
    {"ecr", "get-authorization-token", "it hands out credentials"},
    {"ecr-public", "get-login*", "it hands out credentials"},
    {"ecr-public", "get-authorization-token", "it hands out credentials"},
    {"codeartifact", "get-authorization-token", "it hands out credentials"},
    {"rds", "generate-db-auth-token", "it hands out credentials"},
    {"dsql", "generate-db-connect*", "it hands out credentials"},
    {"redshift", "get-cluster-credentials*", "it hands out credentials"},
    {"redshift-serverless", "get-credentials", "it hands out credentials"},
    {"sso", "get-role-credentials", "it hands out credentials"},
    {"cognito-identity", "get-credentials-for-identity", "it hands out credentials"},
    {"cognito-identity", "get-open-id-token*", "it hands out credentials"},
    {"connect", "get-federation-token", "it hands out credentials"},
    {"gamelift", "get-instance-access", "it hands out credentials"},
    {"gamelift", "get-compute-access", "it hands out credentials"},
    {"gamelift", "request-upload-credentials", "it hands out credentials"},
    {"lightsail", "get-instance-access-details", "it hands out a private key or password"},
    {"lightsail", "get-relational-database-master-user-password", "it hands out a password"},
    {"lightsail", "download-default-key-pair", "it hands out a private key"},
    {"ec2", "create-key-pair", "it hands out a private key"},
    {"iam", "create-access-key", "it hands out credentials"},
    {"sso-oidc", "create-token*", "it hands out credentials"},
    {"secretsmanager", "get-secret-value", "it hands out secrets"},
    {"secretsmanager", "batch-get-secret-value", "it hands out secrets"},
};

const size_t policy_hard_rules_count = sizeof(policy_hard_rules) / sizeof(policy_hard_rules[0]);
