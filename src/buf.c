#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "banned.h"

char buf_empty[1];

void buf_init(struct buf *b, size_t max)
{
    b->p = buf_empty;
    b->len = 0;
    b->cap = 0;
    b->max = max;
    b->truncated = false;
}

static int grow(struct buf *b, size_t need)
{
    size_t cap = b->cap ? b->cap : 64;
    char *p;

    if (need + 1 <= b->cap)
        return 0;
    while (cap < need + 1) {
        if (cap > ((size_t)-1) / 2)
            return -1;
        cap *= 2;
    }
    if (b->max && cap > b->max + 1)
        cap = b->max + 1;
    p = xrealloc(b->cap ? b->p : NULL, cap);
    if (!p)
        return -1;
    if (!b->cap)
        p[0] = '\0';
    b->p = p;
    b->cap = cap;
    return 0;
}

int buf_add(struct buf *b, const void *data, size_t n)
{
    size_t room = n;
    int rc = 0;

    if (b->max && b->len + n > b->max) {
        room = b->max - b->len;
        b->truncated = true;
        rc = -1;
    }
    if (room == 0)
        return rc;
    if (grow(b, b->len + room) < 0)
        return -1;
    memcpy(b->p + b->len, data, room);
    b->len += room;
    b->p[b->len] = '\0';
    return rc;
}

int buf_adds(struct buf *b, const char *s)
{
    return buf_add(b, s, strlen(s));
}

int buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
    char small[256], *big;
    va_list again;
    int n, rc;

    va_copy(again, ap);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    if (n < 0 || (size_t)n < sizeof(small)) {
        va_end(again);
        return n < 0 ? -1 : buf_add(b, small, (size_t)n);
    }
    big = xmalloc((size_t)n + 1);
    if (big)
        vsnprintf(big, (size_t)n + 1, fmt, again);
    va_end(again);
    if (!big)
        return -1;
    rc = buf_add(b, big, (size_t)n);
    free(big);
    return rc;
}

int buf_addf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = buf_vaddf(b, fmt, ap);
    va_end(ap);
    return rc;
}

void buf_reset(struct buf *b)
{
    b->len = 0;
    b->truncated = false;
    if (b->cap)
        b->p[0] = '\0';
}

char *buf_take(struct buf *b, size_t *len)
{
    char *p = b->cap ? b->p : xstrdup("");
    if (len)
        *len = b->len;
    buf_init(b, b->max);
    return p;
}

void buf_release(struct buf *b)
{
    if (b->cap)
        free(b->p);
    buf_init(b, b->max);
}
