/*
 * The length of to_string()'s text (json.dumps with separators (',', ':'), which src/pyjson.h
 * writes as PYJSON_COMPACT), measured without building it, so that to_string can refuse a
 * result over the budget before it spends the memory.
 */
#include "jmespath/internal.h"

#include <stdio.h>
#include <string.h>

#include "pyrepr.h"

#include "banned.h"

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
        (void)utf8_decode(s, len, &i, &c);
        n += c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f' ? 2
             : c < 0x10000                                                 ? 6
                                                                           : 12;
    }
    return n;
}

size_t jp_dump_size(const json_t *v, size_t limit)
{
    char num[PYREPR_MAX];
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
        pyrepr_double(json_real_value(v), num);
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
