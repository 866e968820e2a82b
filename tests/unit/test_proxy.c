/* The proxy's pure parts: the signing scope from the URL, and its flags in config. */

#include <stdio.h>
#include <string.h>

#include "check.h"
#include "config.h"
#include "transport/proxy.h"
#include "banned.h"

TEST(region_inferred_from_function_url)
{
    char region[64];
    struct err e = ERR_INIT;
    CHECK_INT(proxy_signing_scope("https://abcdefghij1234567890klmnop.lambda-url.eu-west-3.on.aws/",
                                  NULL, region, &e),
              0);
    CHECK_STR(region, "eu-west-3");
    CHECK_INT(proxy_signing_scope("https://x.lambda-url.us-gov-west-1.on.aws", "", region, &e), 0);
    CHECK_STR(region, "us-gov-west-1");
    /* A given region wins. */
    CHECK_INT(
        proxy_signing_scope("https://x.lambda-url.eu-west-3.on.aws/", "us-east-1", region, &e), 0);
    CHECK_STR(region, "us-east-1");
    static const char *const no[] = {
        "https://mcp.example.com/", "https://lambda-url.eu-west-3.on.aws/",
        "https://x.lambda-url..on.aws/", "https://x.lambda-url.a.b.on.aws/",
        "https://x.lambda-url.eu-west-3.on.aws.evil.com/"};
    for (size_t i = 0; i < ARRAY_SIZE(no); i++) {
        CHECK_INT(proxy_signing_scope(no[i], NULL, region, &e), -1);
        CHECK_CONTAINS(e.msg, "--region is required");
    }
}

/* config_load takes char **: the words are copied into writable storage. */
static char **words(const char *const *w, int *argc)
{
    static char store[8][64];
    static char *v[9];
    int n = 0;
    for (; w[n]; n++) {
        snprintf(store[n], sizeof(store[n]), "%s", w[n]);
        v[n] = store[n];
    }
    v[n] = NULL;
    *argc = n;
    return v;
}

TEST(header_flags)
{
    int argc;
    struct config c;
    struct err e = ERR_INIT;
    static const char *const ok[] = {"awscli-mcp", "proxy", "--url",        "https://x",
                                     "--header",   "A: 1",  "--header=B:2", NULL};
    char **v = words(ok, &argc);
    CHECK_INT(config_load(&c, argc, v, &e), 0);
    CHECK_INT(c.n_proxy_headers, 2);
    CHECK_STR(c.proxy_headers[1], "B:2");
    CHECK_INT(c.timeout_s, CONFIG_DEFAULT_PROXY_TIMEOUT_S);
    static const char *const bad[] = {"awscli-mcp", "proxy",    "--url", "https://x",
                                      "--header",   "no colon", NULL};
    v = words(bad, &argc);
    CHECK_INT(config_load(&c, argc, v, &e), -1);
    CHECK_CONTAINS(e.msg, "'no colon' is not 'Name: value'");
    static const char *const other[] = {"awscli-mcp", "stdio", "--header", "A: 1", NULL};
    v = words(other, &argc);
    CHECK_INT(config_load(&c, argc, v, &e), -1);
    CHECK_CONTAINS(e.msg, "--header does not apply to stdio (only to proxy)");
}

CHECK_MAIN
