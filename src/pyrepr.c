#include "pyrepr.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

/*
 * CPython's float_repr uses David Gay's dtoa in mode 0 (shortest round-trip digits) and puts
 * an exponent when decpt <= -4 or decpt > 16 (Python/pystrtod.c, format_float_short, with
 * precision 17 for 'r'). The shortest correctly rounded "%.*e" that strtod reads back as the
 * same double has the same digits: both pick, among the shortest strings that round-trip, the
 * one nearest the exact value.
 */
void pyrepr_double(double v, char dst[PYREPR_MAX])
{
    char tmp[40], digits[20];
    int prec, exp10, nd = 0, decpt;
    size_t o = 0;

    if (isnan(v) || isinf(v)) {
        snprintf(dst, PYREPR_MAX, "%s", isnan(v) ? "nan" : v < 0 ? "-inf" : "inf");
        return;
    }
    if (v == 0) {
        snprintf(dst, PYREPR_MAX, "%s", signbit(v) ? "-0.0" : "0.0");
        return;
    }
    for (prec = 1; prec <= 17; prec++) {
        snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, v);
        if (strtod(tmp, NULL) == v)
            break;
    }
    /* tmp is "[-]d[.ddd]e[+-]XX". */
    for (const char *p = tmp; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9')
            digits[nd++] = *p;
    exp10 = (int)strtol(strchr(tmp, 'e') + 1, NULL, 10);
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    digits[nd] = '\0';
    decpt = exp10 + 1;
    if (v < 0)
        dst[o++] = '-';
    if (decpt <= -4 || decpt > 16) {
        dst[o++] = digits[0];
        if (nd > 1) {
            dst[o++] = '.';
            memcpy(dst + o, digits + 1, (size_t)nd - 1);
            o += (size_t)nd - 1;
        }
        snprintf(dst + o, PYREPR_MAX - o, "e%c%02d", exp10 < 0 ? '-' : '+', abs(exp10));
        return;
    }
    if (decpt <= 0) {
        dst[o++] = '0';
        dst[o++] = '.';
        for (int i = 0; i < -decpt; i++)
            dst[o++] = '0';
        memcpy(dst + o, digits, (size_t)nd);
        o += (size_t)nd;
    } else if (decpt >= nd) {
        memcpy(dst + o, digits, (size_t)nd);
        o += (size_t)nd;
        for (int i = nd; i < decpt; i++)
            dst[o++] = '0';
        dst[o++] = '.';
        dst[o++] = '0';
    } else {
        memcpy(dst + o, digits, (size_t)decpt);
        o += (size_t)decpt;
        dst[o++] = '.';
        memcpy(dst + o, digits + decpt, (size_t)(nd - decpt));
        o += (size_t)(nd - decpt);
    }
    dst[o] = '\0';
}
