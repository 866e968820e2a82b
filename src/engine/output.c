#include "engine/output.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "engine/engine.h"
#include "pyjson.h"
#include "pyrepr.h"

#include "banned.h"

static int full(struct err *e)
{
    return err_set(e, ERR_INTERNAL, "output: the output buffer is full or memory ran out");
}

int output_json(const json_t *value, struct buf *out, struct err *e)
{
    /* formatter.py: "if response != {}", so an empty object prints nothing at all. */
    if (json_is_object(value) && json_object_size(value) == 0)
        return 0;
    if (pyjson_dump(value, PYJSON_CLI, out) < 0 || buf_add(out, "\n", 1) < 0)
        return full(e);
    return 0;
}

/* The text formatter's scalars are Python's str(): True, False, None, repr of floats. */
static bool is_scalar(const json_t *v)
{
    return !json_is_object(v) && !json_is_array(v);
}

static int text_scalar(const json_t *v, struct buf *out, struct err *e)
{
    char num[PYREPR_MAX];

    switch (json_typeof(v)) {
    case JSON_STRING:
        return buf_add(out, json_string_value(v), json_string_length(v)) < 0 ? full(e) : 0;
    case JSON_INTEGER:
        return buf_addf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v)) < 0 ? full(e) : 0;
    case JSON_REAL:
        pyrepr_double(json_real_value(v), num);
        return buf_adds(out, num) < 0 ? full(e) : 0;
    case JSON_TRUE:
        return buf_adds(out, "True") < 0 ? full(e) : 0;
    case JSON_FALSE:
        return buf_adds(out, "False") < 0 ? full(e) : 0;
    case JSON_NULL:
        return buf_adds(out, "None") < 0 ? full(e) : 0;
    default:
        return engine_handoff(e, "output: a structure where the CLI prints a scalar");
    }
}

/* identifier.upper(), which only ASCII keys are sure to match. */
static int text_ident(const char *ident, struct buf *out, struct err *e)
{
    for (const char *p = ident; *p; p++) {
        char c = *p;

        if ((unsigned char)c >= 0x80)
            return engine_handoff(e, "output: the text format upper-cases a non-ASCII key");
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (buf_add(out, &c, 1) < 0)
            return full(e);
    }
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The object's keys, sorted as Python sorts str (by code point, which is UTF-8 byte order). */
static const char **sorted_keys(const json_t *obj, size_t *n)
{
    const char **keys = xmalloc((json_object_size(obj) + 1) * sizeof(*keys));
    const char *key;
    json_t *child;

    *n = 0;
    if (!keys)
        return NULL;
    json_object_foreach((json_t *)obj, key, child) keys[(*n)++] = key;
    qsort(keys, *n, sizeof(*keys), cmp_str);
    return keys;
}

static int text_value(const json_t *v, const char *ident, int depth, struct buf *out,
                      struct err *e);

/*
 * _format_dict: the scalars on one tab-separated line (after the upper-cased identifier), then
 * each non-scalar under its key. With `scalar_keys` (the row of a list of objects), the line
 * has one column per key seen as a scalar anywhere in the list ('' where missing).
 */
static int text_dict(const json_t *obj, const char **scalar_keys, size_t nscalar, const char *ident,
                     int depth, struct buf *out, struct err *e)
{
    size_t n = 0, ncols = 0;
    const char **keys = sorted_keys(obj, &n);
    int rc = 0;

    if (!keys)
        return full(e);
    if (!scalar_keys) {
        for (size_t i = 0; i < n; i++)
            ncols += is_scalar(json_object_get(obj, keys[i]));
    } else {
        ncols = nscalar;
    }
    if (ncols > 0) {
        bool first = true;

        if (ident) {
            if ((rc = text_ident(ident, out, e)) != 0)
                goto out;
            first = false;
        }
        for (size_t i = 0; i < (scalar_keys ? nscalar : n); i++) {
            const char *k = scalar_keys ? scalar_keys[i] : keys[i];
            const json_t *c = json_object_get(obj, k);

            if (!scalar_keys && !is_scalar(c))
                continue;
            if (!first && buf_add(out, "\t", 1) < 0) {
                rc = full(e);
                goto out;
            }
            first = false;
            if (c && (rc = text_scalar(c, out, e)) != 0)
                goto out;
        }
        if (buf_add(out, "\n", 1) < 0) {
            rc = full(e);
            goto out;
        }
    }
    for (size_t i = 0; i < n; i++) {
        const json_t *c = json_object_get(obj, keys[i]);

        if (scalar_keys ? bsearch(&keys[i], scalar_keys, nscalar, sizeof(*keys), cmp_str) != NULL
                        : is_scalar(c))
            continue;
        if ((rc = text_value(c, keys[i], depth + 1, out, e)) != 0)
            goto out;
    }
out:
    free(keys);
    return rc;
}

static int text_scalar_list(const json_t *list, const char *ident, struct buf *out, struct err *e)
{
    size_t i;
    json_t *c;
    bool first = true;
    int rc;

    json_array_foreach(list, i, c)
    {
        if (!is_scalar(c))
            continue;
        if (ident) {
            if ((rc = text_ident(ident, out, e)) != 0)
                return rc;
            if (buf_add(out, "\t", 1) < 0)
                return full(e);
        } else if (!first && buf_add(out, "\t", 1) < 0) {
            return full(e);
        }
        first = false;
        if ((rc = text_scalar(c, out, e)) != 0)
            return rc;
        if (ident && buf_add(out, "\n", 1) < 0)
            return full(e);
    }
    if (!ident && !first && buf_add(out, "\n", 1) < 0)
        return full(e);
    return 0;
}

static int text_list(const json_t *list, const char *ident, int depth, struct buf *out,
                     struct err *e)
{
    size_t i, n = 0, nkeys = 0;
    json_t *c;
    bool dicts = false, lists = false, others = false;
    const char **keys = NULL;
    int rc = 0;

    json_array_foreach(list, i, c)
    {
        dicts |= json_is_object(c);
        lists |= json_is_array(c);
        others |= !json_is_object(c);
        if (json_is_object(c))
            nkeys += json_object_size(c);
    }
    if (json_array_size(list) == 0)
        return 0;
    if (!dicts) {
        if (lists) {
            bool any_scalar = false;

            json_array_foreach(list, i, c) any_scalar |= is_scalar(c);
            if (any_scalar && (rc = text_scalar_list(list, ident, out, e)) != 0)
                return rc;
            json_array_foreach(list, i, c) if (!is_scalar(c) &&
                                               (rc = text_value(c, ident, depth + 1, out, e)) !=
                                                   0) return rc;
            return 0;
        }
        return text_scalar_list(list, ident, out, e);
    }
    if (others)
        return engine_handoff(e, "output: the text format of a list mixing objects and other "
                                 "values");
    /* _all_scalar_keys: every key that holds a scalar in any of the objects, sorted. */
    keys = xmalloc((nkeys + 1) * sizeof(*keys));
    if (!keys)
        return full(e);
    json_array_foreach(list, i, c)
    {
        const char *k;
        json_t *kv;

        json_object_foreach(c, k, kv) if (is_scalar(kv)) keys[n++] = k;
    }
    qsort(keys, n, sizeof(*keys), cmp_str);
    nkeys = 0;
    for (size_t k = 0; k < n; k++)
        if (nkeys == 0 || strcmp(keys[nkeys - 1], keys[k]) != 0)
            keys[nkeys++] = keys[k];
    json_array_foreach(list, i, c)
    {
        /* A key that is a scalar in one object and a structure in another: str(dict). */
        for (size_t k = 0; k < nkeys; k++) {
            const json_t *kv = json_object_get(c, keys[k]);

            if (kv && !is_scalar(kv)) {
                rc = engine_handoff(e, "output: the text format of a key that is a scalar in "
                                       "one object and a structure in another");
                goto out;
            }
        }
        if ((rc = text_dict(c, keys, nkeys, ident, depth + 1, out, e)) != 0)
            goto out;
    }
out:
    free(keys);
    return rc;
}

static int text_value(const json_t *v, const char *ident, int depth, struct buf *out, struct err *e)
{
    int rc;

    if (depth > OUTPUT_MAX_DEPTH)
        return engine_handoff(e, "output: nesting deeper than %d levels", OUTPUT_MAX_DEPTH);
    if (json_is_object(v))
        return text_dict(v, NULL, 0, ident, depth, out, e);
    if (json_is_array(v))
        return text_list(v, ident, depth, out, e);
    if ((rc = text_scalar(v, out, e)) != 0)
        return rc;
    return buf_add(out, "\n", 1) < 0 ? full(e) : 0;
}

int output_text(const json_t *value, struct buf *out, struct err *e)
{
    return text_value(value, NULL, 0, out, e);
}
