#include "pyjson.h"

#include <string.h>

#include "pyrepr.h"
#include "utf8.h"

#include "banned.h"

struct style {
    bool ascii;
    int indent; /* spaces per level; < 0 = one line */
    const char *item_sep, *key_sep;
};

static const struct style styles[] = {
    [PYJSON_COMPACT] = {true, -1, ",", ":"},
    [PYJSON_DEFAULT] = {true, -1, ", ", ": "},
    [PYJSON_CLI] = {false, 4, ",", ": "},
};

/* Escapes go through a small local buffer, so that a long string costs few buf_add calls. */
struct out {
    struct buf *b;
    char tmp[4096];
    size_t n;
};

static int flush(struct out *o)
{
    int rc = o->n ? buf_add(o->b, o->tmp, o->n) : 0;

    o->n = 0;
    return rc;
}

static int put(struct out *o, const char *s, size_t n)
{
    if (o->n + n > sizeof(o->tmp) && flush(o) < 0)
        return -1;
    if (n > sizeof(o->tmp))
        return buf_add(o->b, s, n);
    memcpy(o->tmp + o->n, s, n);
    o->n += n;
    return 0;
}

static void hex4(char *p, uint32_t v)
{
    static const char hex[] = "0123456789abcdef";

    p[0] = '\\';
    p[1] = 'u';
    p[2] = hex[(v >> 12) & 15];
    p[3] = hex[(v >> 8) & 15];
    p[4] = hex[(v >> 4) & 15];
    p[5] = hex[v & 15];
}

static int dump_str(const char *s, size_t len, bool ascii, struct buf *b)
{
    struct out o = {.b = b};
    size_t i = 0, run = 0, n;
    uint32_t c;
    char esc[12];

    if (put(&o, "\"", 1) < 0)
        return -1;
    while (i < len) {
        unsigned char u = (unsigned char)s[i];
        if ((u >= 0x20 && u < 0x7f && u != '"' && u != '\\') || (u >= 0x7f && !ascii)) {
            i++;
            run++;
            continue;
        }
        if (run && put(&o, s + i - run, run) < 0)
            return -1;
        run = 0;
        (void)utf8_decode(s, len, &i, &c);
        esc[0] = '\\';
        n = 2;
        if (c == '"' || c == '\\')
            esc[1] = (char)c;
        else if (c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f')
            esc[1] = c == '\n' ? 'n' : c == '\r' ? 'r' : c == '\t' ? 't' : c == '\b' ? 'b' : 'f';
        else if (c < 0x10000)
            hex4(esc, c), n = 6;
        else
            hex4(esc, 0xd800 | ((c - 0x10000) >> 10)),
                hex4(esc + 6, 0xdc00 | ((c - 0x10000) & 0x3ff)), n = 12;
        if (put(&o, esc, n) < 0)
            return -1;
    }
    if (run && put(&o, s + len - run, run) < 0)
        return -1;
    if (put(&o, "\"", 1) < 0)
        return -1;
    return flush(&o);
}

static int newline(const struct style *st, int level, struct buf *b)
{
    static const char spaces[] = "                                ";

    if (st->indent < 0)
        return 0;
    if (buf_add(b, "\n", 1) < 0)
        return -1;
    for (int n = st->indent * level; n > 0; n -= 32)
        if (buf_add(b, spaces, n < 32 ? (size_t)n : 32) < 0)
            return -1;
    return 0;
}

static int dump(const json_t *v, const struct style *st, int level, struct buf *b)
{
    char num[PYREPR_MAX];
    size_t i, n;
    void *it;

    switch (json_typeof(v)) {
    case JSON_NULL:
        return buf_adds(b, "null");
    case JSON_TRUE:
        return buf_adds(b, "true");
    case JSON_FALSE:
        return buf_adds(b, "false");
    case JSON_INTEGER:
        return buf_addf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    case JSON_REAL:
        pyrepr_double(json_real_value(v), num);
        return buf_adds(b, num);
    case JSON_STRING:
        return dump_str(json_string_value(v), json_string_length(v), st->ascii, b);
    case JSON_ARRAY:
        n = json_array_size(v);
        if (n == 0)
            return buf_adds(b, "[]");
        if (buf_add(b, "[", 1) < 0)
            return -1;
        for (i = 0; i < n; i++) {
            if ((i && buf_adds(b, st->item_sep) < 0) || newline(st, level + 1, b) < 0)
                return -1;
            if (dump(json_array_get(v, i), st, level + 1, b) < 0)
                return -1;
        }
        if (newline(st, level, b) < 0)
            return -1;
        return buf_add(b, "]", 1);
    case JSON_OBJECT:
        if (json_object_size(v) == 0)
            return buf_adds(b, "{}");
        if (buf_add(b, "{", 1) < 0)
            return -1;
        i = 0;
        for (it = json_object_iter((json_t *)v); it; it = json_object_iter_next((json_t *)v, it)) {
            if ((i++ && buf_adds(b, st->item_sep) < 0) || newline(st, level + 1, b) < 0 ||
                dump_str(json_object_iter_key(it), json_object_iter_key_len(it), st->ascii, b) <
                    0 ||
                buf_adds(b, st->key_sep) < 0 ||
                dump(json_object_iter_value(it), st, level + 1, b) < 0)
                return -1;
        }
        if (newline(st, level, b) < 0)
            return -1;
        return buf_add(b, "}", 1);
    }
    return -1;
}

int pyjson_dump(const json_t *v, enum pyjson_style style, struct buf *out)
{
    return dump(v, &styles[style], 0, out);
}
