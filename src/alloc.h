#ifndef ALLOC_H
#define ALLOC_H

/*
 * The program's one allocation hook (after jansson's json_set_alloc_funcs and curl's torture
 * mode): every allocation the program's own modules make goes through xmalloc and friends,
 * and jansson's go through the same functions, so a test can make any allocation fail
 * (tests/unit/test_alloc_failure.c).
 *
 * The x* functions behave like their libc namesakes and return NULL when memory runs out;
 * callers handle NULL as before. Memory from them is released with free(3): a hook must hand
 * out memory that free(3) releases (it wraps malloc, to fail, count or poison), because
 * jansson's strings (json_dumps) and libc's are freed the same way throughout.
 */

#include <stddef.h>

struct alloc_funcs {
    void *(*malloc)(size_t n);
    void *(*realloc)(void *p, size_t n);
};

/* Installs f (copied) for the whole process, and for jansson; NULL restores libc's. Not
 * thread-safe: call before threads start. */
void alloc_set_funcs(const struct alloc_funcs *f);

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
