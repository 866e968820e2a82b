/* Table-driven tests of the command tokenizer (src/awscli/argv). */
#include <stdlib.h>
#include <string.h>

#include "awscli/argv.h"
#include "check.h"

struct ok_case {
    const char *cmd;
    const char *words[20]; /* NULL-terminated */
};

static const struct ok_case ok_cases[] = {
    {"logs describe-log-groups", {"logs", "describe-log-groups", NULL}},
    {"aws logs describe-log-groups", {"logs", "describe-log-groups", NULL}},
    {"  aws\tlogs   describe-log-groups  ", {"logs", "describe-log-groups", NULL}},
    /* Only a first word "aws" is dropped. */
    {"logs aws", {"logs", "aws", NULL}},
    {"aws aws", {"aws", NULL}},
    {"'aws' sts", {"sts", NULL}},
    {"awsx sts", {"awsx", "sts", NULL}},
    /* Single quotes keep everything literally. */
    {"logs x --query 'a[?b > `1`].c | [0]'", {"logs", "x", "--query", "a[?b > `1`].c | [0]", NULL}},
    {"x 'a\\b' '$HOME' '\"'", {"x", "a\\b", "$HOME", "\"", NULL}},
    {"x 'line1\nline2'", {"x", "line1\nline2", NULL}},
    {"x 'tab\there'", {"x", "tab\there", NULL}},
    /* Double quotes: \" \\ \$ \` and \newline are special, other backslashes stay. */
    {"x \"a \\\"b\\\" \\\\ \\$ \\` \\n\"", {"x", "a \"b\" \\ $ ` \\n", NULL}},
    {"x \"a\\\nb\"", {"x", "ab", NULL}},
    {"x \"$HOME ~ * {a,b} `id` $(id)\"", {"x", "$HOME ~ * {a,b} `id` $(id)", NULL}},
    {"x \"fields @t\n| filter x\"", {"x", "fields @t\n| filter x", NULL}},
    /* Backslash outside quotes. */
    {"x a\\ b \\'c\\' \\|", {"x", "a b", "'c'", "|", NULL}},
    {"x 'a'\\'b", {"x", "a'b", NULL}},
    {"x a\\\n b", {"x", "a", "b", NULL}},
    {"x \\#a", {"x", "#a", NULL}},
    /* Adjacent quoted and unquoted parts form one word. */
    {"x --opt='a b'\"c d\"e", {"x", "--opt=a bc de", NULL}},
    /* Empty quoted words are words. */
    {"x '' \"\"", {"x", "", "", NULL}},
    /* No expansion of any kind when unquoted either (except the refused $). */
    {"x ~ * ? [a] {a,b} ! % ^ = + , . / : @",
     {"x", "~", "*", "?", "[a]", "{a,b}", "!", "%", "^", "=", "+", ",", ".", "/", ":", "@", NULL}},
    /* '#' inside a word is not a comment. */
    {"x a#b", {"x", "a#b", NULL}},
    /* UTF-8 passes through. */
    {"x 'h\xc3\xa9llo' \xe2\x82\xac", {"x", "h\xc3\xa9llo", "\xe2\x82\xac", NULL}},
};

struct bad_case {
    const char *cmd;
    const char *msg; /* substring of the error */
};

static const struct bad_case bad_cases[] = {
    {"", "empty command"},
    {"   \t ", "empty command"},
    {"aws", "empty command"},
    {"aws  ", "empty command"},
    {"x 'abc", "unbalanced single quote opened at position 3"},
    {"x \"abc", "unbalanced double quote"},
    {"x \"a\\\"", "unbalanced double quote"},
    {"x 'it\\'s'", "unbalanced single quote opened at position 9"},
    {"x \\", "ends with a backslash"},
    {"x a\\", "backslash that escapes nothing"},
    {"logs describe-log-groups | head", "'|' at position 26 is a shell pipe"},
    {"logs x|y", "--query (JMESPath)"},
    {"logs x; rm -rf /", "';' at position 7 separates shell commands"},
    {"logs x && id", "'&' at position 8"},
    {"logs x & id", "one AWS CLI command per call"},
    {"logs x $HOME", "'$' at position 8 would be a shell expansion"},
    {"logs x a$b", "shell expansion"},
    {"logs x $(id)", "'$'"},
    {"logs x (a)", "'(' at position 8 is shell syntax"},
    {"logs x a)", "')'"},
    {"logs x < /etc/passwd", "'<' at position 8 is a shell redirection"},
    {"logs x > out", "cannot read or write files"},
    {"logs x 2>&1", "'>'"},
    {"logs x `id`", "'`' at position 8 is shell command substitution"},
    {"logs x\nsts y", "line break at position 7"},
    {"logs x\r\n", "carriage return at position 7"},
    {"logs x '\r'", "carriage return"},
    {"logs x \"\r\"", "carriage return"},
    {"logs x \\\r", "carriage return"},
    {"logs x \x01", "control character 0x01 at position 8"},
    {"logs x '\x1b[31m'", "control character 0x1b"},
    {"logs x \"\x7f\"", "control character 0x7f"},
    {"logs x \v", "control character 0x0b"},
    {"logs x \\\x02", "control character 0x02"},
    {"logs x # comment", "'#' at position 8 would start a shell comment"},
    {"#logs", "shell comment"},
    {"logs x \xff", "not valid UTF-8 (position 8)"},
    {"logs x \xc0\xaf", "not valid UTF-8"},         /* overlong '/' */
    {"logs x \xed\xa0\x80", "not valid UTF-8"},     /* surrogate */
    {"logs x \xf4\x90\x80\x80", "not valid UTF-8"}, /* above U+10FFFF */
    {"logs x \xe2\x82", "not valid UTF-8"},         /* truncated */
};

static void check_ok(const struct ok_case *c, size_t i)
{
    struct argv_words w = ARGV_WORDS_INIT;
    struct err e = ERR_INIT;
    size_t n = 0;
    int rc = argv_split(c->cmd, &w, &e);

    if (rc != 0)
        fprintf(stderr, "case %zu (%s): unexpected error: %s\n", i, c->cmd, e.msg);
    CHECK_INT(rc, 0);
    if (rc != 0)
        return;
    while (c->words[n])
        n++;
    CHECK_INT(w.n, n);
    for (size_t k = 0; k < n && k < w.n; k++)
        CHECK_STR(w.v[k], c->words[k]);
    CHECK(w.v[w.n] == NULL);
    argv_words_release(&w);
    CHECK(w.v == NULL && w.n == 0);
}

TEST(splits_like_a_posix_shell_without_expansion)
{
    for (size_t i = 0; i < ARRAY_SIZE(ok_cases); i++)
        check_ok(&ok_cases[i], i);
}

TEST(refuses_shell_syntax_with_its_position)
{
    for (size_t i = 0; i < ARRAY_SIZE(bad_cases); i++) {
        const struct bad_case *c = &bad_cases[i];
        struct argv_words w = ARGV_WORDS_INIT;
        struct err e = ERR_INIT;
        int rc = argv_split(c->cmd, &w, &e);
        if (rc == 0)
            fprintf(stderr, "case %zu (%s): accepted but should be refused\n", i, c->cmd);
        CHECK_INT(rc, -1);
        CHECK_INT(e.code, ERR_INVALID_PARAMS);
        CHECK_CONTAINS(e.msg, c->msg);
        /* Not cut off by the 256-byte err.msg. */
        CHECK(strlen(e.msg) < sizeof(e.msg) - 1);
        CHECK(w.v == NULL && w.n == 0);
        argv_words_release(&w);
    }
}

TEST(byte_limit_is_inclusive)
{
    struct argv_words w = ARGV_WORDS_INIT;
    struct err e = ERR_INIT;
    char *big = malloc(ARGV_MAX_BYTES + 2);

    /* Exactly the byte limit is fine; one more byte is refused. */
    memset(big, 'a', ARGV_MAX_BYTES);
    big[ARGV_MAX_BYTES] = '\0';
    CHECK_INT(argv_split(big, &w, &e), 0);
    CHECK_INT(w.n, 1);
    CHECK_INT(strlen(w.v[0]), ARGV_MAX_BYTES);
    argv_words_release(&w);
    big[ARGV_MAX_BYTES] = 'a';
    big[ARGV_MAX_BYTES + 1] = '\0';
    CHECK_INT(argv_split(big, &w, &e), -1);
    CHECK_CONTAINS(e.msg, "longer than 16384 bytes");
    free(big);
}

/* "w w w ... " with n words, in buf (at least 2 * n + 2 bytes). */
static char *words_of(char *buf, int n)
{
    size_t k = 0;
    for (int i = 0; i < n; i++) {
        buf[k++] = 'w';
        buf[k++] = ' ';
    }
    buf[k] = '\0';
    return buf;
}

TEST(word_limit_is_inclusive)
{
    struct argv_words w = ARGV_WORDS_INIT;
    struct err e = ERR_INIT;
    char words[2 * 300 + 8];

    /* 256 words pass, 257 do not. */
    CHECK_INT(argv_split(words_of(words, ARGV_MAX_WORDS), &w, &e), 0);
    CHECK_INT(w.n, ARGV_MAX_WORDS);
    CHECK(w.v[ARGV_MAX_WORDS] == NULL);
    argv_words_release(&w);
    CHECK_INT(argv_split(words_of(words, ARGV_MAX_WORDS + 1), &w, &e), -1);
    CHECK_CONTAINS(e.msg, "more than 256 words");
}

TEST(leading_aws_does_not_count_as_a_word)
{
    struct argv_words w = ARGV_WORDS_INIT;
    struct err e = ERR_INIT;
    char words[2 * 300 + 8], with_aws[sizeof(words) + 8];

    snprintf(with_aws, sizeof(with_aws), "aws %s", words_of(words, ARGV_MAX_WORDS));
    CHECK_INT(argv_split(with_aws, &w, &e), 0);
    CHECK_INT(w.n, ARGV_MAX_WORDS);
    argv_words_release(&w);
}

TEST(far_too_many_words_stop_early_and_cleanly)
{
    struct argv_words w = ARGV_WORDS_INIT;
    struct err e = ERR_INIT;
    char many[4001];

    CHECK_INT(argv_split(words_of(many, 2000), &w, &e), -1);
    CHECK_CONTAINS(e.msg, "more than 256 words");
    CHECK(w.v == NULL);
}

TEST(null_command_null_err_and_double_release)
{
    struct argv_words w = ARGV_WORDS_INIT;
    struct err e = ERR_INIT;

    CHECK_INT(argv_split(NULL, &w, &e), -1);
    CHECK_CONTAINS(e.msg, "no command");
    CHECK_INT(argv_split("x |", &w, NULL), -1);
    argv_words_release(&w);
    argv_words_release(&w);
    argv_words_release(NULL);
}

CHECK_MAIN
