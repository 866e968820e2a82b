/*
 * The built-in functions, with jmespath.py's signatures, its argument checks in its order
 * (arity, then each declared argument's type, then array element types) and the behaviour of
 * the Python built-ins it calls (sum, max, sorted, dict.update, int, float).
 */
#include "jmespath/internal.h"

#include "alloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

#define MAX_TYPES 3

struct param {
    const char *types[MAX_TYPES]; /* jmespath type names; none = any value */
};

struct function;
typedef int (*fn_impl)(struct jp_ctx *c, const struct function *f, struct jp_arg *a, size_t n,
                       json_t **out);

struct function {
    const char *name;
    fn_impl impl;
    size_t nparams;
    bool variadic;
    struct param params[2];
};

/* JMESPathTypeError's text; `value` NULL means an expression reference. */
static int type_error(struct jp_ctx *c, const char *fn, const json_t *value, const char *received,
                      const char *const *expected, size_t nexpected)
{
    struct buf b = BUF_INIT(sizeof(c->err->msg));
    size_t i;

    jp_putf(&b, "In function %s(), invalid type for value: ", fn);
    if (value)
        jp_py_str(value, &b);
    else
        jp_puts(&b, "<jmespath.visitor._Expression object>");
    jp_puts(&b, ", expected one of: [");
    for (i = 0; i < nexpected; i++)
        jp_putf(&b, "%s'%s'", i ? ", " : "", expected[i]);
    jp_putf(&b, "], received: \"%s\"", received);
    jp_error_set(c->err, JP_ERR_INVALID_TYPE, "%s", b.p);
    buf_release(&b);
    return -1;
}

/* min, min_by (against max, max_by) */
static bool is_min(const struct function *f)
{
    return !strncmp(f->name, "min", 3);
}

static int fn_abs(struct jp_ctx *c, const struct function *f, struct jp_arg *a, size_t n,
                  json_t **out)
{
    (void)f;
    (void)n;
    if (json_is_integer(a[0].v))
        *out = jp_new_int(c, llabs(json_integer_value(a[0].v)));
    else
        *out = jp_new_real(c, fabs(json_real_value(a[0].v)));
    return *out ? 0 : -1;
}

/* A Python number that may be an int past 64 bits (kept as a double when it is). */
static json_t *new_number(struct jp_ctx *c, __int128 i)
{
    if (i >= -(((__int128)1) << 63) && i < (((__int128)1) << 63))
        return jp_new_int(c, (long long)i);
    return jp_new_real(c, (double)i);
}

/* Python's sum(): exact while the items are ints, then double additions in order. */
static json_t *py_sum(struct jp_ctx *c, json_t *arr, double *as_double)
{
    __int128 isum = 0;
    double fsum = 0;
    bool is_float = false;
    size_t i;
    json_t *e;

    json_array_foreach(arr, i, e)
    {
        if (!is_float && json_is_integer(e)) {
            isum += json_integer_value(e);
        } else if (!is_float) {
            is_float = true;
            fsum = (double)isum + json_real_value(e);
        } else {
            fsum += jp_number(e);
        }
    }
    *as_double = is_float ? fsum : (double)isum;
    return c ? (is_float ? jp_new_real(c, fsum) : new_number(c, isum)) : NULL;
}

static int fn_avg(struct jp_ctx *c, const struct function *f, struct jp_arg *a, size_t n,
                  json_t **out)
{
    double sum;

    (void)f;
    (void)n;
    if (json_array_size(a[0].v) == 0) {
        *out = json_null();
        return 0;
    }
    (void)py_sum(NULL, a[0].v, &sum);
    *out = jp_new_real(c, sum / (double)json_array_size(a[0].v));
    return *out ? 0 : -1;
}

static int fn_sum(struct jp_ctx *c, const struct function *f, struct jp_arg *a, size_t n,
                  json_t **out)
{
    double unused;

    (void)f;
    (void)n;
    *out = py_sum(c, a[0].v, &unused);
    return *out ? 0 : -1;
}

/* math.ceil() and math.floor() give ints, also for floats. */
static int fn_ceil(struct jp_ctx *c, const struct function *f, struct jp_arg *a, size_t n,
                   json_t **out)
{
    double d;

    (void)n;
    if (json_is_integer(a[0].v)) {
        *out = json_incref(a[0].v);
        return 0;
    }
    d = json_real_value(a[0].v);
    d = f->name[0] == 'c' ? ceil(d) : floor(d);
    if (d >= -9223372036854775808.0 && d < 9223372036854775808.0)
        *out = jp_new_int(c, (long long)d);
    else
        *out = jp_new_real(c, d);
    return *out ? 0 : -1;
}

static int fn_contains(struct jp_ctx *c, const struct function *f, struct jp_arg *a, size_t n,
                       json_t **out)
{
    json_t *subject = a[0].v, *search = a[1].v, *e;
    bool found = false;
    size_t i;

    (void)f;
    (void)n;
    if (json_is_array(subject)) {
        json_array_foreach(subject, i, e) if (jp_py_eq(e, search))
        {
            found = true;
            break;
        }
    } else if (!json_is_string(search)) {
        return jp_error_set(c->err, JP_ERR_INVALID_TYPE,
                            "'in <string>' requires string as left operand, not %s",
                            jp_py_type(search));
    } else {
        found = json_string_length(search) == 0 ||
                memmem(json_string_value(subject), json_string_length(subject),
                       json_string_value(search), json_string_length(search)) != NULL;
    }
    *out = json_boolean(found);
    return jp_charge(c, 1, 0);
}

static int fn_ends_with(struct jp_ctx *c, const struct function *f, struct jp_arg *a, size_t n,
                        json_t **out)
{
    size_t ls = json_string_length(a[0].v), lx = json_string_length(a[1].v);
    const char *s = json_string_value(a[0].v), *x = json_string_value(a[1].v);
    bool yes = lx <= ls;

    (void)n;
    if (yes)
        yes = f->name[0] == 'e' ? !memcmp(s + ls - lx, x, lx) : !memcmp(s, x, lx);
    *out = json_boolean(yes);
    return jp_charge(c, 1, 0);
}

static int fn_join(struct jp_ctx *c, const struct function *f, struct jp_arg *a, size_t n,
                   json_t **out)
{
    struct buf b = BUF_INIT(c->max_bytes - c->bytes + 1);
    int rc = 0;
    size_t i;
    json_t *e;

    (void)f;
    (void)n;
    *out = NULL;
    json_array_foreach(
        a[1].v, i,
        e) if ((i && buf_add(&b, json_string_value(a[0].v), json_string_length(a[0].v)) < 0) ||
               buf_add(&b, json_string_value(e), json_string_length(e)) < 0)
    {
        rc = b.truncated ? jp_over_budget(c, true)
                         : jp_error_set(c->err, JP_ERR_NOMEM, "out of memory");
        break;
    }
    if (rc == 0)
        *out = jp_new_string(c, b.p, b.len);
    buf_release(&b);
    return *out ? 0 : -1;
}

/* keys() and values() */
static int fn_keys(struct jp_ctx *c, const struct function *f, struct jp_arg *a, size_t n,
                   json_t **out)
{
    json_t *arr = jp_new_array(c), *e;
    void *it;

    (void)n;
    if (!arr)
        return -1;
    for (it = json_object_iter(a[0].v); it; it = json_object_iter_next(a[0].v, it)) {
        if (f->name[0] == 'k')
            e = jp_new_string(c, json_object_iter_key(it), json_object_iter_key_len(it));
        else
            e = json_incref(json_object_iter_value(it));
        if (!e || jp_append(c, arr, e) < 0) {
            json_decref(arr);
            return -1;
        }
    }
    *out = arr;
    return 0;
}

static int fn_length(struct jp_ctx *c, const struct function *f, struct jp_arg *a, size_t n,
                     json_t **out)
{
    json_t *v = a[0].v;

    (void)f;
    (void)n;
    *out = jp_new_int(c, json_is_string(v)
                             ? (long long)jp_utf8_len(json_string_value(v), json_string_length(v))
                         : json_is_array(v) ? (long long)json_array_size(v)
                                            : (long long)json_object_size(v));
    return *out ? 0 : -1;
}

static int fn_map(struct jp_ctx *c, const struct function *f, struct jp_arg *a, size_t n,
                  json_t **out)
{
    json_t *arr = jp_new_array(c), *e, *r;
    size_t i;

    (void)f;
    (void)n;
    if (!arr)
        return -1;
    json_array_foreach(a[1].v, i,
                       e) if (jp_visit(c, a[0].expref, e, &r) < 0 || jp_append(c, arr, r) < 0)
    {
        json_decref(arr);
        return -1;
    }
    *out = arr;
    return 0;
}

/* max() and min(): the first of the largest (smallest) items, as Python's max() keeps it. */
static int fn_max(struct jp_ctx *c, const struct function *f, struct jp_arg *a, size_t n,
                  json_t **out)
{
    json_t *best = NULL, *e;
    size_t i;
    bool better;

    (void)n;
    json_array_foreach(a[0].v, i, e)
    {
        if (best && jp_py_less(c, e, best, !is_min(f), &better) < 0)
            return -1;
        if (!best || better)
            best = e;
    }
    *out = best ? json_incref(best) : json_null();
    return 0;
}

/* The key of one element for sort_by/min_by/max_by, of one of the `allowed` types. */
static int key_of(struct jp_ctx *c, const char *fn, const struct jp_node *expref, json_t *e,
                  const char *const *allowed, size_t nallowed, json_t **key)
{
    const char *t;
    size_t i;

    if (jp_visit(c, expref, e, key) < 0)
        return -1;
    t = jp_jmes_type(*key);
    for (i = 0; i < nallowed; i++)
        if (!strcmp(t, allowed[i]))
            return 0;
    type_error(c, fn, *key, t, allowed, nallowed);
    json_decref(*key);
    *key = NULL;
    return -1;
}

static int fn_max_by(struct jp_ctx *c, const struct function *f, struct jp_arg *a, size_t n,
                     json_t **out)
{
    static const char *const allowed[] = {"number", "string"};
    json_t *best = NULL, *best_key = NULL, *e, *key;
    size_t i;
    bool better;
    int rc = -1;

    (void)n;
    json_array_foreach(a[0].v, i, e)
    {
        if (key_of(c, f->name, a[1].expref, e, allowed, 2, &key) < 0)
            goto out;
        if (best && jp_py_less(c, key, best_key, !is_min(f), &better) < 0) {
            json_decref(key);
            goto out;
        }
        if (!best || better) {
            best = e;
            json_decref(best_key);
            best_key = key;
        } else {
            json_decref(key);
        }
    }
    *out = best ? json_incref(best) : json_null();
    rc = 0;
out:
    json_decref(best_key);
    return rc;
}

static int fn_merge(struct jp_ctx *c, const struct function *f, struct jp_arg *a, size_t n,
                    json_t **out)
{
    json_t *obj;
    size_t i;
    bool bad_key = false;

    (void)f;
    if (jp_charge(c, 1, 0) < 0 || !(obj = json_object()))
        return c->err->kind == JP_ERR_BUDGET ? -1
                                             : jp_error_set(c->err, JP_ERR_NOMEM, "out of memory");
    for (i = 0; i < n; i++)
        if (jp_dict_update(c, obj, a[i].v, &bad_key) < 0) {
            json_decref(obj);
            return -1;
        }
    if (bad_key) {
        json_decref(obj);
        return jp_error_set(c->err, JP_ERR_INVALID_TYPE,
                            "In function merge(), a key that is not a string cannot be JSON");
    }
    *out = obj;
    return 0;
}

static int fn_not_null(struct jp_ctx *c, const struct function *f, struct jp_arg *a, size_t n,
                       json_t **out)
{
    size_t i;

    (void)f;
    (void)c;
    for (i = 0; i < n; i++)
        if (!json_is_null(a[i].v)) {
            *out = json_incref(a[i].v);
            return 0;
        }
    *out = json_null();
    return 0;
}

static int fn_reverse(struct jp_ctx *c, const struct function *f, struct jp_arg *a, size_t n,
                      json_t **out)
{
    json_t *v = a[0].v, *arr;
    size_t i, len, at, j;
    char *r;

    (void)f;
    (void)n;
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        len = json_string_length(v);
        r = xmalloc(len + 1);
        if (!r)
            return jp_error_set(c->err, JP_ERR_NOMEM, "out of memory");
        for (i = 0; i < len; i = at) {
            uint32_t cp;
            at = i;
            (void)utf8_decode(s, len, &at, &cp);
            for (j = i; j < at; j++)
                r[len - at + (j - i)] = s[j];
        }
        *out = jp_new_string(c, r, len);
        free(r);
        return *out ? 0 : -1;
    }
    if (!(arr = jp_new_array(c)))
        return -1;
    for (i = json_array_size(v); i > 0; i--)
        if (jp_append(c, arr, json_incref(json_array_get(v, i - 1))) < 0) {
            json_decref(arr);
            return -1;
        }
    *out = arr;
    return 0;
}

static int fn_sort(struct jp_ctx *c, const struct function *f, struct jp_arg *a, size_t n,
                   json_t **out)
{
    (void)f;
    (void)n;
    return jp_sorted(c, a[0].v, NULL, out);
}

static int fn_sort_by(struct jp_ctx *c, const struct function *f, struct jp_arg *a, size_t n,
                      json_t **out)
{
    static const char *const allowed[] = {"string", "number"};
    size_t len = json_array_size(a[0].v), i, done = 0;
    json_t *first = NULL, **keys = NULL;
    const char *required;
    int rc = -1;

    (void)n;
    if (len == 0) {
        *out = json_incref(a[0].v);
        return 0;
    }
    if (jp_visit(c, a[1].expref, json_array_get(a[0].v, 0), &first) < 0)
        return -1;
    required = jp_jmes_type(first);
    json_decref(first);
    if (strcmp(required, "number") && strcmp(required, "string"))
        return type_error(c, "sort_by", json_array_get(a[0].v, 0), required, allowed, 2);
    keys = xcalloc(len, sizeof(*keys));
    if (!keys)
        return jp_error_set(c->err, JP_ERR_NOMEM, "out of memory");
    for (; done < len; done++)
        if (key_of(c, f->name, a[1].expref, json_array_get(a[0].v, done), &required, 1,
                   &keys[done]) < 0)
            goto out;
    rc = jp_sorted(c, a[0].v, keys, out);
out:
    for (i = 0; i < done; i++)
        json_decref(keys[i]);
    free(keys);
    return rc;
}

static int fn_to_array(struct jp_ctx *c, const struct function *f, struct jp_arg *a, size_t n,
                       json_t **out)
{
    json_t *arr;

    (void)f;
    (void)n;
    if (json_is_array(a[0].v)) {
        *out = json_incref(a[0].v);
        return 0;
    }
    if (!(arr = jp_new_array(c)) || jp_append(c, arr, json_incref(a[0].v)) < 0) {
        json_decref(arr);
        return -1;
    }
    *out = arr;
    return 0;
}

static int fn_to_number(struct jp_ctx *c, const struct function *f, struct jp_arg *a, size_t n,
                        json_t **out)
{
    json_t *v = a[0].v;

    (void)f;
    (void)n;
    if (jp_is_number(v)) {
        *out = json_incref(v);
        return 0;
    }
    if (!json_is_string(v)) {
        *out = json_null();
        return 0;
    }
    return jp_py_number(c, json_string_value(v), json_string_length(v), out);
}

static int fn_to_string(struct jp_ctx *c, const struct function *f, struct jp_arg *a, size_t n,
                        json_t **out)
{
    struct buf b = BUF_INIT(0);
    size_t left = c->max_bytes - c->bytes, size;

    (void)f;
    (void)n;
    if (json_is_string(a[0].v)) {
        *out = json_incref(a[0].v);
        return 0;
    }
    /*
     * Measured first: a string past the budget (to_string of a list of copies of a big one,
     * issue 9) is refused before a byte of it is built.
     */
    size = jp_dump_size(a[0].v, left);
    if (size > left)
        return jp_over_budget(c, true);
    if (pyjson_dump(a[0].v, PYJSON_COMPACT, &b) < 0) {
        jp_error_set(c->err, JP_ERR_NOMEM, "out of memory");
        buf_release(&b);
        return -1;
    }
    *out = jp_new_string(c, b.p, b.len);
    buf_release(&b);
    return *out ? 0 : -1;
}

static int fn_type(struct jp_ctx *c, const struct function *f, struct jp_arg *a, size_t n,
                   json_t **out)
{
    (void)f;
    (void)n;
    *out = jp_new_string(c, jp_jmes_type(a[0].v), strlen(jp_jmes_type(a[0].v)));
    return *out ? 0 : -1;
}

#define ANY                                                                                        \
    {                                                                                              \
        {                                                                                          \
            NULL                                                                                   \
        }                                                                                          \
    }
#define T(x)                                                                                       \
    {                                                                                              \
        {                                                                                          \
            x                                                                                      \
        }                                                                                          \
    }

static const struct function functions[] = {
    {"abs", fn_abs, 1, false, {T("number")}},
    {"avg", fn_avg, 1, false, {T("array-number")}},
    {"ceil", fn_ceil, 1, false, {T("number")}},
    {"contains", fn_contains, 2, false, {{{"array", "string"}}, ANY}},
    {"ends_with", fn_ends_with, 2, false, {T("string"), T("string")}},
    {"floor", fn_ceil, 1, false, {T("number")}},
    {"join", fn_join, 2, false, {T("string"), T("array-string")}},
    {"keys", fn_keys, 1, false, {T("object")}},
    {"length", fn_length, 1, false, {{{"string", "array", "object"}}}},
    {"map", fn_map, 2, false, {T("expref"), T("array")}},
    {"max", fn_max, 1, false, {{{"array-number", "array-string"}}}},
    {"max_by", fn_max_by, 2, false, {T("array"), T("expref")}},
    {"merge", fn_merge, 1, true, {T("object")}},
    {"min", fn_max, 1, false, {{{"array-number", "array-string"}}}},
    {"min_by", fn_max_by, 2, false, {T("array"), T("expref")}},
    {"not_null", fn_not_null, 1, true, {ANY}},
    {"reverse", fn_reverse, 1, false, {{{"array", "string"}}}},
    {"sort", fn_sort, 1, false, {{{"array-string", "array-number"}}}},
    {"sort_by", fn_sort_by, 2, false, {T("array"), T("expref")}},
    {"starts_with", fn_ends_with, 2, false, {T("string"), T("string")}},
    {"sum", fn_sum, 1, false, {T("array-number")}},
    {"to_array", fn_to_array, 1, false, {ANY}},
    {"to_number", fn_to_number, 1, false, {ANY}},
    {"to_string", fn_to_string, 1, false, {ANY}},
    {"type", fn_type, 1, false, {ANY}},
    {"values", fn_keys, 1, false, {T("object")}},
};

int jp_function_lookup(const char *name, size_t len)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(functions); i++)
        if (strlen(functions[i].name) == len && memcmp(functions[i].name, name, len) == 0)
            return (int)i;
    return -1;
}

static const char *py_type_of(const struct jp_arg *a)
{
    return a->expref ? "_Expression" : jp_py_type(a->v);
}

static const char *jmes_type_of(const struct jp_arg *a)
{
    return a->expref ? "expref" : jp_jmes_type(a->v);
}

static size_t ntypes(const struct param *p)
{
    size_t n = 0;

    while (n < MAX_TYPES && p->types[n])
        n++;
    return n;
}

/* Whether a value of Python type `py` is one of the jmespath type `t` (before any '-'). */
static bool py_is(const char *py, const char *t)
{
    size_t len = strcspn(t, "-");

    if (len == 6 && !strncmp(t, "number", 6))
        return !strcmp(py, "int") || !strcmp(py, "float");
    if (len == 5 && !strncmp(t, "array", 5))
        return !strcmp(py, "list");
    if (len == 6 && !strncmp(t, "object", 6))
        return !strcmp(py, "dict");
    if (len == 6 && !strncmp(t, "string", 6))
        return !strcmp(py, "str");
    if (len == 7 && !strncmp(t, "boolean", 7))
        return !strcmp(py, "bool");
    if (len == 4 && !strncmp(t, "null", 4))
        return !strcmp(py, "NoneType");
    return len == 6 && !strncmp(t, "expref", 6) && !strcmp(py, "_Expression");
}

/* _type_check_single() and _subtype_check() */
static int check_type(struct jp_ctx *c, const char *fn, const struct param *p, struct jp_arg *a)
{
    const char *subtypes[MAX_TYPES], *first, *group = NULL;
    size_t n = ntypes(p), nsub = 0, i, k;
    bool ok = false;

    for (i = 0; i < n; i++) {
        ok = ok || py_is(py_type_of(a), p->types[i]);
        if (strchr(p->types[i], '-'))
            subtypes[nsub++] = strchr(p->types[i], '-') + 1;
    }
    if (!ok)
        return type_error(c, fn, a->v, jmes_type_of(a), p->types, n);
    if (nsub == 0)
        return 0;
    for (i = 0; i < json_array_size(a->v); i++) {
        json_t *e = json_array_get(a->v, i);
        const char *py = jp_py_type(e);
        if (nsub == 1) {
            if (!py_is(py, subtypes[0]))
                return type_error(c, fn, e, py, p->types, n);
            continue;
        }
        if (i == 0) {
            first = py;
            for (k = 0; k < nsub && !group; k++)
                if (py_is(first, subtypes[k]))
                    group = subtypes[k];
            if (!group)
                return type_error(c, fn, e, py, p->types, n);
        }
        if (!py_is(py, group))
            return type_error(c, fn, e, py, p->types, n);
    }
    return 0;
}

int jp_call(struct jp_ctx *c, const struct jp_node *node, struct jp_arg *args, size_t nargs,
            json_t **out)
{
    const struct function *f;
    size_t i;

    if (node->func < 0)
        return jp_error_set(c->err, JP_ERR_UNKNOWN_FUNCTION, "Unknown function: %s()", node->name);
    f = &functions[node->func];
    if (f->variadic ? nargs < f->nparams : nargs != f->nparams)
        return jp_error_set(c->err, JP_ERR_INVALID_ARITY,
                            "Expected %s%zu argument%s for function %s(), received %zu",
                            f->variadic ? "at least " : "", f->nparams, f->nparams == 1 ? "" : "s",
                            f->name, nargs);
    for (i = 0; i < f->nparams; i++)
        if (ntypes(&f->params[i]) && check_type(c, f->name, &f->params[i], &args[i]) < 0)
            return -1;
    /* Beyond what jmespath.py checks: an expression reference it would pass on as a value. */
    for (i = 0; i < nargs; i++)
        if (args[i].expref && (i >= f->nparams || !ntypes(&f->params[i])))
            return jp_error_set(c->err, JP_ERR_INVALID_TYPE,
                                "In function %s(), an expression reference (&...) is not a value",
                                f->name);
    return f->impl(c, f, args, nargs, out);
}
