#ifndef ENGINE_SHORTHAND_H
#define ENGINE_SHORTHAND_H

/*
 * The AWS CLI's shorthand syntax (awscli/shorthand.py, ShorthandParser and BackCompatVisitor),
 * ported line for line: `Name=a,Value=b`, `k=a,b,c` (a list), `k=[a,b]`, `k={a=1,b=[x]}`,
 * single and double quotes with their backslash escapes, `\,` in bare values.
 *
 * Only ASCII input is taken: the CLI's grammar is defined with Python's Unicode regular
 * expressions and str.rstrip(), whose whitespace includes characters such as U+0085 and
 * U+00A0, and excludes code points past U+FFFF from its character classes; rather than copy
 * those tables, a value with any non-ASCII byte or a control character other than
 * \t \n \v \f \r is handed to the CLI. So is every syntax error (the CLI prints it with a
 * caret under the position) and every quoted value the CLI's regular expression would only
 * match by backtracking.
 */

#include <stdbool.h>

#include <jansson.h>

#include "common.h"
#include "engine/model.h"
#include "err.h"

/*
 * Parses one shorthand string into *out (a new reference: an object whose values are strings,
 * lists and objects, in the order written). Returns 0, or ENGINE_HANDOFF with the reason in
 * e, or -1 when memory ran out.
 */
int shorthand_parse(const char *s, json_t **out, struct err *e) WUR;

/*
 * BackCompatVisitor.visit(value, shape): converts, in place, what the model says are
 * integers, longs, doubles and booleans from strings, and wraps a lone value where the model
 * wants a list. Returns 0, or ENGINE_HANDOFF where the CLI would crash or keep a value that
 * botocore then rejects (a non-numeric integer, a list where a scalar belongs).
 */
int shorthand_visit(const struct model_service *svc, int shape, json_t *value, struct err *e) WUR;

/* Python's int(s) and float(s), for the plain forms only ([-]digits; decimals with an optional
 * exponent); false for anything else (Python also takes spaces, '+', '_', "nan", "inf"). */
bool shorthand_int(const char *s, long long *out);
bool shorthand_double(const char *s, double *out);

#endif
