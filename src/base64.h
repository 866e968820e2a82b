#ifndef BASE64_H
#define BASE64_H

/*
 * Base64 (RFC 4648 section 4, standard alphabet, with padding): Function URL bodies
 * (isBase64Encoded) and MCP header values ("=?base64?...?=").
 */

#include <stddef.h>

/* New NUL-terminated text (caller frees); *out_len (may be NULL) gets its length. NULL: OOM. */
char *base64_encode(const void *p, size_t n, size_t *out_len);

/*
 * Strict decoding: whole 4-character quanta, '=' only as the last one or two characters,
 * nothing outside the alphabet (no whitespace). Returns new bytes with a NUL after them
 * (caller frees) and their length in *out_len (may be NULL); NULL when the input is invalid
 * or memory ran out.
 */
char *base64_decode(const char *s, size_t n, size_t *out_len);

/* The 6-bit value of one character of the standard alphabet, or -1 for any other byte. */
int base64_value(unsigned char c);

#endif
