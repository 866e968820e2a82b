/*
 * Python's rules for the values json.loads() gives, which jmespath.py inherits: exact
 * comparison of ints with floats, True == 1 inside containers, str() and repr() for error
 * messages, code point counts for strings.
 */
#include "jmespath/internal.h"

#include "alloc.h"
#include "pyrepr.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "banned.h"

void jp_putf(struct buf *b, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    if (buf_vaddf(b, fmt, ap) < 0)
        b->truncated = true;
    va_end(ap);
}

bool jp_py_space(uint32_t c)
{
    return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20) || c == 0x85 || c == 0xa0 ||
           c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 ||
           c == 0x202f || c == 0x205f || c == 0x3000;
}

size_t jp_utf8_len(const char *s, size_t len)
{
    size_t i, n = 0;

    for (i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xc0) != 0x80)
            n++;
    return n;
}

bool jp_is_number(const json_t *v)
{
    return json_is_integer(v) || json_is_real(v);
}

double jp_number(const json_t *v)
{
    return json_is_integer(v) ? (double)json_integer_value(v) : json_real_value(v);
}

/* An int against a float, exactly as Python compares them (no rounding of the int). */
static int cmp_int_real(long long i, double d)
{
    double t;
    long long ti;

    if (d >= 9223372036854775808.0)
        return -1;
    if (d < -9223372036854775808.0)
        return 1;
    t = trunc(d);
    ti = (long long)t;
    if (i != ti)
        return i < ti ? -1 : 1;
    return d > t ? -1 : d < t ? 1 : 0;
}

int jp_num_cmp(const json_t *a, const json_t *b)
{
    if (json_is_integer(a) && json_is_integer(b)) {
        long long x = json_integer_value(a), y = json_integer_value(b);
        return x < y ? -1 : x > y;
    }
    if (json_is_integer(a))
        return cmp_int_real(json_integer_value(a), json_real_value(b));
    if (json_is_integer(b))
        return -cmp_int_real(json_integer_value(b), json_real_value(a));
    return json_real_value(a) < json_real_value(b) ? -1 : json_real_value(a) > json_real_value(b);
}

/* UTF-8 byte order is code point order, which is how Python orders str. */
int jp_str_cmp(const json_t *a, const json_t *b)
{
    size_t la = json_string_length(a), lb = json_string_length(b);
    int c = memcmp(json_string_value(a), json_string_value(b), la < lb ? la : lb);

    if (c)
        return c < 0 ? -1 : 1;
    return la < lb ? -1 : la > lb;
}

/* Python's numeric view: bools are the ints 0 and 1. */
static bool py_numeric(const json_t *v)
{
    return jp_is_number(v) || json_is_boolean(v);
}

bool jp_py_eq(const json_t *a, const json_t *b)
{
    size_t i;
    void *it;

    if (py_numeric(a) && py_numeric(b)) {
        json_t *x = json_is_boolean(a) ? json_integer(json_is_true(a)) : json_incref((json_t *)a);
        json_t *y = json_is_boolean(b) ? json_integer(json_is_true(b)) : json_incref((json_t *)b);
        bool eq = x && y && jp_num_cmp(x, y) == 0;
        json_decref(x);
        json_decref(y);
        return eq;
    }
    if (json_typeof(a) != json_typeof(b))
        return false;
    switch (json_typeof(a)) {
    case JSON_NULL:
        return true;
    case JSON_STRING:
        return jp_str_cmp(a, b) == 0;
    case JSON_ARRAY:
        if (json_array_size(a) != json_array_size(b))
            return false;
        for (i = 0; i < json_array_size(a); i++)
            if (!jp_py_eq(json_array_get(a, i), json_array_get(b, i)))
                return false;
        return true;
    case JSON_OBJECT:
        if (json_object_size(a) != json_object_size(b))
            return false;
        for (it = json_object_iter((json_t *)a); it; it = json_object_iter_next((json_t *)a, it)) {
            json_t *vb =
                json_object_getn(b, json_object_iter_key(it), json_object_iter_key_len(it));
            if (!vb || !jp_py_eq(json_object_iter_value(it), vb))
                return false;
        }
        return true;
    default:
        return false;
    }
}

const char *jp_py_type(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "dict";
    case JSON_ARRAY:
        return "list";
    case JSON_STRING:
        return "str";
    case JSON_INTEGER:
        return "int";
    case JSON_REAL:
        return "float";
    case JSON_TRUE:
    case JSON_FALSE:
        return "bool";
    default:
        return "NoneType";
    }
}

const char *jp_jmes_type(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "object";
    case JSON_ARRAY:
        return "array";
    case JSON_STRING:
        return "string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "boolean";
    default:
        return "null";
    }
}

/* Python's repr() of a str: quotes chosen as Python chooses them, escapes for the unprintable. */
static void repr_str(const char *s, size_t len, struct buf *b)
{
    char q = memchr(s, '\'', len) && !memchr(s, '"', len) ? '"' : '\'';
    size_t i = 0;
    uint32_t c;

    jp_put(b, &q, 1);
    while (i < len && !b->truncated) {
        size_t at = i;
        (void)utf8_decode(s, len, &i, &c);
        if (c == '\\' || c == (uint32_t)q)
            jp_putf(b, "\\%c", (char)c);
        else if (c == '\n')
            jp_puts(b, "\\n");
        else if (c == '\r')
            jp_puts(b, "\\r");
        else if (c == '\t')
            jp_puts(b, "\\t");
        else if (c < 0x20 || (c >= 0x7f && c <= 0xa0) || c == 0xad)
            jp_putf(b, "\\x%02x", (unsigned)c);
        else
            jp_put(b, s + at, i - at);
    }
    jp_put(b, &q, 1);
}

static void py_repr(const json_t *v, struct buf *b)
{
    char num[PYREPR_MAX];
    void *it;
    size_t i;

    if (b->truncated)
        return;
    switch (json_typeof(v)) {
    case JSON_NULL:
        jp_puts(b, "None");
        break;
    case JSON_TRUE:
        jp_puts(b, "True");
        break;
    case JSON_FALSE:
        jp_puts(b, "False");
        break;
    case JSON_INTEGER:
        jp_putf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        break;
    case JSON_REAL:
        pyrepr_double(json_real_value(v), num);
        jp_puts(b, num);
        break;
    case JSON_STRING:
        repr_str(json_string_value(v), json_string_length(v), b);
        break;
    case JSON_ARRAY:
        jp_put(b, "[", 1);
        for (i = 0; i < json_array_size(v); i++) {
            if (i)
                jp_puts(b, ", ");
            py_repr(json_array_get(v, i), b);
        }
        jp_put(b, "]", 1);
        break;
    case JSON_OBJECT:
        jp_put(b, "{", 1);
        i = 0;
        for (it = json_object_iter((json_t *)v); it; it = json_object_iter_next((json_t *)v, it)) {
            if (i++)
                jp_puts(b, ", ");
            repr_str(json_object_iter_key(it), json_object_iter_key_len(it), b);
            jp_puts(b, ": ");
            py_repr(json_object_iter_value(it), b);
        }
        jp_put(b, "}", 1);
        break;
    }
}

void jp_py_str(const json_t *v, struct buf *out)
{
    if (json_is_string(v))
        jp_put(out, json_string_value(v), json_string_length(v));
    else
        py_repr(v, out);
}

/* dict.update(arg) for one merge() argument, with Python's errors for what is not a dict. */
int jp_dict_update(struct jp_ctx *c, json_t *into, json_t *arg, bool *bad_key)
{
    size_t i, k, len;
    json_t *e, *key = NULL, *val = NULL;

    if (json_is_object(arg)) {
        if (jp_charge(c, json_object_size(arg), 0) < 0)
            return -1;
        return json_object_update(into, arg) < 0
                   ? jp_error_set(c->err, JP_ERR_NOMEM, "out of memory")
                   : 0;
    }
    if (!json_is_array(arg) && !json_is_string(arg))
        return jp_error_set(c->err, JP_ERR_INVALID_TYPE, "'%s' object is not iterable",
                            jp_py_type(arg));
    if (json_is_string(arg)) {
        if (json_string_length(arg) == 0)
            return 0;
        return jp_error_set(c->err, JP_ERR_INVALID_VALUE,
                            "dictionary update sequence element #0 has length 1; 2 is required");
    }
    json_array_foreach(arg, i, e)
    {
        const char *s;
        size_t at = 0;
        uint32_t cp;
        if (json_is_string(e)) {
            len = jp_utf8_len(json_string_value(e), json_string_length(e));
        } else if (json_is_array(e) || json_is_object(e)) {
            len = json_is_array(e) ? json_array_size(e) : json_object_size(e);
        } else {
            return jp_error_set(c->err, JP_ERR_INVALID_TYPE,
                                "cannot convert dictionary update sequence element #%zu to a "
                                "sequence",
                                i);
        }
        if (len != 2)
            return jp_error_set(c->err, JP_ERR_INVALID_VALUE,
                                "dictionary update sequence element #%zu has length %zu; 2 is "
                                "required",
                                i, len);
        if (json_is_string(e)) {
            s = json_string_value(e);
            (void)utf8_decode(s, json_string_length(e), &at, &cp);
            key = json_stringn_nocheck(s, at);
            val = json_stringn_nocheck(s + at, json_string_length(e) - at);
        } else if (json_is_object(e)) {
            void *it = json_object_iter(e);
            key = json_stringn_nocheck(json_object_iter_key(it), json_object_iter_key_len(it));
            it = json_object_iter_next(e, it);
            val = json_stringn_nocheck(json_object_iter_key(it), json_object_iter_key_len(it));
        } else {
            key = json_incref(json_array_get(e, 0));
            val = json_incref(json_array_get(e, 1));
        }
        if (!key || !val) {
            json_decref(key);
            json_decref(val);
            return jp_error_set(c->err, JP_ERR_NOMEM, "out of memory");
        }
        if (!json_is_string(key)) {
            k = json_is_array(key) || json_is_object(key);
            json_decref(key);
            json_decref(val);
            /* Python goes on with a non-string key, so later errors win; merge() stops after. */
            if (!k) {
                *bad_key = true;
                continue;
            }
            return jp_error_set(c->err, JP_ERR_INVALID_TYPE, "unhashable type: '%s'",
                                jp_py_type(json_array_get(e, 0)));
        }
        if (jp_charge(c, 3, json_string_length(key)) < 0 ||
            json_object_setn_new_nocheck(into, json_string_value(key), json_string_length(key),
                                         val) < 0) {
            json_decref(key);
            if (c->err->kind != JP_ERR_BUDGET)
                val = NULL, jp_error_set(c->err, JP_ERR_NOMEM, "out of memory");
            return -1;
        }
        json_decref(key);
    }
    return 0;
}

/* Stable merge sort of v by keys (all numbers or all strings), as Python's sorted() orders. */
static bool key_lt(json_t *x, json_t *y)
{
    return (json_is_string(x) ? jp_str_cmp(x, y) : jp_num_cmp(x, y)) < 0;
}

static int sort_values(struct jp_ctx *c, json_t **v, json_t **keys, size_t n)
{
    json_t **tv = xmalloc((n ? n : 1) * sizeof(*tv)), **tk = xmalloc((n ? n : 1) * sizeof(*tk));
    size_t width, lo, i, j, k, mid, hi;

    if (!tv || !tk) {
        free(tv);
        free(tk);
        return jp_error_set(c->err, JP_ERR_NOMEM, "out of memory");
    }
    for (width = 1; width < n; width *= 2) {
        for (lo = 0; lo < n; lo += 2 * width) {
            mid = lo + width < n ? lo + width : n;
            hi = lo + 2 * width < n ? lo + 2 * width : n;
            for (i = lo, j = mid, k = lo; k < hi; k++) {
                /* Take from the right run only when strictly smaller: that keeps it stable. */
                bool right = j < hi && (i >= mid || key_lt(keys[j], keys[i]));
                size_t from = right ? j++ : i++;
                tv[k] = v[from];
                tk[k] = keys[from];
            }
        }
        memcpy(v, tv, n * sizeof(*v));
        if (keys != v)
            memcpy(keys, tk, n * sizeof(*keys));
        else
            memcpy(keys, tv, n * sizeof(*keys));
    }
    free(tv);
    free(tk);
    return 0;
}

/* Python's digitpart: digits with single underscores between them. Returns its length. */
static size_t digitpart(const char *s, size_t len, struct buf *clean)
{
    size_t i = 0;

    while (i < len && s[i] >= '0' && s[i] <= '9') {
        jp_put(clean, s + i, 1);
        i++;
        if (i + 1 < len && s[i] == '_' && s[i + 1] >= '0' && s[i + 1] <= '9')
            i++;
    }
    return i;
}

/* to_number() of a string: int(s), else float(s), else null. */
int jp_py_number(struct jp_ctx *c, const char *s, size_t len, json_t **out)
{
    struct buf clean = BUF_INIT(0);
    size_t i = 0, end = len, n, at;
    uint32_t cp;
    char *stop;
    double d;
    bool is_int = false, ok = false;

    /* Surrounding whitespace as str.strip() sees it. */
    while (i < end) {
        at = i;
        (void)utf8_decode(s, end, &at, &cp);
        if (!jp_py_space(cp))
            break;
        i = at;
    }
    while (end > i) {
        at = end - 1;
        while (at > i && ((unsigned char)s[at] & 0xc0) == 0x80)
            at--;
        n = at;
        (void)utf8_decode(s, end, &n, &cp);
        if (!jp_py_space(cp))
            break;
        end = at;
    }
    if (i < end && (s[i] == '+' || s[i] == '-'))
        jp_put(&clean, s + i++, 1);
    n = digitpart(s + i, end - i, &clean);
    if (n > 0 && i + n == end) {
        is_int = ok = true;
    } else {
        at = i + n;
        if (at < end && s[at] == '.') {
            jp_put(&clean, ".", 1);
            at++;
            at += digitpart(s + at, end - at, &clean);
        }
        ok = at > i && !(at == i + 1 && s[i] == '.');
        if (ok && at < end && (s[at] == 'e' || s[at] == 'E')) {
            jp_put(&clean, "e", 1);
            at++;
            if (at < end && (s[at] == '+' || s[at] == '-'))
                jp_put(&clean, s + at++, 1);
            n = digitpart(s + at, end - at, &clean);
            ok = n > 0;
            at += n;
        }
        ok = ok && at == end;
        if (!ok && end - i >= 3 &&
            (!strncasecmp(s + i, "inf", end - i) || !strncasecmp(s + i, "infinity", end - i) ||
             !strncasecmp(s + i, "nan", end - i)) &&
            (end - i == 3 || end - i == 8)) {
            buf_release(&clean);
            return jp_error_set(c->err, JP_ERR_INVALID_VALUE,
                                "to_number(): NaN and Infinity are not JSON values");
        }
    }
    if (!ok) {
        buf_release(&clean);
        *out = json_null();
        return 0;
    }
    if (is_int) {
        errno = 0;
        long long v = strtoll(clean.p, &stop, 10);
        if (errno == 0) {
            buf_release(&clean);
            *out = jp_new_int(c, v);
            return *out ? 0 : -1;
        }
    }
    d = strtod(clean.p, &stop);
    buf_release(&clean);
    if (isinf(d))
        return jp_error_set(c->err, JP_ERR_INVALID_VALUE,
                            "to_number(): NaN and Infinity are not JSON values");
    *out = jp_new_real(c, d);
    return *out ? 0 : -1;
}

/* Python's `<` (or `>`) on two keys that are each a number or a string. */
int jp_py_less(struct jp_ctx *c, json_t *x, json_t *y, bool greater, bool *less)
{
    int r;

    if (json_is_string(x) != json_is_string(y))
        return jp_error_set(c->err, JP_ERR_INVALID_TYPE,
                            "'%s' not supported between instances of '%s' and '%s'",
                            greater ? ">" : "<", jp_py_type(x), jp_py_type(y));
    r = json_is_string(x) ? jp_str_cmp(x, y) : jp_num_cmp(x, y);
    *less = greater ? r > 0 : r < 0;
    return 0;
}

/* A new array of v[0..n) in the (stable) order of keys. */
int jp_sorted(struct jp_ctx *c, json_t *v, json_t **keys, json_t **out)
{
    size_t n = json_array_size(v), i;
    json_t **items = xcalloc(n ? n : 1, sizeof(*items)), *arr = NULL;
    int rc = -1;

    if (!items)
        return jp_error_set(c->err, JP_ERR_NOMEM, "out of memory");
    for (i = 0; i < n; i++)
        items[i] = json_array_get(v, i);
    if (sort_values(c, items, keys ? keys : items, n) < 0 || !(arr = jp_new_array(c)))
        goto out;
    for (i = 0; i < n; i++)
        if (jp_append(c, arr, json_incref(items[i])) < 0)
            goto out;
    *out = arr;
    arr = NULL;
    rc = 0;
out:
    json_decref(arr);
    free(items);
    return rc;
}
