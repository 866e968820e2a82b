#include "awscli/argv.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "alloc.h"
#include "banned.h"

static bool is_control(unsigned char c)
{
    return c < 0x20 || c == 0x7f;
}

/* The refusal for an unquoted shell metacharacter, with what to do instead. */
static int refuse_operator(struct err *e, unsigned char c, size_t pos)
{
    switch (c) {
    case '|':
        return err_set(e, ERR_INVALID_PARAMS,
                       "'|' at position %zu is a shell pipe; this tool runs one AWS CLI command "
                       "without a shell: use --query (JMESPath) to filter output, --max-items to "
                       "limit it",
                       pos);
    case ';':
        return err_set(e, ERR_INVALID_PARAMS,
                       "';' at position %zu separates shell commands; this tool runs one AWS CLI "
                       "command per call without a shell: make one call per command (quote the "
                       "';' if it is part of a value)",
                       pos);
    case '&':
        return err_set(e, ERR_INVALID_PARAMS,
                       "'&' at position %zu is shell syntax (&&, background jobs); this tool runs "
                       "one AWS CLI command per call without a shell: make one call per command",
                       pos);
    case '$':
        return err_set(e, ERR_INVALID_PARAMS,
                       "'$' at position %zu would be a shell expansion; nothing is expanded here: "
                       "write the value itself, or put it in single quotes if it really contains "
                       "'$'",
                       pos);
    case '(':
    case ')':
        return err_set(e, ERR_INVALID_PARAMS,
                       "'%c' at position %zu is shell syntax and there is no shell here: put "
                       "values containing parentheses (e.g. a JMESPath --query) in single quotes",
                       c, pos);
    case '<':
    case '>':
        return err_set(e, ERR_INVALID_PARAMS,
                       "'%c' at position %zu is a shell redirection; this tool cannot read or "
                       "write files: the output comes back to you, narrow it with --query or "
                       "--max-items",
                       c, pos);
    default: /* '`' */
        return err_set(e, ERR_INVALID_PARAMS,
                       "'`' at position %zu is shell command substitution and there is no shell "
                       "here: put a JMESPath --query that contains `literals` in single quotes",
                       pos);
    }
}

static int refuse_control(struct err *e, unsigned char c, size_t pos)
{
    if (c == '\n')
        return err_set(e, ERR_INVALID_PARAMS,
                       "line break at position %zu: this tool runs one AWS CLI command per call; "
                       "line breaks are allowed only inside quoted values, send other commands "
                       "in separate calls",
                       pos);
    if (c == '\r')
        return err_set(e, ERR_INVALID_PARAMS,
                       "carriage return at position %zu is not allowed; use \\n line breaks, and "
                       "only inside quoted values",
                       pos);
    if (c == '\0')
        return err_set(e, ERR_INVALID_PARAMS,
                       "NUL character (\\u0000) at position %zu is not allowed; remove it", pos);
    return err_set(e, ERR_INVALID_PARAMS,
                   "control character 0x%02x at position %zu is not allowed; remove it", c, pos);
}

enum quoting { PLAIN, SQUOTE, DQUOTE };

/* The state of one split: the input, the word being built, the words so far. */
struct splitter {
    const char *cmd;
    size_t len, i;
    char *scratch; /* the word being built, wl bytes */
    size_t wl;
    bool have;     /* a word has started (also an empty quoted one) */
    size_t qstart; /* position of the quote that opened the current quoted part */
    struct argv_words w;
    struct err *e;
};

static int too_many_words(struct err *e)
{
    return err_set(e, ERR_INVALID_PARAMS,
                   "the command has more than %d words: split the work into several calls",
                   ARGV_MAX_WORDS);
}

/*
 * Ends the current word, if one has started. There may be one word more than the limit
 * before the leading "aws" is dropped.
 */
static int end_word(struct splitter *sp)
{
    char *copy;

    if (!sp->have)
        return 0;
    if (sp->w.n > ARGV_MAX_WORDS)
        return too_many_words(sp->e);
    copy = xmalloc(sp->wl + 1);
    if (!copy)
        return err_set(sp->e, ERR_INTERNAL, "out of memory");
    memcpy(copy, sp->scratch, sp->wl);
    copy[sp->wl] = '\0';
    sp->w.v[sp->w.n++] = copy;
    sp->w.v[sp->w.n] = NULL;
    sp->have = false;
    sp->wl = 0;
    return 0;
}

/* One byte inside single quotes: everything is literal up to the next '. */
static int step_single(struct splitter *sp)
{
    unsigned char c = (unsigned char)sp->cmd[sp->i];

    if (c == '\'') {
        sp->i++;
        return PLAIN;
    }
    if (is_control(c) && c != '\t' && c != '\n')
        return refuse_control(sp->e, c, sp->i + 1);
    sp->scratch[sp->wl++] = (char)c;
    sp->i++;
    return SQUOTE;
}

/* One byte (or escape) inside double quotes. */
static int step_double(struct splitter *sp)
{
    unsigned char c = (unsigned char)sp->cmd[sp->i];

    if (c == '"') {
        sp->i++;
        return PLAIN;
    }
    if (c == '\\' && sp->i + 1 < sp->len) {
        char d = sp->cmd[sp->i + 1];
        /* POSIX 2.2.3: inside double quotes only these keep the backslash special. */
        if (d == '\n') {
            sp->i += 2;
            return DQUOTE;
        }
        if (d == '"' || d == '\\' || d == '$' || d == '`') {
            sp->scratch[sp->wl++] = d;
            sp->i += 2;
            return DQUOTE;
        }
    }
    if (is_control(c) && c != '\t' && c != '\n')
        return refuse_control(sp->e, c, sp->i + 1);
    sp->scratch[sp->wl++] = (char)c;
    sp->i++;
    return DQUOTE;
}

/* One byte (or escape) outside quotes. */
static int step_plain(struct splitter *sp)
{
    unsigned char c = (unsigned char)sp->cmd[sp->i];
    size_t pos = sp->i + 1;

    if (c == ' ' || c == '\t') {
        sp->i++;
        return end_word(sp) < 0 ? -1 : PLAIN;
    }
    if (c == '\\') {
        unsigned char d;
        if (sp->i + 1 >= sp->len)
            return err_set(sp->e, ERR_INVALID_PARAMS,
                           "the command ends with a backslash that escapes nothing: remove it");
        d = (unsigned char)sp->cmd[sp->i + 1];
        sp->i += 2;
        if (d == '\n') /* line continuation */
            return PLAIN;
        if (is_control(d) && d != '\t')
            return refuse_control(sp->e, d, pos + 1);
        sp->scratch[sp->wl++] = (char)d;
        sp->have = true;
        return PLAIN;
    }
    if (c == '\'' || c == '"') {
        sp->qstart = pos;
        sp->have = true;
        sp->i++;
        return c == '\'' ? SQUOTE : DQUOTE;
    }
    if (is_control(c))
        return refuse_control(sp->e, c, pos);
    if (strchr("|;&$()<>`", c))
        return refuse_operator(sp->e, c, pos);
    if (c == '#' && !sp->have)
        return err_set(sp->e, ERR_INVALID_PARAMS,
                       "'#' at position %zu would start a shell comment; put the value in quotes "
                       "if '#' is part of it",
                       pos);
    sp->scratch[sp->wl++] = (char)c;
    sp->have = true;
    sp->i++;
    return PLAIN;
}

/* The checks on the whole command (len bytes) before it is split. Returns 0 or -1 (e filled). */
static int check_command(const char *cmd, size_t len, struct err *e)
{
    size_t bad;

    if (!cmd)
        return err_set(e, ERR_INVALID_PARAMS, "no command given");
    if (len > ARGV_MAX_BYTES)
        return err_set(e, ERR_INVALID_PARAMS,
                       "the command is longer than %d bytes: narrow it, or split the work into "
                       "several calls",
                       ARGV_MAX_BYTES);
    bad = utf8_valid_len(cmd, len);
    if (bad < len)
        return err_set(e, ERR_INVALID_PARAMS, "the command is not valid UTF-8 (position %zu)",
                       bad + 1);
    return 0;
}

int argv_split(const char *cmd, struct argv_words *out, struct err *e)
{
    return argv_split_n(cmd, cmd ? strnlen(cmd, ARGV_MAX_BYTES + 1) : 0, out, e);
}

int argv_split_n(const char *cmd, size_t len, struct argv_words *out, struct err *e)
{
    struct splitter sp = {.cmd = cmd, .len = len, .w = ARGV_WORDS_INIT, .e = e};
    int st = PLAIN, rc = -1;

    if (check_command(cmd, len, e) < 0)
        goto out;
    /*
     * Every word is at most as long as the command, and there can be one word more than the
     * limit before the leading "aws" is dropped; +1 for the terminating NULL.
     */
    sp.scratch = xmalloc(sp.len + 1);
    sp.w.v = xcalloc(ARGV_MAX_WORDS + 2, sizeof(*sp.w.v));
    if (!sp.scratch || !sp.w.v) {
        err_set(e, ERR_INTERNAL, "out of memory");
        goto out;
    }
    while (sp.i < sp.len && st >= 0)
        st = st == SQUOTE ? step_single(&sp) : st == DQUOTE ? step_double(&sp) : step_plain(&sp);
    if (st < 0)
        goto out;
    if (st != PLAIN) {
        err_set(e, ERR_INVALID_PARAMS,
                "unbalanced %s quote opened at position %zu: close it, or escape a literal quote "
                "(\\' outside quotes, \\\" inside double quotes)",
                st == SQUOTE ? "single" : "double", sp.qstart);
        goto out;
    }
    if (end_word(&sp) < 0)
        goto out;
    if (sp.w.n > 0 && strcmp(sp.w.v[0], "aws") == 0) {
        free(sp.w.v[0]);
        memmove(sp.w.v, sp.w.v + 1, sp.w.n * sizeof(*sp.w.v)); /* moves the NULL too */
        sp.w.n--;
    }
    if (sp.w.n == 0) {
        err_set(e, ERR_INVALID_PARAMS,
                "empty command: give one AWS CLI command such as 'logs describe-log-groups'");
        goto out;
    }
    if (sp.w.n > ARGV_MAX_WORDS) {
        too_many_words(e);
        goto out;
    }
    *out = sp.w;
    sp.w.v = NULL;
    sp.w.n = 0;
    rc = 0;
out:
    argv_words_release(&sp.w);
    free(sp.scratch);
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
