/*
 * Signs requests with src/aws/sigv4 for tests/integration/test_sigv4_botocore.py. One JSON
 * object per stdin line:
 *   {"method","path","query","headers":[[name,value],...],"body_b64","region","service",
 *    "when","access_key","secret_key","token"}
 * and one JSON object per stdout line: {"authorization","amz_date","token",
 * "canonical_request"} or {"error": message}.
 */

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/sigv4.h"
#include "base64.h"
#include "banned.h"

static const char *str(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static json_t *sign_one(json_t *in, struct sigv4_key_cache *cache)
{
    json_t *hs = json_object_get(in, "headers");
    size_t n = json_array_size(hs);
    struct aws_header *h = calloc(n ? n : 1, sizeof(*h));
    for (size_t i = 0; i < n; i++) {
        h[i].name = json_string_value(json_array_get(json_array_get(hs, i), 0));
        h[i].value = json_string_value(json_array_get(json_array_get(hs, i), 1));
    }
    const char *b64 = str(in, "body_b64");
    size_t blen = 0;
    char *body = base64_decode(b64, strlen(b64), &blen);
    struct sigv4_request req = {
        str(in, "method"), str(in, "path"), str(in, "query"), h, n, body, blen, NULL};
    struct sigv4_credentials cred = {str(in, "access_key"), str(in, "secret_key"),
                                     str(in, "token")};
    struct sigv4_params p = {.region = str(in, "region"),
                             .service = str(in, "service"),
                             .when = (time_t)json_integer_value(json_object_get(in, "when")),
                             .normalize_path = true,
                             .cache = cache};
    struct sigv4_signed out;
    struct err e = ERR_INIT;
    json_t *res;
    sigv4_signed_init(&out);
    if (sigv4_sign(&req, &cred, &p, &out, &e) < 0)
        res = json_pack("{ss}", "error", e.msg);
    else
        res = json_pack("{ss ss ss ss}", "authorization", out.authorization.p, "amz_date",
                        out.amz_date, "token", out.security_token, "canonical_request",
                        out.canonical_request.p);
    sigv4_signed_release(&out);
    free(body);
    free(h);
    return res;
}

int main(void)
{
    static struct sigv4_key_cache cache = SIGV4_KEY_CACHE_INIT;
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, stdin) > 0) {
        json_error_t je;
        json_t *in = json_loads(line, 0, &je);
        json_t *res = in ? sign_one(in, &cache) : json_pack("{ss}", "error", je.text);
        char *s = json_dumps(res, JSON_COMPACT);
        printf("%s\n", s);
        fflush(stdout);
        free(s);
        json_decref(res);
        json_decref(in);
    }
    free(line);
    return 0;
}
