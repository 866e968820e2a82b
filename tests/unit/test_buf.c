/* Unit tests of the bounded byte buffer (src/buf). */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "check.h"

TEST(empty_is_a_string)
{
    struct buf b = BUF_INIT(0);

    CHECK_STR(b.p, "");
    CHECK_INT(b.len, 0);
    buf_release(&b);
    buf_release(&b); /* safe twice */
    CHECK_STR(b.p, "");
}

TEST(grows_and_stays_terminated)
{
    struct buf b = BUF_INIT(0);
    char big[1000];

    memset(big, 'x', sizeof(big));
    for (int i = 0; i < 100; i++)
        CHECK_INT(buf_add(&b, big, sizeof(big)), 0);
    CHECK_INT(b.len, 100000);
    CHECK_INT(b.p[b.len], '\0');
    CHECK(!b.truncated);
    buf_release(&b);
}

TEST(ceiling_keeps_the_head)
{
    struct buf b = BUF_INIT(5);

    CHECK_INT(buf_adds(&b, "abc"), 0);
    CHECK_INT(buf_adds(&b, "defg"), -1);
    CHECK_STR(b.p, "abcde");
    CHECK(b.truncated);
    CHECK_INT(buf_adds(&b, "h"), -1);
    CHECK_STR(b.p, "abcde");
    CHECK(b.cap <= 6);
    buf_reset(&b);
    CHECK(!b.truncated);
    CHECK_STR(b.p, "");
    buf_release(&b);
}

TEST(addf_small_and_large)
{
    struct buf b = BUF_INIT(0);
    char want[600];

    CHECK_INT(buf_addf(&b, "%d-%s", 42, "x"), 0);
    CHECK_STR(b.p, "42-x");
    memset(want, 'y', 599);
    want[599] = '\0';
    CHECK_INT(buf_addf(&b, "%s", want), 0);
    CHECK_INT(b.len, 4 + 599);
    CHECK(memcmp(b.p + 4, want, 599) == 0);
    buf_release(&b);
}

TEST(take_hands_over_and_reinits)
{
    struct buf b = BUF_INIT(10);
    size_t len = 99;
    char *p;

    p = buf_take(&b, &len);
    CHECK_STR(p, "");
    CHECK_INT(len, 0);
    free(p);
    CHECK_INT(buf_adds(&b, "hello"), 0);
    p = buf_take(&b, &len);
    CHECK_STR(p, "hello");
    CHECK_INT(len, 5);
    CHECK_INT(b.len, 0);
    CHECK_INT(b.max, 10);
    free(p);
}

TEST(exactly_at_the_ceiling_is_not_truncation)
{
    struct buf b = BUF_INIT(5);

    CHECK_INT(buf_adds(&b, "abcde"), 0);
    CHECK(!b.truncated);
    CHECK_INT(buf_add(&b, "", 0), 0);
    CHECK(!b.truncated);
    CHECK_INT(buf_adds(&b, "f"), -1);
    CHECK(b.truncated);
    CHECK_STR(b.p, "abcde");
    buf_release(&b);
}

TEST(addf_past_the_ceiling_keeps_the_head)
{
    struct buf b = BUF_INIT(8);

    CHECK_INT(buf_addf(&b, "%s-%d", "hello", 12345), -1);
    CHECK(b.truncated);
    CHECK_STR(b.p, "hello-12");
    CHECK_INT(b.len, 8);
    buf_release(&b);
}

TEST(init_gives_an_empty_string_with_the_ceiling)
{
    struct buf b;

    buf_init(&b, 3);
    CHECK_STR(b.p, "");
    CHECK_INT(b.len, 0);
    CHECK_INT(b.max, 3);
    CHECK(!b.truncated);
    CHECK_INT(buf_adds(&b, "abcd"), -1);
    CHECK_STR(b.p, "abc");
    buf_release(&b);
}

CHECK_MAIN
