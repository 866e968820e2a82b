/* Unit tests of the engine's output formatting (src/engine/output, src/engine/pyrepr). The
 * differential test against the CLI's own formatters is tests/integration/test_engine_output.py. */
#include <string.h>

#include "buf.h"
#include "check.h"
#include "engine/engine.h"
#include "engine/output.h"
#include "engine/pyrepr.h"

static const char *repr(double v)
{
    static char s[PYREPR_MAX];

    if (!pyrepr_double(v, s))
        return "(none)";
    return s;
}

TEST(python_float_repr)
{
    CHECK_STR(repr(0.1), "0.1");
    CHECK_STR(repr(1e-07), "1e-07");
    CHECK_STR(repr(123456789.125), "123456789.125");
    CHECK_STR(repr(5.0), "5.0");
    CHECK_STR(repr(-0.0), "-0.0");
    CHECK_STR(repr(1e16), "1e+16");
    CHECK_STR(repr(1e15), "1000000000000000.0");
    CHECK_STR(repr(0.0001), "0.0001");
    CHECK_STR(repr(1.0 / 3), "0.3333333333333333");
    CHECK_STR(repr(5e-324), "5e-324");
    CHECK_STR(repr(1.7976931348623157e308), "1.7976931348623157e+308");
}

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
