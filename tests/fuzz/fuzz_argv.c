/*
 * libFuzzer target for the run_aws_cli command path: argv_split on arbitrary bytes, then
 * policy_check on whatever it accepts, under two policies (the read-only default and a wide
 * ALLOW/DENY one). Besides the sanitizers' findings it asserts the tokenizer's contract:
 * a refusal leaves the output empty with a ERR_INVALID_PARAMS message, an acceptance gives 1..256
 * NULL-terminated words with no control bytes other than tab and line feed, and quoting those
 * words again with single quotes and splitting the result gives the same words back. Build
 * and run: see README.md beside this file.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "awscli/argv.h"
#include "awscli/policy.h"

static struct policy *policies[2];

static void must(int cond)
{
    if (!cond)
        abort();
}

/* True when argparse would take word as `opt` (the name before '=' is opt or a prefix of it). */
static int cli_option(const char *word, const char *opt)
{
    size_t len = strcspn(word, "=");
    return strncmp(word, "--", 2) == 0 && len <= strlen(opt) && strncmp(word, opt, len) == 0;
}

/* True when the CLI would load this word's value from a file: it starts with file:// (any
 * case, after blanks), or it is an option word whose value after '=' does. */
static int loads_file(const char *word)
{
    const char *v[2] = {word, word[0] == '-' ? strchr(word, '=') : NULL};
    if (v[1])
        v[1]++;
    for (int j = 0; j < 2; j++) {
        const char *p = v[j];
        if (!p)
            continue;
        while (*p == ' ' || *p == '\t')
            p++;
        if (strncasecmp(p, "file://", 7) == 0 || strncasecmp(p, "fileb://", 8) == 0)
            return 1;
    }
    return 0;
}

/* Single-quotes every word ('\'' for a quote), splits again and compares. */
static void roundtrip(const struct argv_words *w)
{
    struct argv_words again = ARGV_WORDS_INIT;
    struct err e = ERR_INIT;
    size_t cap = 1, len = 0;
    char *s;

    if (strcmp(w->v[0], "aws") == 0) /* would be dropped a second time */
        return;
    for (size_t i = 0; i < w->n; i++)
        cap += 4 * strlen(w->v[i]) + 3;
    s = malloc(cap);
    if (!s)
        return;
    for (size_t i = 0; i < w->n; i++) {
        s[len++] = '\'';
        for (const char *p = w->v[i]; *p; p++) {
            if (*p == '\'') {
                memcpy(s + len, "'\\''", 4);
                len += 4;
            } else {
                s[len++] = *p;
            }
        }
        s[len++] = '\'';
        s[len++] = ' ';
    }
    s[len] = '\0';
    if (len <= ARGV_MAX_BYTES) {
        must(argv_split(s, &again, &e) == 0);
        must(again.n == w->n);
        for (size_t i = 0; i < w->n; i++)
            must(strcmp(again.v[i], w->v[i]) == 0);
        argv_words_release(&again);
    }
    free(s);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct err e = ERR_INIT;
    (void)argc;
    (void)argv;
    must(policy_new(&policies[0], NULL, NULL, &e) == 0);
    must(policy_new(&policies[1], "*:*, ec2:describe-?pcs", "*:delete-*", &e) == 0);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct argv_words w = ARGV_WORDS_INIT;
    struct err e = ERR_INIT;
    char *cmd = malloc(size + 1);

    if (!cmd)
        return 0;
    memcpy(cmd, data, size);
    cmd[size] = '\0';

    /* The tool passes the JSON string's length: a NUL inside must be seen and refused. */
    if (argv_split_n(cmd, size, &w, &e) != 0) {
        must(w.v == NULL && w.n == 0);
        must(e.code == ERR_INVALID_PARAMS && e.msg[0] != '\0');
    } else {
        must(memchr(cmd, '\0', size) == NULL);
        must(w.n >= 1 && w.n <= ARGV_MAX_WORDS && w.v[w.n] == NULL);
        for (size_t i = 0; i < w.n; i++) {
            for (const unsigned char *p = (const unsigned char *)w.v[i]; *p; p++)
                must(*p >= 0x20 || *p == '\t' || *p == '\n');
            must(strchr(w.v[i], '\r') == NULL);
        }
        roundtrip(&w);
        for (int k = 0; k < 2; k++) {
            struct err pe = ERR_INIT;
            if (policy_check(policies[k], w.v, w.n, &pe) != 0)
                must(pe.code == ERR_INVALID_PARAMS && pe.msg[0] != '\0');
            else
                /* Whatever passes has no word the CLI would read as a refused option. */
                for (size_t i = 0; i < w.n; i++)
                    must(strcmp(w.v[i], "help") != 0 && strcmp(w.v[i], "--") != 0 &&
                         !cli_option(w.v[i], "--debug") && !cli_option(w.v[i], "--endpoint-url") &&
                         !cli_option(w.v[i], "--cli-input-json") && !loads_file(w.v[i]));
        }
        argv_words_release(&w);
    }
    free(cmd);
    return 0;
}
