/*
 * Python's json.dumps() for the values a query gives, which is what to_string() returns and
 * what the AWS CLI prints for --output json (awscli/formatter.py, JSONFormatter), and the
 * CLI's text output of a scalar (awscli/text.py: str(value) and a newline).
 */
#include "jmespath/internal.h"

#include <stdio.h>
#include <string.h>

#include "banned.h"

static int dump_str(const char *s, size_t len, bool ascii, struct buf *b)
{
    static const char hex[] = "0123456789abcdef";
    size_t i = 0, run = 0;
    uint32_t c;
    char esc[16];

    if (buf_add(b, "\"", 1) < 0)
        return -1;
    while (i < len) {
        size_t at = i;
        (void)jp_utf8_decode(s, len, &i, &c);
        if (c >= 0x20 && c != '"' && c != '\\' && (!ascii || c < 0x7f)) {
            run += i - at;
            continue;
        }
        if (run && buf_add(b, s + at - run, run) < 0)
            return -1;
        run = 0;
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            esc[2] = '\0';
        } else if (c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f') {
            esc[0] = '\\';
            esc[1] = c == '\n' ? 'n' : c == '\r' ? 'r' : c == '\t' ? 't' : c == '\b' ? 'b' : 'f';
            esc[2] = '\0';
        } else if (c >= 0x10000) {
            uint32_t v = c - 0x10000, hi = 0xd800 | (v >> 10), lo = 0xdc00 | (v & 0x3ff);
            snprintf(esc, sizeof(esc), "\\u%c%c%c%c\\u%c%c%c%c", hex[hi >> 12], hex[(hi >> 8) & 15],
                     hex[(hi >> 4) & 15], hex[hi & 15], hex[lo >> 12], hex[(lo >> 8) & 15],
                     hex[(lo >> 4) & 15], hex[lo & 15]);
        } else {
            snprintf(esc, sizeof(esc), "\\u%c%c%c%c", hex[c >> 12], hex[(c >> 8) & 15],
                     hex[(c >> 4) & 15], hex[c & 15]);
        }
        if (buf_adds(b, esc) < 0)
            return -1;
    }
    if (run && buf_add(b, s + len - run, run) < 0)
        return -1;
    return buf_add(b, "\"", 1);
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
