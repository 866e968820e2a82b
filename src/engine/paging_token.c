/*
 * The CLI's pagination tokens (botocore/paginate.py TokenEncoder, TokenDecoder and
 * PageIterator._parse_starting_token): what --max-items prints as NextToken and what
 * --starting-token reads back.
 *
 *   encode: base64 of json.dumps(dict) (", " and ": ", non-ASCII as \uXXXX);
 *   decode: base64.b64decode as Python 3.11 runs it (lenient: characters outside the alphabet
 *           skipped, '=' ending the input), UTF-8, json.loads into a dict whose
 *           boto_truncate_amount is the index into the first page; any failure on the way
 *           falls back to the older "token___index" form, and a token of more parts than the
 *           paginator has input tokens is the CLI's "Bad starting token" (exit 255).
 *
 * Decoded tokens holding anything but the paginator's input tokens with string or null values
 * (botocore would pass them on as parameters and refuse them), boto_encoded_keys, or JSON that
 * Python reads and jansson does not, go to the CLI.
 */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "base64.h"
#include "engine/pipeline.h"
#include "pyjson.h"
#include "utf8.h"

#include "banned.h"

/* json.dumps(token) of a flat dict of strings, nulls and ints, as botocore encodes it. */
static int token_dumps(const json_t *tok, struct buf *out, struct err *e)
{
    const char *k;
    json_t *v;

    json_object_foreach((json_t *)tok, k, v)
    {
        if (!json_is_string(v) && !json_is_null(v) && !json_is_integer(v))
            return engine_handoff(e, "paginate: a token value that is not a string");
    }
    return pyjson_dump(tok, PYJSON_DEFAULT, out) < 0 ? err_set(e, ERR_INTERNAL, "out of memory")
                                                     : 0;
}

char *paging_token_encode(const json_t *tok, int *rc, struct err *e)
{
    struct buf j = BUF_INIT(0);
    char *s = NULL;

    *rc = token_dumps(tok, &j, e);
    if (*rc == 0 && !(s = base64_encode(j.p, j.len, NULL)))
        *rc = err_set(e, ERR_INTERNAL, "out of memory");
    buf_release(&j);
    return s;
}

static bool is_input_token(const struct model_paginator *pg, int ninput, const char *k)
{
    for (int i = 0; i < ninput; i++)
        if (strcmp(pg->input_token[i], k) == 0)
            return true;
    return false;
}

/*
 * base64.b64decode(token.encode()) as Python 3.11 runs it (binascii.a2b_base64, not strict):
 * bytes outside the alphabet are skipped; '=' after two or three characters of a quantum ends
 * the input once the quantum is full; a quantum left unfinished is an error (false). out gets
 * the bytes (at most n).
 */
static bool py_b64decode(const char *s, size_t n, unsigned char *out, size_t *len)
{
    int quad = 0, pads = 0;
    unsigned left = 0;

    *len = 0;
    for (size_t i = 0; i < n; i++) {
        int v;

        if (s[i] == '=') {
            if (quad >= 2 && quad + ++pads >= 4)
                return true;
            continue;
        }
        if ((v = base64_value((unsigned char)s[i])) < 0)
            continue;
        pads = 0;
        switch (quad) {
        case 0:
            left = (unsigned)v;
            break;
        case 1:
            out[(*len)++] = (unsigned char)((left << 2) | ((unsigned)v >> 4));
            left = (unsigned)v & 0x0f;
            break;
        case 2:
            out[(*len)++] = (unsigned char)((left << 4) | ((unsigned)v >> 2));
            left = (unsigned)v & 0x03;
            break;
        default:
            out[(*len)++] = (unsigned char)((left << 6) | (unsigned)v);
            break;
        }
        quad = (quad + 1) % 4;
    }
    return quad == 0;
}

static bool ascii_only(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return false;
    return true;
}

/* The older "a___b___index" form (_parse_starting_token_deprecated). */
static int token_deprecated(struct run *r, const struct model_paginator *pg, int ninput,
                            const char *tok, json_t **out, long long *index, struct err *e)
{
    const char *parts[8];
    size_t lens[8];
    int n = 0;
    const char *s = tok;

    *index = 0;
    for (;;) {
        const char *sep = strstr(s, "___");

        if (n == (int)ARRAY_SIZE(parts))
            return engine_handoff(e, "paginate: a starting token of many parts");
        parts[n] = s;
        lens[n++] = sep ? (size_t)(sep - s) : strlen(s);
        if (!sep)
            break;
        s = sep + 3;
    }
    if (n == ninput + 1) {
        const char *last = parts[n - 1];
        size_t k = 0;

        while (k < lens[n - 1] && last[k] >= '0' && last[k] <= '9')
            k++;
        if (k == lens[n - 1] && k > 0 && k < 18) {
            *index = strtoll(last, NULL, 10);
            n--;
        } else if (k == lens[n - 1] && k > 0) {
            return engine_handoff(e, "paginate: a starting token index past 17 digits");
        } else if (strpbrk(last, " \t\n\v\f\r+-_") || !ascii_only(last)) {
            return engine_handoff(e, "paginate: a starting token index Python's int() reads");
        } else {
            n = 1; /* not an index: the whole token is the service's */
            lens[0] = strlen(tok);
        }
    }
    if (n > ninput) {
        r->exit_code = CLI_RC_GENERAL;
        return buf_addf(&r->err, "\nBad starting token: %s\n", tok) < 0
                   ? err_set(e, ERR_INTERNAL, "out of memory")
                   : 0;
    }
    if (!(*out = json_object()))
        return err_set(e, ERR_INTERNAL, "out of memory");
    for (int i = 0; i < ninput; i++) {
        json_t *v = i >= n || (lens[i] == 4 && memcmp(parts[i], "None", 4) == 0)
                        ? json_null()
                        : json_stringn(parts[i], lens[i]);

        if (!v || json_object_set_new(*out, pg->input_token[i], v) < 0)
            return err_set(e, ERR_INTERNAL, "out of memory");
    }
    return 0;
}

int paging_token_decode(struct run *r, const struct model_paginator *pg, int ninput,
                        const char *tok, json_t **out, long long *index, struct err *e)
{
    size_t n = strlen(tok), len = 0;
    char *raw = xmalloc(n + 1);
    json_t *j = NULL, *amount, *v;
    const char *k;
    int rc = 0;

    *out = NULL;
    *index = 0;
    if (!raw)
        return err_set(e, ERR_INTERNAL, "out of memory");
    if (!py_b64decode(tok, n, (unsigned char *)raw, &len)) {
        free(raw);
        return token_deprecated(r, pg, ninput, tok, out, index,
                                e); /* binascii.Error: the old form */
    }
    raw[len] = '\0';
    if (!utf8_valid(raw, len)) {
        free(raw);
        return token_deprecated(r, pg, ninput, tok, out, index, e);
    }
    j = json_loadb(raw, len, JSON_DECODE_ANY, NULL);
    if (!j) {
        /* json.loads also takes NaN, Infinity, big integers and lone surrogates. */
        bool python_might = strstr(raw, "NaN") || strstr(raw, "Infinity") || strstr(raw, "\\u") ||
                            strspn(raw + strcspn(raw, "0123456789"), "0123456789") > 18 ||
                            memchr(raw, '\0', len);
        free(raw);
        return python_might ? engine_handoff(e, "paginate: a starting token jansson cannot read")
                            : token_deprecated(r, pg, ninput, tok, out, index, e);
    }
    free(raw);
    if (!json_is_object(j) || json_object_get(j, "boto_encoded_keys")) {
        json_decref(j);
        return engine_handoff(e, "paginate: a starting token that is not a plain dict");
    }
    if ((amount = json_object_get(j, "boto_truncate_amount"))) {
        if (!json_is_integer(amount) || json_integer_value(amount) < 0) {
            json_decref(j);
            return engine_handoff(e, "paginate: a boto_truncate_amount that is not an index");
        }
        *index = json_integer_value(amount);
        json_object_del(j, "boto_truncate_amount");
    }
    json_object_foreach(j, k, v) if (!is_input_token(pg, ninput, k) ||
                                     (!json_is_string(v) && !json_is_null(v))) rc =
        engine_handoff(e, "paginate: a starting token with other keys or values");
    if (rc)
        json_decref(j);
    else
        *out = j;
    return rc;
}
