#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "engine/engine.h"
#include "engine/protocol.h"
#include "engine/shorthand.h"
#include "engine/validate.h"
#include "pyrepr.h"

#include "banned.h"

static int nomem(struct err *e)
{
    return err_set(e, ERR_INTERNAL, "protocol: out of memory or body over its cap");
}

/* urllib.parse.quote(s, safe='-._~') over the UTF-8 bytes. */
static int quote(struct buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~') {
            if (buf_add(b, &s[i], 1) < 0)
                return -1;
        } else if (buf_addf(b, "%%%02X", c) < 0) {
            return -1;
        }
    }
    return 0;
}

static int pair(struct buf *b, const char *key, const char *val, size_t vlen)
{
    if ((b->len > 0 && buf_add(b, "&", 1) < 0) || quote(b, key, strlen(key)) < 0 ||
        buf_add(b, "=", 1) < 0 || quote(b, val, vlen) < 0)
        return -1;
    return 0;
}

/* QuerySerializer._timestamp_iso8601 of parse_to_aware_datetime(value), which is in UTC. */
static int timestamp(const char *s, char out[48])
{
    long long epoch;
    int micro;
    time_t t;
    struct tm tm;
    char date[32];

    if (!validate_timestamp(s, &epoch, &micro))
        return -1;
    t = (time_t)epoch;
    if (!gmtime_r(&t, &tm))
        return -1;
    strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
    if (micro > 0)
        snprintf(out, 48, "%s.%06dZ", date, micro % 1000000);
    else
        snprintf(out, 48, "%sZ", date);
    return 0;
}

static int serialize(const struct model_service *svc, int shape, const json_t *v,
                     const char *prefix, struct buf *b, struct err *e)
{
    const struct model_shape *s = &svc->shapes[shape];
    char key[512], num[PYREPR_MAX], ts[48];
    int rc;

    switch (s->type) {
    case MT_STRUCTURE: {
        const char *k;
        json_t *c;

        json_object_foreach((json_t *)v, k, c)
        {
            int m = model_member_find(svc, shape, k);

            if (m < 0)
                return engine_handoff(e, "protocol: %s is not a member", k);
            snprintf(key, sizeof(key), "%s%s%s", prefix, *prefix ? "." : "", k);
            if ((rc = serialize(svc, svc->members[m].shape, c, key, b, e)) != 0)
                return rc;
        }
        return 0;
    }
    case MT_LIST: {
        size_t i;
        json_t *c;

        if (json_array_size(v) == 0)
            return pair(b, prefix, "", 0) < 0 ? nomem(e) : 0;
        json_array_foreach(v, i, c)
        {
            snprintf(key, sizeof(key), "%s.member.%zu", prefix, i + 1);
            if ((rc = serialize(svc, svc->members[s->first].shape, c, key, b, e)) != 0)
                return rc;
        }
        return 0;
    }
    case MT_MAP: {
        const char *k;
        json_t *c;
        size_t i = 0;

        json_object_foreach((json_t *)v, k, c)
        {
            i++;
            snprintf(key, sizeof(key), "%s.entry.%zu.key", prefix, i);
            if (pair(b, key, k, strlen(k)) < 0)
                return nomem(e);
            snprintf(key, sizeof(key), "%s.entry.%zu.value", prefix, i);
            if ((rc = serialize(svc, svc->members[s->first + 1].shape, c, key, b, e)) != 0)
                return rc;
        }
        return 0;
    }
    case MT_BOOLEAN:
        return pair(b, prefix, json_is_true(v) ? "true" : "false", json_is_true(v) ? 4 : 5) < 0
                   ? nomem(e)
                   : 0;
    case MT_TIMESTAMP:
        if (!json_is_string(v) || timestamp(json_string_value(v), ts) < 0)
            return engine_handoff(e, "protocol: a timestamp the engine does not convert");
        return pair(b, prefix, ts, strlen(ts)) < 0 ? nomem(e) : 0;
    case MT_BLOB:
        return engine_handoff(e, "protocol: a blob in a query request");
    default:
        if (json_is_string(v))
            rc = pair(b, prefix, json_string_value(v), json_string_length(v));
        else if (json_is_integer(v))
            rc = snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v)) < 0
                     ? -1
                     : pair(b, prefix, num, strlen(num));
        else if (json_is_real(v)) {
            pyrepr_double(json_real_value(v), num);
            rc = pair(b, prefix, num, strlen(num));
        } else {
            return engine_handoff(e, "protocol: a value str() would write differently");
        }
        return rc < 0 ? nomem(e) : 0;
    }
}

int proto_query_request(const struct model_service *svc, const struct model_operation *op,
                        const json_t *params, struct buf *body, struct err *e)
{
    if (pair(body, "Action", op->name, strlen(op->name)) < 0 ||
        pair(body, "Version", svc->api_version, strlen(svc->api_version)) < 0)
        return nomem(e);
    if (op->input < 0)
        return 0;
    return serialize(svc, op->input, params, "", body, e);
}

/*
 * A small element tree, as xml.etree.ElementTree builds it for botocore: each element's tag
 * without its namespace, its text before the first child (ElementTree's .text), children in
 * order. Tails and attributes are not kept: botocore's QueryParser does not read them.
 */
struct xnode {
    char *tag;
    struct buf text;
    struct xnode **kids;
    size_t nkids, cap;
    struct xnode *parent;
};

struct xtree {
    struct xnode *root, *cur;
    int depth;
    bool failed;
};

#define XML_MAX_DEPTH 64

static void xfree(struct xnode *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->nkids; i++)
        xfree(n->kids[i]);
    free(n->kids);
    free(n->tag);
    buf_release(&n->text);
    free(n);
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
    struct xtree *t = ud;
    const char *local = strrchr(name, '}');
    struct xnode *n;

    (void)attrs;
    if (t->failed || ++t->depth > XML_MAX_DEPTH || !(n = xcalloc(1, sizeof(*n)))) {
        t->failed = true;
        return;
    }
    n->tag = xstrdup(local ? local + 1 : name);
    buf_init(&n->text, 0);
    n->parent = t->cur;
    if (!n->tag) {
        t->failed = true;
        xfree(n);
        return;
    }
    if (t->cur) {
        if (t->cur->nkids == t->cur->cap) {
            size_t cap = t->cur->cap ? t->cur->cap * 2 : 4;
            struct xnode **k = xrealloc(t->cur->kids, cap * sizeof(*k));

            if (!k) {
                t->failed = true;
                xfree(n);
                return;
            }
            t->cur->kids = k;
            t->cur->cap = cap;
        }
        t->cur->kids[t->cur->nkids++] = n;
    } else {
        t->root = n;
    }
    t->cur = n;
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    struct xtree *t = ud;

    (void)name;
    if (t->failed)
        return;
    t->depth--;
    t->cur = t->cur->parent;
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    struct xtree *t = ud;

    if (t->failed || !t->cur || t->cur->nkids > 0)
        return;
    if (buf_add(&t->cur->text, s, (size_t)len) < 0)
        t->failed = true;
}

static int xparse(const char *body, size_t len, struct xnode **root, struct err *e)
{
    XML_Parser p = XML_ParserCreateNS("UTF-8", '}');
    struct xtree t = {0};
    int ok;

    *root = NULL;
    if (!p)
        return nomem(e);
    XML_SetUserData(p, &t);
    XML_SetElementHandler(p, on_start, on_end);
    XML_SetCharacterDataHandler(p, on_text);
    ok = XML_Parse(p, body, (int)len, 1) == XML_STATUS_OK;
    XML_ParserFree(p);
    if (!ok || t.failed || !t.root) {
        xfree(t.root);
        return engine_handoff(e, "protocol: an XML reply the engine does not read");
    }
    *root = t.root;
    return 0;
}

/* _build_name_to_xml_node, for one name: the only child with that tag, or NULL. */
static const struct xnode *child(const struct xnode *n, const char *tag, bool *repeated)
{
    const struct xnode *found = NULL;

    for (size_t i = 0; i < n->nkids; i++) {
        if (strcmp(n->kids[i]->tag, tag) == 0) {
            if (found)
                *repeated = true;
            found = n->kids[i];
        }
    }
    return found;
}

/* parse_timestamp(text).isoformat() for the forms the engine is sure of. */
static int iso_out(const char *s, json_t **out)
{
    long long epoch;
    int micro;
    char buf[48];
    size_t n = strlen(s);

    if (!strchr(s, 'T') || !validate_timestamp(s, &epoch, &micro))
        return -1;
    if (micro)
        snprintf(buf, sizeof(buf), "%.19s.%06d%s", s, micro,
                 s[n - 1] == 'Z' ? "+00:00" : s + n - 6);
    else
        snprintf(buf, sizeof(buf), "%.19s%s", s, s[n - 1] == 'Z' ? "+00:00" : s + n - 6);
    /* dateutil gives -00:00 as UTC: +00:00. */
    if (strcmp(buf + strlen(buf) - 6, "-00:00") == 0)
        buf[strlen(buf) - 6] = '+';
    *out = json_string(buf);
    return 0;
}

static int xshape(const struct model_service *svc, int shape, const struct xnode *n, json_t **out,
                  struct err *e)
{
    const struct model_shape *s = &svc->shapes[shape];
    const char *text = n->text.p;
    long long num;
    double d;
    int rc;

    *out = NULL;
    switch (s->type) {
    case MT_STRUCTURE:
        if (!(*out = json_object()))
            return nomem(e);
        for (int m = s->first; m < s->first + s->count; m++) {
            bool repeated = false;
            const struct xnode *c = child(n, svc->members[m].name, &repeated);
            json_t *item;

            if (repeated)
                return engine_handoff(e, "protocol: a repeated element %s", svc->members[m].name);
            if (!c)
                continue;
            if ((rc = xshape(svc, svc->members[m].shape, c, &item, e)) != 0) {
                json_decref(item);
                return rc;
            }
            if (json_object_set_new(*out, svc->members[m].name, item) < 0)
                return nomem(e);
        }
        return 0;
    case MT_LIST:
        if (!(*out = json_array()))
            return nomem(e);
        for (size_t i = 0; i < n->nkids; i++) {
            json_t *item;

            if ((rc = xshape(svc, svc->members[s->first].shape, n->kids[i], &item, e)) != 0) {
                json_decref(item);
                return rc;
            }
            if (json_array_append_new(*out, item) < 0)
                return nomem(e);
        }
        return 0;
    case MT_MAP:
        return engine_handoff(e, "protocol: a map in an XML reply");
    case MT_BOOLEAN:
        *out = json_boolean(strcmp(text, "true") == 0);
        break;
    case MT_INTEGER:
    case MT_LONG:
        if (!shorthand_int(text, &num))
            return engine_handoff(e, "protocol: an integer the engine does not read as int()");
        *out = json_integer(num);
        break;
    case MT_FLOAT:
    case MT_DOUBLE:
        if (!shorthand_double(text, &d))
            return engine_handoff(e, "protocol: a number the engine does not read as float()");
        *out = json_real(d);
        break;
    case MT_TIMESTAMP:
        if (iso_out(text, out) < 0)
            return engine_handoff(e, "protocol: a timestamp the engine does not read");
        break;
    default:
        *out = json_stringn(text, n->text.len); /* strings; blobs stay base64 */
    }
    return *out ? 0 : nomem(e);
}

int proto_query_reply(const struct model_service *svc, const struct model_operation *op, int status,
                      const char *body, size_t len, json_t **out, struct protocol_error *perr,
                      struct err *e)
{
    struct xnode *root;
    const struct xnode *start;
    bool repeated = false;
    int rc;

    if ((rc = xparse(body, len, &root, e)) != 0)
        return rc;
    if (status >= 301) {
        /* QueryParser._do_error_parse: <ErrorResponse><Error><Code/><Message/></Error>. */
        const struct xnode *err = child(root, "Error", &repeated), *c, *m;

        if (!err || repeated || !(c = child(err, "Code", &repeated)) || c->nkids ||
            ((m = child(err, "Message", &repeated)) && m->nkids) || repeated) {
            xfree(root);
            return engine_handoff(e, "protocol: an XML error the engine does not read");
        }
        perr->code = xstrdup(c->text.p);
        perr->message = m ? xstrdup(m->text.p) : NULL;
        xfree(root);
        return perr->code && (!m || perr->message) ? 0 : nomem(e);
    }
    start = root;
    if (op->result_wrapper && !(start = child(root, op->result_wrapper, &repeated))) {
        xfree(root);
        return engine_handoff(e, "protocol: no %s in the reply", op->result_wrapper);
    }
    if (repeated) {
        xfree(root);
        return engine_handoff(e, "protocol: a repeated result wrapper");
    }
    rc = op->output < 0 ? ((*out = json_object()) ? 0 : nomem(e))
                        : xshape(svc, op->output, start, out, e);
    if (rc != 0) {
        json_decref(*out);
        *out = NULL;
    }
    xfree(root);
    return rc;
}
