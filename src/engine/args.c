#include "engine/args.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "engine/engine.h"
#include "engine/shorthand.h"
#include "engine/validate.h"

#include "banned.h"

/* The global options of AWS CLI 2.9.19 (awscli/data/cli.json); `kind` 0: not taken here. */
enum gkind {
    G_NO,
    G_REGION,
    G_OUTPUT,
    G_QUERY,
    G_NO_PAGINATE,
    G_COLOR,
    G_READ,
    G_CONNECT,
    G_BINARY,
    G_NO_PAGER
};

static const struct {
    const char *name;
    bool takes_value;
    enum gkind kind;
} globals[] = {
    {"--debug", false, G_NO},
    {"--endpoint-url", true, G_NO},
    {"--no-verify-ssl", false, G_NO},
    {"--no-paginate", false, G_NO_PAGINATE},
    {"--output", true, G_OUTPUT},
    {"--query", true, G_QUERY},
    {"--profile", true, G_NO},
    {"--region", true, G_REGION},
    {"--version", false, G_NO},
    {"--color", true, G_COLOR},
    {"--no-sign-request", false, G_NO},
    {"--ca-bundle", true, G_NO},
    {"--cli-read-timeout", true, G_READ},
    {"--cli-connect-timeout", true, G_CONNECT},
    {"--cli-binary-format", true, G_BINARY},
    {"--no-cli-pager", false, G_NO_PAGER},
    {"--cli-auto-prompt", false, G_NO},
    {"--no-cli-auto-prompt", false, G_NO},
};

/* The CLI's text for argparse errors, before "aws: error: ...". */
static const char usage_text[] =
    "\nusage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\n"
    "To see help text, you can run:\n\n"
    "  aws help\n"
    "  aws <command> help\n"
    "  aws <command> <subcommand> help\n\n";

/*
 * How argparse classifies a word that follows an option (_parse_optional): a word not starting
 * with '-', a lone "-", a negative number, or a word with a space and no '=' is a value;
 * anything else would be read as an option, and the CLI's error for it is not copied.
 */
static bool is_value_word(const char *w)
{
    const char *p = w + 1;

    if (w[0] != '-' || w[1] == '\0')
        return true;
    if (strchr(w, ' ') && !strchr(w, '='))
        return true;
    /* ^-\d+$|^-\d*\.\d+$ */
    p += strspn(p, "0123456789");
    if (*p == '\0')
        return true;
    if (*p == '.' && p[1] && strspn(p + 1, "0123456789") == strlen(p + 1))
        return true;
    return false;
}

/* Pass 1, as the CLI's main parser does first: take the global options out, anywhere. */
static int take_globals(char *const *words, size_t n, const char **rest, size_t *nrest,
                        struct args *a, struct err *e)
{
    *nrest = 0;
    for (size_t i = 0; i < n; i++) {
        const char *w = words[i], *eq = strchr(w, '='), *val = NULL;
        size_t len = eq ? (size_t)(eq - w) : strlen(w);
        int g = -1;
        long long num;

        if (strcmp(w, "--") == 0)
            return engine_handoff(e, "args: the word --");
        if (w[0] != '-' || is_value_word(w)) {
            rest[(*nrest)++] = w;
            continue;
        }
        for (size_t k = 0; k < ARRAY_SIZE(globals); k++) {
            if (strlen(globals[k].name) == len && strncmp(globals[k].name, w, len) == 0)
                g = (int)k;
            else if (strncmp(globals[k].name, w, len) == 0)
                return engine_handoff(e, "args: %.*s abbreviates a global option", (int)len, w);
        }
        if (g < 0) {
            rest[(*nrest)++] = w;
            continue;
        }
        if (globals[g].kind == G_NO)
            return engine_handoff(e, "args: the global option %s", globals[g].name);
        if (globals[g].takes_value) {
            if (eq)
                val = eq + 1;
            else if (i + 1 < n && is_value_word(words[i + 1]))
                val = words[++i];
            else
                return engine_handoff(e, "args: %s without a value", globals[g].name);
        } else if (eq) {
            return engine_handoff(e, "args: %s takes no value", globals[g].name);
        }
        switch (globals[g].kind) {
        case G_REGION:
            a->region = val;
            break;
        case G_QUERY:
            a->query = val;
            break;
        case G_OUTPUT:
            if (strcmp(val, "json") != 0 && strcmp(val, "text") != 0)
                return engine_handoff(e, "args: --output %s", val);
            a->output = val;
            break;
        case G_COLOR:
            if (strcmp(val, "on") != 0 && strcmp(val, "off") != 0 && strcmp(val, "auto") != 0)
                return engine_handoff(e, "args: --color %s", val);
            a->color = val;
            break;
        case G_BINARY:
            if (strcmp(val, "base64") != 0 && strcmp(val, "raw-in-base64-out") != 0)
                return engine_handoff(e, "args: --cli-binary-format %s", val);
            a->cli_binary_format = val;
            break;
        case G_READ:
        case G_CONNECT:
            if (!shorthand_int(val, &num))
                return engine_handoff(e, "args: a timeout that is not a plain integer");
            *(globals[g].kind == G_READ ? &a->read_timeout : &a->connect_timeout) = num;
            break;
        case G_NO_PAGINATE:
            a->paginate = false;
            break;
        case G_NO_PAGER:
            a->no_cli_pager = true;
            break;
        case G_NO:
            break;
        }
    }
    return 0;
}

/* One JSON value as Python's json.loads reads it, where jansson is sure to agree. */
static int load_json(const char *s, json_t **out, struct err *e)
{
    json_error_t je;

    *out = json_loads(s, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);
    if (!*out)
        return engine_handoff(e, "args: JSON the engine does not read: %s", je.text);
    return 0;
}

static bool starts_json(const char *s, char c)
{
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\v' || *s == '\f')
        s++;
    return *s == c;
}

/* One value of a scalar shape: unpack_scalar_cli_arg. */
static int scalar(const struct model_shape *s, const char *v, json_t **out, struct err *e)
{
    long long n;
    double d;

    switch (s->type) {
    case MT_STRING:
    case MT_TIMESTAMP:
        *out = json_string(v);
        break;
    case MT_INTEGER:
    case MT_LONG:
        if (!shorthand_int(v, &n))
            return engine_handoff(e, "args: an integer that is not plain digits");
        *out = json_integer(n);
        break;
    case MT_FLOAT:
    case MT_DOUBLE:
        if (!shorthand_double(v, &d))
            return engine_handoff(e, "args: a number that is not a plain decimal");
        *out = json_real(d);
        break;
    default:
        return engine_handoff(e, "args: a %s value", s->name);
    }
    return *out ? 0 : err_set(e, ERR_INTERNAL, "args: out of memory");
}

/* A structure or map from one word: JSON when it starts with '{', else shorthand. */
static int structure(const struct model_service *svc, int shape, const char *v, json_t **out,
                     struct err *e)
{
    const struct model_shape *s = &svc->shapes[shape];
    int rc;

    if (starts_json(v, '{') || starts_json(v, '['))
        return load_json(v, out, e);
    if (s->type == MT_STRUCTURE && s->count == 1 &&
        strcmp(svc->members[s->first].name, "Value") == 0)
        return engine_handoff(e, "args: the CLI's special case of a lone Value member");
    if ((rc = shorthand_parse(v, out, e)) != 0)
        return rc;
    return shorthand_visit(svc, shape, *out, e);
}

/* The value of one option: CLIArgument.add_to_params through unpack_cli_arg. */
static int unpack(const struct model_service *svc, const struct model_option *o, const char **vals,
                  size_t nvals, json_t **out, struct err *e)
{
    int shape = svc->members[o->member].shape, member, rc;
    const struct model_shape *s = &svc->shapes[shape];

    *out = NULL;
    if (o->kind == OPT_TRUE || o->kind == OPT_FALSE) {
        *out = json_boolean(o->kind == OPT_TRUE);
        return 0;
    }
    if (s->type == MT_STRUCTURE || s->type == MT_MAP)
        return structure(svc, shape, vals[0], out, e);
    if (s->type != MT_LIST)
        return scalar(s, vals[0], out, e);
    member = svc->members[s->first].shape;
    /* A list: one word that is a JSON list, or one element per word. */
    if (nvals == 1 && starts_json(vals[0], '['))
        return load_json(vals[0], out, e);
    if (!(*out = json_array()))
        return err_set(e, ERR_INTERNAL, "args: out of memory");
    for (size_t i = 0; i < nvals; i++) {
        const struct model_shape *ms = &svc->shapes[member];
        json_t *item = NULL;

        if (ms->type == MT_STRUCTURE || ms->type == MT_MAP) {
            /* Shorthand for every word unless the first looks like JSON. */
            if (starts_json(vals[0], '[') || starts_json(vals[0], '{')) {
                if (!starts_json(vals[i], '{'))
                    return engine_handoff(e, "args: a list element that is not a JSON object");
                rc = load_json(vals[i], &item, e);
            } else {
                if ((rc = shorthand_parse(vals[i], &item, e)) == 0)
                    rc = shorthand_visit(svc, member, item, e);
            }
        } else if (ms->type == MT_LIST) {
            return engine_handoff(e, "args: a list of lists");
        } else {
            rc = scalar(ms, vals[i], &item, e);
        }
        if (rc) {
            json_decref(item);
            return rc;
        }
        if (json_array_append_new(*out, item) < 0)
            return err_set(e, ERR_INTERNAL, "args: out of memory");
    }
    return 0;
}

/* The pagination options (customizations/paginate.py), on paginated operations only. */
enum { PAGE_STARTING_TOKEN, PAGE_SIZE, PAGE_MAX_ITEMS, NPAGE };
static const char *const page_names[NPAGE] = {"starting-token", "page-size", "max-items"};
static const char *const page_keys[NPAGE] = {"StartingToken", "PageSize", "MaxItems"};

struct seen {
    const char **vals; /* the option's last values (borrowed words) */
    const char *one;   /* the value of --name=value */
    size_t nvals;
    bool given;
};

/* Pass 2: the operation's own options, as its argparse parser reads them. */
static int take_options(const char **w, size_t n, struct seen *seen, struct seen *page,
                        struct args *a, struct err *e)
{
    const struct model_service *svc = a->svc;
    const struct model_operation *op = a->op;

    for (size_t i = 2; i < n; i++) {
        const char *eq = strchr(w[i], '=');
        size_t len = eq ? (size_t)(eq - w[i]) : strlen(w[i]);
        char name[128];
        const struct model_option *o;
        struct seen *s = NULL;
        int p = -1;

        if (w[i][0] != '-' || w[i][1] != '-' || len - 2 >= sizeof(name))
            return engine_handoff(e, "args: the word '%s' where the CLI expects an option", w[i]);
        memcpy(name, w[i] + 2, len - 2);
        name[len - 2] = '\0';
        for (size_t g = 0; g < ARRAY_SIZE(globals); g++)
            if (strncmp(globals[g].name, w[i], len) == 0)
                return engine_handoff(e, "args: --%s abbreviates a global option", name);
        o = model_option_find(svc, op, name);
        if (o) {
            s = &seen[o - &svc->options[op->first_option]];
        } else if (op->paginator) {
            for (int k = 0; k < NPAGE; k++)
                if (strcmp(name, page_names[k]) == 0 &&
                    (k != PAGE_SIZE || op->paginator->limit_key))
                    p = k;
            if (p >= 0)
                s = &page[p];
        }
        if (!s)
            return engine_handoff(e, "args: --%s is not an option the engine knows for %s %s", name,
                                  svc->cli_name, op->cli_name);
        s->given = true;
        s->nvals = 0;
        if (o && (o->kind == OPT_TRUE || o->kind == OPT_FALSE)) {
            if (eq)
                return engine_handoff(e, "args: --%s takes no value", name);
            /* --x and --no-x share one argparse destination: the last one wins. */
            for (int k = op->first_option; k < op->first_option + op->noptions; k++)
                if (svc->options[k].member == o->member && &svc->options[k] != o)
                    seen[k - op->first_option].given = false;
            continue;
        }
        if (o && o->kind == OPT_LIST) {
            if (eq)
                return engine_handoff(e, "args: --%s=... for a list", name);
            s->vals = &w[i + 1];
            while (i + 1 < n && w[i + 1][0] != '-') {
                s->nvals++;
                i++;
            }
            if (i + 1 < n && is_value_word(w[i + 1]))
                return engine_handoff(e, "args: a list value starting with '-'");
            continue;
        }
        if (eq) {
            s->one = eq + 1;
            s->vals = &s->one;
            s->nvals = 1;
            continue;
        }
        if (i + 1 >= n || !is_value_word(w[i + 1]))
            return engine_handoff(e, "args: --%s without a value the engine is sure of", name);
        s->vals = &w[++i];
        s->nvals = 1;
    }
    return 0;
}

/* argparse's error for required options not given, as the CLI prints it. */
static int usage_error(struct args *a, const char *missing, struct err *e)
{
    struct buf b = BUF_INIT(0);

    if (buf_adds(&b, usage_text) < 0 ||
        buf_addf(&b, "aws: error: the following arguments are required: %s\n\n", missing) < 0) {
        buf_release(&b);
        return err_set(e, ERR_INTERNAL, "args: out of memory");
    }
    a->usage_error = buf_take(&b, NULL);
    return a->usage_error ? 0 : err_set(e, ERR_INTERNAL, "args: out of memory");
}

/* check_should_enable_pagination: giving the input token or the limit key turns paging off. */
static bool shadows_paging(const struct model_service *svc, const struct model_operation *op,
                           const struct model_option *o)
{
    const struct model_paginator *pg = op->paginator;
    const char *m = svc->members[o->member].name;

    if (!pg)
        return false;
    for (int k = 0; k < 2; k++)
        if (pg->input_token[k] && strcmp(pg->input_token[k], m) == 0)
            return true;
    return pg->limit_key && strcmp(pg->limit_key, m) == 0;
}

/*
 * ensure_paging_params_not_set: with paging off (--no-paginate, or the input token or limit
 * key given by hand), a truthy --starting-token, --page-size or --max-items (in that order) is
 * botocore's ParamValidationError, which the CLI prints as "\n<message>\n", exit 252. None of
 * the engine's operations has an option of its own with one of these names (the CLI's
 * shadowed arguments), so none is exempt.
 */
static int paging_not_allowed(struct args *a, struct err *e)
{
    struct buf used = BUF_INIT(0), b = BUF_INIT(0);
    int rc = 0;

    for (int k = 0; k < NPAGE; k++) {
        json_t *v = json_object_get(a->pagination_config, page_keys[k]);

        if (!v || (json_is_integer(v) && json_integer_value(v) == 0) ||
            (json_is_string(v) && json_string_length(v) == 0))
            continue;
        if (buf_addf(&used, "%s--%s", used.len ? ", " : "", page_names[k]) < 0)
            rc = err_set(e, ERR_INTERNAL, "args: out of memory");
    }
    if (rc == 0 && used.len) {
        if (buf_addf(&b, "\nCannot specify --no-paginate along with pagination arguments: %s\n",
                     used.p) < 0 ||
            !(a->usage_error = buf_take(&b, NULL)))
            rc = err_set(e, ERR_INTERNAL, "args: out of memory");
    }
    buf_release(&used);
    buf_release(&b);
    return rc;
}

static int build(struct args *a, struct seen *seen, struct seen *page, struct err *e)
{
    const struct model_service *svc = a->svc;
    const struct model_operation *op = a->op;
    struct buf missing = BUF_INIT(0);
    int rc = 0;

    /* argparse: the required options not given, in the order they were added. */
    for (int k = 0; k < op->noptions; k++) {
        const struct model_option *o = &svc->options[op->first_option + k];

        if (o->required && !seen[k].given &&
            buf_addf(&missing, "%s--%s", missing.len ? ", " : "", o->name) < 0)
            rc = err_set(e, ERR_INTERNAL, "args: out of memory");
    }
    if (rc == 0 && missing.len)
        rc = usage_error(a, missing.p, e);
    buf_release(&missing);
    if (rc || a->usage_error)
        return rc;
    for (int k = 0; k < op->noptions; k++)
        if (seen[k].given && shadows_paging(svc, op, &svc->options[op->first_option + k]))
            a->paginate = false;
    for (int k = 0; k < NPAGE; k++) {
        json_t *v;
        long long num;

        if (!page[k].given)
            continue;
        if (k == PAGE_STARTING_TOKEN) {
            v = json_string(page[k].vals[0]);
        } else {
            if (!shorthand_int(page[k].vals[0], &num))
                return engine_handoff(e, "args: --%s that is not plain digits", page_names[k]);
            v = json_integer(num);
        }
        if (!a->pagination_config && !(a->pagination_config = json_object()))
            return err_set(e, ERR_INTERNAL, "args: out of memory");
        if (json_object_set_new(a->pagination_config, page_keys[k], v) < 0)
            return err_set(e, ERR_INTERNAL, "args: out of memory");
    }
    /*
     * check_should_enable_pagination runs on operation-args-parsed: after argparse, before any
     * value is unpacked, so its error comes before shorthand, JSON and validation errors.
     */
    if (!a->paginate && a->pagination_config)
        if ((rc = paging_not_allowed(a, e)) != 0 || a->usage_error)
            return rc;
    /* ServiceOperation: every option in arg-table order adds its value to the params. */
    if (!(a->params = json_object()))
        return err_set(e, ERR_INTERNAL, "args: out of memory");
    for (int k = 0; k < op->noptions; k++) {
        const struct model_option *o = &svc->options[op->first_option + k];
        json_t *v;

        if (!seen[k].given)
            continue;
        if ((rc = unpack(svc, o, seen[k].vals, seen[k].nvals, &v, e)) != 0) {
            json_decref(v);
            return rc;
        }
        if (json_object_set_new(a->params, svc->members[o->member].name, v) < 0)
            return err_set(e, ERR_INTERNAL, "args: out of memory");
    }
    return validate_params(svc, op->input, a->params, e);
}

int args_parse(char *const *words, size_t n, struct args *a, struct err *e)
{
    const char **rest = xcalloc(n + 1, sizeof(*rest));
    struct seen *seen = NULL, page[NPAGE] = {0};
    size_t nrest;
    int rc;

    a->paginate = true;
    if (!rest)
        return err_set(e, ERR_INTERNAL, "args: out of memory");
    if ((rc = take_globals(words, n, rest, &nrest, a, e)) != 0)
        goto out;
    if (nrest < 2 || rest[0][0] == '-' || rest[1][0] == '-') {
        rc = engine_handoff(e, "args: no service and operation first");
        goto out;
    }
    if (!(a->svc = model_service_find(rest[0])) ||
        !(a->op = model_operation_find(a->svc, rest[1]))) {
        rc = engine_handoff(e, "args: %s %s is not in the engine's tables", rest[0], rest[1]);
        goto out;
    }
    if (!(seen = xcalloc((size_t)a->op->noptions + 1, sizeof(*seen)))) {
        rc = err_set(e, ERR_INTERNAL, "args: out of memory");
        goto out;
    }
    if ((rc = take_options(rest, nrest, seen, page, a, e)) != 0)
        goto out;
    rc = build(a, seen, page, e);
out:
    free(rest);
    free(seen);
    return rc;
}

void args_release(struct args *a)
{
    json_decref(a->params);
    json_decref(a->pagination_config);
    free(a->usage_error);
    *a = (struct args)ARGS_INIT;
}
