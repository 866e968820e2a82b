#ifndef ERR_H
#define ERR_H

/*
 * Errors as values. A fallible function returns 0 on success and a negative number on
 * failure, and describes the failure in a caller-owned struct err (NULL allowed). `code` is a
 * JSON-RPC error code where one fits (-32602 for bad parameters, -32603 for internal
 * failures), so that the protocol layer can pass it on unchanged.
 */

#include <stdarg.h>
#include <stddef.h>

#include "common.h"

/*
 * The error codes of the protocol, named once. JSON-RPC 2.0 section 5.1 defines -32700..-32603;
 * MCP 2026-07-28 (basic/index.mdx "Error Codes") adds -32020..-32022. Every `struct err.code`
 * in the program is one of these, or 0 for "no error".
 */
enum err_code {
    ERR_NONE = 0,
    ERR_PARSE = -32700,               /* the bytes are not JSON */
    ERR_INVALID_REQUEST = -32600,     /* JSON, but not a JSON-RPC request */
    ERR_METHOD_NOT_FOUND = -32601,    /* no such method (or not in this protocol era) */
    ERR_INVALID_PARAMS = -32602,      /* bad parameters, unknown tool, refused argument */
    ERR_INTERNAL = -32603,            /* our failure: memory, a system call, a broken invariant */
    ERR_HEADER_MISMATCH = -32020,     /* an HTTP header disagrees with the body (2026-07-28) */
    ERR_MISSING_CAPABILITY = -32021,  /* a required client capability is missing (2026-07-28) */
    ERR_UNSUPPORTED_VERSION = -32022, /* protocol version not supported (2026-07-28) */
};

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

/*
 * The text of errno value errnum, written to buf (n bytes) and returned: strerror for code
 * that runs on many threads (strerror itself is banned, banned.h).
 */
const char *err_errno_text(int errnum, char *buf, size_t n);

#endif
