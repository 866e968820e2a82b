/* Unit tests of json.dumps as Python writes it (src/pyjson.h). Each expected text is what
 * CPython 3's json.dumps prints for the same value in the same style. */
#include "buf.h"
#include "check.h"
#include "pyjson.h"

static void check_dump(const char *json, enum pyjson_style style, const char *want)
{
    json_t *v = json_loads(json, JSON_DECODE_ANY, NULL);
    struct buf b = BUF_INIT(0);

    CHECK(v != NULL);
    CHECK_INT(pyjson_dump(v, style, &b), 0);
    CHECK_STR(b.p, want);
    buf_release(&b);
    json_decref(v);
}

static const char doc[] = "{\"a\": [1, 2.5, {}], \"b\": \"t\\t\\u0001\\u00e9\\ud83d\\ude00\\\"\","
                          " \"c\": [], \"d\": null, \"e\": true, \"f\": 1e16}";

/* json.dumps(v, separators=(',', ':')) */
TEST(compact_is_ascii_without_spaces)
{
    check_dump(doc, PYJSON_COMPACT,
               "{\"a\":[1,2.5,{}],\"b\":\"t\\t\\u0001\\u00e9\\ud83d\\ude00\\\"\",\"c\":[],"
               "\"d\":null,\"e\":true,\"f\":1e+16}");
}

/* json.dumps(v) */
TEST(default_has_spaced_separators)
{
    check_dump(doc, PYJSON_DEFAULT,
               "{\"a\": [1, 2.5, {}], \"b\": \"t\\t\\u0001\\u00e9\\ud83d\\ude00\\\"\", \"c\": [], "
               "\"d\": null, \"e\": true, \"f\": 1e+16}");
}

/* json.dumps(v, indent=4, ensure_ascii=False) */
TEST(cli_indents_and_keeps_utf8)
{
    check_dump(doc, PYJSON_CLI,
               "{\n    \"a\": [\n        1,\n        2.5,\n        {}\n    ],\n"
               "    \"b\": \"t\\t\\u0001\xc3\xa9\xf0\x9f\x98\x80\\\"\",\n    \"c\": [],\n"
               "    \"d\": null,\n    \"e\": true,\n    \"f\": 1e+16\n}");
    check_dump("\"\x7f\"", PYJSON_CLI, "\"\x7f\"");
    check_dump("\"\x7f\"", PYJSON_COMPACT, "\"\\u007f\"");
}

TEST(a_full_buffer_fails)
{
    json_t *v = json_loads(doc, 0, NULL);
    struct buf b = BUF_INIT(16);

    CHECK_INT(pyjson_dump(v, PYJSON_CLI, &b), -1);
    json_decref(v);
    buf_release(&b);
}

CHECK_MAIN
