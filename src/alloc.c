#include "alloc.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

static struct alloc_funcs funcs = {malloc, realloc};

void alloc_set_funcs(const struct alloc_funcs *f)
{
    static const struct alloc_funcs libc = {malloc, realloc};

    funcs = f ? *f : libc;
    json_set_alloc_funcs(funcs.malloc, free);
}

void *xmalloc(size_t n)
{
    return funcs.malloc(n);
}

void *xcalloc(size_t nmemb, size_t size)
{
    void *p;

    if (size && nmemb > SIZE_MAX / size)
        return NULL;
    p = funcs.malloc(nmemb * size);
    if (p)
        memset(p, 0, nmemb * size);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    return funcs.realloc(p, n);
}

char *xstrndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = funcs.malloc(len + 1);

    if (p) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, SIZE_MAX);
}
