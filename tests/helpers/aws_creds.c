/*
 * Resolves AWS credentials once with src/aws/credentials, for
 * tests/integration/test_aws_credentials.py:
 *
 *   aws_creds [--profile P] [--aws-cli PATH]
 *
 * Prints one JSON line: {"source","access_key_id","secret_access_key","session_token",
 * "expiration"} or {"error","code"}; exits 0 either way (2 on bad usage).
 */

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/credentials.h"
#include "banned.h"

int main(int argc, char **argv)
{
    struct aws_credentials_options o = {0};
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--profile") == 0)
            o.profile = argv[i + 1];
        else if (strcmp(argv[i], "--aws-cli") == 0)
            o.aws_cli = argv[i + 1];
        else
            return 2;
    }
    struct aws_credentials_provider *p = NULL;
    struct aws_credentials c = {0};
    struct err e = ERR_INIT;
    json_t *out;
    if (aws_credentials_provider_new(&o, &p, &e) < 0 || aws_credentials_get(p, &c, &e) < 0)
        out = json_pack("{ss si}", "error", e.msg, "code", e.code);
    else
        out = json_pack("{ss ss ss ss? sI}", "source", c.source, "access_key_id", c.access_key_id,
                        "secret_access_key", c.secret_access_key, "session_token", c.session_token,
                        "expiration", (json_int_t)c.expiration);
    char *s = json_dumps(out, JSON_COMPACT);
    printf("%s\n", s);
    free(s);
    json_decref(out);
    aws_credentials_release(&c);
    aws_credentials_provider_free(p);
    return 0;
}
