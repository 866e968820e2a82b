#include "engine/shorthand.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "engine/engine.h"

#include "banned.h"

struct sh {
    const char *s;
    size_t len, i;
    struct err *e;
    int rc; /* the first failure: ENGINE_HANDOFF or -1 */
};

#define SH_EOF (-1)

static int cur(const struct sh *p)
{
    return p->i < p->len ? (unsigned char)p->s[p->i] : SH_EOF;
}

static bool at_eof(const struct sh *p)
{
    return p->i >= p->len;
}

static bool fail(struct sh *p, const char *what)
{
    if (p->rc == 0)
        p->rc = engine_handoff(p->e, "shorthand: %s at offset %zu", what, p->i);
    return false;
}

static bool oom(struct sh *p)
{
    if (p->rc == 0)
        p->rc = err_set(p->e, ERR_INTERNAL, "shorthand: out of memory");
    return false;
}

/* string.whitespace */
static bool is_ws(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static void consume_ws(struct sh *p)
{
    while (!at_eof(p) && is_ws(cur(p)))
        p->i++;
}

/* _expect: a syntax error, which the CLI reports with a caret: hand it over. */
static bool expect(struct sh *p, int c, bool ws)
{
    if (ws)
        consume_ws(p);
    if (at_eof(p) || cur(p) != c)
        return fail(p, "a syntax error");
    p->i++;
    if (ws)
        consume_ws(p);
    return true;
}

/* The character classes of _START_WORD, _FIRST_FOLLOW_CHARS and _SECOND_FOLLOW_CHARS, ASCII. */
static bool start_word(int c)
{
    return c == '!' || (c >= '#' && c <= '&') || (c >= '(' && c <= '+') || (c >= '-' && c <= '<') ||
           (c >= '>' && c <= 'Z') || (c >= '\\' && c <= 'z') || c >= '|';
}

static bool first_follow(int c)
{
    return is_ws(c) || c == '!' || (c >= '#' && c <= '&') || (c >= '(' && c <= '+') ||
           (c >= '-' && c <= '\\') || (c >= '^' && c <= '|') || c >= '~';
}

static bool second_follow(int c)
{
    return is_ws(c) || c == '!' || (c >= '#' && c <= '&') || (c >= '(' && c <= '+') ||
           (c >= '-' && c <= '<') || c >= '>';
}

/*
 * Matches ({escaped_comma}|[start])({escaped_comma}|[follow])* at p->i; returns its length
 * (0: no match). The escaped comma is tried first at every position, as the regex does.
 */
static size_t match_word(const struct sh *p, bool (*follow)(int))
{
    size_t j = p->i;

    if (j + 1 < p->len && p->s[j] == '\\' && p->s[j + 1] == ',')
        j += 2;
    else if (j < p->len && start_word((unsigned char)p->s[j]))
        j++;
    else
        return 0;
    for (;;) {
        if (j + 1 < p->len && p->s[j] == '\\' && p->s[j + 1] == ',')
            j += 2;
        else if (j < p->len && follow((unsigned char)p->s[j]))
            j++;
        else
            return j - p->i;
    }
}

/* consumed.replace('\\,', ',').rstrip() */
static json_t *word_value(struct sh *p, size_t n)
{
    struct buf b = BUF_INIT(0);
    json_t *v;

    for (size_t k = 0; k < n; k++) {
        if (p->s[p->i + k] == '\\' && k + 1 < n && p->s[p->i + k + 1] == ',') {
            if (buf_add(&b, ",", 1) < 0)
                goto nomem;
            k++;
        } else if (buf_add(&b, &p->s[p->i + k], 1) < 0) {
            goto nomem;
        }
    }
    p->i += n;
    while (b.len > 0 && is_ws((unsigned char)b.p[b.len - 1]))
        b.len--;
    v = json_stringn(b.p, b.len);
    buf_release(&b);
    if (!v)
        oom(p);
    return v;
nomem:
    buf_release(&b);
    oom(p);
    return NULL;
}

/*
 * _consume_quoted: the quoted regex '(?:\\\\|\\'|[^'])*' taken greedily; where it would need
 * to backtrack (no closing quote after the greedy run) the value goes to the CLI. Then
 * value[1:-1].replace("\\'", "'").replace("\\\\", "\\").
 */
static json_t *quoted(struct sh *p)
{
    char q = p->s[p->i];
    size_t j = p->i + 1, start = j, end;
    struct buf a = BUF_INIT(0), b = BUF_INIT(0);
    json_t *v = NULL;

    for (;;) {
        if (j >= p->len) {
            fail(p, "an unterminated quoted value");
            return NULL;
        }
        if (p->s[j] == '\\' && j + 1 < p->len && (p->s[j + 1] == '\\' || p->s[j + 1] == q))
            j += 2;
        else if (p->s[j] == q)
            break;
        else
            j++;
    }
    end = j;
    p->i = j + 1;
    for (size_t k = start; k < end; k++) {
        if (p->s[k] == '\\' && k + 1 < end && p->s[k + 1] == q) {
            if (buf_add(&a, &q, 1) < 0)
                goto out;
            k++;
        } else if (buf_add(&a, &p->s[k], 1) < 0) {
            goto out;
        }
    }
    for (size_t k = 0; k < a.len; k++) {
        if (a.p[k] == '\\' && k + 1 < a.len && a.p[k + 1] == '\\') {
            if (buf_add(&b, "\\", 1) < 0)
                goto out;
            k++;
        } else if (buf_add(&b, &a.p[k], 1) < 0) {
            goto out;
        }
    }
    v = json_stringn(b.p, b.len);
out:
    if (!v)
        oom(p);
    buf_release(&a);
    buf_release(&b);
    return v;
}

static json_t *first_value(struct sh *p)
{
    if (cur(p) == '\'' || cur(p) == '"')
        return quoted(p);
    return word_value(p, match_word(p, first_follow));
}

/* _second_value: like _first_value, but a bare value must match (it raises otherwise). */
static json_t *second_value(struct sh *p, bool *nomatch)
{
    size_t n;

    *nomatch = false;
    if (cur(p) == '\'' || cur(p) == '"')
        return quoted(p);
    n = match_word(p, second_follow);
    if (n == 0) {
        *nomatch = true;
        return NULL;
    }
    return word_value(p, n);
}

static json_t *explicit_values(struct sh *p);

static json_t *explicit_list(struct sh *p)
{
    json_t *list = json_array(), *v;

    if (!list)
        return oom(p), NULL;
    if (!expect(p, '[', true))
        goto bad;
    while (cur(p) != ']') {
        if (!(v = explicit_values(p)) || json_array_append_new(list, v) < 0)
            goto bad;
        consume_ws(p);
        if (cur(p) != ']') {
            if (!expect(p, ',', false))
                goto bad;
            consume_ws(p);
        }
    }
    if (!expect(p, ']', false))
        goto bad;
    return list;
bad:
    json_decref(list);
    return NULL;
}

static bool key_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '#' || c == '/' || c == ':';
}

static char *key(struct sh *p)
{
    size_t start = p->i;
    char *k;

    while (!at_eof(p) && key_char(cur(p)))
        p->i++;
    k = xstrndup(p->s + start, p->i - start);
    if (!k)
        oom(p);
    return k;
}

static bool set_key(struct sh *p, json_t *obj, char *k, json_t *v)
{
    int rc;

    /* The CLI keeps a repeated key's first position with its last value: not worth copying. */
    if (json_object_get(obj, k)) {
        json_decref(v);
        free(k);
        return fail(p, "a repeated key");
    }
    rc = json_object_set_new(obj, k, v);
    free(k);
    return rc == 0 ? true : oom(p);
}

static json_t *hash_literal(struct sh *p)
{
    json_t *obj = json_object(), *v;
    char *k;

    if (!obj)
        return oom(p), NULL;
    if (!expect(p, '{', true))
        goto bad;
    while (cur(p) != '}') {
        if (!(k = key(p)))
            goto bad;
        if (!expect(p, '=', true) || !(v = explicit_values(p))) {
            free(k);
            goto bad;
        }
        consume_ws(p);
        if (cur(p) != '}') {
            if (!expect(p, ',', false)) {
                free(k);
                json_decref(v);
                goto bad;
            }
            consume_ws(p);
        }
        if (!set_key(p, obj, k, v))
            goto bad;
    }
    if (!expect(p, '}', false))
        goto bad;
    return obj;
bad:
    json_decref(obj);
    return NULL;
}

static json_t *explicit_values(struct sh *p)
{
    if (cur(p) == '[')
        return explicit_list(p);
    if (cur(p) == '{')
        return hash_literal(p);
    return first_value(p);
}

/* _csv_value: `a` alone, or `a,b,c` as a list, backing off before a `key=` that follows. */
static json_t *csv_value(struct sh *p)
{
    json_t *first = first_value(p), *list = NULL, *v;
    bool nomatch;

    if (!first)
        return NULL;
    consume_ws(p);
    if (at_eof(p) || cur(p) != ',')
        return first;
    if (!expect(p, ',', true) || !(list = json_array()) || json_array_append(list, first) < 0)
        goto bad;
    for (;;) {
        v = second_value(p, &nomatch);
        if (!v && !nomatch)
            goto bad;
        if (v) {
            consume_ws(p);
            if (at_eof(p)) {
                if (json_array_append_new(list, v) < 0)
                    goto bad;
                break;
            }
            if (cur(p) == ',') {
                p->i++;
                consume_ws(p);
                if (json_array_append_new(list, v) < 0)
                    goto bad;
                continue;
            }
            json_decref(v);
        }
        /* The ShorthandParseSyntaxError branch: raise at the end, else back off to ','. */
        if (at_eof(p)) {
            fail(p, "a syntax error");
            goto bad;
        }
        while (p->s[p->i] != ',')
            p->i--;
        break;
    }
    if (json_array_size(list) == 1) {
        json_decref(list);
        return first;
    }
    json_decref(first);
    return list;
bad:
    if (!list && p->rc == 0)
        oom(p);
    json_decref(list);
    json_decref(first);
    return NULL;
}

static json_t *values(struct sh *p)
{
    json_t *v;

    if (at_eof(p)) {
        if (!(v = json_string("")))
            oom(p);
        return v;
    }
    if (cur(p) == '[')
        return explicit_list(p);
    if (cur(p) == '{')
        return hash_literal(p);
    return csv_value(p);
}

int shorthand_parse(const char *s, json_t **out, struct err *e)
{
    struct sh p = {s, strlen(s), 0, e, 0};
    json_t *obj;

    *out = NULL;
    for (size_t i = 0; i < p.len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c >= 0x80 || (c < 0x20 && !is_ws(c)) || c == 0x7f)
            return engine_handoff(e, "shorthand: a non-ASCII or control character");
    }
    if (!(obj = json_object()))
        return err_set(e, ERR_INTERNAL, "shorthand: out of memory");
    do {
        char *k;
        json_t *v;

        if (p.i > 0 && !expect(&p, ',', true))
            goto bad;
        if (!(k = key(&p)))
            goto bad;
        if (!expect(&p, '=', true) || !(v = values(&p))) {
            free(k);
            goto bad;
        }
        if (!set_key(&p, obj, k, v))
            goto bad;
    } while (p.i < p.len);
    *out = obj;
    return 0;
bad:
    json_decref(obj);
    return p.rc ? p.rc : err_set(e, ERR_INTERNAL, "shorthand: out of memory");
}

/* int(value) for the strings the engine is sure of: [-]digits, within 64 bits. */
bool shorthand_int(const char *s, long long *out)
{
    const char *d = s[0] == '-' ? s + 1 : s;
    char *end;

    if (!*d || strspn(d, "0123456789") != strlen(d) || strlen(d) > 18)
        return false;
    *out = strtoll(s, &end, 10);
    return *end == '\0';
}

/* float(value) for plain decimals ([-]digits[.digits][e[+-]digits]). */
bool shorthand_double(const char *s, double *out)
{
    const char *p = s[0] == '-' ? s + 1 : s;
    char *end;
    size_t n = strspn(p, "0123456789");

    if (n == 0)
        return false;
    p += n;
    if (*p == '.') {
        p++;
        if (strspn(p, "0123456789") == 0)
            return false;
        p += strspn(p, "0123456789");
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (strspn(p, "0123456789") == 0)
            return false;
        p += strspn(p, "0123456789");
    }
    if (*p)
        return false;
    *out = strtod(s, &end);
    return *end == '\0';
}

static int visit(const struct model_service *svc, int shape, json_t *parent, const char *name,
                 size_t index, json_t *value, struct err *e);

/* parent[name] = v (an object key, or a list index when name is NULL). */
static int replace(json_t *parent, const char *name, size_t index, json_t *v, struct err *e)
{
    int rc = !v     ? -1
             : name ? json_object_set_new(parent, name, v)
                    : json_array_set_new(parent, index, v);

    return rc < 0 ? err_set(e, ERR_INTERNAL, "shorthand: out of memory") : 0;
}

static int visit(const struct model_service *svc, int shape, json_t *parent, const char *name,
                 size_t index, json_t *value, struct err *e)
{
    const struct model_shape *s = &svc->shapes[shape];
    int rc;

    if (!value || json_is_null(value))
        return 0;
    switch (s->type) {
    case MT_STRUCTURE:
        if (!json_is_object(value))
            return 0;
        for (int m = s->first; m < s->first + s->count; m++) {
            const struct model_member *mm = &svc->members[m];

            if ((rc = visit(svc, mm->shape, value, mm->name, 0, json_object_get(value, mm->name),
                            e)))
                return rc;
        }
        return 0;
    case MT_LIST:
        if (!json_is_array(value)) {
            json_t *wrap;

            if (!parent)
                return engine_handoff(e, "shorthand: a lone value for a list argument");
            wrap = json_array();

            if (!wrap || json_array_append(wrap, value) < 0) {
                json_decref(wrap);
                return err_set(e, ERR_INTERNAL, "shorthand: out of memory");
            }
            return replace(parent, name, index, wrap, e);
        }
        for (size_t i = 0; i < json_array_size(value); i++)
            if ((rc = visit(svc, svc->members[s->first].shape, value, NULL, i,
                            json_array_get(value, i), e)))
                return rc;
        return 0;
    case MT_MAP: {
        const char *k;
        json_t *v;

        if (!json_is_object(value))
            return 0;
        json_object_foreach(value, k, v) if ((rc = visit(svc, svc->members[s->first + 1].shape,
                                                         value, k, 0, v, e))) return rc;
        return 0;
    }
    case MT_INTEGER:
    case MT_LONG: {
        long long n;

        if (!json_is_string(value) || !shorthand_int(json_string_value(value), &n))
            return engine_handoff(e,
                                  "shorthand: an integer the engine does not read as int() does");
        return replace(parent, name, index, json_integer(n), e);
    }
    case MT_FLOAT:
    case MT_DOUBLE: {
        double d;

        if (!json_is_string(value) || !shorthand_double(json_string_value(value), &d))
            return engine_handoff(e,
                                  "shorthand: a number the engine does not read as float() does");
        return replace(parent, name, index, json_real(d), e);
    }
    case MT_BOOLEAN:
        if (json_is_string(value) && strcasecmp(json_string_value(value), "true") == 0)
            return replace(parent, name, index, json_true(), e);
        if (json_is_string(value) && strcasecmp(json_string_value(value), "false") == 0)
            return replace(parent, name, index, json_false(), e);
        return engine_handoff(e, "shorthand: a boolean that is neither true nor false");
    default:
        if (!json_is_string(value))
            return engine_handoff(e, "shorthand: a list or structure where the model has a scalar");
        return 0;
    }
}

int shorthand_visit(const struct model_service *svc, int shape, json_t *value, struct err *e)
{
    return visit(svc, shape, NULL, NULL, 0, value, e);
}
