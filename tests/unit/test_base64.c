/* Unit tests of base64 (src/base64): RFC 4648 section 10's vectors both ways, strict decoding. */
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "check.h"

static const struct {
    const char *raw, *enc;
} rfc4648[] = {
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
};

TEST(encode_rfc4648_vectors)
{
    for (size_t i = 0; i < ARRAY_SIZE(rfc4648); i++) {
        size_t n = 99;
        char *enc = base64_encode(rfc4648[i].raw, strlen(rfc4648[i].raw), &n);
        CHECK_STR(enc, rfc4648[i].enc);
        CHECK_INT(n, strlen(rfc4648[i].enc));
        free(enc);
    }
}

TEST(decode_rfc4648_vectors)
{
    for (size_t i = 0; i < ARRAY_SIZE(rfc4648); i++) {
        size_t n = 99;
        char *dec = base64_decode(rfc4648[i].enc, strlen(rfc4648[i].enc), &n);
        CHECK_STR(dec, rfc4648[i].raw);
        CHECK_INT(n, strlen(rfc4648[i].raw));
        free(dec);
    }
}

/* Every byte value survives, including NUL and the two characters past the letters (+ /). */
TEST(round_trip_of_binary)
{
    const char raw[] = "any carnal pleas\x00\xfe";
    unsigned char all[256];
    size_t n, m;
    char *enc = base64_encode(raw, sizeof(raw) - 1, &n);
    char *dec = enc ? base64_decode(enc, n, &m) : NULL;

    CHECK(dec && m == sizeof(raw) - 1 && memcmp(dec, raw, m) == 0);
    free(enc);
    free(dec);
    for (int i = 0; i < 256; i++)
        all[i] = (unsigned char)i;
    enc = base64_encode(all, sizeof(all), &n);
    CHECK(enc && strchr(enc, '+') && strchr(enc, '/'));
    dec = enc ? base64_decode(enc, n, &m) : NULL;
    CHECK(dec && m == sizeof(all) && memcmp(dec, all, m) == 0);
    free(enc);
    free(dec);
    enc = base64_encode("\xfb\xff", 2, NULL);
    CHECK_STR(enc, "+/8=");
    free(enc);
}

TEST(decode_refuses_what_is_not_strict_base64)
{
    static const char *const bad[] = {
        "abc",              /* not whole quanta */
        "Zg=",              /* padding short */
        "ab!d",             /* outside the alphabet */
        "a===",             /* three '=' */
        "ab=c",             /* '=' not at the end */
        "Zg==Zg==",         /* '=' before the last quantum */
        "Zm9v\n",           /* whitespace */
        "Zm 9v",    "Zm9-", /* the URL-safe alphabet is not this one */
        "Zm9_",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        if (base64_decode(bad[i], strlen(bad[i]), NULL) != NULL)
            fprintf(stderr, "accepted: %s\n", bad[i]);
        CHECK(base64_decode(bad[i], strlen(bad[i]), NULL) == NULL);
    }
}

TEST(decode_of_nothing_is_empty_not_null)
{
    size_t n = 99;
    char *d = base64_decode("", 0, &n);

    CHECK(d != NULL && n == 0);
    CHECK_STR(d, "");
    free(d);
}

CHECK_MAIN
