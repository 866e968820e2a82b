/*
 * The tree interpreter, node by node as jmespath.py's visitor.py (TreeInterpreter) does it,
 * with every value it creates charged to the evaluation's budget.
 */
#include "jmespath/internal.h"

#include "alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

int jp_over_budget(struct jp_ctx *c, bool bytes)
{
    if (bytes)
        return jp_error_set(c->err, JP_ERR_BUDGET,
                            "JMESPath evaluation stopped: it would build more than %zu bytes of "
                            "strings (the query's budget)",
                            c->max_bytes);
    return jp_error_set(c->err, JP_ERR_BUDGET,
                        "JMESPath evaluation stopped: it would create more than %zu values (the "
                        "query's budget)",
                        c->max_values);
}

int jp_charge(struct jp_ctx *c, size_t values, size_t bytes)
{
    if (values > c->max_values - c->values)
        return jp_over_budget(c, false);
    if (bytes > c->max_bytes - c->bytes)
        return jp_over_budget(c, true);
    c->values += values;
    c->bytes += bytes;
    return 0;
}

static json_t *nomem(struct jp_ctx *c, json_t *v)
{
    if (!v)
        jp_error_set(c->err, JP_ERR_NOMEM, "out of memory");
    return v;
}

json_t *jp_new_array(struct jp_ctx *c)
{
    return jp_charge(c, 1, 0) < 0 ? NULL : nomem(c, json_array());
}

int jp_append(struct jp_ctx *c, json_t *arr, json_t *v)
{
    if (jp_charge(c, 1, 0) < 0) {
        json_decref(v);
        return -1;
    }
    if (json_array_append_new(arr, v) < 0)
        return jp_error_set(c->err, JP_ERR_NOMEM, "out of memory");
    return 0;
}

json_t *jp_new_string(struct jp_ctx *c, const char *s, size_t len)
{
    return jp_charge(c, 1, len) < 0 ? NULL : nomem(c, json_stringn_nocheck(s, len));
}

json_t *jp_new_int(struct jp_ctx *c, long long i)
{
    return jp_charge(c, 1, 0) < 0 ? NULL : nomem(c, json_integer(i));
}

json_t *jp_new_real(struct jp_ctx *c, double d)
{
    return jp_charge(c, 1, 0) < 0 ? NULL : nomem(c, json_real(d));
}

bool jp_is_false(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_NULL:
    case JSON_FALSE:
        return true;
    case JSON_STRING:
        return json_string_length(v) == 0;
    case JSON_ARRAY:
        return json_array_size(v) == 0;
    case JSON_OBJECT:
        return json_object_size(v) == 0;
    default:
        return false;
    }
}

/* _equals(): 0 and 1 never equal a boolean at the top level (they do inside containers). */
static bool jmes_equals(const json_t *x, const json_t *y)
{
    if (jp_is_number(x) && (jp_number(x) == 0 || jp_number(x) == 1)) {
        if (json_is_boolean(y))
            return false;
    } else if (jp_is_number(y) && (jp_number(y) == 0 || jp_number(y) == 1)) {
        if (json_is_boolean(x))
            return false;
    }
    return jp_py_eq(x, y);
}

static int compare(struct jp_ctx *c, const struct jp_node *n, json_t *v, json_t **out)
{
    static const char *const op[] = {"==", "!=", "<", ">", "<=", ">="};
    json_t *a = NULL, *b = NULL;
    int rc = -1, r;
    bool yes;

    if (jp_visit(c, n->kids[0], v, &a) < 0 || jp_visit(c, n->kids[1], v, &b) < 0)
        goto out;
    if (n->cmp == CMP_EQ || n->cmp == CMP_NE) {
        yes = jmes_equals(a, b) == (n->cmp == CMP_EQ);
    } else if (!(jp_is_number(a) || json_is_string(a)) || !(jp_is_number(b) || json_is_string(b))) {
        *out = json_null();
        rc = 0;
        goto out;
    } else if (json_is_string(a) != json_is_string(b)) {
        /* Python itself refuses to order a number and a string; jmespath.py lets it raise. */
        jp_error_set(c->err, JP_ERR_INVALID_TYPE,
                     "'%s' not supported between instances of '%s' and '%s'", op[n->cmp],
                     jp_py_type(a), jp_py_type(b));
        goto out;
    } else {
        r = json_is_string(a) ? jp_str_cmp(a, b) : jp_num_cmp(a, b);
        yes = n->cmp == CMP_LT    ? r < 0
              : n->cmp == CMP_GT  ? r > 0
              : n->cmp == CMP_LTE ? r <= 0
                                  : r >= 0;
    }
    *out = json_boolean(yes);
    rc = jp_charge(c, 1, 0);
out:
    json_decref(a);
    json_decref(b);
    return rc;
}

/* Python's slice.indices() and list[start:stop:step]. */
static int slice(struct jp_ctx *c, const struct jp_node *n, json_t *v, json_t **out)
{
    long long len, step, start, stop, lower, upper, i;
    json_t *arr;

    if (!json_is_array(v)) {
        *out = json_null();
        return 0;
    }
    step = n->has[2] ? n->part[2] : 1;
    if (step == 0)
        return jp_error_set(c->err, JP_ERR_INVALID_VALUE, "slice step cannot be zero");
    len = (long long)json_array_size(v);
    lower = step < 0 ? -1 : 0;
    upper = step < 0 ? len - 1 : len;
    start = step < 0 ? upper : lower;
    stop = step < 0 ? lower : upper;
    for (i = 0; i < 2; i++) {
        long long *x = i == 0 ? &start : &stop;
        if (!n->has[i])
            continue;
        *x = n->part[i];
        if (*x < 0) {
            *x += len;
            if (*x < lower)
                *x = lower;
        } else if (*x > upper) {
            *x = upper;
        }
    }
    if (!(arr = jp_new_array(c)))
        return -1;
    for (i = start; step > 0 ? i < stop : i > stop; i += step)
        if (jp_append(c, arr, json_incref(json_array_get(v, (size_t)i))) < 0) {
            json_decref(arr);
            return -1;
        }
    *out = arr;
    return 0;
}

/* Projections: the right side over each element of the left side, nulls dropped. */
static int project(struct jp_ctx *c, const struct jp_node *n, json_t *v, json_t **out)
{
    json_t *base = NULL, *arr = NULL, *elem, *cond, *r;
    size_t i, size;
    void *it = NULL;
    int rc = -1;

    if (jp_visit(c, n->kids[0], v, &base) < 0)
        return -1;
    if (n->type == N_VALUE_PROJECTION ? !json_is_object(base) : !json_is_array(base)) {
        *out = json_null();
        rc = 0;
        goto out;
    }
    if (!(arr = jp_new_array(c)))
        goto out;
    size = json_is_array(base) ? json_array_size(base) : 0;
    if (json_is_object(base))
        it = json_object_iter(base);
    for (i = 0; json_is_array(base) ? i < size : it != NULL; i++) {
        if (json_is_array(base)) {
            elem = json_array_get(base, i);
        } else {
            elem = json_object_iter_value(it);
            it = json_object_iter_next(base, it);
        }
        if (n->type == N_FILTER_PROJECTION) {
            bool keep;
            if (jp_visit(c, n->kids[2], elem, &cond) < 0)
                goto out;
            keep = !jp_is_false(cond);
            json_decref(cond);
            if (!keep)
                continue;
        }
        if (jp_visit(c, n->kids[1], elem, &r) < 0)
            goto out;
        if (json_is_null(r))
            json_decref(r);
        else if (jp_append(c, arr, r) < 0)
            goto out;
    }
    *out = arr;
    arr = NULL;
    rc = 0;
out:
    json_decref(base);
    json_decref(arr);
    return rc;
}

static int flatten(struct jp_ctx *c, const struct jp_node *n, json_t *v, json_t **out)
{
    json_t *base, *arr = NULL, *e;
    size_t i, j;
    int rc = -1;

    if (jp_visit(c, n->kids[0], v, &base) < 0)
        return -1;
    if (!json_is_array(base)) {
        *out = json_null();
        rc = 0;
        goto out;
    }
    if (!(arr = jp_new_array(c)))
        goto out;
    json_array_foreach(base, i, e)
    {
        if (!json_is_array(e)) {
            if (jp_append(c, arr, json_incref(e)) < 0)
                goto out;
            continue;
        }
        for (j = 0; j < json_array_size(e); j++)
            if (jp_append(c, arr, json_incref(json_array_get(e, j))) < 0)
                goto out;
    }
    *out = arr;
    arr = NULL;
    rc = 0;
out:
    json_decref(base);
    json_decref(arr);
    return rc;
}

static int multi_select(struct jp_ctx *c, const struct jp_node *n, json_t *v, json_t **out)
{
    json_t *acc, *r;
    size_t i;

    if (json_is_null(v)) {
        *out = json_null();
        return 0;
    }
    if (n->type == N_MULTI_LIST)
        acc = jp_new_array(c);
    else
        acc = jp_charge(c, 1, 0) < 0 ? NULL : nomem(c, json_object());
    if (!acc)
        return -1;
    for (i = 0; i < n->nkids; i++) {
        const struct jp_node *k = n->kids[i];
        if (n->type == N_MULTI_LIST) {
            if (jp_visit(c, k, v, &r) < 0 || jp_append(c, acc, r) < 0)
                goto fail;
            continue;
        }
        if (jp_visit(c, k->kids[0], v, &r) < 0)
            goto fail;
        if (jp_charge(c, 1, k->name_len) < 0 ||
            json_object_setn_new_nocheck(acc, k->name, k->name_len, r) < 0) {
            if (c->err && c->err->kind != JP_ERR_BUDGET)
                jp_error_set(c->err, JP_ERR_NOMEM, "out of memory");
            goto fail;
        }
    }
    *out = acc;
    return 0;
fail:
    json_decref(acc);
    return -1;
}

static int function(struct jp_ctx *c, const struct jp_node *n, json_t *v, json_t **out)
{
    struct jp_arg small[8], *args = small;
    size_t i, done = 0;
    int rc = -1;

    if (n->nkids > ARRAY_SIZE(small)) {
        args = xcalloc(n->nkids, sizeof(*args));
        if (!args)
            return jp_error_set(c->err, JP_ERR_NOMEM, "out of memory");
    }
    for (; done < n->nkids; done++) {
        args[done].expref = NULL;
        args[done].v = NULL;
        if (n->kids[done]->type == N_EXPREF)
            args[done].expref = n->kids[done]->kids[0];
        else if (jp_visit(c, n->kids[done], v, &args[done].v) < 0)
            goto out;
    }
    rc = jp_call(c, n, args, n->nkids, out);
out:
    for (i = 0; i < done; i++)
        json_decref(args[i].v);
    if (args != small)
        free(args);
    return rc;
}

int jp_visit(struct jp_ctx *c, const struct jp_node *n, json_t *v, json_t **out)
{
    json_t *r, *next;
    size_t i;
    long long idx;

    *out = NULL;
    switch (n->type) {
    case N_FIELD:
        r = json_is_object(v) ? json_object_getn(v, n->name, n->name_len) : NULL;
        *out = r ? json_incref(r) : json_null();
        return 0;
    case N_SUBEXPR:
    case N_INDEX_EXPR:
    case N_PIPE:
        r = json_incref(v);
        for (i = 0; i < n->nkids; i++) {
            int rc = jp_visit(c, n->kids[i], r, &next);
            json_decref(r);
            if (rc < 0)
                return -1;
            r = next;
        }
        *out = r;
        return 0;
    case N_INDEX:
        idx = n->index;
        if (json_is_array(v) && idx < 0)
            idx += (long long)json_array_size(v);
        r = json_is_array(v) && idx >= 0 ? json_array_get(v, (size_t)idx) : NULL;
        *out = r ? json_incref(r) : json_null();
        return 0;
    case N_SLICE:
        return slice(c, n, v, out);
    case N_PROJECTION:
    case N_VALUE_PROJECTION:
    case N_FILTER_PROJECTION:
        return project(c, n, v, out);
    case N_FLATTEN:
        return flatten(c, n, v, out);
    case N_IDENTITY:
    case N_CURRENT:
        *out = json_incref(v);
        return 0;
    case N_LITERAL:
        *out = json_incref(n->lit);
        return 0;
    case N_MULTI_LIST:
    case N_MULTI_HASH:
        return multi_select(c, n, v, out);
    case N_KEYVAL:
        return jp_visit(c, n->kids[0], v, out);
    case N_OR:
    case N_AND:
        if (jp_visit(c, n->kids[0], v, &r) < 0)
            return -1;
        if (jp_is_false(r) != (n->type == N_OR)) {
            *out = r;
            return 0;
        }
        json_decref(r);
        return jp_visit(c, n->kids[1], v, out);
    case N_NOT:
        if (jp_visit(c, n->kids[0], v, &r) < 0)
            return -1;
        /* Python's `not x`, except that every number (0 too) gives false. */
        *out = json_boolean(!jp_is_number(r) && jp_is_false(r));
        json_decref(r);
        return jp_charge(c, 1, 0);
    case N_COMPARATOR:
        return compare(c, n, v, out);
    case N_FUNCTION:
        return function(c, n, v, out);
    case N_EXPREF:
        /* jmespath.py hands back an internal object that the CLI cannot print. */
        return jp_error_set(c->err, JP_ERR_INVALID_TYPE,
                            "an expression reference (&...) is only allowed as a function "
                            "argument");
    }
    return jp_error_set(c->err, JP_ERR_SYNTAX, "unknown node");
}

int jp_eval(const struct jp_expr *expr, json_t *data, const struct jp_limits *limits, json_t **out,
            struct jp_usage *usage, struct jp_error *err)
{
    struct jp_error scratch;
    struct jp_ctx c = {
        .max_values = limits && limits->max_values ? limits->max_values : JP_DEFAULT_MAX_VALUES,
        .max_bytes = limits && limits->max_string_bytes ? limits->max_string_bytes
                                                        : JP_DEFAULT_MAX_STRING_BYTES,
        .err = err ? err : &scratch,
    };
    int rc;

    *out = NULL;
    c.err->kind = JP_OK;
    c.err->msg[0] = '\0';
    rc = jp_visit(&c, expr->root, data ? data : json_null(), out);
    if (usage) {
        usage->values = c.values;
        usage->string_bytes = c.bytes;
    }
    if (rc < 0) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}
