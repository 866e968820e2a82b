/* Unit tests of the engine's output formatting (src/engine/output). The
 * differential test against the CLI's own formatters is tests/integration/test_engine_output.py. */
#include <string.h>

#include "buf.h"
#include "check.h"
#include "engine/engine.h"
#include "engine/output.h"

static void formats(const char *json, int text, const char *want)
{
    json_t *v = json_loads(json, JSON_DECODE_ANY, NULL);
    struct buf out = BUF_INIT(0);
    struct err e = ERR_INIT;

    CHECK(v != NULL);
    CHECK_INT(text ? output_text(v, &out, &e) : output_json(v, &out, &e), 0);
    CHECK_STR(out.p, want);
    buf_release(&out);
    json_decref(v);
}

TEST(json_indent_and_escapes)
{
    formats("{}", 0, "");
    formats("[]", 0, "[]\n");
    formats("{\"a\": [1, 2.5, {}], \"b\": \"t\\t\\u0001\\u00e9\"}", 0,
            "{\n    \"a\": [\n        1,\n        2.5,\n        {}\n    ],\n"
            "    \"b\": \"t\\t\\u0001\xc3\xa9\"\n}\n");
    formats("null", 0, "null\n");
}

/* What `aws ... --query Q --output json|text` prints for a scalar result
 * (tests/integration/test_jmespath_cli.py compares many more with the CLI's own formatter). */
TEST(query_scalars_as_the_cli)
{
    formats("\"a\\\"\\u00fc\"", 0, "\"a\\\"\xc3\xbc\"\n");
    formats("\"a\\\"\\u00fc\"", 1, "a\"\xc3\xbc\n");
    formats("1e16", 0, "1e+16\n");
    formats("2.0", 1, "2.0\n");
    formats("true", 0, "true\n");
    formats("true", 1, "True\n");
    formats("null", 0, "null\n");
    formats("null", 1, "None\n");
    formats("[1, {\"a\": []}]", 0, "[\n    1,\n    {\n        \"a\": []\n    }\n]\n");
}

TEST(text_rows_and_identifiers)
{
    formats("{\"b\": 1, \"a\": \"x\", \"L\": [{\"n\": 1, \"v\": true}, {\"n\": 2}]}", 1,
            "x\t1\nL\t1\tTrue\nL\t2\t\n");
    formats("{\"ids\": [\"a\", \"b\"]}", 1, "IDS\ta\nIDS\tb\n");
    formats("[\"a\", null, 1.0]", 1, "a\tNone\t1.0\n");
}

TEST(text_hands_over_what_it_cannot_match)
{
    json_t *v = json_loads("{\"\xc3\xa9\": [1]}", 0, NULL);
    struct buf out = BUF_INIT(0);
    struct err e = ERR_INIT;

    CHECK_INT(output_text(v, &out, &e), ENGINE_HANDOFF);
    CHECK_CONTAINS(e.msg, "non-ASCII");
    buf_release(&out);
    json_decref(v);
}

TEST(output_cap_is_an_error)
{
    json_t *v = json_loads("{\"a\": \"0123456789\"}", 0, NULL);
    struct buf out = BUF_INIT(8);
    struct err e = ERR_INIT;

    CHECK_INT(output_json(v, &out, &e), -1);
    CHECK_INT(e.code, ERR_INTERNAL);
    buf_release(&out);
    json_decref(v);
}

CHECK_MAIN
