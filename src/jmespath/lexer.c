/*
 * The tokenizer, following jmespath.py's lexer.py step by step: positions count code points,
 * backslashes inside delimiters are kept as written, and literals are read with Python's
 * json.loads rules (jansson here), falling back to the deprecated bare-string form.
 */
#include "jmespath/internal.h"

#include "alloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

#include "banned.h"

static const char *const tok_names[T_COUNT] = {"eof",
                                               "unquoted_identifier",
                                               "quoted_identifier",
                                               "literal",
                                               "rbracket",
                                               "rparen",
                                               "comma",
                                               "rbrace",
                                               "number",
                                               "current",
                                               "expref",
                                               "colon",
                                               "pipe",
                                               "or",
                                               "and",
                                               "eq",
                                               "gt",
                                               "lt",
                                               "gte",
                                               "lte",
                                               "ne",
                                               "flatten",
                                               "star",
                                               "filter",
                                               "dot",
                                               "not",
                                               "lbrace",
                                               "lbracket",
                                               "lparen"};

const char *jp_tok_name(enum jp_tok t)
{
    return tok_names[t];
}

struct lexer {
    const char *text;
    size_t *off;  /* byte offset of each code point, off[n] = length */
    uint32_t *cp; /* the code points */
    size_t n;     /* code points */
    size_t pos;
    bool at_end; /* Python's self._current is None */
    struct jp_tokens *out;
    struct jp_error *err;
};

int jp_error_set(struct jp_error *err, enum jp_error_kind kind, const char *fmt, ...)
{
    va_list ap;

    if (err) {
        err->kind = kind;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
        va_end(ap);
        /* A message cut short must not end inside a UTF-8 sequence. */
        err->msg[utf8_valid_len(err->msg, strlen(err->msg))] = '\0';
    }
    return -1;
}

static int nomem(struct jp_error *err)
{
    return jp_error_set(err, JP_ERR_NOMEM, "out of memory");
}

static long cur(const struct lexer *l)
{
    return l->at_end ? -1 : (long)l->cp[l->pos];
}

/* Python's _next(): stays on the last character and marks the end. */
static long next(struct lexer *l)
{
    if (l->pos + 1 >= l->n)
        l->at_end = true;
    else
        l->pos++;
    return cur(l);
}

/* The rest of the expression from code point i, for messages. */
static const char *from(const struct lexer *l, size_t i)
{
    return l->text + l->off[i];
}

/* "Bad jmespath expression: MSG:\nEXPR\n   ^" as LexerError prints itself. */
static int lex_error(struct lexer *l, size_t position, const char *msg)
{
    struct buf b = BUF_INIT(sizeof(l->err->msg));
    size_t k;

    jp_putf(&b, "Bad jmespath expression: %s:\n", msg);
    jp_puts(&b, l->text);
    jp_puts(&b, "\n");
    for (k = 0; k < position && !b.truncated; k++)
        jp_put(&b, " ", 1);
    jp_put(&b, "^", 1);
    jp_error_set(l->err, JP_ERR_SYNTAX, "%s", b.p);
    buf_release(&b);
    return -1;
}

static struct jp_token *push(struct lexer *l, enum jp_tok type, size_t start)
{
    struct jp_tokens *t = l->out;
    struct jp_token *tok;

    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        struct jp_token *v = xrealloc(t->v, cap * sizeof(*v));
        if (!v)
            return NULL;
        t->v = v;
        t->cap = cap;
    }
    tok = &t->v[t->n++];
    memset(tok, 0, sizeof(*tok));
    tok->type = type;
    tok->start = start;
    tok->text = from(l, start);
    return tok;
}

static bool is_ascii_alpha(long c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_digit(long c)
{
    return c >= '0' && c <= '9';
}

/*
 * _consume_until(): the characters up to the closing delimiter, a backslash keeping itself
 * and the character after it. Leaves the delimiter consumed.
 */
static int consume_until(struct lexer *l, char delim, struct buf *b)
{
    size_t start = l->pos;
    char msg[32];

    next(l);
    while (cur(l) != delim) {
        if (cur(l) == '\\') {
            if (buf_add(b, "\\", 1) < 0)
                return nomem(l->err);
            next(l);
        }
        if (cur(l) < 0) {
            snprintf(msg, sizeof(msg), "Unclosed %c delimiter", delim);
            return lex_error(l, start, msg);
        }
        if (buf_add(b, l->text + l->off[l->pos], l->off[l->pos + 1] - l->off[l->pos]) < 0)
            return nomem(l->err);
        next(l);
    }
    next(l);
    return 0;
}

/* Python's str.replace(old, new) for the two-byte escapes "\\`" and "\\'". */
static void unescape(struct buf *b, char quote)
{
    size_t i, j = 0;

    for (i = 0; i < b->len; i++) {
        if (b->p[i] == '\\' && i + 1 < b->len && b->p[i + 1] == quote)
            i++;
        b->p[j++] = b->p[i];
    }
    b->len = j;
    if (b->cap)
        b->p[j] = '\0';
}

/*
 * json.loads(). jansson reports a failed allocation while scanning as a syntax error, so a
 * failure is tried once more: a syntax error fails again, a passing shortage of memory does
 * not (and a lasting one fails the rest of the expression soon after anyway).
 */
static json_t *loads(const char *s, size_t len, json_error_t *jerr)
{
    json_t *v = json_loadb(s, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, jerr);

    return v ? v : json_loadb(s, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, jerr);
}

/*
 * Whether Python's json.loads() would take text that jansson refused: numbers past 64-bit
 * integers or doubles, NaN, Infinity. Python makes values of them that JSON cannot hold.
 */
static bool python_only_json(const char *text, size_t len, const json_error_t *jerr)
{
    struct buf b = BUF_INIT(0);
    bool in_str = false, yes;
    json_error_t again;
    json_t *v;
    size_t i;

    /* jansson's own words, at the start of its message (the rest quotes the input). */
    if (!strncmp(jerr->text, "real number overflow", 20) || !strncmp(jerr->text, "too big ", 8))
        return true;
    for (i = 0; i < len; i++) {
        if (in_str && text[i] == '\\' && i + 1 < len) {
            jp_put(&b, text + i, 2);
            i++;
            continue;
        }
        if (text[i] == '"')
            in_str = !in_str;
        if (!in_str && len - i >= 3 && !memcmp(text + i, "NaN", 3)) {
            jp_put(&b, "0", 1);
            i += 2;
        } else if (!in_str && len - i >= 8 && !memcmp(text + i, "Infinity", 8)) {
            jp_put(&b, "0", 1);
            i += 7;
        } else {
            jp_put(&b, text + i, 1);
        }
    }
    v = b.truncated || b.len == len ? NULL : json_loadb(b.p, b.len, JSON_DECODE_ANY, &again);
    yes = v != NULL;
    json_decref(v);
    buf_release(&b);
    return yes;
}

static int lex_literal(struct lexer *l)
{
    size_t start = l->pos, i = 0;
    struct buf b = BUF_INIT(0), q = BUF_INIT(0);
    struct jp_token *tok;
    json_error_t jerr;
    json_t *v;
    uint32_t c;
    int rc = -1;

    if (consume_until(l, '`', &b) < 0)
        goto out;
    unescape(&b, '`');
    v = loads(b.p, b.len, &jerr);
    if (!v && json_error_code(&jerr) == json_error_out_of_memory) {
        nomem(l->err);
        goto out;
    }
    if (!v && python_only_json(b.p, b.len, &jerr)) {
        jp_error_set(l->err, JP_ERR_INVALID_VALUE,
                     "JSON literal %s: NaN, Infinity and numbers past 64 bits are not supported",
                     b.p);
        goto out;
    }
    if (!v) {
        /* JEP-12's deprecated form: `foo` is the string "foo" (after lstrip()). */
        while (i < b.len) {
            size_t at = i;
            if (utf8_decode(b.p, b.len, &i, &c) < 0 || !jp_py_space(c)) {
                i = at;
                break;
            }
        }
        if (buf_add(&q, "\"", 1) < 0 || buf_add(&q, b.p + i, b.len - i) < 0 ||
            buf_add(&q, "\"", 1) < 0) {
            nomem(l->err);
            goto out;
        }
        v = loads(q.p, q.len, &jerr);
        if (!v && json_error_code(&jerr) == json_error_out_of_memory) {
            nomem(l->err);
            goto out;
        }
        if (!v) {
            struct buf m = BUF_INIT(400);
            jp_puts(&m, "Bad token ");
            jp_put(&m, b.p, b.len);
            lex_error(l, start, m.p);
            buf_release(&m);
            goto out;
        }
    }
    tok = push(l, T_LITERAL, start);
    if (!tok) {
        json_decref(v);
        nomem(l->err);
        goto out;
    }
    tok->lit = v;
    rc = 0;
out:
    buf_release(&b);
    buf_release(&q);
    return rc;
}

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* The start of Python's JSONDecodeError message for a quoted name "s" that did not load. */
static const char *json_error_words(const char *s, size_t len)
{
    size_t i, k;

    for (i = 1; i + 1 < len; i++) {
        if ((unsigned char)s[i] < 0x20)
            return "Invalid control character at";
        if (s[i] != '\\')
            continue;
        i++;
        if (s[i] == 'u') {
            for (k = 1; k <= 4; k++)
                if (i + k >= len - 1 || !is_hex(s[i + k]))
                    return "Invalid \\uXXXX escape";
        } else if (!strchr("\"\\/bfnrt", s[i]) || i + 1 >= len) {
            return i + 1 >= len ? "Unterminated string starting at" : "Invalid \\escape";
        }
    }
    return "Unterminated string starting at";
}

static int lex_quoted(struct lexer *l)
{
    size_t start = l->pos;
    struct buf b = BUF_INIT(0);
    struct jp_token *tok;
    json_error_t jerr;
    json_t *v = NULL;
    int rc = -1;

    if (buf_add(&b, "\"", 1) < 0)
        return nomem(l->err);
    if (consume_until(l, '"', &b) < 0)
        goto out;
    if (buf_add(&b, "\"", 1) < 0) {
        nomem(l->err);
        goto out;
    }
    v = loads(b.p, b.len, &jerr);
    if (!v && json_error_code(&jerr) == json_error_out_of_memory) {
        nomem(l->err);
        goto out;
    }
    if (!v) {
        lex_error(l, start, json_error_words(b.p, b.len));
        goto out;
    }
    tok = push(l, T_QUOTED_ID, start);
    if (!tok || !(tok->str = xmalloc(json_string_length(v) + 1))) {
        nomem(l->err);
        goto out;
    }
    tok->len = json_string_length(v);
    memcpy(tok->str, json_string_value(v), tok->len + 1);
    rc = 0;
out:
    json_decref(v);
    buf_release(&b);
    return rc;
}

static int lex_raw_string(struct lexer *l)
{
    size_t start = l->pos;
    struct buf b = BUF_INIT(0);
    struct jp_token *tok;
    int rc = -1;

    if (consume_until(l, '\'', &b) < 0)
        goto out;
    unescape(&b, '\'');
    tok = push(l, T_LITERAL, start);
    if (!tok || !(tok->lit = json_stringn(b.p, b.len))) {
        nomem(l->err);
        goto out;
    }
    rc = 0;
out:
    buf_release(&b);
    return rc;
}

/* Ints as Python reads them, saturated: an index or slice past 2^62 behaves the same. */
static int lex_number(struct lexer *l)
{
    size_t start = l->pos;
    bool neg = cur(l) == '-';
    long long v = neg ? 0 : cur(l) - '0';
    size_t ndigits = neg ? 0 : 1;
    struct jp_token *tok;

    while (is_digit(next(l))) {
        ndigits++;
        if (v <= (1LL << 62) / 10)
            v = v * 10 + (cur(l) - '0');
        else
            v = 1LL << 62;
    }
    if (ndigits == 0)
        return lex_error(l, start, "Unknown token '-'");
    tok = push(l, T_NUMBER, start);
    if (!tok)
        return nomem(l->err);
    if (v > (1LL << 62))
        v = 1LL << 62;
    tok->num = neg ? -v : v;
    return 0;
}

static int simple(struct lexer *l, enum jp_tok type, size_t start)
{
    return push(l, type, start) ? 0 : nomem(l->err);
}

/* _match_or_else(): a two-character token when the next one is `second`. */
static int two(struct lexer *l, char second, enum jp_tok yes, enum jp_tok no)
{
    size_t start = l->pos;

    if (next(l) == second) {
        next(l);
        return simple(l, yes, start);
    }
    return simple(l, no, start);
}

static int lex_one(struct lexer *l)
{
    long c = cur(l);
    size_t start = l->pos;
    char msg[32];
    struct jp_token *tok;

    switch (c) {
    case '.':
        next(l);
        return simple(l, T_DOT, start);
    case '*':
        next(l);
        return simple(l, T_STAR, start);
    case ']':
        next(l);
        return simple(l, T_RBRACKET, start);
    case ',':
        next(l);
        return simple(l, T_COMMA, start);
    case ':':
        next(l);
        return simple(l, T_COLON, start);
    case '@':
        next(l);
        return simple(l, T_CURRENT, start);
    case '(':
        next(l);
        return simple(l, T_LPAREN, start);
    case ')':
        next(l);
        return simple(l, T_RPAREN, start);
    case '{':
        next(l);
        return simple(l, T_LBRACE, start);
    case '}':
        next(l);
        return simple(l, T_RBRACE, start);
    case ' ':
    case '\t':
    case '\n':
    case '\r':
        next(l);
        return 0;
    case '[':
        c = next(l);
        if (c == ']' || c == '?') {
            next(l);
            return simple(l, c == ']' ? T_FLATTEN : T_FILTER, start);
        }
        return simple(l, T_LBRACKET, start);
    case '\'':
        return lex_raw_string(l);
    case '|':
        return two(l, '|', T_OR, T_PIPE);
    case '&':
        return two(l, '&', T_AND, T_EXPREF);
    case '`':
        return lex_literal(l);
    case '"':
        return lex_quoted(l);
    case '<':
        return two(l, '=', T_LTE, T_LT);
    case '>':
        return two(l, '=', T_GTE, T_GT);
    case '!':
        return two(l, '=', T_NE, T_NOT);
    case '-':
        return lex_number(l);
    case '=':
        if (next(l) == '=') {
            next(l);
            return simple(l, T_EQ, start);
        }
        return lex_error(l, l->at_end ? l->pos : l->pos - 1, "Unknown token '='");
    default:
        break;
    }
    if (is_digit(c))
        return lex_number(l);
    if (is_ascii_alpha(c)) {
        while (next(l) >= 0 && (is_ascii_alpha(cur(l)) || is_digit(cur(l))))
            ;
        tok = push(l, T_UNQUOTED_ID, start);
        if (!tok)
            return nomem(l->err);
        /* ASCII only, so code points are bytes; the end is where the scan stopped. */
        tok->len = (l->at_end ? l->n : l->pos) - start;
        tok->str = xmalloc(tok->len + 1);
        if (!tok->str)
            return nomem(l->err);
        memcpy(tok->str, from(l, start), tok->len);
        tok->str[tok->len] = '\0';
        return 0;
    }
    {
        struct buf m = BUF_INIT(sizeof(msg) * 2);
        int rc;
        jp_puts(&m, "Unknown token ");
        jp_put(&m, from(l, start), l->off[start + 1] - l->off[start]);
        rc = lex_error(l, start, m.p);
        buf_release(&m);
        return rc;
    }
}

int jp_lex(const char *text, size_t len, struct jp_tokens *out, struct jp_error *err)
{
    struct lexer l = {.text = text, .out = out, .err = err};
    size_t i = 0;
    uint32_t c;
    int rc = -1;

    memset(out, 0, sizeof(*out));
    if (len == 0)
        return jp_error_set(err, JP_ERR_SYNTAX, "Invalid JMESPath expression: cannot be empty.");
    if (!utf8_valid(text, len))
        return jp_error_set(err, JP_ERR_SYNTAX, "Bad jmespath expression: invalid UTF-8");
    l.off = xmalloc((len + 1) * sizeof(*l.off));
    l.cp = xmalloc((len + 1) * sizeof(*l.cp));
    if (!l.off || !l.cp) {
        nomem(err);
        goto out;
    }
    while (i < len) {
        l.off[l.n] = i;
        (void)utf8_decode(text, len, &i, &c);
        l.cp[l.n++] = c;
    }
    l.off[l.n] = len;
    while (!l.at_end)
        if (lex_one(&l) < 0)
            goto out;
    /* Two end tokens, so that two tokens of lookahead never read past the array. */
    if (!push(&l, T_EOF, l.n) || !push(&l, T_EOF, l.n)) {
        nomem(err);
        goto out;
    }
    out->v[out->n - 1].text = out->v[out->n - 2].text = "";
    rc = 0;
out:
    free(l.off);
    free(l.cp);
    if (rc < 0)
        jp_tokens_release(out);
    return rc;
}

void jp_tokens_release(struct jp_tokens *t)
{
    size_t i;

    for (i = 0; i < t->n; i++) {
        free(t->v[i].str);
        json_decref(t->v[i].lit);
    }
    free(t->v);
    memset(t, 0, sizeof(*t));
}
