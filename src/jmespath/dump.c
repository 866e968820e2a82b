/*
 * Python's json.dumps() for the values a query gives, which is what to_string() returns and
 * what the AWS CLI prints for --output json (awscli/formatter.py, JSONFormatter), and the
 * CLI's text output of a scalar (awscli/text.py: str(value) and a newline).
 */
#include "jmespath/internal.h"

#include "alloc.h"

#include <stdio.h>
#include <string.h>

#include "banned.h"

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

/* Python's json string encoder (ensure_ascii=True: everything past '~' as \uXXXX). */
static int dump_str(const char *s, size_t len, bool ascii, struct buf *b)
{
    struct out o = {.b = b};
    size_t i = 0, run = 0;
    uint32_t c;
    char esc[12];
    size_t n;

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
        (void)jp_utf8_decode(s, len, &i, &c);
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

static int newline(int indent, int level, struct buf *b)
{
    int k;

    if (indent < 0)
        return 0;
    if (buf_add(b, "\n", 1) < 0)
        return -1;
    for (k = 0; k < indent * level; k++)
        if (buf_add(b, " ", 1) < 0)
            return -1;
    return 0;
}

static int dump(const json_t *v, bool ascii, int indent, int level, struct buf *b)
{
    char num[40];
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
        jp_float_repr(json_real_value(v), num, sizeof(num));
        return buf_adds(b, num);
    case JSON_STRING:
        return dump_str(json_string_value(v), json_string_length(v), ascii, b);
    case JSON_ARRAY:
        n = json_array_size(v);
        if (n == 0)
            return buf_adds(b, "[]");
        if (buf_add(b, "[", 1) < 0)
            return -1;
        for (i = 0; i < n; i++)
            if ((i && buf_add(b, ",", 1) < 0) || newline(indent, level + 1, b) < 0 ||
                dump(json_array_get(v, i), ascii, indent, level + 1, b) < 0)
                return -1;
        if (newline(indent, level, b) < 0)
            return -1;
        return buf_add(b, "]", 1);
    case JSON_OBJECT:
        if (json_object_size(v) == 0)
            return buf_adds(b, "{}");
        if (buf_add(b, "{", 1) < 0)
            return -1;
        i = 0;
        for (it = json_object_iter((json_t *)v); it; it = json_object_iter_next((json_t *)v, it))
            if ((i++ && buf_add(b, ",", 1) < 0) || newline(indent, level + 1, b) < 0 ||
                dump_str(json_object_iter_key(it), json_object_iter_key_len(it), ascii, b) < 0 ||
                buf_adds(b, indent < 0 ? ":" : ": ") < 0 ||
                dump(json_object_iter_value(it), ascii, indent, level + 1, b) < 0)
                return -1;
        if (newline(indent, level, b) < 0)
            return -1;
        return buf_add(b, "}", 1);
    }
    return -1;
}

/* Bytes of Python's escaped form of a string, without building it. */
static size_t str_size(const char *s, size_t len)
{
    size_t i = 0, n = 2;
    uint32_t c;

    while (i < len) {
        unsigned char u = (unsigned char)s[i];
        if (u >= 0x20 && u < 0x7f) {
            n += u == '"' || u == '\\' ? 2 : 1;
            i++;
            continue;
        }
        (void)jp_utf8_decode(s, len, &i, &c);
        n += c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f' ? 2
             : c < 0x10000                                                 ? 6
                                                                           : 12;
    }
    return n;
}

size_t jp_dump_size(const json_t *v, size_t limit)
{
    char num[40];
    size_t n = 2, i, last = 0;
    const json_t *prev = NULL, *e;
    void *it;

    switch (json_typeof(v)) {
    case JSON_NULL:
        return 4;
    case JSON_TRUE:
        return 4;
    case JSON_FALSE:
        return 5;
    case JSON_INTEGER:
        return (size_t)snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    case JSON_REAL:
        jp_float_repr(json_real_value(v), num, sizeof(num));
        return strlen(num);
    case JSON_STRING:
        return str_size(json_string_value(v), json_string_length(v));
    case JSON_ARRAY:
        for (i = 0; i < json_array_size(v); i++) {
            /* [@,@,@,...] repeats one value: measure it once. */
            e = json_array_get(v, i);
            if (e != prev)
                last = jp_dump_size(e, limit);
            prev = e;
            n += last + (i ? 1 : 0);
            if (n > limit)
                return n;
        }
        return n;
    case JSON_OBJECT:
        i = 0;
        for (it = json_object_iter((json_t *)v); it && n <= limit;
             it = json_object_iter_next((json_t *)v, it))
            n += (i++ ? 1 : 0) + str_size(json_object_iter_key(it), json_object_iter_key_len(it)) +
                 1 + jp_dump_size(json_object_iter_value(it), limit);
        return n;
    }
    return 0;
}

int jp_dump(const json_t *value, bool ascii, int indent, struct buf *out)
{
    return dump(value, ascii, indent, 0, out);
}

int jp_cli_print(const json_t *result, enum jp_cli_output how, struct buf *out)
{
    char num[40];

    if (how == JP_CLI_JSON) {
        /* formatter.py: "if response != {}", so an empty object prints nothing at all. */
        if (json_is_object(result) && json_object_size(result) == 0)
            return 0;
        if (jp_dump(result, false, 4, out) < 0)
            return -1;
        return buf_add(out, "\n", 1);
    }
    switch (json_typeof(result)) {
    case JSON_NULL:
        return buf_adds(out, "None\n");
    case JSON_TRUE:
        return buf_adds(out, "True\n");
    case JSON_FALSE:
        return buf_adds(out, "False\n");
    case JSON_INTEGER:
        return buf_addf(out, "%" JSON_INTEGER_FORMAT "\n", json_integer_value(result));
    case JSON_REAL:
        jp_float_repr(json_real_value(result), num, sizeof(num));
        return buf_addf(out, "%s\n", num);
    case JSON_STRING:
        if (buf_add(out, json_string_value(result), json_string_length(result)) < 0)
            return -1;
        return buf_add(out, "\n", 1);
    default:
        return -1;
    }
}
