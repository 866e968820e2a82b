/* Unit tests of the UTF-8 module (src/utf8): validation, sequence lengths, cuts, repair. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "utf8.h"

TEST(valid_accepts_well_formed_refuses_the_rest)
{
    static const struct {
        const char *s;
        bool ok;
    } u[] = {
        {"plain", true},
        {"caf\xc3\xa9", true},
        {"\xe2\x82\xac", true},
        {"\xf0\x9f\x98\x80", true},
        {"\xc0\x80", false},
        {"\x80", false},
        {"\xe2\x82", false},
        {"\xed\xa0\x80", false},
        {"\xf4\x90\x80\x80", false},
        {"\xff", false},
    };
    for (size_t i = 0; i < ARRAY_SIZE(u); i++)
        CHECK_INT(utf8_valid(u[i].s, strlen(u[i].s)), u[i].ok);
}

/* The edges of table 3-7: the first and last code point of each range, and one past. */
TEST(valid_at_the_edges_of_table_3_7)
{
    static const struct {
        const char *s;
        bool ok;
    } u[] = {
        {"\x7f", true},
        {"\xc2\x80", true},          /* U+0080 */
        {"\xc1\xbf", false},         /* overlong U+007F */
        {"\xdf\xbf", true},          /* U+07FF */
        {"\xe0\xa0\x80", true},      /* U+0800 */
        {"\xe0\x9f\xbf", false},     /* overlong U+07FF */
        {"\xed\x9f\xbf", true},      /* U+D7FF */
        {"\xed\xbf\xbf", false},     /* surrogate U+DFFF */
        {"\xee\x80\x80", true},      /* U+E000 */
        {"\xef\xbf\xbf", true},      /* U+FFFF */
        {"\xf0\x90\x80\x80", true},  /* U+10000 */
        {"\xf0\x8f\xbf\xbf", false}, /* overlong U+FFFF */
        {"\xf4\x8f\xbf\xbf", true},  /* U+10FFFF */
        {"\xf5\x80\x80\x80", false},
        {"\xc2\x41", false}, /* a lead byte without its continuation */
    };
    for (size_t i = 0; i < ARRAY_SIZE(u); i++) {
        if (utf8_valid(u[i].s, strlen(u[i].s)) != u[i].ok)
            fprintf(stderr, "edge case %zu\n", i);
        CHECK_INT(utf8_valid(u[i].s, strlen(u[i].s)), u[i].ok);
    }
}

TEST(valid_len_points_at_the_first_bad_byte)
{
    CHECK_INT(utf8_valid_len("", 0), 0);
    CHECK_INT(utf8_valid_len("abc", 3), 3);
    CHECK_INT(utf8_valid_len("ab\xff", 3), 2);
    CHECK_INT(utf8_valid_len("caf\xc3\xa9\x80x", 7), 5);
    CHECK_INT(utf8_valid_len("\xe2\x82", 2), 0); /* truncated at the end */
    /* Embedded NUL is a valid character: lengths, not strlen. */
    CHECK_INT(utf8_valid_len("a\0b", 3), 3);
}

TEST(seq_length_and_completeness)
{
    bool complete = false;

    CHECK_INT(utf8_seq((const unsigned char *)"a", 1, &complete), 1);
    CHECK(complete);
    CHECK_INT(utf8_seq((const unsigned char *)"\xe2\x82\xac", 3, &complete), 3);
    CHECK(complete);
    CHECK_INT(utf8_seq((const unsigned char *)"\xf0\x9f\x98\x80", 4, &complete), 4);
    CHECK(complete);
    /* Maximal subparts: the well-formed prefix, at least one byte. */
    CHECK_INT(utf8_seq((const unsigned char *)"\xe2\x82", 2, &complete), 2);
    CHECK(!complete);
    CHECK_INT(utf8_seq((const unsigned char *)"\xe2\x28", 2, &complete), 1);
    CHECK(!complete);
    CHECK_INT(utf8_seq((const unsigned char *)"\x80", 1, &complete), 1);
    CHECK(!complete);
    CHECK_INT(utf8_seq((const unsigned char *)"\xed\xa0\x80", 3, &complete), 1);
    CHECK(!complete);
}

/* utf8_cut(s, n): the longest prefix <= n that does not end inside a character. */
TEST(cut_backs_off_to_a_character_boundary)
{
    const char *s = "a\xe2\x82\xac"
                    "b"; /* a, euro sign, b */

    CHECK_INT(utf8_cut(s, 0), 0);
    CHECK_INT(utf8_cut(s, 1), 1);
    CHECK_INT(utf8_cut(s, 2), 1);
    CHECK_INT(utf8_cut(s, 3), 1);
    CHECK_INT(utf8_cut(s, 4), 4);
    CHECK_INT(utf8_cut(s, 5), 5);
}

struct utf8_case {
    const char *in;
    size_t in_len;
    bool cut;
    const char *want;
    size_t want_len;
    int replaced;
};

#define U(s) s, sizeof(s) - 1
#define FFFD "\xEF\xBF\xBD"

/* Unicode 15 section 3.9, "U+FFFD Substitution of Maximal Subparts", and the cut tail. */
TEST(repair_replaces_maximal_subparts)
{
    static const struct utf8_case cases[] = {
        {U(""), false, U(""), 0},
        {U("plain ascii"), false, U("plain ascii"), 0},
        {U("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9D\x84\x9E"), false,
         U("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9D\x84\x9E"), 0},
        {U("\xEF\xBF\xBF\xF4\x8F\xBF\xBF"), false, U("\xEF\xBF\xBF\xF4\x8F\xBF\xBF"), 0},
        {U("a\x80"
           "b"),
         false, U("a" FFFD "b"), 1},
        {U("\xFF"), false, U(FFFD), 1},
        {U("\xFF"), true, U(FFFD), 1},           /* an invalid lead byte is not a cut sequence */
        {U("\xC0\xAF"), false, U(FFFD FFFD), 2}, /* overlong '/' */
        {U("\xE0\x80\xAF"), false, U(FFFD FFFD FFFD), 3},          /* overlong, three bytes */
        {U("\xED\xA0\x80"), false, U(FFFD FFFD FFFD), 3},          /* surrogate U+D800 */
        {U("\xF4\x90\x80\x80"), false, U(FFFD FFFD FFFD FFFD), 4}, /* past U+10FFFF */
        {U("\xF5\x80"), false, U(FFFD FFFD), 2},
        {U("\xE2\x28\xA1"), false, U(FFFD "(" FFFD), 2},
        {U("\xE2\x82"
           "x"),
         false, U(FFFD "x"), 1}, /* maximal subpart E2 82 is one U+FFFD */
        {U("\xF0\x9F\x98"
           "x"),
         false, U(FFFD "x"), 1},
        {U("ab\xC3"), false, U("ab" FFFD), 1}, /* the child's own output ended mid-sequence */
        {U("ab\xC3"), true, U("ab"), 0},       /* the cap cut it: trimmed, not replaced */
        {U("a\xE2\x82"), true, U("a"), 0},
        {U("a\xF0\x9F\x98"), true, U("a"), 0},
        {U("\x80"
           "a\xF0\x9F\x98"),
         true, U(FFFD "a"), 1},                      /* repair and trim together */
        {U("a\xE0\x80"), true, U("a" FFFD FFFD), 2}, /* E0 80 could never complete */
        {U("a\0b"), false, U("a\0b"), 0},
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        const struct utf8_case *c = &cases[i];
        struct buf b = BUF_INIT(0);
        int n;

        CHECK_INT(buf_add(&b, c->in, c->in_len), 0);
        n = utf8_repair(&b, c->cut);
        if (n != c->replaced || b.len != c->want_len || memcmp(b.p, c->want, b.len) != 0) {
            fprintf(stderr, "utf8 case %zu: got %d replacements, %zu bytes\n", i, n, b.len);
            CHECK(0);
        } else {
            CHECK(1);
        }
        CHECK(b.p[b.len] == '\0');
        buf_release(&b);
    }
}

TEST(repair_leaves_valid_text_and_its_buffer_alone)
{
    struct buf b = BUF_INIT(0);
    char *before;

    CHECK_INT(buf_adds(&b, "caf\xc3\xa9"), 0);
    before = b.p;
    CHECK_INT(utf8_repair(&b, false), 0);
    CHECK(b.p == before);
    CHECK_STR(b.p, "caf\xc3\xa9");
    buf_release(&b);
}

static void check_decode(const char *s, size_t n, uint32_t cp, size_t next, int rc)
{
    size_t i = 0;
    uint32_t got = 0;

    CHECK_INT(utf8_decode(s, n, &i, &got), rc);
    CHECK_INT((long long)got, (long long)cp);
    CHECK_INT((long long)i, (long long)next);
}

TEST(decode_gives_code_points_and_fffd_for_maximal_subparts)
{
    check_decode("A", 1, 'A', 1, 0);
    check_decode("\xc3\xa9", 2, 0xE9, 2, 0);
    check_decode("\xe2\x82\xac", 3, 0x20AC, 3, 0);
    check_decode("\xf0\x9f\x98\x80", 4, 0x1F600, 4, 0);
    check_decode("\x80", 1, 0xFFFD, 1, -1);         /* a stray continuation byte */
    check_decode("\xe2\x82", 2, 0xFFFD, 2, -1);     /* cut short: the whole subpart */
    check_decode("\xed\xa0\x80", 3, 0xFFFD, 1, -1); /* a surrogate */
    check_decode("\xc0\xaf", 2, 0xFFFD, 1, -1);     /* an overlong form */
}

CHECK_MAIN
