/*
 * run_aws_cli against what an attacker sends (issue 9), driven through its call() with the
 * fake aws program ($HELPERS_DIR/fake_aws): the memory limit and how its result reads.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "awscli/runner.h"
#include "check.h"
#include "config.h"
#include "log.h"
#include "tools/run_aws_cli.h"
#include "banned.h"

static char fake_path[4096];

static void config_for_tests(struct config *c, const char *allow)
{
    memset(c, 0, sizeof(*c));
    c->aws_cli = fake_path;
    c->timeout_s = 20;
    c->max_output_bytes = 65536;
    c->max_concurrent = 4;
    c->max_cli_memory_mb = 256;
    c->allow = allow;
}

static int run(struct tool *t, const char *cmd, struct tool_result *r, struct err *e)
{
    json_t *args = json_pack("{s:s}", "command", cmd);
    struct tool_ctx empty = {0};
    int rc;

    *r = (struct tool_result)TOOL_RESULT_INIT;
    *e = (struct err)ERR_INIT;
    rc = t->call(t, &empty, args, r, e);
    json_decref(args);
    return rc;
}

static const char *text_of(const struct tool_result *r, size_t i)
{
    return json_string_value(json_object_get(json_array_get(r->content, i), "text"));
}

/* A command whose CLI takes 3 GiB is stopped at the limit; the result tells the model why. */
TEST(memory_limit_result)
{
    struct config c;
    struct tool *t = NULL;
    struct tool_result r;
    struct err e = ERR_INIT;

    config_for_tests(&c, NULL);
    CHECK_INT(run_aws_cli_new(&c, &t, &e), 0);
    if (!t)
        return;
    CHECK_INT(run(t, "logs get-hog --mib 3072", &r, &e), 0);
    CHECK(r.is_error);
    CHECK_CONTAINS(text_of(&r, 0), "ran out of memory");
    CHECK_CONTAINS(text_of(&r, 0), "256 MiB");
    CHECK_CONTAINS(text_of(&r, 0), "--max-items");
    tool_result_release(&r);

    /* A small command under the same limit runs normally. */
    CHECK_INT(run(t, "logs get-hog --mib 32", &r, &e), 0);
    CHECK(!r.is_error);
    tool_result_release(&r);
    run_aws_cli_free(t);
}

int main(int argc, char **argv)
{
    const char *helpers = getenv("HELPERS_DIR");

    snprintf(fake_path, sizeof(fake_path), "%s/fake_aws", helpers ? helpers : "build/helpers");
    if (access(fake_path, X_OK) != 0) {
        fprintf(stderr, "fake aws not found at %s (set HELPERS_DIR)\n", fake_path);
        return 1;
    }
    log_set_level(LOG_ERROR);
    return check_main(argc, argv);
}
