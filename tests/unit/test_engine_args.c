/* Unit tests of the engine's argument parsing (src/engine/args, shorthand, validate). The
 * differential test against the CLI itself is tests/integration/test_engine_args.py. */
#include <string.h>

#include "check.h"
#include "engine/args.h"
#include "engine/engine.h"
#include "engine/shorthand.h"
#include "engine/validate.h"

static char *parsed(const char *s)
{
    static char out[1024];
    json_t *v = NULL;
    struct err e = ERR_INIT;
    char *d;

    if (shorthand_parse(s, &v, &e) != 0)
        return strcpy(out, "handoff");
    d = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
    snprintf(out, sizeof(out), "%s", d);
    free(d);
    json_decref(v);
    return out;
}

TEST(shorthand_grammar)
{
    CHECK_STR(parsed("Name=a,Value=b"), "{\"Name\":\"a\",\"Value\":\"b\"}");
    CHECK_STR(parsed("k=a,b,c"), "{\"k\":[\"a\",\"b\",\"c\"]}");
    CHECK_STR(parsed("k=a,b,d=e"), "{\"k\":[\"a\",\"b\"],\"d\":\"e\"}");
    CHECK_STR(parsed("k=a\\,b"), "{\"k\":\"a,b\"}");
    CHECK_STR(parsed("k='a,b',j=\"c\\\"d\""), "{\"k\":\"a,b\",\"j\":\"c\\\"d\"}");
    CHECK_STR(parsed("k={a=[x,y],b={c=d}}"), "{\"k\":{\"a\":[\"x\",\"y\"],\"b\":{\"c\":\"d\"}}}");
    CHECK_STR(parsed("k = v "), "{\"k\":\"v\"}");
    CHECK_STR(parsed("k="), "{\"k\":\"\"}");
    CHECK_STR(parsed("k=a,k=b"), "handoff");
    CHECK_STR(parsed("k=caf\xc3\xa9"), "handoff");
    CHECK_STR(parsed("k"), "handoff");
}

static int parse(struct args *a, const char *const *w, size_t n, struct err *e)
{
    return args_parse((char *const *)w, n, a, e);
}

TEST(params_in_arg_table_order)
{
    const char *w[] = {"logs", "filter-log-events", "--limit",  "5",         "--log-group-name",
                       "g",    "--no-interleaved",  "--region", "eu-west-1", "--output",
                       "text"};
    struct args a = ARGS_INIT;
    struct err e = ERR_INIT;
    char *d;

    CHECK_INT(parse(&a, w, ARRAY_SIZE(w), &e), 0);
    d = json_dumps(a.params, JSON_COMPACT);
    CHECK_STR(d, "{\"logGroupName\":\"g\",\"limit\":5,\"interleaved\":false}");
    free(d);
    CHECK_STR(a.region, "eu-west-1");
    CHECK_STR(a.output, "text");
    CHECK(!a.paginate); /* --limit is the paginator's limit key */
    args_release(&a);
}

TEST(missing_required_is_a_usage_error)
{
    const char *w[] = {"logs", "start-query", "--query-string", "q"};
    struct args a = ARGS_INIT;
    struct err e = ERR_INIT;

    CHECK_INT(parse(&a, w, ARRAY_SIZE(w), &e), 0);
    CHECK(a.usage_error != NULL);
    CHECK_CONTAINS(a.usage_error,
                   "aws: error: the following arguments are required: --start-time, --end-time\n");
    args_release(&a);
}

/* awscli/customizations/paginate.py ensure_paging_params_not_set, before any value is read. */
TEST(no_paginate_with_paging_options_is_a_usage_error)
{
    const char *both[] = {"logs", "filter-log-events", "--log-group-name", "g", "--max-items",
                          "2",    "--no-paginate",     "--page-size",      "5", "--starting-token",
                          "t"};
    const char *limit[] = {"logs", "describe-log-groups", "--limit", "3", "--max-items", "4"};
    const char *first[] = {"cloudwatch", "list-metrics", "--no-paginate",  "--max-items",
                           "4",          "--dimensions", "Name=x,Value=y,"};
    const char *falsy[] = {"logs", "describe-log-groups", "--no-paginate", "--max-items", "0"};
    struct args a = ARGS_INIT;
    struct err e = ERR_INIT;

    CHECK_INT(parse(&a, both, ARRAY_SIZE(both), &e), 0);
    CHECK_STR(a.usage_error, "\nCannot specify --no-paginate along with pagination arguments: "
                             "--starting-token, --page-size, --max-items\n");
    args_release(&a);
    CHECK_INT(parse(&a, limit, ARRAY_SIZE(limit), &e), 0);
    CHECK_STR(a.usage_error,
              "\nCannot specify --no-paginate along with pagination arguments: --max-items\n");
    args_release(&a);
    /* The CLI checks this before it reads the shorthand (which has a syntax error here). */
    CHECK_INT(parse(&a, first, ARRAY_SIZE(first), &e), 0);
    CHECK(a.usage_error != NULL);
    args_release(&a);
    /* Only truthy values count: --max-items 0 is allowed. */
    CHECK_INT(parse(&a, falsy, ARRAY_SIZE(falsy), &e), 0);
    CHECK(a.usage_error == NULL && !a.paginate);
    args_release(&a);
}

TEST(hands_over_what_it_is_not_sure_of)
{
    const char *abbrev[] = {"logs", "describe-log-groups", "--lim", "5"};
    const char *table[] = {"logs", "describe-log-groups", "--output", "table"};
    const char *plus[] = {"logs", "describe-log-groups", "--limit", "+5"};
    const char *other[] = {"logs", "put-log-events"};
    struct args a = ARGS_INIT;
    struct err e = ERR_INIT;

    CHECK_INT(parse(&a, abbrev, 4, &e), ENGINE_HANDOFF);
    args_release(&a);
    CHECK_INT(parse(&a, table, 4, &e), ENGINE_HANDOFF);
    args_release(&a);
    CHECK_INT(parse(&a, plus, 4, &e), ENGINE_HANDOFF);
    args_release(&a);
    CHECK_INT(parse(&a, other, 2, &e), ENGINE_HANDOFF);
    CHECK_CONTAINS(e.msg, "not in the engine's tables");
    args_release(&a);
}

TEST(timestamps_the_engine_reads)
{
    long long t;
    int us;

    CHECK(validate_timestamp("1764648000", &t, &us) && t == 1764648000);
    CHECK(validate_timestamp("2025-12-02T04:00:00Z", &t, &us) && t == 1764648000);
    CHECK(validate_timestamp("2025-12-02T06:00:00.500000+02:00", &t, &us) && t == 1764648000 &&
          us == 500000);
    CHECK(validate_timestamp("2025-12-02T04:00:00.25Z", &t, &us) && t == 1764648000 &&
          us == 250000);
    CHECK(validate_timestamp("2025-12-02T04:00:00.000001Z", &t, &us) && us == 1);
    CHECK(!validate_timestamp("2025-12-02T04:00:00.1234567Z", &t, &us));
    CHECK(!validate_timestamp("2025-12-02T04:00:00.Z", &t, &us));
    CHECK(!validate_timestamp("2026-12-02", &t, &us));
    CHECK(!validate_timestamp("2026-02-30T00:00:00Z", &t, &us));
    CHECK(!validate_timestamp("yesterday", &t, &us));
}

CHECK_MAIN
