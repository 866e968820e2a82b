/*
 * The JMESPath compliance suite (../shared/testdata/jmespath/, from jmespath.py), read at run
 * time: every case with a `result` must give exactly that value (ints and floats apart), every
 * case with an `error` must fail with that kind. One CHECK per case; a failure names the file,
 * the expression and both sides.
 */
#include <stdlib.h>

#include "check.h"
#include "jmespath/jmespath.h"

static char dir[4096];

static int total_results, total_errors;

static void suite_dir(void)
{
    const char *shared = getenv("SHARED_DIR");
    const char *source = getenv("SOURCE_DIR");

    if (shared)
        snprintf(dir, sizeof(dir), "%s/testdata/jmespath", shared);
    else
        snprintf(dir, sizeof(dir), "%s/../shared/testdata/jmespath", source ? source : ".");
}

static char *dumps(const json_t *v)
{
    return v ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_SORT_KEYS) : strdup("(none)");
}

/* One case; returns whether it passed. */
static bool run_case(const char *file, json_t *given, json_t *c)
{
    const char *expr = json_string_value(json_object_get(c, "expression"));
    json_t *want = json_object_get(c, "result");
    const char *want_error = json_string_value(json_object_get(c, "error"));
    struct jp_expr *e = NULL;
    struct jp_error err = {0};
    json_t *got = NULL;
    bool ok;
    int rc;

    rc = jp_compile(expr, strlen(expr), &e, &err);
    if (rc == 0)
        rc = jp_eval(e, given, NULL, &got, NULL, &err);
    if (want_error) {
        total_errors++;
        ok = rc < 0 && strcmp(jp_error_kind_name(err.kind), want_error) == 0;
        if (!ok)
            fprintf(stderr, "%s: %s: want error %s, got %s (%s)\n", file, expr, want_error,
                    rc < 0 ? jp_error_kind_name(err.kind) : "a result", rc < 0 ? err.msg : "");
    } else {
        total_results++;
        /* json_equal tells 1 from 1.0, which is what the CLI prints differently. */
        ok = rc == 0 && json_equal(got, want);
        if (!ok) {
            char *a = dumps(got), *b = dumps(want);
            fprintf(stderr, "%s: %s:\n  got:  %s %s\n  want: %s\n", file, expr, a,
                    rc < 0 ? err.msg : "", b);
            free(a);
            free(b);
        }
    }
    json_decref(got);
    jp_free(e);
    return ok;
}

static void run_file(const char *name)
{
    char path[4200];
    json_error_t jerr;
    json_t *suites, *suite, *c;
    size_t i, j;

    suite_dir();
    snprintf(path, sizeof(path), "%s/%s.json", dir, name);
    suites = json_load_file(path, JSON_DECODE_ANY, &jerr);
    if (!suites)
        fprintf(stderr, "%s: %s\n", path, jerr.text);
    CHECK(suites != NULL);
    json_array_foreach(suites, i, suite)
    {
        json_array_foreach(json_object_get(suite, "cases"), j, c)
        {
            if (json_object_get(c, "bench") && !json_object_get(c, "result")) {
                /* A benchmark without an expected value must still parse and evaluate. */
                const char *expr = json_string_value(json_object_get(c, "expression"));
                struct jp_expr *e = NULL;
                struct jp_error err;
                json_t *got = NULL;
                int rc = jp_compile(expr, strlen(expr), &e, &err);
                if (rc == 0)
                    rc = jp_eval(e, json_object_get(suite, "given"), NULL, &got, NULL, &err);
                if (rc < 0)
                    fprintf(stderr, "%s: %s: %s\n", name, expr, err.msg);
                CHECK(rc == 0);
                json_decref(got);
                jp_free(e);
                continue;
            }
            CHECK(run_case(name, json_object_get(suite, "given"), c));
        }
    }
    json_decref(suites);
}

TEST(basic)
{
    run_file("basic");
}
TEST(boolean)
{
    run_file("boolean");
}
TEST(current)
{
    run_file("current");
}
TEST(escape)
{
    run_file("escape");
}
TEST(filters)
{
    run_file("filters");
}
TEST(functions)
{
    run_file("functions");
}
TEST(identifiers)
{
    run_file("identifiers");
}
TEST(indices)
{
    run_file("indices");
}
TEST(literal)
{
    run_file("literal");
}
TEST(multiselect)
{
    run_file("multiselect");
}
TEST(pipe)
{
    run_file("pipe");
}
TEST(slice)
{
    run_file("slice");
}
TEST(syntax)
{
    run_file("syntax");
}
TEST(unicode)
{
    run_file("unicode");
}
TEST(wildcard)
{
    run_file("wildcard");
}
TEST(benchmarks)
{
    run_file("benchmarks");
}

/* All the files together (benchmarks.json has 10 results too) hold 752 result cases and 150
 * error cases: none may be skipped. */
TEST(all_cases_counted)
{
    const char *files[] = {"basic",   "boolean",     "current",     "escape",
                           "filters", "functions",   "identifiers", "indices",
                           "literal", "multiselect", "pipe",        "slice",
                           "syntax",  "unicode",     "wildcard",    "benchmarks"};
    int saved_passed = check_passed, saved_failed = check_failed;
    size_t i;

    total_results = total_errors = 0;
    for (i = 0; i < ARRAY_SIZE(files); i++)
        run_file(files[i]);
    check_passed = saved_passed;
    check_failed = saved_failed;
    CHECK_INT(total_results, 752);
    CHECK_INT(total_errors, 150);
}

CHECK_MAIN
