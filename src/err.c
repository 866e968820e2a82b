#include "err.h"

#include <stdio.h>
#include <string.h>

#include "banned.h"

int err_set(struct err *e, int code, const char *fmt, ...)
{
    if (e) {
        va_list ap;
        e->code = code;
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
        va_end(ap);
    }
    return -1;
}

const char *err_errno_text(int errnum, char *buf, size_t n)
{
    /* The GNU strerror_r (we build with _GNU_SOURCE) may return a static string instead. */
    const char *s = strerror_r(errnum, buf, n);
    if (s != buf)
        snprintf(buf, n, "%s", s);
    return buf;
}
