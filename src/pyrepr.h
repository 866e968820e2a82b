#ifndef PYREPR_H
#define PYREPR_H

/*
 * Python's repr() of a float, which is how the AWS CLI prints every double in `json` and
 * `text` output and how botocore's query serializer writes one: the shortest decimal that
 * reads back as the same double, in fixed notation when its decimal point falls within
 * (-4, 16] digits (0.1, 123456789.125, 1e+16 is the first with an exponent), else as
 * d.ddde[+-]XX (1e-07). Integral values get ".0" (5.0). The one home of this rule: the
 * engine's output and protocols and JMESPath's to_string and str() all use it.
 */

#include <stdbool.h>
#include <stddef.h>

#define PYREPR_MAX 32 /* longest result plus NUL: "-2.2250738585072014e-308" is 24 */

/*
 * Writes repr(v) into dst (PYREPR_MAX bytes): for NaN and the infinities "nan", "inf", "-inf"
 * as repr() spells them (json.dumps spells them NaN and Infinity: callers that write JSON check
 * isfinite first).
 */
void pyrepr_double(double v, char dst[PYREPR_MAX]);

#endif
