#ifndef ENGINE_PYREPR_H
#define ENGINE_PYREPR_H

/*
 * Python's repr() of a float, which is how the AWS CLI prints every double in `json` and
 * `text` output and how botocore's query serializer writes one: the shortest decimal that
 * reads back as the same double, in fixed notation when its decimal point falls within
 * (-4, 16] digits (0.1, 123456789.125, 1e+16 is the first with an exponent), else as
 * d.ddde[+-]XX (1e-07). Integral values get ".0" (5.0).
 */

#include <stdbool.h>
#include <stddef.h>

#define PYREPR_MAX 32 /* longest result plus NUL: "-2.2250738585072014e-308" is 24 */

/* Writes repr(v) into dst (PYREPR_MAX bytes). Returns false for NaN and infinities, whose
 * spelling depends on the caller (json.dumps: NaN, Infinity; str(): nan, inf). */
bool pyrepr_double(double v, char dst[PYREPR_MAX]);

#endif
