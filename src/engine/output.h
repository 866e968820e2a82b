#ifndef ENGINE_OUTPUT_H
#define ENGINE_OUTPUT_H

/*
 * The AWS CLI's `json` and `text` output (awscli/formatter.py, awscli/text.py), byte for byte.
 *
 * The value is what the CLI would format: the parsed reply (src/engine/protocol.h builds it
 * with the CLI's key order, integers as json integers, doubles as json reals, timestamps as
 * the CLI's iso8601 strings, blobs as base64 strings), or what `--query` made of it. The
 * caller applies `--query` first: for `json` to the whole (merged) result, for `text` to each
 * page, as the CLI does; these functions only format.
 *
 * Both append to `out` and return 0, ENGINE_HANDOFF (with the reason in e) when the CLI would
 * print something they do not reproduce (text: a non-ASCII key it would upper-case, a list
 * mixing objects and other values, nesting deeper than OUTPUT_MAX_DEPTH), or -1 when `out`
 * is full or memory ran out (e says which). On anything but 0, `out` holds a partial result.
 */

#include <jansson.h>

#include "buf.h"
#include "common.h"
#include "err.h"

#define OUTPUT_MAX_DEPTH 64

/* json.dump(value, indent=4, ensure_ascii=False) plus "\n"; nothing at all for {}. */
int output_json(const json_t *value, struct buf *out, struct err *e) WUR;
/* awscli.text.format_text(value). */
int output_text(const json_t *value, struct buf *out, struct err *e) WUR;

#endif
