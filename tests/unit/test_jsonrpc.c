/* Unit tests of the JSON-RPC 2.0 envelopes (src/mcp/jsonrpc): classification, ids, replies. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "err.h"
#include "mcp/jsonrpc.h"

static enum jsonrpc_kind classify(const char *text, const char **why)
{
    json_t *m = json_loads(text, JSON_DECODE_ANY, NULL);
    enum jsonrpc_kind k;

    CHECK(m != NULL);
    *why = NULL;
    k = jsonrpc_classify(m, why);
    json_decref(m);
    return k;
}

TEST(classify_requests_notifications_responses)
{
    static const struct {
        const char *msg;
        enum jsonrpc_kind kind;
    } cases[] = {
        {"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", JSONRPC_REQUEST},
        {"{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"x\",\"params\":{}}", JSONRPC_REQUEST},
        {"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", JSONRPC_NOTIFICATION},
        {"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}", JSONRPC_RESPONSE},
        {"{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":1,\"message\":\"m\"}}",
         JSONRPC_RESPONSE},
    };
    const char *why;

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
        CHECK_INT(classify(cases[i].msg, &why), cases[i].kind);
}

TEST(classify_says_why_a_message_is_invalid)
{
    static const struct {
        const char *msg, *why;
    } cases[] = {
        {"[1]", "must be a JSON object"},
        {"\"ping\"", "must be a JSON object"},
        {"{\"id\":1,\"method\":\"ping\"}", "\"jsonrpc\""},
        {"{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}", "must be \"2.0\""},
        {"{\"jsonrpc\":2.0,\"id\":1,\"method\":\"ping\"}", "must be \"2.0\""},
        {"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":5}", "\"method\" must be a string"},
        {"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"params\":3}", "\"params\""},
        {"{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"m\"}", "forbids null ids"},
        {"{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"m\"}", "string or an integer"},
        {"{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"m\"}", "string or an integer"},
        {"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{},\"error\":{}}", "not both"},
        {"{\"jsonrpc\":\"2.0\",\"id\":1}", "neither a request"},
    };
    const char *why;

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        CHECK_INT(classify(cases[i].msg, &why), JSONRPC_INVALID);
        CHECK_CONTAINS(why, cases[i].why);
    }
    /* why may be NULL. */
    CHECK_INT(jsonrpc_classify(NULL, NULL), JSONRPC_INVALID);
}

TEST(id_only_when_usable)
{
    json_t *m = json_pack("{s:s, s:s, s:s}", "jsonrpc", "2.0", "id", "r1", "method", "m");

    CHECK_STR(json_string_value(jsonrpc_id(m)), "r1");
    json_object_set_new(m, "id", json_integer(9));
    CHECK_INT(json_integer_value(jsonrpc_id(m)), 9);
    json_object_set_new(m, "id", json_null());
    CHECK(jsonrpc_id(m) == NULL);
    json_object_set_new(m, "id", json_real(1.5));
    CHECK(jsonrpc_id(m) == NULL);
    json_object_del(m, "id");
    CHECK(jsonrpc_id(m) == NULL);
    json_decref(m);
    CHECK(jsonrpc_id(NULL) == NULL);
}

static char *dump(json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(j);
    return s;
}

TEST(result_reply_borrows_the_id_and_steals_the_result)
{
    json_t *id = json_string("a");
    char *s;

    s = dump(jsonrpc_result(id, json_pack("{s:i}", "x", 1)));
    CHECK_STR(s, "{\"id\":\"a\",\"jsonrpc\":\"2.0\",\"result\":{\"x\":1}}");
    free(s);
    CHECK_INT(id->refcount, 1); /* borrowed: still the caller's */
    json_decref(id);
    s = dump(jsonrpc_result(NULL, NULL));
    CHECK_STR(s, "{\"id\":null,\"jsonrpc\":\"2.0\",\"result\":{}}");
    free(s);
}

TEST(error_reply_with_code_message_and_data)
{
    json_t *id = json_integer(7);
    char *s;

    s = dump(jsonrpc_error(id, ERR_INVALID_PARAMS, "bad", json_pack("{s:s}", "k", "v")));
    CHECK_STR(s, "{\"error\":{\"code\":-32602,\"data\":{\"k\":\"v\"},\"message\":\"bad\"},"
                 "\"id\":7,\"jsonrpc\":\"2.0\"}");
    free(s);
    json_decref(id);
    s = dump(jsonrpc_error(NULL, ERR_PARSE, NULL, NULL));
    CHECK_STR(s, "{\"error\":{\"code\":-32700,\"message\":\"\"},\"id\":null,\"jsonrpc\":\"2.0\"}");
    free(s);
}

/* A message quoting bad client input must not lose the member (jansson refuses bad UTF-8). */
TEST(error_reply_survives_a_message_that_is_not_utf8)
{
    char *s = dump(jsonrpc_error(NULL, ERR_INVALID_REQUEST, "bad \xff byte", NULL));

    CHECK_CONTAINS(s, "\"message\":\"(error message was not valid UTF-8)\"");
    CHECK_CONTAINS(s, "\"code\":-32600");
    free(s);
}

CHECK_MAIN
