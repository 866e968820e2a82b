#include "utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "banned.h"

/*
 * Length of the longest prefix of s[0..n) that starts a well-formed UTF-8 sequence (1 to 4),
 * following the table of well-formed byte sequences in Unicode 15, section 3.9 (table 3-7).
 * Sets *complete when the whole sequence is there; otherwise the prefix is a "maximal
 * subpart" (at least one byte), which is replaced by one U+FFFD.
 */
size_t utf8_seq(const unsigned char *s, size_t n, bool *complete)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xBF;
    size_t need, k;

    *complete = true;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        if (c == 0xE0)
            lo = 0xA0; /* no overlong forms */
        else if (c == 0xED)
            hi = 0x9F; /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F; /* nothing past U+10FFFF */
    } else {
        *complete = false;
        return 1;
    }
    for (k = 1; k < need; k++) {
        if (k >= n || s[k] < lo || s[k] > hi) {
            *complete = false;
            return k;
        }
        lo = 0x80;
        hi = 0xBF;
    }
    return need;
}

int utf8_decode(const char *s, size_t n, size_t *i, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s + *i;
    bool complete;
    size_t len = utf8_seq(u, n - *i, &complete);
    uint32_t c;

    *i += len;
    if (!complete) {
        *cp = 0xFFFD;
        return -1;
    }
    c = len == 1 ? u[0] : len == 2 ? u[0] & 0x1Fu : len == 3 ? u[0] & 0x0Fu : u[0] & 0x07u;
    for (size_t k = 1; k < len; k++)
        c = (c << 6) | (u[k] & 0x3Fu);
    *cp = c;
    return 0;
}

int utf8_repair(struct buf *b, bool cut)
{
    static const char fffd[] = "\xEF\xBF\xBD";
    const unsigned char *s = (const unsigned char *)b->p;
    size_t i, k, n = b->len, o = 0, first_bad = n;
    bool complete;
    char *fixed;
    int count = 0;

    for (i = 0; i < n; i += k) {
        k = utf8_seq(s + i, n - i, &complete);
        if (!complete) {
            first_bad = i;
            break;
        }
    }
    if (first_bad == n)
        return 0;
    /* A sequence cut by the cap is not an error of the child: drop it quietly. */
    if (cut && i + k == n && s[i] >= 0xC2 && s[i] <= 0xF4) {
        b->len = i;
        b->p[i] = '\0';
        return 0;
    }

    fixed = n <= (SIZE_MAX - 1) / 3 ? xmalloc(n * 3 + 1) : NULL;
    for (i = 0; i < n; i += k) {
        k = utf8_seq(s + i, n - i, &complete);
        if (complete) {
            if (fixed)
                memcpy(fixed + o, s + i, k);
            o += k;
            continue;
        }
        if (cut && i + k == n && s[i] >= 0xC2 && s[i] <= 0xF4)
            break; /* the cut tail, see above */
        count++;
        if (fixed) {
            memcpy(fixed + o, fffd, 3);
            o += 3;
        } else {
            memset(b->p + i, '?', k);
            o += k;
        }
    }
    if (!fixed) {
        b->len = o;
        b->p[o] = '\0';
        return count;
    }
    fixed[o] = '\0';
    if (b->cap)
        free(b->p);
    b->p = fixed;
    b->len = o;
    b->cap = n * 3 + 1;
    return count;
}

size_t utf8_valid_len(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, k;
    bool complete;

    while (i < n) {
        k = utf8_seq(p + i, n - i, &complete);
        if (!complete)
            return i;
        i += k;
    }
    return n;
}

bool utf8_valid(const char *s, size_t n)
{
    return utf8_valid_len(s, n) == n;
}

size_t utf8_cut(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    while (n > 0 && (p[n] & 0xC0) == 0x80)
        n--;
    return n;
}
