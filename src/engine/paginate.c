/*
 * Paginated commands as the CLI runs them (awscli/customizations/paginate.py, botocore/
 * paginate.py PageIterator, awscli/formatter.py):
 *
 *   - pages are fetched with the service's token until it stops giving one; --page-size sets
 *     the limit key; --starting-token (botocore's TokenEncoder form: base64 of json.dumps of
 *     the input tokens, plus boto_truncate_amount, the items of the first page already seen;
 *     or the older "token___index" form) starts from where it says;
 *   - --max-items stops after that many items of the first result key: a page boundary
 *     keeps the service's token, a cut inside a page adds boto_truncate_amount; the result
 *     then ends with "NextToken" (json) or a NEXTTOKEN row (text);
 *   - json: build_full_result, the result keys' lists joined in the paginator's order, the
 *     non-aggregate keys of the first page, NextToken; --query applies to that whole;
 *   - text: each page on its own (--query applied to each) as the result keys of that page
 *     (a missing one is None), the first page with the non-aggregate keys, then the
 *     NextToken row.
 *
 * The output cap: text pages are printed as they come, and paging stops once the output is
 * past the cap. json is printed at the end, so while paging a lower bound of its size is
 * kept: every item of the result's first key printed on its own, which the whole can only be
 * longer than; past the cap, paging stops and what was gathered is printed (its first cap
 * bytes are the CLI's: the first key's items come first and only grow). With --query the
 * size of the result cannot be told, so the replies gathered are bounded instead (8 times
 * the cap) and the result is marked truncated.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/output.h"
#include "engine/pipeline.h"
#include "engine/validate.h"

#include "banned.h"

/* With --query on json output, the replies gathered at most, in multiples of the cap. */
#define QUERY_GATHER_FACTOR 8
/* page_step's "no more pages" (distinct from ENGINE_HANDOFF). */
#define STEP_STOP 2

struct pager {
    struct run *r;
    const struct model_paginator *pg;
    int ninput;
    long long max_items; /* -1: none */
    json_t *full;        /* json: build_full_result's complete_result */
    json_t *non_aggregate;
    json_t *resume;  /* the resume token's dict, or NULL */
    size_t counted;  /* json: items of the first key counted into bound */
    size_t bound;    /* json: a lower bound of the printed size */
    size_t gathered; /* json with --query: reply bytes gathered */
    bool stop;       /* the cap: no more pages */
    struct buf item; /* scratch for one item's printed form */
};

static bool simple_name(const char *s)
{
    return s && *s && !strpbrk(s, ".[]|*@&!(){}`'\" ");
}

/* _inject_token_into_kwargs. */
static int inject(json_t *params, const json_t *tok, struct err *e)
{
    const char *k;
    json_t *v;

    json_object_foreach((json_t *)tok, k, v)
    {
        if (json_is_string(v) && strcmp(json_string_value(v), "None") != 0) {
            if (json_object_set(params, k, v) < 0)
                return err_set(e, ERR_INTERNAL, "out of memory");
        } else {
            json_object_del(params, k);
        }
    }
    return 0;
}

/* _get_next_token: the output tokens, an empty or missing one as None. */
static int next_token(struct pager *p, const json_t *page, json_t **out, struct err *e)
{
    if (!(*out = json_object()))
        return err_set(e, ERR_INTERNAL, "out of memory");
    for (int i = 0; i < p->ninput; i++) {
        json_t *v = json_object_get(page, p->pg->output_token[i]);

        if (v && !json_is_string(v) && !json_is_null(v))
            return engine_handoff(e, "paginate: a next token that is not a string");
        if (!v || json_is_null(v) || !*json_string_value(v))
            v = json_null();
        else
            json_incref(v);
        if (json_object_set_new(*out, p->pg->input_token[i], v) < 0)
            return err_set(e, ERR_INTERNAL, "out of memory");
    }
    return 0;
}

static bool all_null(const json_t *tok)
{
    const char *k;
    json_t *v;

    json_object_foreach((json_t *)tok, k, v) if (!json_is_null(v)) return false;
    return true;
}

/* ---- one page ---- */

static const char *result_key(const struct pager *p, int i)
{
    return i < (int)ARRAY_SIZE(p->pg->result_key) ? p->pg->result_key[i] : NULL;
}

/* _handle_first_request: the starting index into the first page; other keys emptied. */
static int first_page_slice(struct pager *p, json_t *page, long long index, struct err *e)
{
    const char *k0 = result_key(p, 0);
    json_t *all = json_object_get(page, k0), *data;

    if (json_is_array(all)) {
        data = json_array();
        for (size_t i = (size_t)index; data && i < json_array_size(all); i++)
            if (json_array_append(data, json_array_get(all, i)) < 0)
                json_decref(data), data = NULL;
    } else if (json_is_string(all)) {
        return engine_handoff(e, "paginate: a string result key");
    } else {
        data = json_null();
    }
    if (!data || json_object_set_new(page, k0, data) < 0)
        return err_set(e, ERR_INTERNAL, "out of memory");
    for (int i = 1; result_key(p, i); i++) {
        json_t *sample = json_object_get(page, result_key(p, i));
        json_t *empty = json_is_array(sample)                               ? json_array()
                        : json_is_string(sample)                            ? json_string("")
                        : json_is_number(sample) || json_is_boolean(sample) ? json_integer(0)
                                                                            : json_null();

        if (!empty || json_object_set_new(page, result_key(p, i), empty) < 0)
            return err_set(e, ERR_INTERNAL, "out of memory");
    }
    return 0;
}

/* json: the page joined into complete_result (build_full_result). */
static int merge(struct pager *p, const json_t *page, struct err *e)
{
    for (int i = 0; result_key(p, i); i++) {
        json_t *v = json_object_get(page, result_key(p, i));
        json_t *have = json_object_get(p->full, result_key(p, i));

        if (!v || json_is_null(v))
            continue;
        if (!json_is_array(v) || (have && !json_is_array(have)))
            return engine_handoff(e, "paginate: a result key that is not a list");
        if (!have) {
            json_t *copy = json_array();

            if (!copy || json_array_extend(copy, v) < 0 ||
                json_object_set_new(p->full, result_key(p, i), copy) < 0)
                return err_set(e, ERR_INTERNAL, "out of memory");
        } else if (json_array_extend(have, v) < 0) {
            return err_set(e, ERR_INTERNAL, "out of memory");
        }
    }
    return 0;
}

/* json without --query: the bound grows by the first key's new items, each printed alone. */
static int bound_grow(struct pager *p, struct err *e)
{
    struct run *r = p->r;
    void *it = json_object_iter(p->full);
    json_t *list = it ? json_object_iter_value(it) : NULL;

    while (json_is_array(list) && p->counted < json_array_size(list) &&
           p->bound <= r->eng->max_stdout) {
        int rc;

        buf_reset(&p->item);
        if ((rc = output_json(json_array_get(list, p->counted), &p->item, e)) != 0)
            return rc;
        p->bound += p->item.len ? p->item.len - 1 : 0;
        p->counted++;
    }
    if (p->bound > r->eng->max_stdout) {
        r->cut = true;
        r->out_at_least = p->bound;
        p->stop = true;
    }
    return 0;
}

/* text: the page as TextFormatter prints it. */
static int print_page(struct pager *p, const json_t *page, bool first, struct err *e)
{
    json_t *cur = first && p->non_aggregate ? json_deep_copy(p->non_aggregate) : json_object();
    int rc = 0;

    if (!cur)
        return err_set(e, ERR_INTERNAL, "out of memory");
    for (int i = 0; result_key(p, i) && rc == 0; i++) {
        json_t *v = json_object_get(page, result_key(p, i));

        if (json_object_set(cur, result_key(p, i), v ? v : json_null()) < 0)
            rc = err_set(e, ERR_INTERNAL, "out of memory");
    }
    if (rc == 0)
        rc = run_print(p->r, cur, e);
    json_decref(cur);
    if (rc == 0 && run_out_full(p->r)) {
        p->r->cut = true;
        p->r->out_at_least = p->r->out.len;
        p->stop = true;
    }
    return rc;
}

/* The non-aggregate keys of the first page (top-level names only). */
static int record_non_aggregate(struct pager *p, const json_t *page, struct err *e)
{
    for (int i = 0; i < (int)ARRAY_SIZE(p->pg->non_aggregate_keys); i++) {
        const char *k = p->pg->non_aggregate_keys[i];
        json_t *v;

        if (!k)
            break;
        if (!p->non_aggregate && !(p->non_aggregate = json_object()))
            return err_set(e, ERR_INTERNAL, "out of memory");
        v = json_object_get(page, k);
        if (json_object_set(p->non_aggregate, k, v ? v : json_null()) < 0)
            return err_set(e, ERR_INTERNAL, "out of memory");
    }
    return 0;
}

/* _truncate_response: the first key cut to what --max-items leaves; the resume token. */
static int truncate_page(struct pager *p, json_t *page, long long cut, long long start, json_t *tok,
                         struct err *e)
{
    const char *k0 = result_key(p, 0);
    json_t *orig = json_object_get(page, k0), *kept = json_array();
    long long size = json_is_array(orig) ? (long long)json_array_size(orig) : 0;
    long long keep = size - cut;

    if (!kept)
        return err_set(e, ERR_INTERNAL, "out of memory");
    for (long long i = 0; i < keep; i++)
        if (json_array_append(kept, json_array_get(orig, (size_t)i)) < 0) {
            json_decref(kept);
            return err_set(e, ERR_INTERNAL, "out of memory");
        }
    if (json_object_set_new(page, k0, kept) < 0 ||
        json_object_set_new(tok, "boto_truncate_amount", json_integer(keep + start)) < 0)
        return err_set(e, ERR_INTERNAL, "out of memory");
    /* The resume_token setter: the keys must be exactly the input tokens (plus the amount). */
    if (json_object_size(tok) != (size_t)p->ninput + 1)
        return engine_handoff(e, "paginate: a resume token missing input tokens");
    p->resume = json_incref(tok);
    return 0;
}

/* ---- the loop ---- */

static int check_model(struct pager *p, struct err *e)
{
    const struct model_paginator *pg = p->pg;
    const struct model_service *svc = p->r->a.svc;

    if (pg->more_results)
        return engine_handoff(e, "paginate: a more_results paginator");
    for (p->ninput = 0; p->ninput < 2 && pg->input_token[p->ninput]; p->ninput++)
        if (!simple_name(pg->input_token[p->ninput]) || !simple_name(pg->output_token[p->ninput]))
            return engine_handoff(e, "paginate: a token path");
    for (int i = 0; result_key(p, i); i++)
        if (!simple_name(result_key(p, i)))
            return engine_handoff(e, "paginate: a result key path");
    for (int i = 0; i < (int)ARRAY_SIZE(pg->non_aggregate_keys) && pg->non_aggregate_keys[i]; i++)
        if (!simple_name(pg->non_aggregate_keys[i]))
            return engine_handoff(e, "paginate: a non-aggregate key path");
    if (p->ninput == 0 || !result_key(p, 0))
        return engine_handoff(e, "paginate: a paginator without tokens or result keys");
    if (pg->limit_key) {
        int m = model_member_find(svc, p->r->a.op->input, pg->limit_key);
        if (m < 0 || (svc->shapes[svc->members[m].shape].type != MT_INTEGER &&
                      svc->shapes[svc->members[m].shape].type != MT_LONG))
            return engine_handoff(e, "paginate: a limit key that is not an integer");
    }
    return 0;
}

/* PaginationConfig into the first request's params (_inject_starting_params). */
static int start(struct pager *p, json_t **tok, long long *index, struct err *e)
{
    struct run *r = p->r;
    json_t *pc = r->a.pagination_config;
    json_t *mi = json_object_get(pc, "MaxItems"), *ps = json_object_get(pc, "PageSize");
    json_t *st = json_object_get(pc, "StartingToken");
    int rc;

    p->max_items = -1;
    if (mi) {
        if (!json_is_integer(mi) || json_integer_value(mi) < 0)
            return engine_handoff(e, "paginate: --max-items below 0");
        p->max_items = json_integer_value(mi);
    }
    *index = 0;
    if (st) {
        if ((rc = paging_token_decode(r, p->pg, p->ninput, json_string_value(st), tok, index, e)) !=
                0 ||
            r->exit_code)
            return rc;
        if ((rc = inject(r->a.params, *tok, e)) != 0)
            return rc;
    } else {
        if (!(*tok = json_object()))
            return err_set(e, ERR_INTERNAL, "out of memory");
        for (int i = 0; i < p->ninput; i++)
            if (json_object_set_new(*tok, p->pg->input_token[i], json_null()) < 0)
                return err_set(e, ERR_INTERNAL, "out of memory");
    }
    if (ps && (!p->pg->limit_key || json_object_set(r->a.params, p->pg->limit_key, ps) < 0))
        return err_set(e, ERR_INTERNAL, "out of memory");
    /* botocore validates each call's params: --page-size 0, say, fails there. */
    return validate_params(r->a.svc, r->a.op->input, r->a.params, e);
}

/*
 * One page fetched and handed on: 0 go on, STEP_STOP (done, the cap, or the CLI's error in r),
 * ENGINE_HANDOFF or -1. `starting`: the first page of a --starting-token, sliced at index.
 */
static int page_step(struct pager *p, json_t **tok, json_t **prev, long long *total, bool first,
                     bool starting, long long index, struct err *e)
{
    struct run *r = p->r;
    struct reply rp;
    json_t *page, *next = NULL;
    long long num, cut;
    int rc = send_call(r, r->a.params, &rp, e);

    if (rc != 0 || r->exit_code || r->timed_out || r->cancelled) {
        reply_release(&rp);
        return rc ? rc : STEP_STOP;
    }
    if (rp.perr.code || rp.perr.message) {
        rc = send_error_text(r, &rp, e);
        reply_release(&rp);
        return rc ? rc : STEP_STOP;
    }
    page = rp.value;
    if (!json_is_object(page)) {
        reply_release(&rp);
        return engine_handoff(e, "paginate: a page that is not an object");
    }
    p->gathered += rp.bytes;
    if (first && ((starting && (rc = first_page_slice(p, page, index, e)) != 0) ||
                  (rc = record_non_aggregate(p, page, e)) != 0))
        goto out;
    {
        json_t *cur = json_object_get(page, result_key(p, 0));

        if (cur && !json_is_array(cur) && !json_is_null(cur)) {
            rc = engine_handoff(e, "paginate: a first result key that is not a list");
            goto out;
        }
        num = json_is_array(cur) ? (long long)json_array_size(cur) : 0;
    }
    cut = p->max_items >= 0 ? *total + num - p->max_items : 0;
    if (cut > 0 && (rc = truncate_page(p, page, cut, first && starting ? index : 0, *tok, e)) != 0)
        goto out;
    if (r->text)
        rc = print_page(p, page, first, e);
    else if ((rc = merge(p, page, e)) == 0 && !r->query)
        rc = bound_grow(p, e);
    else if (rc == 0 && p->gathered > QUERY_GATHER_FACTOR * r->eng->max_stdout) {
        r->cut = true;
        r->out_at_least = r->eng->max_stdout + 1;
        p->stop = true;
    }
    if (rc != 0 || cut > 0 || p->stop) {
        rc = rc ? rc : STEP_STOP;
        goto out;
    }
    *total += num;
    if ((rc = next_token(p, page, &next, e)) != 0)
        goto out;
    if (all_null(next)) {
        rc = STEP_STOP;
    } else if (p->max_items >= 0 && *total == p->max_items) {
        p->resume = json_incref(next);
        rc = STEP_STOP;
    } else if (*prev && json_equal(*prev, next)) {
        rc = engine_handoff(e, "paginate: the same next token twice (the CLI's PaginationError)");
    } else if ((rc = inject(r->a.params, next, e)) == 0) {
        json_decref(*prev);
        *prev = json_incref(next);
        json_decref(*tok);
        *tok = json_incref(next);
    }
out:
    json_decref(next);
    reply_release(&rp);
    return rc;
}

/* After the pages: the json result, or the text NEXTTOKEN row. */
static int finish(struct pager *p, struct err *e)
{
    struct run *r = p->r;
    char *enc = NULL;
    int rc = 0;

    if (p->resume && !(enc = paging_token_encode(p->resume, &rc, e)))
        return rc;
    if (r->text) {
        if (enc) {
            json_t *row = json_pack("{s:{s:s}}", "NextToken", "NextToken", enc);

            rc = row ? run_print(r, row, e) : err_set(e, ERR_INTERNAL, "out of memory");
            json_decref(row);
        }
    } else {
        const char *k;
        json_t *v;

        /* merge_dicts(complete_result, non_aggregate_part): plain keys here. */
        if (p->non_aggregate)
            json_object_foreach(p->non_aggregate, k, v) if (json_object_set(p->full, k, v) < 0) rc =
                err_set(e, ERR_INTERNAL, "out of memory");
        if (rc == 0 && enc && json_object_set_new(p->full, "NextToken", json_string(enc)) < 0)
            rc = err_set(e, ERR_INTERNAL, "out of memory");
        if (rc == 0)
            rc = run_print(r, p->full, e);
    }
    free(enc);
    return rc;
}

int paginate_run(struct run *r, struct err *e)
{
    struct pager p = {.r = r, .pg = r->a.op->paginator, .item = BUF_INIT(0)};
    json_t *tok = NULL, *prev = NULL;
    long long total = 0, index = 0;
    bool starting = json_object_get(r->a.pagination_config, "StartingToken") != NULL;
    int rc;

    if ((rc = check_model(&p, e)) != 0 || (rc = start(&p, &tok, &index, e)) != 0 || r->exit_code)
        goto out;
    if (!r->text && !(p.full = json_object())) {
        rc = err_set(e, ERR_INTERNAL, "out of memory");
        goto out;
    }
    for (bool first = true;; first = false)
        if ((rc = page_step(&p, &tok, &prev, &total, first, starting, index, e)) != 0)
            break;
    if (rc == STEP_STOP)
        rc = 0;
    /* An error on the way: json prints nothing; text keeps the pages it printed. */
    if (rc == 0 && !r->exit_code && !r->timed_out && !r->cancelled)
        rc = finish(&p, e);
out:
    json_decref(tok);
    json_decref(prev);
    json_decref(p.full);
    json_decref(p.non_aggregate);
    json_decref(p.resume);
    buf_release(&p.item);
    return rc;
}
