#ifndef JMESPATH_INTERNAL_H
#define JMESPATH_INTERNAL_H

/* Shared by the files of src/jmespath/ only: tokens, the syntax tree, Python value rules. */

#include <stdint.h>
#include <string.h>

#include "jmespath/jmespath.h"
#include "pyjson.h"
#include "utf8.h"

/* Token types, in the order of jmespath.py's lexer; names as its error messages print them. */
enum jp_tok {
    T_EOF,
    T_UNQUOTED_ID,
    T_QUOTED_ID,
    T_LITERAL,
    T_RBRACKET,
    T_RPAREN,
    T_COMMA,
    T_RBRACE,
    T_NUMBER,
    T_CURRENT,
    T_EXPREF,
    T_COLON,
    T_PIPE,
    T_OR,
    T_AND,
    T_EQ,
    T_GT,
    T_LT,
    T_GTE,
    T_LTE,
    T_NE,
    T_FLATTEN,
    T_STAR,
    T_FILTER,
    T_DOT,
    T_NOT,
    T_LBRACE,
    T_LBRACKET,
    T_LPAREN,
    T_COUNT
};

struct jp_token {
    enum jp_tok type;
    size_t start;     /* in code points, as Python counts */
    char *str;        /* identifiers: the name (malloc'd, NUL-terminated, may hold NULs) */
    size_t len;       /* bytes of str */
    json_t *lit;      /* literals (raw strings too): the value, owned */
    long long num;    /* numbers, saturated at +-2^62 (Python's are unbounded) */
    const char *text; /* the token's characters as written, for messages */
};

struct jp_tokens {
    struct jp_token *v;
    size_t n, cap;
};

const char *jp_tok_name(enum jp_tok t);
/* Splits text into tokens ending in T_EOF; on failure err holds jmespath.py's LexerError. */
int jp_lex(const char *text, size_t len, struct jp_tokens *out, struct jp_error *err) WUR;
void jp_tokens_release(struct jp_tokens *t);

/* Node types, one per jmespath.py ast.py constructor. */
enum jp_node_type {
    N_FIELD,
    N_SUBEXPR,
    N_INDEX_EXPR,
    N_INDEX,
    N_SLICE,
    N_PROJECTION,
    N_VALUE_PROJECTION,
    N_FILTER_PROJECTION,
    N_FLATTEN,
    N_IDENTITY,
    N_CURRENT,
    N_LITERAL,
    N_MULTI_LIST,
    N_MULTI_HASH,
    N_KEYVAL,
    N_OR,
    N_AND,
    N_NOT,
    N_PIPE,
    N_COMPARATOR,
    N_FUNCTION,
    N_EXPREF
};

enum jp_cmp { CMP_EQ, CMP_NE, CMP_LT, CMP_GT, CMP_LTE, CMP_GTE };

struct jp_node {
    enum jp_node_type type;
    int depth;
    enum jp_cmp cmp;
    int func;   /* N_FUNCTION: index into the function table, -1 if unknown */
    char *name; /* N_FIELD, N_KEYVAL, N_FUNCTION (owned) */
    size_t name_len;
    json_t *lit;     /* N_LITERAL (owned) */
    long long index; /* N_INDEX */
    bool has[3];     /* N_SLICE: which of start, stop, step were given */
    long long part[3];
    struct jp_node **kids;
    size_t nkids, kcap;
};

struct jp_expr {
    struct jp_node *root;
    struct jp_node **all; /* every node, for jp_free */
    size_t nall, allcap;
};

/* The deepest syntax tree accepted: jmespath.py's recursion stops near 500 levels. */
#define JP_MAX_DEPTH 400

/* Evaluation state. */
struct jp_ctx {
    size_t max_values, max_bytes;
    size_t values, bytes;
    struct jp_error *err;
};

/* A function argument: a value, or an expression reference (value NULL). */
struct jp_arg {
    json_t *v;
    const struct jp_node *expref;
};

int jp_error_set(struct jp_error *err, enum jp_error_kind kind, const char *fmt, ...)
    PRINTF_LIKE(3, 4);

/* Appending to a message that may be cut short: a cut only sets b->truncated. */
static inline void jp_put(struct buf *b, const void *data, size_t n)
{
    if (buf_add(b, data, n) < 0)
        b->truncated = true;
}
static inline void jp_puts(struct buf *b, const char *s)
{
    jp_put(b, s, strlen(s));
}
void jp_putf(struct buf *b, const char *fmt, ...) PRINTF_LIKE(2, 3);

/*
 * dump.c: the length of pyjson_dump(v, PYJSON_COMPACT), measured without building it; the measuring
 * stops as soon as it passes limit (the result is then some number above limit).
 */
size_t jp_dump_size(const json_t *v, size_t limit);

/* eval.c */
int jp_visit(struct jp_ctx *c, const struct jp_node *n, json_t *v, json_t **out) WUR;
/* Counts what an evaluation builds; past the budget, fails and counts nothing. */
int jp_charge(struct jp_ctx *c, size_t values, size_t bytes) WUR;
int jp_over_budget(struct jp_ctx *c, bool bytes);
json_t *jp_new_array(struct jp_ctx *c);
int jp_append(struct jp_ctx *c, json_t *arr, json_t *v) WUR; /* steals v */
json_t *jp_new_string(struct jp_ctx *c, const char *s, size_t len);
json_t *jp_new_int(struct jp_ctx *c, long long i);
json_t *jp_new_real(struct jp_ctx *c, double d);
bool jp_is_false(const json_t *v);

/* functions.c */
int jp_function_lookup(const char *name, size_t len);
int jp_call(struct jp_ctx *c, const struct jp_node *n, struct jp_arg *args, size_t nargs,
            json_t **out) WUR;

/* pyvalue.c: Python's rules for the values json.loads gives. */
bool jp_is_number(const json_t *v);
double jp_number(const json_t *v);
bool jp_py_eq(const json_t *a, const json_t *b);  /* Python a == b */
int jp_num_cmp(const json_t *a, const json_t *b); /* exact, -1/0/1 */
int jp_str_cmp(const json_t *a, const json_t *b); /* by code point */
const char *jp_py_type(const json_t *v);          /* "int", "str", "NoneType", ... */
const char *jp_jmes_type(const json_t *v);        /* "number", "string", ... */
void jp_py_str(const json_t *v, struct buf *out); /* str(v), may be cut by out's max */
bool jp_py_space(uint32_t c);                     /* Python's str.isspace() */
/* dict.update(arg); a key that is not a string sets *bad_key (JSON cannot hold it). */
int jp_dict_update(struct jp_ctx *c, json_t *into, json_t *arg, bool *bad_key) WUR;
/* Python's x < y (x > y when greater) for two numbers or two strings; an error otherwise. */
int jp_py_less(struct jp_ctx *c, json_t *x, json_t *y, bool greater, bool *less) WUR;
/* A new array of v's elements in the stable order of keys (NULL: of the elements). */
int jp_sorted(struct jp_ctx *c, json_t *v, json_t **keys, json_t **out) WUR;
int jp_py_number(struct jp_ctx *c, const char *s, size_t len, json_t **out) WUR;
size_t jp_utf8_len(const char *s, size_t len); /* code points */

#endif
