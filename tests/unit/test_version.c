/* Recognising an AWS CLI v1 from one failed call (src/awscli/version.h). */
#include <string.h>

#include "awscli/version.h"
#include "check.h"

static bool v1(int code, const char *err)
{
    return awscli_v1_failure(code, err, strlen(err));
}

/* What AWS CLI v1 (1.x, clidriver.py) prints for the --no-cli-pager every call carries. */
TEST(v1_usage_error)
{
    CHECK(v1(255, "usage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\n"
                  "To see help text, you can run:\n\n  aws help\n\n"
                  "Unknown options: --no-cli-pager\n"));
    CHECK(v1(255, "Unknown options: --max-itemz,--no-cli-pager"));
    CHECK(v1(255, "x\nUnknown options: --a, --no-cli-pager, --b\n"));
}

TEST(not_v1)
{
    CHECK(!v1(0, "Unknown options: --no-cli-pager\n"));                /* it succeeded */
    CHECK(!v1(252, "aws: error: Unknown options: --no-cli-pagerx\n")); /* another option */
    CHECK(!v1(252, "Unknown options: --limitx\n--no-cli-pager\n"));    /* not on that line */
    CHECK(!v1(254, "An error occurred (AccessDenied) when calling ...\n"));
    CHECK(!awscli_v1_failure(255, NULL, 0));
    /* Only the first len bytes count. */
    CHECK(!awscli_v1_failure(255, "Unknown options: --no-cli-pager", 25));
}

CHECK_MAIN
