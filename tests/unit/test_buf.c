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

CHECK_MAIN
