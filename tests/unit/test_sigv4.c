/*
 * The SigV4 signer against the official suite (../shared/testdata/sigv4/v4, 38 cases, header
 * and query forms), the Lambda Function URL vector from that folder's README, and the key
 * cache. The botocore cross-check on random requests is tests/integration/test_sigv4_botocore.py.
 */

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "aws/sigv4.h"
#include "buf.h"
#include "banned.h"

#define SUITE_CASES 38
#define MAX_HEADERS 16

static char *slurp(const char *dir, const char *name)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct buf b = BUF_INIT(0);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        if (buf_add(&b, chunk, n) < 0)
            break;
    fclose(f);
    return buf_take(&b, NULL);
}

/* One parsed request.txt: pointers into `text`, which the struct owns. */
struct suite_req {
    char *text;
    char *method, *path, *query, *body;
    struct aws_header h[MAX_HEADERS];
    size_t nh;
};

static int parse_request(char *text, struct suite_req *r)
{
    memset(r, 0, sizeof(*r));
    r->text = text;
    char *eol = strchr(text, '\n');
    if (!eol)
        eol = text + strlen(text);
    char *line_end = eol;
    *eol = '\0';
    /* "METHOD target HTTP/1.1": the target may hold spaces, so cut at the last space. */
    char *sp = strchr(text, ' '), *last = strrchr(text, ' ');
    if (!sp || last == sp)
        return -1;
    *sp = '\0';
    *last = '\0';
    r->method = text;
    r->path = sp + 1;
    char *q = strchr(r->path, '?');
    if (q) {
        *q = '\0';
        r->query = q + 1;
    }
    char *s = line_end + 1;
    while (*s && *s != '\n') {
        char *e = strchr(s, '\n');
        char *next = e ? e + 1 : s + strlen(s);
        if (e)
            *e = '\0';
        if ((*s == ' ' || *s == '\t') && r->nh > 0) {
            /* A folded line continues the previous value: undo the cut, keep the newline. */
            if (e)
                *e = '\0';
            s[-1] = '\n';
        } else {
            char *colon = strchr(s, ':');
            if (!colon || r->nh == MAX_HEADERS)
                return -1;
            *colon = '\0';
            r->h[r->nh].name = s;
            r->h[r->nh].value = colon + 1;
            r->nh++;
        }
        s = next;
    }
    r->body = *s == '\n' ? s + 1 : s;
    return 0;
}

static char *file_trimmed(const char *dir, const char *name)
{
    char *s = slurp(dir, name);
    if (s) {
        size_t n = strlen(s);
        while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
            s[--n] = '\0';
    }
    return s;
}

/* The value of the first "Name:" line in a signed request file ("" if missing). */
static void signed_header(const char *text, const char *name, char *out, size_t n)
{
    size_t l = strlen(name);
    out[0] = '\0';
    for (const char *s = text; s && *s; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : NULL) {
        if (strncmp(s, name, l) == 0 && s[l] == ':') {
            const char *v = s + l + 1, *e = strchr(v, '\n');
            snprintf(out, n, "%.*s", (int)(e ? e - v : (long)strlen(v)), v);
            return;
        }
    }
}

static int run_case(const char *dir, bool presign)
{
    int failed_before = check_failed;
    char *ctxs = slurp(dir, "context.json"), *reqs = slurp(dir, "request.txt");
    const char *form = presign ? "query" : "header";
    char fname[64];
    json_t *ctx = ctxs ? json_loads(ctxs, 0, NULL) : NULL;
    struct suite_req r;
    struct sigv4_signed out;
    sigv4_signed_init(&out);
    CHECK(ctx != NULL);
    CHECK(reqs != NULL && parse_request(reqs, &r) == 0);
    if (!ctx || !reqs)
        goto done;

    json_t *cr = json_object_get(ctx, "credentials");
    struct sigv4_credentials cred = {
        json_string_value(json_object_get(cr, "access_key_id")),
        json_string_value(json_object_get(cr, "secret_access_key")),
        json_string_value(json_object_get(cr, "token")),
    };
    struct sigv4_params p = {
        .region = json_string_value(json_object_get(ctx, "region")),
        .service = json_string_value(json_object_get(ctx, "service")),
        .when = 1440938160, /* 2015-08-30T12:36:00Z, the suite's fixed time */
        .normalize_path = json_is_true(json_object_get(ctx, "normalize")),
        .sign_body = json_is_true(json_object_get(ctx, "sign_body")),
        .omit_session_token = json_is_true(json_object_get(ctx, "omit_session_token")),
        .presign = presign,
        .expires_s = (long)json_integer_value(json_object_get(ctx, "expiration_in_seconds")),
    };
    CHECK_STR(json_string_value(json_object_get(ctx, "timestamp")), "2015-08-30T12:36:00Z");
    struct sigv4_request req = {r.method, r.path, r.query, r.h, r.nh, NULL, 0, NULL};
    /* sign_body false: the payload hash is the empty string's, whatever the body. */
    if (p.sign_body) {
        req.body = r.body;
        req.body_len = strlen(r.body);
    }
    struct err e = ERR_INIT;
    int rc = sigv4_sign(&req, &cred, &p, &out, &e);
    CHECK_INT(rc, 0);
    if (rc < 0) {
        fprintf(stderr, "%s: %s\n", dir, e.msg);
        goto done;
    }
    snprintf(fname, sizeof(fname), "%s-canonical-request.txt", form);
    char *want_cr = file_trimmed(dir, fname);
    snprintf(fname, sizeof(fname), "%s-string-to-sign.txt", form);
    char *want_sts = file_trimmed(dir, fname);
    snprintf(fname, sizeof(fname), "%s-signature.txt", form);
    char *want_sig = file_trimmed(dir, fname);
    snprintf(fname, sizeof(fname), "%s-signed-request.txt", form);
    char *want_req = slurp(dir, fname);
    CHECK_STR(out.canonical_request.p, want_cr);
    CHECK_STR(out.string_to_sign.p, want_sts);
    CHECK_STR(out.signature, want_sig);
    if (want_req && !presign) {
        char v[1024];
        signed_header(want_req, "Authorization", v, sizeof(v));
        CHECK_STR(out.authorization.p, v);
        signed_header(want_req, "X-Amz-Date", v, sizeof(v));
        CHECK_STR(out.amz_date, v);
        signed_header(want_req, "X-Amz-Security-Token", v, sizeof(v));
        CHECK_STR(out.security_token, v);
        signed_header(want_req, "x-amz-content-sha256", v, sizeof(v));
        CHECK_STR(out.content_sha256, v);
    } else if (want_req) {
        /* Every parameter of the expected URL is in ours (their order is not canonical). */
        char *line = want_req, *qs = strchr(line, '?'), *end = strstr(line, " HTTP/1.1");
        CHECK(qs && end);
        if (qs && end) {
            *end = '\0';
            for (char *s = qs + 1, *amp; s && *s; s = amp ? amp + 1 : NULL) {
                amp = strchr(s, '&');
                if (amp)
                    *amp = '\0';
                /* The file keeps raw UTF-8 in the URL; we send it percent-encoded. */
                struct buf enc = BUF_INIT(0);
                for (const char *c = s; *c; c++) {
                    int rc2 = (unsigned char)*c >= 0x80
                                  ? buf_addf(&enc, "%%%02X", (unsigned char)*c)
                                  : buf_add(&enc, c, 1);
                    CHECK_INT(rc2, 0);
                }
                CHECK_CONTAINS(out.query.p, enc.p);
                buf_release(&enc);
            }
        }
    }
    free(want_cr);
    free(want_sts);
    free(want_sig);
    free(want_req);
done:
    if (check_failed != failed_before)
        fprintf(stderr, "  in case %s (%s form)\n", dir, form);
    sigv4_signed_release(&out);
    json_decref(ctx);
    free(ctxs);
    free(reqs);
    return check_failed == failed_before;
}

static void run_suite(bool presign)
{
    const char *shared = getenv("SHARED_DIR");
    char root[1024];
    snprintf(root, sizeof(root), "%s/testdata/sigv4/v4", shared ? shared : "../shared");
    DIR *d = opendir(root);
    CHECK(d != NULL);
    if (!d)
        return;
    int n = 0, ok = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char dir[1400];
        snprintf(dir, sizeof(dir), "%s/%s", root, de->d_name);
        n++;
        ok += run_case(dir, presign);
    }
    closedir(d);
    printf("%d of %d %s-form cases agree\n", ok, n, presign ? "query" : "header");
    CHECK_INT(n, SUITE_CASES);
}

TEST(suite_header_form)
{
    run_suite(false);
}

TEST(suite_query_form)
{
    run_suite(true);
}

static const struct sigv4_credentials suite_cred = {
    "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "FQoGZXIvYXdzEXAMPLETOKEN"};

static int sign_lambda(bool sign_body, struct sigv4_key_cache *cache, time_t when,
                       struct sigv4_signed *out)
{
    static const char body[] = "{\"prompt\":\"hello\"}";
    const struct aws_header h[] = {
        {"Content-Type", "application/json"},
        {"Host", "abcdefghij1234567890klmnop.lambda-url.us-east-1.on.aws"},
        {"User-Agent", "never signed"},
    };
    struct sigv4_request req = {"POST",        "/v1/infer", NULL,         h,
                                ARRAY_SIZE(h), body,        strlen(body), NULL};
    struct sigv4_params p = {.region = "us-east-1",
                             .service = "lambda",
                             .when = when,
                             .normalize_path = true,
                             .sign_body = sign_body,
                             .cache = cache};
    return sigv4_sign(&req, &suite_cred, &p, out, NULL);
}

/* The Function URL vector of the suite's README, which botocore and smithy agree on. */
TEST(lambda_function_url_vector)
{
    struct sigv4_signed out;
    sigv4_signed_init(&out);
    CHECK_INT(sign_lambda(false, NULL, 1440938160, &out), 0);
    CHECK_STR(out.signature, "6d5732e9b842d9827365dc8ac0c467e2941b4481cf53181a859316eee587c9c4");
    CHECK_CONTAINS(out.authorization.p,
                   "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token,");
    sigv4_signed_release(&out);

    sigv4_signed_init(&out);
    CHECK_INT(sign_lambda(true, NULL, 1440938160, &out), 0);
    CHECK_STR(out.content_sha256,
              "8a44725210b9dcd4fefd9f0eca07b70ae45e69274a3105fb25eb426a2cf8bbf4");
    CHECK_STR(out.signature, "be77360af5a162436a11d9def9a08b0f12788467ba22b01afbb41eabfca86f4a");
    sigv4_signed_release(&out);
}

/* A cached key gives the same signature, and a new day derives a new key. */
TEST(key_cache)
{
    struct sigv4_key_cache cache = SIGV4_KEY_CACHE_INIT;
    struct sigv4_signed a, b, c;
    sigv4_signed_init(&a);
    sigv4_signed_init(&b);
    sigv4_signed_init(&c);
    CHECK_INT(sign_lambda(false, &cache, 1440938160, &a), 0);
    CHECK_INT(sign_lambda(false, &cache, 1440938160, &b), 0);
    CHECK_STR(b.signature, a.signature);
    CHECK_STR(a.signature, "6d5732e9b842d9827365dc8ac0c467e2941b4481cf53181a859316eee587c9c4");
    CHECK_INT(sign_lambda(false, &cache, 1440938160 + 86400, &c), 0);
    CHECK_STR(cache.day, "20150831");
    struct sigv4_signed fresh;
    sigv4_signed_init(&fresh);
    CHECK_INT(sign_lambda(false, NULL, 1440938160 + 86400, &fresh), 0);
    CHECK_STR(c.signature, fresh.signature);
    sigv4_signed_release(&a);
    sigv4_signed_release(&b);
    sigv4_signed_release(&c);
    sigv4_signed_release(&fresh);
}

TEST(refusals)
{
    const struct aws_header h[] = {{"X-Other", "1"}};
    struct sigv4_request req = {"GET", "/", NULL, h, 1, NULL, 0, NULL};
    struct sigv4_params p = {.region = "us-east-1", .service = "lambda", .when = 1440938160};
    struct sigv4_signed out;
    struct err e = ERR_INIT;
    sigv4_signed_init(&out);
    CHECK_INT(sigv4_sign(&req, &suite_cred, &p, &out, &e), -1);
    CHECK_INT(e.code, ERR_INVALID_PARAMS);
    CHECK_CONTAINS(e.msg, "Host");
    const struct sigv4_credentials none = {"", "", NULL};
    CHECK_INT(sigv4_sign(&req, &none, &p, &out, &e), -1);
    CHECK_CONTAINS(e.msg, "credentials");
    p.region = "us-east-1/evil";
    CHECK_INT(sigv4_sign(&req, &suite_cred, &p, &out, &e), -1);
    CHECK_CONTAINS(e.msg, "region");
    sigv4_signed_release(&out);
}

/* A malformed escape stays literal and is itself encoded; a valid one is decoded first. */
TEST(query_recoding)
{
    const struct aws_header h[] = {{"Host", "h"}};
    struct sigv4_request req = {"GET", "/a%20b", "b=%zz&a=%41%2f&c", h, 1, NULL, 0, NULL};
    struct sigv4_params p = {.region = "r", .service = "s", .when = 0, .normalize_path = true};
    struct sigv4_signed out;
    sigv4_signed_init(&out);
    CHECK_INT(sigv4_sign(&req, &suite_cred, &p, &out, NULL), 0);
    CHECK_CONTAINS(out.canonical_request.p, "GET\n/a%2520b\na=A%2F&b=%25zz&c=\nhost:h\n");
    sigv4_signed_release(&out);
}

CHECK_MAIN
