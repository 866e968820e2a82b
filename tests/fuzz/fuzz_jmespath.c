/*
 * libFuzzer target for src/jmespath/: arbitrary bytes as an expression, compiled and evaluated
 * under a small budget against a fixed document shaped like a CloudWatch reply. Input after
 * a first NUL byte, when it is JSON, is the document instead. Contract besides the sanitizers:
 * every failure has a known kind (compiling: syntax, or invalid-value for a JSON literal JSON
 * cannot hold) and a message, a success has a result, the budget holds, and
 * the result prints as JSON.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jmespath/jmespath.h"
#include "pyjson.h"

static const char doc_text[] =
    "{\"logGroups\":[{\"logGroupName\":\"/aws/lambda/a\",\"storedBytes\":10,\"creationTime\":1.5},"
    "{\"logGroupName\":\"b\\u00fc\",\"storedBytes\":0,\"tags\":{\"k\":[1,2,\"x\"]}},"
    "{\"logGroupName\":\"\",\"storedBytes\":-3,\"arn\":null,\"x\":true}],"
    "\"events\":[{\"message\":\"m1\",\"timestamp\":3},{\"message\":\"\",\"timestamp\":1e16}],"
    "\"nextToken\":\"t\"}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static json_t *doc;
    struct jp_limits lim = {.max_values = 20000, .max_string_bytes = 256 * 1024};
    const char *text = (const char *)data;
    const char *nul = memchr(data, '\0', size);
    size_t len = nul ? (size_t)(nul - text) : size;
    json_t *own = NULL, *out = NULL;
    struct jp_expr *e = NULL;
    struct jp_error err = {0};
    struct jp_usage use = {0};
    struct buf b = BUF_INIT(0);
    int rc;

    if (!doc)
        doc = json_loads(doc_text, 0, NULL);
    if (nul)
        own = json_loadb(nul + 1, size - len - 1, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    rc = jp_compile(text, len, &e, &err);
    if (rc < 0 &&
        ((err.kind != JP_ERR_SYNTAX && err.kind != JP_ERR_INVALID_VALUE) || err.msg[0] == '\0'))
        abort();
    if (rc == 0) {
        rc = jp_eval(e, own ? own : doc, &lim, &out, &use, &err);
        if (rc < 0 && (err.kind == JP_OK || err.kind == JP_ERR_SYNTAX || err.msg[0] == '\0'))
            abort();
        if (rc == 0 && !out)
            abort();
        if (use.values > lim.max_values || use.string_bytes > lim.max_string_bytes)
            abort();
        if (rc == 0 &&
            (pyjson_dump(out, PYJSON_COMPACT, &b) < 0 || pyjson_dump(out, PYJSON_CLI, &b) < 0))
            abort();
    }
    buf_release(&b);
    json_decref(out);
    json_decref(own);
    jp_free(e);
    return 0;
}
