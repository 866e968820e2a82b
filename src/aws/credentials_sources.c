#include "aws/credentials_sources.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "alloc.h"
#include "awscli/runner.h"
#include "clock.h"
#include "log.h"
#include "banned.h"

#define PROCESS_TIMEOUT_MS   (120 * 1000) /* an SSO or MFA prompt-free refresh is seconds */
#define PROCESS_MAX_STDOUT   (64 * 1024)
#define PROCESS_MAX_ARGS     64
#define CONTAINER_TIMEOUT_MS 2000 /* botocore ContainerMetadataFetcher */
#define CONTAINER_ATTEMPTS   3
#define IMDS_TIMEOUT_MS      1000 /* botocore DEFAULT_METADATA_SERVICE_TIMEOUT */
#define IMDS_TOKEN_TTL       "21600"

extern char **environ;

/* ---- JSON shapes ---- */

static char *dup_str(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s && *s ? xstrdup(s) : NULL;
}

/* Fills out from a JSON object with the given field names. */
static int from_json(json_t *j, const char *id, const char *secret, const char *token,
                     const char *source, struct aws_credentials *out, struct err *e)
{
    memset(out, 0, sizeof(*out));
    out->source = source;
    out->access_key_id = dup_str(j, id);
    out->secret_access_key = dup_str(j, secret);
    out->session_token = dup_str(j, token);
    if (!out->access_key_id || !out->secret_access_key) {
        aws_credentials_release(out);
        return err_set(e, ERR_INTERNAL, "%s: the reply lacks %s or %s", source, id, secret);
    }
    json_t *exp = json_object_get(j, "Expiration");
    if (exp && !json_is_null(exp)) {
        const char *s = json_string_value(exp);
        out->expiration = s ? aws_parse_iso8601(s) : -1;
        if (out->expiration <= 0) {
            aws_credentials_release(out);
            return err_set(e, ERR_INTERNAL, "%s: Expiration is not an ISO 8601 time", source);
        }
    }
    return 0;
}

/* ---- processes ---- */

/* POSIX-style word splitting without expansion: quotes and backslashes, as shlex does. */
static int split_words(const char *s, char **words, size_t max, size_t *n, struct buf *store)
{
    size_t count = 0;
    buf_reset(store);
    size_t starts[PROCESS_MAX_ARGS];
    while (*s) {
        while (*s == ' ' || *s == '\t' || *s == '\n')
            s++;
        if (!*s)
            break;
        if (count == max)
            return -1;
        starts[count++] = store->len;
        char q = 0;
        for (; *s; s++) {
            if (!q && (*s == ' ' || *s == '\t' || *s == '\n'))
                break;
            if (!q && (*s == '\'' || *s == '"')) {
                q = *s;
                continue;
            }
            if (q && *s == q) {
                q = 0;
                continue;
            }
            if (*s == '\\' && q != '\'' && s[1]) {
                s++;
            }
            if (buf_add(store, s, 1) < 0)
                return -1;
        }
        if (q)
            return -1;
        if (buf_add(store, "", 1) < 0)
            return -1;
    }
    for (size_t i = 0; i < count; i++)
        words[i] = store->p + starts[i];
    words[count] = NULL;
    *n = count;
    return 0;
}

static int run_json_process(const char *const *argv, const char *what, struct aws_credentials *out,
                            struct err *e)
{
    struct runner_opts o = {.argv = argv,
                            .env = (const char *const *)environ,
                            .deadline_ms = clock_mono_ms() + PROCESS_TIMEOUT_MS,
                            .term_grace_ms = 500,
                            .max_stdout = PROCESS_MAX_STDOUT,
                            .max_stderr = 4096};
    struct runner_result r;
    json_t *j = NULL;
    int rc = -1;
    if (runner_run(&o, &r, e) < 0) {
        char inner[sizeof(e->msg)];
        snprintf(inner, sizeof(inner), "%s", e ? e->msg : "");
        runner_result_release(&r);
        return err_set(e, ERR_INTERNAL, "%s: %s", what, inner);
    }
    if (r.timed_out) {
        err_set(e, ERR_INTERNAL, "%s: no answer within %d s", what, PROCESS_TIMEOUT_MS / 1000);
        goto out;
    }
    if (r.exit_code != 0) {
        size_t l = r.err.len;
        while (l && (r.err.p[l - 1] == '\n' || r.err.p[l - 1] == '\r'))
            l--;
        err_set(e, ERR_INTERNAL, "%s exited with status %d: %.*s", what, r.exit_code, (int)l,
                r.err.p);
        goto out;
    }
    json_error_t je;
    j = json_loadb(r.out.p, r.out.len, 0, &je);
    if (!json_is_object(j)) {
        err_set(e, ERR_INTERNAL, "%s printed no JSON object (%s)", what,
                j ? "not an object" : je.text);
        goto out;
    }
    if (json_integer_value(json_object_get(j, "Version")) != 1) {
        err_set(e, ERR_INTERNAL, "%s: unsupported Version (expected 1)", what);
        goto out;
    }
    rc = from_json(j, "AccessKeyId", "SecretAccessKey", "SessionToken", what, out, e);
out:
    json_decref(j);
    runner_result_release(&r);
    return rc;
}

int creds_from_process(const char *cmdline, const char *what, struct aws_credentials *out,
                       struct err *e)
{
    char *argv[PROCESS_MAX_ARGS + 1];
    size_t n = 0;
    struct buf store = BUF_INIT(16 * 1024);
    int rc;
    if (split_words(cmdline, argv, PROCESS_MAX_ARGS, &n, &store) < 0 || n == 0)
        rc =
            err_set(e, ERR_INVALID_PARAMS, "%s: cannot split the command line '%s'", what, cmdline);
    else
        rc = run_json_process((const char *const *)argv, what, out, e);
    buf_release(&store);
    return rc;
}

int creds_from_cli(const char *aws_cli, const char *profile, struct aws_credentials *out,
                   struct err *e)
{
    const char *argv[] = {aws_cli ? aws_cli : "aws",
                          "configure",
                          "export-credentials",
                          "--format",
                          "process",
                          profile ? "--profile" : NULL,
                          profile,
                          NULL};
    return run_json_process(argv, "aws configure export-credentials", out, e);
}

/* ---- container credentials (ECS, EKS Pod Identity, App Runner) ---- */

static bool container_host_allowed(const struct aws_url *u)
{
    static const char *const hosts[] = {"169.254.170.2", "169.254.170.23", "fd00:ec2::23",
                                        "localhost"};
    if (strcmp(u->scheme, "https") == 0 || aws_url_is_loopback(u))
        return true;
    for (size_t i = 0; i < ARRAY_SIZE(hosts); i++)
        if (strcmp(u->host, hosts[i]) == 0)
            return true;
    return false;
}

/* The authorization token: the file wins over the variable; trailing line breaks dropped. */
static int container_token(struct buf *tok, struct err *e)
{
    const char *file = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    const char *val = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");
    if (file && *file) {
        FILE *f = fopen(file, "rb");
        if (!f)
            return err_set(
                e, ERR_INVALID_PARAMS,
                "container credentials: cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE '%s'",
                file);
        char chunk[4096];
        size_t n;
        while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
            if (buf_add(tok, chunk, n) < 0)
                break;
        fclose(f);
    } else if (val && buf_adds(tok, val) < 0) {
        return err_set(e, ERR_INTERNAL, "out of memory");
    }
    while (tok->len && (tok->p[tok->len - 1] == '\n' || tok->p[tok->len - 1] == '\r'))
        tok->p[--tok->len] = '\0';
    if (strpbrk(tok->p, "\r\n"))
        return err_set(e, ERR_INVALID_PARAMS,
                       "container credentials: the authorization token holds a line break");
    return 0;
}

int creds_from_container(struct aws_http_client *h, struct aws_credentials *out, char *why,
                         size_t whylen, struct err *e)
{
    const char *rel = getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    const char *full = getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    char url[2048];
    struct buf tok = BUF_INIT(16 * 1024);
    struct aws_http_response resp;
    int rc = -1;
    aws_http_response_init(&resp);
    if (rel && *rel) {
        snprintf(url, sizeof(url), "http://169.254.170.2%s", rel);
    } else if (full && *full) {
        struct aws_url u;
        if (aws_url_parse(full, &u, e) < 0)
            goto out;
        if (!container_host_allowed(&u)) {
            err_set(e, ERR_INVALID_PARAMS,
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI: host '%s' is not allowed over http "
                    "(https, a loopback address, 169.254.170.2, 169.254.170.23, fd00:ec2::23 or "
                    "localhost)",
                    u.host);
            goto out;
        }
        snprintf(url, sizeof(url), "%s", full);
        if (container_token(&tok, e) < 0)
            goto out;
    } else {
        snprintf(why, whylen, "container (no AWS_CONTAINER_CREDENTIALS_*_URI)");
        buf_release(&tok);
        return 1;
    }
    struct aws_header hdr[2] = {{"Accept", "application/json"}, {"Authorization", tok.p}};
    for (int attempt = 1;; attempt++) {
        struct aws_http_request r = {.method = "GET",
                                     .url = url,
                                     .headers = hdr,
                                     .n_headers = tok.len ? 2 : 1,
                                     .deadline_ms = clock_mono_ms() + CONTAINER_TIMEOUT_MS,
                                     .max_response = 64 * 1024,
                                     .allow_http = true};
        aws_http_response_release(&resp);
        aws_http_response_init(&resp);
        struct err e2 = ERR_INIT;
        if (aws_http_send(h, &r, &resp, &e2) == 0 && resp.status == 200)
            break;
        if (attempt == CONTAINER_ATTEMPTS) {
            if (resp.status)
                err_set(e, ERR_INTERNAL, "container credentials: %s answered %ld: %.200s", url,
                        resp.status, resp.body.p);
            else
                err_set(e, ERR_INTERNAL, "container credentials: %s", e2.msg);
            goto out;
        }
        sleep(1);
    }
    json_error_t je;
    json_t *j = json_loadb(resp.body.p, resp.body.len, 0, &je);
    if (!json_is_object(j))
        err_set(e, ERR_INTERNAL, "container credentials: %s did not answer a JSON object", url);
    else
        rc = from_json(j, "AccessKeyId", "SecretAccessKey", "Token", "container", out, e);
    json_decref(j);
out:
    buf_release(&tok);
    aws_http_response_release(&resp);
    return rc;
}

/* ---- EC2 instance metadata ---- */

static long env_long(const char *name, long dflt, long lo, long hi)
{
    const char *s = getenv(name);
    if (!s || !*s)
        return dflt;
    char *end;
    long v = strtol(s, &end, 10);
    return *end || v < lo || v > hi ? dflt : v;
}

static int imds_call(struct aws_http_client *h, const char *method, const char *url,
                     const struct aws_header *hdr, size_t nh, long attempts, long timeout_ms,
                     struct aws_http_response *resp, struct err *e)
{
    int rc = -1;
    for (long a = 0; a < attempts; a++) {
        struct aws_http_request r = {.method = method,
                                     .url = url,
                                     .headers = hdr,
                                     .n_headers = nh,
                                     .body = strcmp(method, "PUT") == 0 ? "" : NULL,
                                     .deadline_ms = clock_mono_ms() + timeout_ms,
                                     .max_response = 64 * 1024,
                                     .allow_http = true};
        aws_http_response_release(resp);
        aws_http_response_init(resp);
        rc = aws_http_send(h, &r, resp, e);
        if (rc == 0 && resp->status < 500)
            return 0;
    }
    return rc < 0 ? -1 : 0;
}

int creds_from_imds(struct aws_http_client *h, struct aws_credentials *out, char *why,
                    size_t whylen, struct err *e)
{
    const char *off = getenv("AWS_EC2_METADATA_DISABLED");
    if (off && strcasecmp(off, "true") == 0) {
        snprintf(why, whylen, "instance metadata (AWS_EC2_METADATA_DISABLED=true)");
        return 1;
    }
    const char *ep = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
    const char *mode = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
    if (!ep || !*ep)
        ep = mode && strcasecmp(mode, "IPv6") == 0 ? "http://[fd00:ec2::254]"
                                                   : "http://169.254.169.254";
    long timeout_ms = env_long("AWS_METADATA_SERVICE_TIMEOUT", 1, 1, 60) * 1000;
    long attempts = env_long("AWS_METADATA_SERVICE_NUM_ATTEMPTS", 1, 1, 10);
    size_t el = strlen(ep);
    while (el && ep[el - 1] == '/')
        el--;
    char url[2048], role[256];
    struct aws_http_response resp;
    struct err e2 = ERR_INIT;
    int rc = 1;
    aws_http_response_init(&resp);

    /* IMDSv2: a session token first. 404/405 mean an IMDSv1-only service. */
    snprintf(url, sizeof(url), "%.*s/latest/api/token", (int)el, ep);
    struct aws_header th = {"X-aws-ec2-metadata-token-ttl-seconds", IMDS_TOKEN_TTL};
    if (imds_call(h, "PUT", url, &th, 1, attempts, timeout_ms, &resp, &e2) < 0) {
        snprintf(why, whylen, "instance metadata (%s)", e2.msg);
        goto out;
    }
    char token[1024] = "";
    if (resp.status == 200) {
        snprintf(token, sizeof(token), "%s", resp.body.p);
    } else if (resp.status != 404 && resp.status != 405) {
        snprintf(why, whylen, "instance metadata (token request answered %ld)", resp.status);
        goto out;
    }
    struct aws_header gh = {"X-aws-ec2-metadata-token", token};
    size_t ngh = *token ? 1 : 0;
    snprintf(url, sizeof(url), "%.*s/latest/meta-data/iam/security-credentials/", (int)el, ep);
    if (imds_call(h, "GET", url, &gh, ngh, attempts, timeout_ms, &resp, &e2) < 0 ||
        resp.status != 200 || resp.body.len == 0) {
        snprintf(why, whylen, "instance metadata (no role: %s)",
                 e2.msg[0] ? e2.msg : "no instance profile");
        goto out;
    }
    snprintf(role, sizeof(role), "%.*s", (int)strcspn(resp.body.p, "\r\n"), resp.body.p);
    snprintf(url, sizeof(url), "%.*s/latest/meta-data/iam/security-credentials/%s", (int)el, ep,
             role);
    if (imds_call(h, "GET", url, &gh, ngh, attempts, timeout_ms, &resp, &e2) < 0 ||
        resp.status != 200) {
        rc = err_set(e, ERR_INTERNAL, "instance metadata: credentials of role '%s': %s", role,
                     e2.msg[0] ? e2.msg : "not 200");
        goto out;
    }
    json_error_t je;
    json_t *j = json_loadb(resp.body.p, resp.body.len, 0, &je);
    const char *code = json_string_value(json_object_get(j, "Code"));
    if (!json_is_object(j) || (code && strcmp(code, "Success") != 0))
        rc = err_set(e, ERR_INTERNAL, "instance metadata: role '%s' gave no credentials (%s)", role,
                     code ? code : "not JSON");
    else
        rc = from_json(j, "AccessKeyId", "SecretAccessKey", "Token", "imds", out, e);
    json_decref(j);
out:
    aws_http_response_release(&resp);
    return rc;
}
