#ifndef PYJSON_H
#define PYJSON_H

/*
 * Python's json.dumps(), byte for byte, in the three forms this program needs:
 *
 *   PYJSON_COMPACT  separators (',', ':'), ensure_ascii: JMESPath's to_string().
 *   PYJSON_DEFAULT  separators (', ', ': '), ensure_ascii: json.dumps(v) with no options, how
 *                   botocore writes an AWS JSON request body.
 *   PYJSON_CLI      indent=4, ensure_ascii=False: the AWS CLI's --output json
 *                   (awscli/formatter.py), without its final newline.
 *
 * Keys in the object's order; integers as integers; doubles as repr() writes them (pyrepr.h);
 * strings escaped as Python's encoder escapes them (", \, \b \f \n \r \t, other C0 controls
 * as \u00xx in lower case; with ensure_ascii everything past '~' as \uXXXX, astral characters
 * as surrogate pairs). The one JSON writer of the program's Python-shaped output.
 */

#include <jansson.h>

#include "buf.h"
#include "common.h"

enum pyjson_style { PYJSON_COMPACT, PYJSON_DEFAULT, PYJSON_CLI };

/*
 * Appends json.dumps(v) in `style` to out. Returns 0, or -1 when out's ceiling cut the text or
 * memory ran out. (jansson holds no NaN or infinity, which json.dumps would write as NaN and
 * Infinity.)
 */
int pyjson_dump(const json_t *v, enum pyjson_style style, struct buf *out) WUR;

#endif
