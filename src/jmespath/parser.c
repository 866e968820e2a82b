/*
 * A top-down operator precedence (Pratt) parser that builds the same tree as jmespath.py's
 * parser.py, with its binding powers, its node shapes (which decide where a projection
 * stops) and its leniencies (a multi-select hash needs no commas, a function call accepts a
 * trailing comma), and raises its errors with its words.
 */
#include "jmespath/internal.h"

#include "alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

static const int binding_power[T_COUNT] = {
    [T_PIPE] = 1,      [T_OR] = 2,      [T_AND] = 3,  [T_EQ] = 5,   [T_GT] = 5,
    [T_LT] = 5,        [T_GTE] = 5,     [T_LTE] = 5,  [T_NE] = 5,   [T_FLATTEN] = 9,
    [T_STAR] = 20,     [T_FILTER] = 21, [T_DOT] = 40, [T_NOT] = 45, [T_LBRACE] = 50,
    [T_LBRACKET] = 55, [T_LPAREN] = 60,
};

/* Tokens with a lower binding power end a projection. */
#define PROJECTION_STOP 10

struct parser {
    const char *text;
    struct jp_tokens toks;
    size_t i;
    int nesting;
    struct jp_expr *e;
    struct jp_error *err;
};

static int expression(struct parser *p, int bp, struct jp_node **out);

static enum jp_tok current(const struct parser *p)
{
    return p->toks.v[p->i].type;
}

static const struct jp_token *lookahead(const struct parser *p, long k)
{
    return &p->toks.v[(long)p->i + k];
}

/* The token's value as Python's %s prints it. */
static void token_value(const struct jp_token *t, struct buf *b)
{
    static const char *const text[T_COUNT] = {
        [T_RBRACKET] = "]", [T_RPAREN] = ")", [T_COMMA] = ",",    [T_RBRACE] = "}",
        [T_CURRENT] = "@",  [T_EXPREF] = "&", [T_COLON] = ":",    [T_PIPE] = "|",
        [T_OR] = "||",      [T_AND] = "&&",   [T_EQ] = "==",      [T_GT] = ">",
        [T_LT] = "<",       [T_GTE] = ">=",   [T_LTE] = "<=",     [T_NE] = "!=",
        [T_FLATTEN] = "[]", [T_STAR] = "*",   [T_FILTER] = "[?",  [T_DOT] = ".",
        [T_NOT] = "!",      [T_LBRACE] = "{", [T_LBRACKET] = "[", [T_LPAREN] = "(",
    };

    if (t->type == T_UNQUOTED_ID || t->type == T_QUOTED_ID)
        jp_put(b, t->str, t->len);
    else if (t->type == T_NUMBER)
        jp_putf(b, "%lld", t->num);
    else if (t->type == T_LITERAL)
        jp_py_str(t->lit, b);
    else if (text[t->type])
        jp_puts(b, text[t->type]);
}

/* ParseError's text: 'MSG: Parse error at column N, token "V" (TYPE), for expression: ...' */
static int parse_error(struct parser *p, const struct jp_token *t, size_t column, const char *msg)
{
    struct buf b = BUF_INIT(sizeof(p->err->msg));
    const char *name = jp_tok_name(t->type);
    size_t k;

    jp_putf(&b, "%s: Parse error at column %zu, token \"", msg, column);
    token_value(t, &b);
    jp_puts(&b, "\" (");
    for (k = 0; name[k]; k++)
        jp_putf(&b, "%c", name[k] >= 'a' && name[k] <= 'z' ? name[k] - 32 : name[k]);
    jp_putf(&b, "), for expression:\n\"%s\"\n", p->text);
    for (k = 0; k < column + 1 && !b.truncated; k++)
        jp_put(&b, " ", 1);
    jp_put(&b, "^", 1);
    jp_error_set(p->err, JP_ERR_SYNTAX, "%s", b.p);
    buf_release(&b);
    return -1;
}

static int incomplete(struct parser *p)
{
    struct buf b = BUF_INIT(sizeof(p->err->msg));
    size_t k, n = jp_utf8_len(p->text, strlen(p->text));

    jp_putf(&b, "Invalid jmespath expression: Incomplete expression:\n\"%s\"\n", p->text);
    for (k = 0; k < n + 1 && !b.truncated; k++)
        jp_put(&b, " ", 1);
    jp_put(&b, "^", 1);
    jp_error_set(p->err, JP_ERR_SYNTAX, "%s", b.p);
    buf_release(&b);
    return -1;
}

static int error_for_token(struct parser *p, const struct jp_token *t, const char *reason)
{
    return parse_error(p, t, t->start, reason);
}

/* _raise_parse_error_maybe_eof() */
static int error_maybe_eof(struct parser *p, const char *expected)
{
    const struct jp_token *t = lookahead(p, 0);
    char msg[160];

    if (t->type == T_EOF)
        return incomplete(p);
    snprintf(msg, sizeof(msg), "Expecting: %s, got: %s", expected, jp_tok_name(t->type));
    return parse_error(p, t, t->start, msg);
}

static int match(struct parser *p, enum jp_tok type)
{
    if (current(p) != type)
        return error_maybe_eof(p, jp_tok_name(type));
    p->i++;
    return 0;
}

static struct jp_node *node(struct parser *p, enum jp_node_type type)
{
    struct jp_expr *e = p->e;
    struct jp_node *n;

    if (e->nall == e->allcap) {
        size_t cap = e->allcap ? e->allcap * 2 : 16;
        struct jp_node **all = xrealloc(e->all, cap * sizeof(*all));
        if (!all)
            goto nomem;
        e->all = all;
        e->allcap = cap;
    }
    n = xcalloc(1, sizeof(*n));
    if (!n)
        goto nomem;
    n->type = type;
    n->depth = 1;
    n->func = -1;
    e->all[e->nall++] = n;
    return n;
nomem:
    jp_error_set(p->err, JP_ERR_NOMEM, "out of memory");
    return NULL;
}

static int add(struct parser *p, struct jp_node *parent, struct jp_node *kid)
{
    if (parent->nkids == parent->kcap) {
        size_t cap = parent->kcap ? parent->kcap * 2 : 2;
        struct jp_node **k = xrealloc(parent->kids, cap * sizeof(*k));
        if (!k)
            return jp_error_set(p->err, JP_ERR_NOMEM, "out of memory");
        parent->kids = k;
        parent->kcap = cap;
    }
    parent->kids[parent->nkids++] = kid;
    if (kid->depth + 1 > parent->depth)
        parent->depth = kid->depth + 1;
    if (parent->depth > JP_MAX_DEPTH)
        return jp_error_set(p->err, JP_ERR_SYNTAX,
                            "Invalid jmespath expression: nested more than %d levels deep",
                            JP_MAX_DEPTH);
    return 0;
}

/* A node of `type` with the given children (NULL-terminated). */
static struct jp_node *node_of(struct parser *p, enum jp_node_type type, struct jp_node *a,
                               struct jp_node *b, struct jp_node *c)
{
    struct jp_node *n = node(p, type);

    if (!n || (a && add(p, n, a) < 0) || (b && add(p, n, b) < 0) || (c && add(p, n, c) < 0))
        return NULL;
    return n;
}

static struct jp_node *identity(struct parser *p)
{
    return node(p, N_IDENTITY);
}

static int set_name(struct parser *p, struct jp_node *n, const struct jp_token *t)
{
    n->name = xmalloc(t->len + 1);
    if (!n->name)
        return jp_error_set(p->err, JP_ERR_NOMEM, "out of memory");
    memcpy(n->name, t->str, t->len + 1);
    n->name_len = t->len;
    return 0;
}

static int dot_rhs(struct parser *p, int bp, struct jp_node **out);

/* _parse_projection_rhs() */
static int projection_rhs(struct parser *p, int bp, struct jp_node **out)
{
    enum jp_tok t = current(p);

    if (binding_power[t] < PROJECTION_STOP) {
        *out = identity(p);
        return *out ? 0 : -1;
    }
    if (t == T_LBRACKET || t == T_FILTER)
        return expression(p, bp, out);
    if (t == T_DOT) {
        p->i++;
        return dot_rhs(p, bp, out);
    }
    return error_for_token(p, lookahead(p, 0), "syntax error");
}

static int multi_select_list(struct parser *p, struct jp_node **out)
{
    struct jp_node *n = node(p, N_MULTI_LIST), *kid;

    if (!n)
        return -1;
    for (;;) {
        if (expression(p, 0, &kid) < 0 || add(p, n, kid) < 0)
            return -1;
        if (current(p) == T_RBRACKET)
            break;
        if (match(p, T_COMMA) < 0)
            return -1;
    }
    *out = n;
    return match(p, T_RBRACKET);
}

static int multi_select_hash(struct parser *p, struct jp_node **out)
{
    struct jp_node *n = node(p, N_MULTI_HASH), *kv, *value;
    const struct jp_token *key;

    if (!n)
        return -1;
    for (;;) {
        key = lookahead(p, 0);
        if (key->type != T_QUOTED_ID && key->type != T_UNQUOTED_ID)
            return error_maybe_eof(p, "['quoted_identifier', 'unquoted_identifier']");
        p->i++;
        if (match(p, T_COLON) < 0 || expression(p, 0, &value) < 0)
            return -1;
        kv = node_of(p, N_KEYVAL, value, NULL, NULL);
        if (!kv || set_name(p, kv, key) < 0 || add(p, n, kv) < 0)
            return -1;
        if (current(p) == T_COMMA) {
            p->i++;
        } else if (current(p) == T_RBRACE) {
            p->i++;
            break;
        }
    }
    *out = n;
    return 0;
}

/* _parse_dot_rhs() */
static int dot_rhs(struct parser *p, int bp, struct jp_node **out)
{
    enum jp_tok t = current(p);
    char msg[160];

    if (t == T_QUOTED_ID || t == T_UNQUOTED_ID || t == T_STAR)
        return expression(p, bp, out);
    if (t == T_LBRACKET) {
        p->i++;
        return multi_select_list(p, out);
    }
    if (t == T_LBRACE) {
        p->i++;
        return multi_select_hash(p, out);
    }
    snprintf(msg, sizeof(msg),
             "Expecting: ['quoted_identifier', 'unquoted_identifier', 'lbracket', 'lbrace'], "
             "got: %s",
             jp_tok_name(t));
    return error_for_token(p, lookahead(p, 0), msg);
}

/* [number], or a slice [start:stop:step] with every part optional. */
static int index_expression(struct parser *p, struct jp_node **out)
{
    struct jp_node *n;
    int part = 0;

    if (current(p) != T_COLON && lookahead(p, 1)->type != T_COLON) {
        n = node(p, N_INDEX);
        if (!n)
            return -1;
        n->index = lookahead(p, 0)->num;
        p->i++;
        *out = n;
        return match(p, T_RBRACKET);
    }
    n = node(p, N_SLICE);
    if (!n)
        return -1;
    while (current(p) != T_RBRACKET && part < 3) {
        if (current(p) == T_COLON) {
            if (++part == 3)
                return error_for_token(p, lookahead(p, 0), "syntax error");
            p->i++;
        } else if (current(p) == T_NUMBER) {
            n->has[part] = true;
            n->part[part] = lookahead(p, 0)->num;
            p->i++;
        } else {
            return error_for_token(p, lookahead(p, 0), "syntax error");
        }
    }
    *out = n;
    return match(p, T_RBRACKET);
}

/* _project_if_slice(): a slice projects what follows it, an index does not. */
static int project_if_slice(struct parser *p, struct jp_node *left, struct jp_node *right,
                            struct jp_node **out)
{
    struct jp_node *ie = node_of(p, N_INDEX_EXPR, left, right, NULL), *rhs;

    if (!ie)
        return -1;
    if (right->type != N_SLICE) {
        *out = ie;
        return 0;
    }
    if (projection_rhs(p, binding_power[T_STAR], &rhs) < 0)
        return -1;
    *out = node_of(p, N_PROJECTION, ie, rhs, NULL);
    return *out ? 0 : -1;
}

static int filter(struct parser *p, struct jp_node *left, struct jp_node **out)
{
    struct jp_node *cond, *rhs;

    if (expression(p, 0, &cond) < 0 || match(p, T_RBRACKET) < 0)
        return -1;
    if (current(p) == T_FLATTEN)
        rhs = identity(p);
    else if (projection_rhs(p, binding_power[T_FILTER], &rhs) < 0)
        return -1;
    *out = node_of(p, N_FILTER_PROJECTION, left, rhs, cond);
    return *out ? 0 : -1;
}

static int nud(struct parser *p, const struct jp_token *t, struct jp_node **out)
{
    struct jp_node *n = NULL, *a = NULL, *b = NULL;

    switch (t->type) {
    case T_LITERAL:
        if (!(n = node(p, N_LITERAL)))
            return -1;
        n->lit = json_incref(t->lit);
        break;
    case T_UNQUOTED_ID:
    case T_QUOTED_ID:
        if (!(n = node(p, N_FIELD)) || set_name(p, n, t) < 0)
            return -1;
        if (t->type == T_QUOTED_ID && current(p) == T_LPAREN)
            return parse_error(p, lookahead(p, 0), 0,
                               "Quoted identifier not allowed for function names.");
        break;
    case T_STAR:
        if (!(a = identity(p)))
            return -1;
        if (current(p) == T_RBRACKET)
            b = identity(p);
        else if (projection_rhs(p, binding_power[T_STAR], &b) < 0)
            return -1;
        n = node_of(p, N_VALUE_PROJECTION, a, b, NULL);
        break;
    case T_FILTER:
        return (a = identity(p)) ? filter(p, a, out) : -1;
    case T_LBRACE:
        return multi_select_hash(p, out);
    case T_LPAREN:
        return expression(p, 0, out) < 0 ? -1 : match(p, T_RPAREN);
    case T_FLATTEN:
        if (!(a = identity(p)) || !(a = node_of(p, N_FLATTEN, a, NULL, NULL)) ||
            projection_rhs(p, binding_power[T_FLATTEN], &b) < 0)
            return -1;
        n = node_of(p, N_PROJECTION, a, b, NULL);
        break;
    case T_NOT:
        if (expression(p, binding_power[T_NOT], &a) < 0)
            return -1;
        n = node_of(p, N_NOT, a, NULL, NULL);
        break;
    case T_LBRACKET:
        if (current(p) == T_NUMBER || current(p) == T_COLON) {
            if (index_expression(p, &b) < 0 || !(a = identity(p)))
                return -1;
            return project_if_slice(p, a, b, out);
        }
        if (current(p) == T_STAR && lookahead(p, 1)->type == T_RBRACKET) {
            p->i += 2;
            if (projection_rhs(p, binding_power[T_STAR], &b) < 0 || !(a = identity(p)))
                return -1;
            n = node_of(p, N_PROJECTION, a, b, NULL);
            break;
        }
        return multi_select_list(p, out);
    case T_CURRENT:
        n = node(p, N_CURRENT);
        break;
    case T_EXPREF:
        if (expression(p, binding_power[T_EXPREF], &a) < 0)
            return -1;
        n = node_of(p, N_EXPREF, a, NULL, NULL);
        break;
    case T_EOF:
        return incomplete(p);
    default:
        return error_for_token(p, t, "invalid token");
    }
    *out = n;
    return n ? 0 : -1;
}

static int function_call(struct parser *p, struct jp_node *left, struct jp_node **out)
{
    const struct jp_token *prev;
    struct jp_node *n, *arg;
    char msg[160];

    if (left->type != N_FIELD) {
        prev = lookahead(p, -2);
        struct buf v = BUF_INIT(100);
        token_value(prev, &v);
        snprintf(msg, sizeof(msg), "Invalid function name '%s'", v.p);
        buf_release(&v);
        return error_for_token(p, prev, msg);
    }
    n = node(p, N_FUNCTION);
    if (!n)
        return -1;
    n->name = left->name;
    n->name_len = left->name_len;
    left->name = NULL;
    n->func = jp_function_lookup(n->name, n->name_len);
    while (current(p) != T_RPAREN) {
        if (expression(p, 0, &arg) < 0)
            return -1;
        if (current(p) == T_COMMA)
            p->i++;
        if (add(p, n, arg) < 0)
            return -1;
    }
    p->i++;
    *out = n;
    return 0;
}

static int led(struct parser *p, enum jp_tok t, struct jp_node *left, struct jp_node **out)
{
    struct jp_node *right = NULL, *n;

    switch (t) {
    case T_DOT:
        if (current(p) != T_STAR) {
            if (dot_rhs(p, binding_power[T_DOT], &right) < 0)
                return -1;
            if (left->type == N_SUBEXPR) {
                *out = left;
                return add(p, left, right);
            }
            *out = node_of(p, N_SUBEXPR, left, right, NULL);
            return *out ? 0 : -1;
        }
        p->i++;
        if (projection_rhs(p, binding_power[T_DOT], &right) < 0)
            return -1;
        *out = node_of(p, N_VALUE_PROJECTION, left, right, NULL);
        return *out ? 0 : -1;
    case T_PIPE:
    case T_OR:
    case T_AND:
        if (expression(p, binding_power[t], &right) < 0)
            return -1;
        *out = node_of(p, t == T_PIPE ? N_PIPE : t == T_OR ? N_OR : N_AND, left, right, NULL);
        return *out ? 0 : -1;
    case T_LPAREN:
        return function_call(p, left, out);
    case T_FILTER:
        return filter(p, left, out);
    case T_EQ:
    case T_NE:
    case T_GT:
    case T_GTE:
    case T_LT:
    case T_LTE:
        if (expression(p, binding_power[t], &right) < 0 ||
            !(n = node_of(p, N_COMPARATOR, left, right, NULL)))
            return -1;
        n->cmp = t == T_EQ    ? CMP_EQ
                 : t == T_NE  ? CMP_NE
                 : t == T_GT  ? CMP_GT
                 : t == T_GTE ? CMP_GTE
                 : t == T_LT  ? CMP_LT
                              : CMP_LTE;
        *out = n;
        return 0;
    case T_FLATTEN:
        if (!(left = node_of(p, N_FLATTEN, left, NULL, NULL)) ||
            projection_rhs(p, binding_power[T_FLATTEN], &right) < 0)
            return -1;
        *out = node_of(p, N_PROJECTION, left, right, NULL);
        return *out ? 0 : -1;
    case T_LBRACKET:
        if (current(p) == T_NUMBER || current(p) == T_COLON) {
            if (index_expression(p, &right) < 0)
                return -1;
            if (left->type == N_INDEX_EXPR) {
                *out = left;
                return add(p, left, right);
            }
            return project_if_slice(p, left, right, out);
        }
        if (match(p, T_STAR) < 0 || match(p, T_RBRACKET) < 0 ||
            projection_rhs(p, binding_power[T_STAR], &right) < 0)
            return -1;
        *out = node_of(p, N_PROJECTION, left, right, NULL);
        return *out ? 0 : -1;
    default:
        return jp_error_set(p->err, JP_ERR_SYNTAX, "invalid token");
    }
}

static int expression(struct parser *p, int bp, struct jp_node **out)
{
    const struct jp_token *t = lookahead(p, 0);
    struct jp_node *left;
    enum jp_tok cur;
    int rc = -1;

    if (++p->nesting > JP_MAX_DEPTH) {
        jp_error_set(p->err, JP_ERR_SYNTAX,
                     "Invalid jmespath expression: nested more than %d levels deep", JP_MAX_DEPTH);
        goto out;
    }
    p->i++;
    if (nud(p, t, &left) < 0)
        goto out;
    cur = current(p);
    while (bp < binding_power[cur]) {
        /* star, not and lbrace bind but cannot follow an expression. */
        if (cur == T_STAR || cur == T_NOT || cur == T_LBRACE) {
            error_for_token(p, lookahead(p, 0), "invalid token");
            goto out;
        }
        p->i++;
        if (led(p, cur, left, &left) < 0)
            goto out;
        cur = current(p);
    }
    *out = left;
    rc = 0;
out:
    p->nesting--;
    return rc;
}

int jp_compile(const char *text, size_t len, struct jp_expr **out, struct jp_error *err)
{
    struct parser p = {.err = err};
    char *copy = NULL;
    int rc = -1;

    *out = NULL;
    p.e = xcalloc(1, sizeof(*p.e));
    copy = xmalloc(len + 1);
    if (!p.e || !copy) {
        jp_error_set(err, JP_ERR_NOMEM, "out of memory");
        goto out;
    }
    memcpy(copy, text, len);
    copy[len] = '\0';
    p.text = copy;
    if (jp_lex(copy, len, &p.toks, err) < 0 || expression(&p, 0, &p.e->root) < 0)
        goto out;
    if (current(&p) != T_EOF) {
        const struct jp_token *t = lookahead(&p, 0);
        struct buf v = BUF_INIT(200);
        char msg[256];
        token_value(t, &v);
        snprintf(msg, sizeof(msg), "Unexpected token: %s", v.p);
        buf_release(&v);
        error_for_token(&p, t, msg);
        goto out;
    }
    *out = p.e;
    p.e = NULL;
    rc = 0;
out:
    jp_tokens_release(&p.toks);
    jp_free(p.e);
    free(copy);
    return rc;
}

void jp_free(struct jp_expr *e)
{
    size_t i;

    if (!e)
        return;
    for (i = 0; i < e->nall; i++) {
        free(e->all[i]->name);
        free(e->all[i]->kids);
        json_decref(e->all[i]->lit);
        free(e->all[i]);
    }
    free(e->all);
    free(e);
}

const char *jp_error_kind_name(enum jp_error_kind kind)
{
    static const char *const names[] = {
        "ok",           "syntax",        "unknown-function", "invalid-arity",
        "invalid-type", "invalid-value", "budget",           "nomem"};
    return (size_t)kind < ARRAY_SIZE(names) ? names[kind] : "unknown";
}
