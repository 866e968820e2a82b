#include "base64.h"

#include <stdlib.h>

#include "alloc.h"
#include "banned.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *base64_encode(const void *data, size_t n, size_t *out_len)
{
    const unsigned char *p = data;
    size_t o = 0;
    char *out = n / 3 < ((size_t)-1) / 4 - 1 ? xmalloc((n + 2) / 3 * 4 + 1) : NULL;

    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i += 3) {
        unsigned int v = (unsigned int)p[i] << 16;
        if (i + 1 < n)
            v |= (unsigned int)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        out[o++] = alphabet[(v >> 18) & 63];
        out[o++] = alphabet[(v >> 12) & 63];
        out[o++] = i + 1 < n ? alphabet[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < n ? alphabet[v & 63] : '=';
    }
    out[o] = '\0';
    if (out_len)
        *out_len = o;
    return out;
}

int base64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

char *base64_decode(const char *s, size_t n, size_t *out_len)
{
    size_t o = 0;
    char *out;

    if (n % 4 != 0)
        return NULL;
    out = xmalloc(n / 4 * 3 + 1);
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i += 4) {
        int v[4], pad = 0;
        for (int k = 0; k < 4; k++) {
            unsigned char c = (unsigned char)s[i + k];
            if (c == '=' && i + 4 == n && k >= 2) {
                pad++;
                v[k] = 0;
                continue;
            }
            v[k] = pad ? -1 : base64_value(c); /* nothing may follow padding */
            if (v[k] < 0) {
                free(out);
                return NULL;
            }
        }
        out[o++] = (char)((v[0] << 2) | (v[1] >> 4));
        if (pad < 2)
            out[o++] = (char)(((v[1] & 15) << 4) | (v[2] >> 2));
        if (pad < 1)
            out[o++] = (char)(((v[2] & 3) << 6) | v[3]);
    }
    out[o] = '\0';
    if (out_len)
        *out_len = o;
    return out;
}
