#ifndef JMESPATH_JMESPATH_H
#define JMESPATH_JMESPATH_H

/*
 * JMESPath (https://jmespath.org) over jansson values, behaving exactly as jmespath.py 1.0.1,
 * the implementation AWS CLI v2 uses for --query: the same grammar and binding powers, the
 * same results (integers stay integers, Python's comparison and sort rules), the same error
 * kinds and messages. docs/jmespath.md lists what is supported and the few inputs Python can
 * represent and JSON cannot.
 *
 * Usage:
 *     struct jp_expr *e;
 *     struct jp_error err;
 *     json_t *out;
 *     if (jp_compile(text, len, &e, &err) < 0) ... err.kind, err.msg
 *     if (jp_eval(e, doc, NULL, &out, NULL, &err) < 0) ... (NULL limits: JP_LIMITS_DEFAULT)
 *     json_decref(out); jp_free(e);
 *
 * A compiled expression is immutable: any number of threads may evaluate it at once.
 * Evaluation is bounded by a budget (struct jp_limits): past it, jp_eval stops with
 * JP_ERR_BUDGET instead of building a result the size of the machine's memory.
 */

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "common.h"

/* The error kinds of the compliance suite, plus the two jmespath.py does not have. */
enum jp_error_kind {
    JP_OK = 0,
    JP_ERR_SYNTAX,           /* LexerError, ParseError, empty expression ("syntax") */
    JP_ERR_UNKNOWN_FUNCTION, /* "unknown-function" */
    JP_ERR_INVALID_ARITY,    /* "invalid-arity" */
    JP_ERR_INVALID_TYPE,     /* JMESPathTypeError, and Python's own TypeError ("invalid-type") */
    JP_ERR_INVALID_VALUE,    /* a slice step of zero; NaN, Infinity ("invalid-value") */
    JP_ERR_BUDGET,           /* the evaluation went past struct jp_limits ("budget") */
    JP_ERR_NOMEM,            /* malloc failed ("nomem") */
};

struct jp_error {
    enum jp_error_kind kind;
    char msg[512]; /* jmespath.py's message for the error, truncated to fit */
};

/*
 * The evaluation budget. Every value an evaluation creates (array, object, string, number,
 * boolean) counts one toward max_values, and so does every element it puts into an array or
 * object; every byte of every string it builds (to_string, join, reverse, multi-select keys)
 * counts toward max_string_bytes. Values of the input document are shared, not counted.
 * 0 in a field means its default.
 */
struct jp_limits {
    size_t max_values;
    size_t max_string_bytes;
};

/*
 * Defaults: a projection or sort over a 1 MB CloudWatch reply uses tens of thousands of
 * values and to_string(@) of it about 1 MB, so these leave a wide margin while keeping one
 * evaluation below roughly 100 MB of memory.
 */
#define JP_DEFAULT_MAX_VALUES       (1000u * 1000u)
#define JP_DEFAULT_MAX_STRING_BYTES (8u * 1024u * 1024u)

/* What an evaluation used (filled in whether it succeeded or not). */
struct jp_usage {
    size_t values;
    size_t string_bytes;
};

struct jp_expr;

/* "syntax", "unknown-function", ... (the compliance suite's names), "budget", "nomem". */
const char *jp_error_kind_name(enum jp_error_kind kind);

/*
 * Parses an expression (len bytes of UTF-8, NUL bytes allowed). On success *out is a new
 * expression for jp_free. Fails with JP_ERR_SYNTAX (the message as jmespath.py's LexerError,
 * ParseError or IncompleteExpressionError prints it) or JP_ERR_NOMEM. Unknown functions and
 * wrong argument counts are evaluation errors, as in jmespath.py.
 */
int jp_compile(const char *text, size_t len, struct jp_expr **out, struct jp_error *err) WUR;
void jp_free(struct jp_expr *expr);

/*
 * Evaluates expr against data (borrowed; never modified). On success *out is a new reference
 * (json_null() for a null result). limits may be NULL (the defaults), usage may be NULL.
 */
int jp_eval(const struct jp_expr *expr, json_t *data, const struct jp_limits *limits, json_t **out,
            struct jp_usage *usage, struct jp_error *err) WUR;

#endif
