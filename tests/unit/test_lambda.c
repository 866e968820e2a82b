/* Unit tests for the Lambda runtime's pure parts: events in, replies out, limits, deadlines. */

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "transport/lambda.h"
#include "transport/lambda_event.h"
#include "transport/lambda_reply.h"
#include "banned.h"

static const char url_event[] =
    "{\"version\":\"2.0\",\"routeKey\":\"$default\",\"rawPath\":\"/"
    "mcp\",\"rawQueryString\":\"a=1\","
    "\"cookies\":[\"s=1\",\"t=2\"],"
    "\"headers\":{\"content-type\":\"application/json\",\"accept\":\"application/json, "
    "text/event-stream\",\"x-multi\":\"a,b\",\"x-number\":5},"
    "\"requestContext\":{\"accountId\":\"123456789012\",\"http\":{\"method\":\"POST\",\"path\":"
    "\"/mcp\"},\"authorizer\":{\"iam\":{\"accessKey\":\"AKIA1\",\"accountId\":\"123456789012\","
    "\"userArn\":\"arn:aws:iam::123456789012:user/alice\"}}},"
    "\"body\":\"{\\\"jsonrpc\\\":\\\"2.0\\\",\\\"id\\\":1,\\\"method\\\":\\\"ping\\\"}\","
    "\"isBase64Encoded\":false}";

static const char *hdr(const struct lambda_event *ev, const char *name)
{
    for (size_t i = 0; i < ev->req.nheaders; i++)
        if (strcmp(ev->req.headers[i].name, name) == 0)
            return ev->req.headers[i].value;
    return NULL;
}

TEST(function_url_event_parsed)
{
    struct lambda_event ev;

    lambda_event_parse(url_event, strlen(url_event), false, 4242, &ev);
    CHECK_INT(ev.kind, LAMBDA_EVENT_HTTP);
    CHECK_STR(ev.req.method, "POST");
    CHECK_STR(ev.req.path, "/mcp");
    CHECK_STR(hdr(&ev, "content-type"), "application/json");
    CHECK_STR(hdr(&ev, "x-multi"), "a,b");
    CHECK(hdr(&ev, "x-number") == NULL); /* not a string: not an HTTP header */
    CHECK_STR(hdr(&ev, "cookie"), "s=1; t=2");
    CHECK_INT(ev.req.body_len, strlen("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"));
    CHECK(ev.req.body && memcmp(ev.req.body, "{\"jsonrpc\"", 10) == 0);
    CHECK_STR(ev.req.caller, "arn:aws:iam::123456789012:user/alice");
    CHECK_INT(ev.req.deadline_ms, 4242);
    CHECK(!ev.req.local);
    lambda_event_release(&ev);
}

TEST(base64_body_decoded)
{
    /* "\x00\xff{}" base64 = "AP97fQ==" */
    const char e1[] = "{\"version\":\"2.0\",\"requestContext\":{\"http\":{\"method\":\"POST\"}},"
                      "\"body\":\"AP97fQ==\",\"isBase64Encoded\":true}";
    struct lambda_event ev;

    lambda_event_parse(e1, strlen(e1), false, 0, &ev);
    CHECK_INT(ev.kind, LAMBDA_EVENT_HTTP);
    CHECK_INT(ev.req.body_len, 4);
    CHECK(ev.req.body && memcmp(ev.req.body, "\x00\xff{}", 4) == 0);
    CHECK_STR(ev.req.path, "/");
    CHECK(ev.req.caller == NULL);
    lambda_event_release(&ev);
}

TEST(bad_base64_body_is_malformed)
{
    const char e2[] = "{\"version\":\"2.0\",\"requestContext\":{\"http\":{\"method\":\"POST\"}},"
                      "\"body\":\"AP9!fQ==\",\"isBase64Encoded\":true}";
    struct lambda_event ev;

    lambda_event_parse(e2, strlen(e2), false, 0, &ev);
    CHECK_INT(ev.kind, LAMBDA_EVENT_MALFORMED);
    CHECK_INT(ev.status, 400);
    CHECK_CONTAINS(ev.why, "base64");
    lambda_event_release(&ev);
}

TEST(jsonrpc_and_malformed_events_classified)
{
    static const struct {
        const char *event;
        int kind, status;
        const char *why;
    } cases[] = {
        {"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", LAMBDA_EVENT_JSONRPC, 0, NULL},
        {"[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]", LAMBDA_EVENT_JSONRPC, 0, NULL},
        {"garbage", LAMBDA_EVENT_MALFORMED, 400, "not JSON"},
        {"", LAMBDA_EVENT_MALFORMED, 400, "not JSON"},
        {"{}", LAMBDA_EVENT_MALFORMED, 400, "neither"},
        {"42", LAMBDA_EVENT_MALFORMED, 400, "not JSON"},
        {"\"text\"", LAMBDA_EVENT_MALFORMED, 400, "not JSON"},
        {"{\"requestContext\":{}}", LAMBDA_EVENT_MALFORMED, 400, "method"},
        {"{\"requestContext\":{\"http\":{\"method\":7}}}", LAMBDA_EVENT_MALFORMED, 400, "method"},
        {"{\"version\":\"1.0\",\"requestContext\":{\"http\":{\"method\":\"POST\"}}}",
         LAMBDA_EVENT_MALFORMED, 400, "version"},
        {"{\"requestContext\":{\"http\":{\"method\":\"POST\"}},\"headers\":[]}",
         LAMBDA_EVENT_MALFORMED, 400, "headers"},
        {"{\"requestContext\":{\"http\":{\"method\":\"POST\"}},\"body\":5}", LAMBDA_EVENT_MALFORMED,
         400, "body"},
        {"{\"requestContext\":{\"http\":{\"method\":\"GET\"}},\"body\":null,\"headers\":null}",
         LAMBDA_EVENT_HTTP, 0, NULL},
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct lambda_event ev;
        lambda_event_parse(cases[i].event, strlen(cases[i].event), false, 777, &ev);
        CHECK_INT(ev.kind, cases[i].kind);
        if (cases[i].kind == LAMBDA_EVENT_MALFORMED) {
            CHECK_INT(ev.status, cases[i].status);
            CHECK_CONTAINS(ev.why, cases[i].why);
        }
        if (cases[i].kind == LAMBDA_EVENT_JSONRPC) {
            CHECK(ev.message != NULL);
            CHECK_INT(ev.req.deadline_ms, 777); /* direct invokes run tools too */
        }
        lambda_event_release(&ev);
    }
}

TEST(event_over_the_limit_gets_413)
{
    struct lambda_event ev;

    lambda_event_parse("{\"jsonrpc\":", 11, true, 0, &ev);
    CHECK_INT(ev.kind, LAMBDA_EVENT_MALFORMED);
    CHECK_INT(ev.status, 413);
    lambda_event_release(&ev);
    lambda_event_release(&ev); /* safe twice */
}

TEST(deadline_from_the_runtime_header)
{
    CHECK_INT(lambda_deadline(NULL, 1000, 50), 0);
    CHECK_INT(lambda_deadline("", 1000, 50), 0);
    CHECK_INT(lambda_deadline("12x", 1000, 50), 0);
    CHECK_INT(lambda_deadline("-5", 1000, 50), 0);
    /* 10 s left: the tools get 10 s minus the margin, on the monotonic clock. */
    CHECK_INT(lambda_deadline("1710000000000", 1709999990000LL, 5000),
              5000 + 10000 - LAMBDA_DEADLINE_MARGIN_MS);
    /* Less left than the margin, or already past: due now. */
    CHECK_INT(lambda_deadline("1710000000000", 1709999999500LL, 5000), 5000);
    CHECK_INT(lambda_deadline("1710000000000", 1710000009000LL, 5000), 5000);
}

TEST(reply_build_headers_cookies_body)
{
    struct http_response res = {.status = 200};
    json_t *j;
    size_t len;
    char *text;

    res.headers[0].name = "Content-Type";
    res.headers[0].value = "application/json";
    res.headers[1].name = "Vary";
    res.headers[1].value = "Origin";
    res.headers[2].name = "Vary";
    res.headers[2].value = "Accept";
    res.headers[3].name = "Set-Cookie";
    res.headers[3].value = "a=b";
    res.nheaders = 4;
    res.body = (char *)"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"x\":\"\xc3\xa9\"}}";
    res.body_len = strlen(res.body);
    text = lambda_reply_build(&res, &len);
    CHECK(text != NULL);
    CHECK_INT(len, text ? strlen(text) : 0);
    j = json_loads(text ? text : "", 0, NULL);
    CHECK_INT(json_integer_value(json_object_get(j, "statusCode")), 200);
    CHECK_STR(json_string_value(json_object_get(json_object_get(j, "headers"), "Content-Type")),
              "application/json");
    CHECK_STR(json_string_value(json_object_get(json_object_get(j, "headers"), "Vary")),
              "Origin, Accept");
    CHECK_STR(json_string_value(json_array_get(json_object_get(j, "cookies"), 0)), "a=b");
    CHECK_STR(json_string_value(json_object_get(j, "body")), res.body);
    CHECK(json_is_false(json_object_get(j, "isBase64Encoded")));
    json_decref(j);
    free(text);

    /* Not UTF-8: base64. */
    res.nheaders = 0;
    res.status = 500;
    res.body = (char *)"\xff\x00\x01";
    res.body_len = 3;
    text = lambda_reply_build(&res, &len);
    j = json_loads(text ? text : "", 0, NULL);
    CHECK_STR(json_string_value(json_object_get(j, "body")), "/wAB");
    CHECK(json_is_true(json_object_get(j, "isBase64Encoded")));
    CHECK(json_object_get(j, "cookies") == NULL);
    json_decref(j);
    free(text);

    /* No body (202). */
    res.status = 202;
    res.body = NULL;
    res.body_len = 0;
    text = lambda_reply_build(&res, &len);
    j = json_loads(text ? text : "", 0, NULL);
    CHECK_INT(json_integer_value(json_object_get(j, "statusCode")), 202);
    CHECK_STR(json_string_value(json_object_get(j, "body")), "");
    json_decref(j);
    free(text);
}

/* A tools/call reply whose text and stdout are `n` bytes of a repeated pattern. */
static json_t *big_tool_reply(size_t n, const char *pattern)
{
    char *s = malloc(n + 1);
    size_t pl = strlen(pattern);
    json_t *j;

    n -= n % pl; /* whole patterns only, so multibyte ones stay valid UTF-8 */
    for (size_t i = 0; i < n; i++)
        s[i] = pattern[i % pl];
    s[n] = '\0';
    j = json_pack("{s:s, s:i, s:{s:[{s:s, s:s}], s:{s:i, s:s, s:s, s:b, s:i}, s:b}}", "jsonrpc",
                  "2.0", "id", 7, "result", "content", "type", "text", "text", s,
                  "structuredContent", "exitCode", 0, "stdout", s, "stderr", "", "truncated", 0,
                  "durationMs", 5, "isError", 0);
    free(s);
    return j;
}

static void check_fitted_http(char *text, size_t len, size_t max, bool tool)
{
    json_t *j, *body;

    CHECK(text != NULL);
    CHECK(len <= max);
    j = json_loads(text ? text : "", 0, NULL);
    CHECK(j != NULL);
    body = json_loads(json_string_value(json_object_get(j, "body")), 0, NULL);
    CHECK(body != NULL);
    CHECK_INT(json_integer_value(json_object_get(body, "id")), 7);
    if (tool) {
        json_t *r = json_object_get(body, "result");
        const char *t = json_string_value(
            json_object_get(json_array_get(json_object_get(r, "content"), 0), "text"));
        CHECK_CONTAINS(t, "output truncated");
        CHECK(json_is_true(json_object_get(json_object_get(r, "structuredContent"), "truncated")));
        CHECK(strlen(t) > 100000); /* cut to fit, not emptied */
    } else {
        CHECK_INT(json_integer_value(json_object_get(json_object_get(body, "error"), "code")),
                  ERR_INTERNAL);
        CHECK_CONTAINS(
            json_string_value(json_object_get(json_object_get(body, "error"), "message")), "6 MB");
    }
    json_decref(body);
    json_decref(j);
    free(text);
}

/* An HTTP response around `body` (not copied), as the HTTP front would give it. */
static struct http_response json_response(char *body)
{
    struct http_response res = {.status = 200};

    res.headers[0].name = "Content-Type";
    res.headers[0].value = "application/json";
    res.nheaders = 1;
    res.body = body;
    res.body_len = body ? strlen(body) : 0;
    return res;
}

/* ASCII, JSON escapes and multibyte characters are all cut on a boundary. */
TEST(fit_cuts_big_tool_results_to_6_MB)
{
    struct http_response res;
    const char *patterns[] = {"abcdefgh", "\"q\"\\", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"};
    size_t len;

    for (size_t p = 0; p < 3; p++) {
        json_t *reply = big_tool_reply(4 * 1024 * 1024, patterns[p]);
        res = json_response(json_dumps(reply, JSON_COMPACT));
        {
            char *text = lambda_reply_fit_http(&res, LAMBDA_MAX_RESPONSE_BYTES, &len);
            check_fitted_http(text, len, LAMBDA_MAX_RESPONSE_BYTES, true);
        }
        free(res.body);

        /* Direct invoke: the same reply, plain JSON-RPC. */
        {
            char *text = lambda_reply_fit_jsonrpc(reply, LAMBDA_MAX_RESPONSE_BYTES, &len);
            json_t *j = json_loads(text ? text : "", 0, NULL);
            CHECK(len <= LAMBDA_MAX_RESPONSE_BYTES);
            CHECK(j != NULL);
            CHECK_CONTAINS(
                json_string_value(json_object_get(
                    json_array_get(json_object_get(json_object_get(j, "result"), "content"), 0),
                    "text")),
                "output truncated");
            json_decref(j);
            free(text);
        }
        /* The caller's reply is left as it was. */
        CHECK_INT(
            json_string_length(json_object_get(
                json_object_get(json_object_get(reply, "result"), "structuredContent"), "stdout")),
            4 * 1024 * 1024 - (4 * 1024 * 1024) % strlen(patterns[p]));
        json_decref(reply);
    }
}

TEST(fit_passes_small_replies_unchanged)
{
    struct http_response res;
    size_t len;

    {
        json_t *reply = big_tool_reply(1000, "x");
        res = json_response(json_dumps(reply, JSON_COMPACT));
        {
            char *a = lambda_reply_fit_http(&res, LAMBDA_MAX_RESPONSE_BYTES, &len);
            size_t blen;
            char *b = lambda_reply_build(&res, &blen);
            CHECK(a && b && len == blen && strcmp(a, b) == 0);
            free(a);
            free(b);
        }
        free(res.body);
        json_decref(reply);
    }
}

/* A picture beside the text (run_aws_cli's metric widget) is dropped whole, never cut. */
TEST(shrink_drops_a_big_image_whole)
{
    json_t *reply = big_tool_reply(100, "x");
    json_t *content = json_object_get(json_object_get(reply, "result"), "content");
    json_t *block;

    json_array_append_new(content, json_pack("{s:s, s:s, s:s}", "type", "image", "data",
                                             "iVBORw0KGgoAAAANSUhEUgAA", "mimeType", "image/png"));
    CHECK_INT(lambda_reply_shrink(reply, 200), 0); /* everything fits: nothing changes */
    CHECK_STR(json_string_value(json_object_get(json_array_get(content, 1), "type")), "image");
    CHECK_INT(lambda_reply_shrink(reply, 16), 3); /* the text, stdout and the image */
    block = json_array_get(content, 1);
    CHECK_STR(json_string_value(json_object_get(block, "type")), "text");
    CHECK_CONTAINS(json_string_value(json_object_get(block, "text")), "[image dropped");
    CHECK(json_object_get(block, "data") == NULL);
    json_decref(reply);
}

/* Not a tool result: a JSON-RPC error with the same id. */
TEST(fit_replaces_other_big_replies_by_an_error)
{
    struct http_response res;
    size_t len;

    {
        json_t *big = big_tool_reply(10, "x");
        json_t *list = json_array();
        for (int i = 0; i < 2000; i++)
            json_array_append_new(list, json_pack("{s:s}", "name", "tool-with-a-long-name"));
        json_object_set_new(big, "result", json_pack("{s:o}", "tools", list));
        res = json_response(json_dumps(big, JSON_COMPACT));
        {
            char *text = lambda_reply_fit_http(&res, 20000, &len);
            check_fitted_http(text, len, 20000, false);
        }
        CHECK_INT(lambda_reply_shrink(big, 10), -1);
        free(res.body);
        json_decref(big);
    }
}

/*
 * Mutated and truncated events (a cheap, deterministic fuzz run; under -DSANITIZE=ON it also
 * checks memory safety): every one must parse to some kind without crashing, and an HTTP one
 * must have a method, a path and consistent headers.
 */
TEST(mutated_events_parse_safely)
{
    size_t n = strlen(url_event);
    char *buf = malloc(n + 1);
    unsigned int seed = 12345;
    int kinds[3] = {0, 0, 0}, bad = 0;

    for (int i = 0; i < 20000; i++) {
        struct lambda_event ev;
        size_t len = n;
        memcpy(buf, url_event, n + 1);
        for (int k = 0; k < 1 + i % 4; k++) {
            seed = seed * 1103515245u + 12345u;
            buf[(seed >> 8) % n] = (char)(seed >> 20);
        }
        if (i % 3 == 0)
            len = (seed >> 4) % (n + 1);
        lambda_event_parse(buf, len, false, 1, &ev);
        kinds[ev.kind]++;
        if (ev.kind == LAMBDA_EVENT_HTTP) {
            bad += !ev.req.method || !ev.req.path || (ev.req.nheaders && !ev.req.headers);
            for (size_t h = 0; h < ev.req.nheaders; h++)
                bad += !ev.req.headers[h].name || !ev.req.headers[h].value;
        } else if (ev.kind == LAMBDA_EVENT_MALFORMED) {
            bad += (ev.status != 400 && ev.status != 413) || !ev.why[0];
        }
        lambda_event_release(&ev);
    }
    free(buf);
    CHECK_INT(bad, 0);
    CHECK(kinds[LAMBDA_EVENT_HTTP] > 100 && kinds[LAMBDA_EVENT_MALFORMED] > 100);
}

TEST(mode_requested_by_argv_or_runtime_api)
{
    char a0[] = "awscli-mcp", lam[] = "lambda", stdio[] = "stdio", flag[] = "--timeout", v[] = "5";
    char *none[] = {a0, NULL}, *lm[] = {a0, lam, NULL}, *sm[] = {a0, stdio, NULL},
         *fl[] = {a0, flag, v, NULL};

    unsetenv("AWS_LAMBDA_RUNTIME_API");
    CHECK(!lambda_mode_requested(1, none));
    CHECK(lambda_mode_requested(2, lm));
    CHECK(!lambda_mode_requested(3, fl));
    setenv("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001", 1);
    CHECK(lambda_mode_requested(1, none));
    CHECK(lambda_mode_requested(3, fl));
    CHECK(!lambda_mode_requested(2, sm));
    unsetenv("AWS_LAMBDA_RUNTIME_API");
}

CHECK_MAIN
