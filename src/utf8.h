#ifndef UTF8_H
#define UTF8_H

/*
 * UTF-8 as RFC 3629 and Unicode 15 section 3.9 (table 3-7) define it: no overlong forms, no
 * surrogates, nothing past U+10FFFF. Everything the program puts into JSON passes through
 * here: commands are checked (argv), a child's output is repaired (runner), Lambda replies
 * are checked and cut on character boundaries (lambda).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/*
 * Length of the longest prefix of s[0..n) (n >= 1) that starts a well-formed sequence (1 to
 * 4 bytes). Sets *complete when the whole sequence is there; otherwise the prefix is a
 * "maximal subpart" (at least one byte).
 */
size_t utf8_seq(const unsigned char *s, size_t n, bool *complete);

/*
 * The code point of the sequence at s[*i] (*i < n), advancing *i past it. Where no complete
 * well-formed sequence starts there, gives U+FFFD, advances past the maximal subpart and
 * returns -1 (the callers' strings are valid already; this keeps them safe if one is not).
 */
int utf8_decode(const char *s, size_t n, size_t *i, uint32_t *cp);

/* Offset of the first byte that is not part of well-formed UTF-8, or n when all is valid. */
size_t utf8_valid_len(const char *s, size_t n);
bool utf8_valid(const char *s, size_t n);

/* The largest length <= n that does not end inside a sequence (s[0..n] must be readable). */
size_t utf8_cut(const char *s, size_t n);

/*
 * Makes b valid UTF-8 in place: every maximal ill-formed subsequence (stray continuation
 * bytes, overlong forms, surrogates, code points past U+10FFFF, bytes F5..FF, truncated
 * sequences) becomes one U+FFFD, as in Unicode's "substitution of maximal subparts". When
 * `cut` is true, the buffer is known to have been cut at the end (by a cap), and an incomplete
 * but so far valid sequence at the very end is removed instead of replaced.
 * b->max is ignored: the result can be longer than the input (a replaced byte becomes three).
 * Never fails: when memory runs out, each ill-formed byte becomes '?' instead, in place.
 * Returns the number of ill-formed subsequences replaced (0 = none; a trimmed tail is not
 * counted).
 */
int utf8_repair(struct buf *b, bool cut);

#endif
