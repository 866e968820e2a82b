#ifndef BUF_H
#define BUF_H

/*
 * The one byte buffer of the code base: growable, always NUL-terminated, with a ceiling.
 *
 * `max` is the most bytes the buffer will ever hold (0 = no ceiling). Appending past it keeps
 * what fits, drops the rest, sets `truncated` and returns -1, so a caller reading a request
 * body can reject it while a caller collecting a child's output can keep the head and go on.
 * Memory is allocated lazily; `p` is never NULL after buf_init (it points to a static "" until
 * the first append).
 */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "err.h"

/* Named caps, so that every limit in the program has one home. */
#define CAP_HTTP_BODY  (1024 * 1024)     /* largest MCP request body accepted over HTTP */
#define CAP_STDIO_LINE (4 * 1024 * 1024) /* largest MCP message accepted on one stdio line */
#define CAP_CLI_STDOUT                                                                             \
    (256 * 1024)                   /* AWS CLI stdout kept per call (AWSCLI_MCP_MAX_OUTPUT_BYTES)   \
                                    */
#define CAP_CLI_STDERR (64 * 1024) /* AWS CLI stderr kept per call */
/* Open files and file size of an AWS CLI process (it keeps about 10 open and writes only small
 * cache files in its private HOME). */
#define CAP_CLI_FILES     256
#define CAP_CLI_FILE_SIZE ((size_t)64 * 1024 * 1024)

struct buf {
    char *p;
    size_t len, cap, max;
    bool truncated;
};

extern char buf_empty[];
#define BUF_INIT(max_)                                                                             \
    {                                                                                              \
        buf_empty, 0, 0, (max_), false                                                             \
    }

void buf_init(struct buf *b, size_t max);
/* Appends n bytes. Returns 0, or -1 when memory ran out or the ceiling cut the data. */
int buf_add(struct buf *b, const void *data, size_t n) WUR;
int buf_adds(struct buf *b, const char *s) WUR;
int buf_addf(struct buf *b, const char *fmt, ...) PRINTF_LIKE(2, 3) WUR;
int buf_vaddf(struct buf *b, const char *fmt, va_list ap) PRINTF_LIKE(2, 0) WUR;
void buf_reset(struct buf *b);
/* Hands the malloc'd string to the caller (never NULL unless out of memory) and re-inits b. */
char *buf_take(struct buf *b, size_t *len);
void buf_release(struct buf *b);

#endif
