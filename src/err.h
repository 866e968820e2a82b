#ifndef ERR_H
#define ERR_H

/*
 * Errors as values. A fallible function returns 0 on success and a negative number on
 * failure, and describes the failure in a caller-owned struct err (NULL allowed). `code` is a
 * JSON-RPC error code where one fits (-32602 for bad parameters, -32603 for internal
 * failures), so that the protocol layer can pass it on unchanged.
 */

#include <stdarg.h>

#define WUR               __attribute__((warn_unused_result))
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))

struct err {
    int code;
    char msg[256];
};

#define ERR_INIT                                                                                   \
    {                                                                                              \
        0,                                                                                         \
        {                                                                                          \
            0                                                                                      \
        }                                                                                          \
    }

/* Fills e (if not NULL) and returns -1, so callers can write `return err_set(e, ...)`. */
int err_set(struct err *e, int code, const char *fmt, ...) PRINTF_LIKE(3, 4);

#endif
