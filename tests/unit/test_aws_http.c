/* The URL parser of src/aws/http (the exchanges themselves: tests/integration/test_aws_http.py). */

#include <string.h>

#include "check.h"
#include "aws/http.h"
#include "banned.h"

TEST(url_parts)
{
    struct aws_url u;
    CHECK_INT(aws_url_parse("https://abc.lambda-url.eu-west-3.on.aws/mcp?x=1#f", &u, NULL), 0);
    CHECK_STR(u.scheme, "https");
    CHECK_STR(u.host, "abc.lambda-url.eu-west-3.on.aws");
    CHECK_STR(u.authority, "abc.lambda-url.eu-west-3.on.aws");
    CHECK_INT(u.port, 443);
    CHECK_STR(u.path, "/mcp");
    CHECK_STR(u.query, "x=1");
    CHECK_INT(aws_url_parse("http://LocalHost:8080", &u, NULL), 0);
    CHECK_STR(u.host, "localhost");
    CHECK_STR(u.authority, "localhost:8080");
    CHECK_STR(u.path, "/");
    CHECK_STR(u.query, "");
    CHECK(aws_url_is_loopback(&u));
    CHECK_INT(aws_url_parse("https://[::1]:443/a", &u, NULL), 0);
    CHECK_STR(u.host, "::1");
    CHECK_STR(u.authority, "[::1]");
    CHECK(aws_url_is_loopback(&u));
    CHECK_INT(aws_url_parse("http://127.0.0.9:80/", &u, NULL), 0);
    CHECK_STR(u.authority, "127.0.0.9");
    CHECK(aws_url_is_loopback(&u));
    CHECK_INT(aws_url_parse("https://example.com", &u, NULL), 0);
    CHECK(!aws_url_is_loopback(&u));
}

TEST(url_refusals)
{
    static const char *const bad[] = {
        "",
        "ftp://x/",
        "https://",
        "https://:80/",
        "https://h:0/",
        "https://h:99999/",
        "https://h:8x/",
        "https://u:p@h/",
        "https://h/ a",
        "https://[::1/",
        "https://[::1]x/",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        struct aws_url u;
        struct err e = ERR_INIT;
        int rc = aws_url_parse(bad[i], &u, &e);
        if (rc == 0)
            fprintf(stderr, "accepted: %s\n", bad[i]);
        CHECK_INT(rc, -1);
        CHECK_INT(e.code, ERR_INVALID_PARAMS);
    }
}

CHECK_MAIN
