#include "argv.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "utf8.h"
#include "banned.h"

#define E_PARAMS   (-32602)
#define E_INTERNAL (-32603)

static bool is_control(unsigned char c)
{
    return c < 0x20 || c == 0x7f;
}

/* The refusal for an unquoted shell metacharacter, with what to do instead. */
static int refuse_operator(struct err *e, unsigned char c, size_t pos)
{
    switch (c) {
    case '|':
        return err_set(e, E_PARAMS,
                       "'|' at position %zu is a shell pipe; this tool runs one AWS CLI command "
                       "without a shell: use --query (JMESPath) to filter output, --max-items to "
                       "limit it",
                       pos);
    case ';':
        return err_set(e, E_PARAMS,
                       "';' at position %zu separates shell commands; this tool runs one AWS CLI "
                       "command per call without a shell: make one call per command (quote the "
                       "';' if it is part of a value)",
                       pos);
    case '&':
        return err_set(e, E_PARAMS,
                       "'&' at position %zu is shell syntax (&&, background jobs); this tool runs "
                       "one AWS CLI command per call without a shell: make one call per command",
                       pos);
    case '$':
        return err_set(e, E_PARAMS,
                       "'$' at position %zu would be a shell expansion; nothing is expanded here: "
                       "write the value itself, or put it in single quotes if it really contains "
                       "'$'",
                       pos);
    case '(':
    case ')':
        return err_set(e, E_PARAMS,
                       "'%c' at position %zu is shell syntax and there is no shell here: put "
                       "values containing parentheses (e.g. a JMESPath --query) in single quotes",
                       c, pos);
    case '<':
    case '>':
        return err_set(e, E_PARAMS,
                       "'%c' at position %zu is a shell redirection; this tool cannot read or "
                       "write files: the output comes back to you, narrow it with --query or "
                       "--max-items",
                       c, pos);
    default: /* '`' */
        return err_set(e, E_PARAMS,
                       "'`' at position %zu is shell command substitution and there is no shell "
                       "here: put a JMESPath --query that contains `literals` in single quotes",
                       pos);
    }
}

static int refuse_control(struct err *e, unsigned char c, size_t pos)
{
    if (c == '\n')
        return err_set(e, E_PARAMS,
                       "line break at position %zu: this tool runs one AWS CLI command per call; "
                       "line breaks are allowed only inside quoted values, send other commands "
                       "in separate calls",
                       pos);
    if (c == '\r')
        return err_set(e, E_PARAMS,
                       "carriage return at position %zu is not allowed; use \\n line breaks, and "
                       "only inside quoted values",
                       pos);
    return err_set(e, E_PARAMS,
                   "control character 0x%02x at position %zu is not allowed; remove it", c, pos);
}

/* Appends a copy of word[0..len) to w; the caller has checked the capacity. */
static int push_word(struct argv_words *w, const char *word, size_t len, struct err *e)
{
    char *copy = xmalloc(len + 1);
    if (!copy)
        return err_set(e, E_INTERNAL, "out of memory");
    memcpy(copy, word, len);
    copy[len] = '\0';
    w->v[w->n++] = copy;
    w->v[w->n] = NULL;
    return 0;
}

int argv_split(const char *cmd, struct argv_words *out, struct err *e)
{
    struct argv_words w = ARGV_WORDS_INIT;
    char *scratch = NULL;
    size_t len, bad, i = 0, wl = 0, qstart = 0;
    bool have = false;
    enum { PLAIN, SQUOTE, DQUOTE } st = PLAIN;
    int rc = -1;

    if (!cmd) {
        err_set(e, E_PARAMS, "no command given");
        goto out;
    }
    len = strnlen(cmd, ARGV_MAX_BYTES + 1);
    if (len > ARGV_MAX_BYTES) {
        err_set(e, E_PARAMS,
                "the command is longer than %d bytes: narrow it, or split the work into several "
                "calls",
                ARGV_MAX_BYTES);
        goto out;
    }
    bad = utf8_valid_len(cmd, len);
    if (bad < len) {
        err_set(e, E_PARAMS, "the command is not valid UTF-8 (position %zu)", bad + 1);
        goto out;
    }
    /*
     * Every word is at most as long as the command, and there can be one word more than the
     * limit before the leading "aws" is dropped; +1 for the terminating NULL.
     */
    scratch = xmalloc(len + 1);
    w.v = xcalloc(ARGV_MAX_WORDS + 2, sizeof(*w.v));
    if (!scratch || !w.v) {
        err_set(e, E_INTERNAL, "out of memory");
        goto out;
    }

    while (i < len) {
        unsigned char c = (unsigned char)cmd[i];
        size_t pos = i + 1;

        if (st == SQUOTE) {
            if (c == '\'') {
                st = PLAIN;
            } else if (is_control(c) && c != '\t' && c != '\n') {
                refuse_control(e, c, pos);
                goto out;
            } else {
                scratch[wl++] = (char)c;
            }
            i++;
            continue;
        }
        if (st == DQUOTE) {
            if (c == '"') {
                st = PLAIN;
                i++;
                continue;
            }
            if (c == '\\' && i + 1 < len) {
                char d = cmd[i + 1];
                /* POSIX 2.2.3: inside double quotes only these keep the backslash special. */
                if (d == '\n') {
                    i += 2;
                    continue;
                }
                if (d == '"' || d == '\\' || d == '$' || d == '`') {
                    scratch[wl++] = d;
                    i += 2;
                    continue;
                }
            }
            if (is_control(c) && c != '\t' && c != '\n') {
                refuse_control(e, c, pos);
                goto out;
            }
            scratch[wl++] = (char)c;
            i++;
            continue;
        }

        if (c == ' ' || c == '\t') {
            if (have) {
                if (w.n > ARGV_MAX_WORDS) {
                    err_set(e, E_PARAMS,
                            "the command has more than %d words: split the work into several "
                            "calls",
                            ARGV_MAX_WORDS);
                    goto out;
                }
                if (push_word(&w, scratch, wl, e) < 0)
                    goto out;
                have = false;
                wl = 0;
            }
            i++;
            continue;
        }
        if (c == '\\') {
            unsigned char d;
            if (i + 1 >= len) {
                err_set(e, E_PARAMS,
                        "the command ends with a backslash that escapes nothing: remove it");
                goto out;
            }
            d = (unsigned char)cmd[i + 1];
            if (d == '\n') { /* line continuation */
                i += 2;
                continue;
            }
            if (is_control(d) && d != '\t') {
                refuse_control(e, d, pos + 1);
                goto out;
            }
            scratch[wl++] = (char)d;
            have = true;
            i += 2;
            continue;
        }
        if (c == '\'' || c == '"') {
            st = c == '\'' ? SQUOTE : DQUOTE;
            qstart = pos;
            have = true;
            i++;
            continue;
        }
        if (is_control(c)) {
            refuse_control(e, c, pos);
            goto out;
        }
        if (strchr("|;&$()<>`", c)) {
            refuse_operator(e, c, pos);
            goto out;
        }
        if (c == '#' && !have) {
            err_set(e, E_PARAMS,
                    "'#' at position %zu would start a shell comment; put the value in quotes if "
                    "'#' is part of it",
                    pos);
            goto out;
        }
        scratch[wl++] = (char)c;
        have = true;
        i++;
    }

    if (st != PLAIN) {
        err_set(e, E_PARAMS,
                "unbalanced %s quote opened at position %zu: close it, or escape a literal quote "
                "(\\' outside quotes, \\\" inside double quotes)",
                st == SQUOTE ? "single" : "double", qstart);
        goto out;
    }
    if (have) {
        if (w.n > ARGV_MAX_WORDS) {
            err_set(e, E_PARAMS,
                    "the command has more than %d words: split the work into several calls",
                    ARGV_MAX_WORDS);
            goto out;
        }
        if (push_word(&w, scratch, wl, e) < 0)
            goto out;
    }
    if (w.n > 0 && strcmp(w.v[0], "aws") == 0) {
        free(w.v[0]);
        memmove(w.v, w.v + 1, w.n * sizeof(*w.v)); /* moves the NULL too */
        w.n--;
    }
    if (w.n == 0) {
        err_set(e, E_PARAMS,
                "empty command: give one AWS CLI command such as 'logs describe-log-groups'");
        goto out;
    }
    if (w.n > ARGV_MAX_WORDS) {
        err_set(e, E_PARAMS,
                "the command has more than %d words: split the work into several calls",
                ARGV_MAX_WORDS);
        goto out;
    }
    *out = w;
    w.v = NULL;
    w.n = 0;
    rc = 0;
out:
    argv_words_release(&w);
    free(scratch);
    return rc;
}

void argv_words_release(struct argv_words *w)
{
    if (!w || !w->v) {
        if (w)
            w->n = 0;
        return;
    }
    for (size_t i = 0; i < w->n; i++)
        free(w->v[i]);
    free(w->v);
    w->v = NULL;
    w->n = 0;
}
