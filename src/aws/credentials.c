#include "aws/credentials.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "aws/credentials_sources.h"
#include "aws/ini.h"
#include "log.h"
#include "banned.h"

#define CONFIG_FILE_MAX (1024 * 1024) /* larger shared config files are refused */

struct aws_credentials_provider {
    pthread_mutex_t lock;
    pthread_cond_t done; /* a refresh finished */
    bool refreshing, have;
    struct aws_credentials cur;
    unsigned resolves;
    struct err last_err; /* of the last refresh, for the callers that waited for it */
    char *profile;       /* explicit profile, or NULL */
    char *aws_cli;
    struct aws_http_client *http, *own_http;
    time_t (*now)(void *arg);
    void *now_arg;
};

void aws_credentials_release(struct aws_credentials *c)
{
    if (c->secret_access_key)
        memset(c->secret_access_key, 0, strlen(c->secret_access_key));
    free(c->access_key_id);
    free(c->secret_access_key);
    free(c->session_token);
    memset(c, 0, sizeof(*c));
}

struct sigv4_credentials aws_credentials_view(const struct aws_credentials *c)
{
    return (struct sigv4_credentials){c->access_key_id, c->secret_access_key, c->session_token};
}

static int copy_creds(const struct aws_credentials *in, struct aws_credentials *out)
{
    memset(out, 0, sizeof(*out));
    out->access_key_id = xstrdup(in->access_key_id);
    out->secret_access_key = xstrdup(in->secret_access_key);
    out->session_token = in->session_token ? xstrdup(in->session_token) : NULL;
    out->expiration = in->expiration;
    out->source = in->source;
    if (!out->access_key_id || !out->secret_access_key ||
        (in->session_token && !out->session_token)) {
        aws_credentials_release(out);
        return -1;
    }
    return 0;
}

time_t aws_parse_iso8601(const char *s)
{
    int y, mo, d, h, mi, sec, n = 0;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6)
        return -1;
    const char *rest = s + n;
    if (*rest == '.')
        for (rest++; *rest >= '0' && *rest <= '9'; rest++)
            ;
    if (strcmp(rest, "Z") != 0 && strcmp(rest, "+00:00") != 0 && strcmp(rest, "UTC") != 0)
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return -1;
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = mo - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_sec = sec};
    return timegm(&tm);
}

int aws_credentials_provider_new(const struct aws_credentials_options *o,
                                 struct aws_credentials_provider **out, struct err *e)
{
    struct aws_credentials_provider *p = xcalloc(1, sizeof(*p));
    *out = NULL;
    if (!p)
        return err_set(e, ERR_INTERNAL, "out of memory");
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->done, NULL);
    p->profile = o && o->profile && *o->profile ? xstrdup(o->profile) : NULL;
    p->aws_cli = xstrdup(o && o->aws_cli ? o->aws_cli : "aws");
    p->http = o ? o->http : NULL;
    p->now = o ? o->now : NULL;
    p->now_arg = o ? o->now_arg : NULL;
    if (!p->aws_cli || (o && o->profile && *o->profile && !p->profile)) {
        aws_credentials_provider_free(p);
        return err_set(e, ERR_INTERNAL, "out of memory");
    }
    *out = p;
    return 0;
}

void aws_credentials_provider_free(struct aws_credentials_provider *p)
{
    if (!p)
        return;
    aws_credentials_release(&p->cur);
    aws_http_client_free(p->own_http);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->done);
    free(p->profile);
    free(p->aws_cli);
    free(p);
}

unsigned aws_credentials_resolve_count(struct aws_credentials_provider *p)
{
    pthread_mutex_lock(&p->lock);
    unsigned n = p->resolves;
    pthread_mutex_unlock(&p->lock);
    return n;
}

static time_t now(struct aws_credentials_provider *p)
{
    return p->now ? p->now(p->now_arg) : time(NULL);
}

/* ---- the sources that need no network ---- */

static int from_env(struct aws_credentials *out, struct err *e)
{
    const char *id = getenv("AWS_ACCESS_KEY_ID"), *secret = getenv("AWS_SECRET_ACCESS_KEY");
    const char *token = getenv("AWS_SESSION_TOKEN");
    const char *exp = getenv("AWS_CREDENTIAL_EXPIRATION");
    bool has_id = id && *id, has_secret = secret && *secret;
    if (!token || !*token)
        token = getenv("AWS_SECURITY_TOKEN");
    if (!has_id && !has_secret)
        return 1;
    if (!has_id || !has_secret)
        return err_set(e, ERR_INVALID_PARAMS, "environment: %s is set but %s is not",
                       has_id ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
                       has_id ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
    memset(out, 0, sizeof(*out));
    out->source = "environment";
    out->access_key_id = xstrdup(id);
    out->secret_access_key = xstrdup(secret);
    out->session_token = token && *token ? xstrdup(token) : NULL;
    if (exp && *exp && (out->expiration = aws_parse_iso8601(exp)) <= 0) {
        aws_credentials_release(out);
        return err_set(e, ERR_INVALID_PARAMS,
                       "environment: AWS_CREDENTIAL_EXPIRATION '%s' is not an ISO 8601 time", exp);
    }
    if (!out->access_key_id || !out->secret_access_key) {
        aws_credentials_release(out);
        return err_set(e, ERR_INTERNAL, "out of memory");
    }
    return 0;
}

/* Reads a shared file: NULL text when it does not exist; -1 when it cannot be read. */
static int read_shared(const char *env, const char *dflt, struct buf *text, char *path, size_t plen,
                       struct err *e)
{
    const char *v = getenv(env);
    const char *home = getenv("HOME");
    if (v && *v) {
        if (v[0] == '~' && v[1] == '/' && home)
            snprintf(path, plen, "%s%s", home, v + 1);
        else
            snprintf(path, plen, "%s", v);
    } else if (home) {
        snprintf(path, plen, "%s/%s", home, dflt);
    } else {
        return 0;
    }
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    char chunk[8192];
    size_t n;
    int rc = 0;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (buf_add(text, chunk, n) < 0) {
            rc =
                err_set(e, ERR_INVALID_PARAMS, "%s is larger than %d bytes", path, CONFIG_FILE_MAX);
            break;
        }
    }
    fclose(f);
    return rc;
}

static char *ini_dup(bool found, struct buf *b)
{
    return found && b->len ? xstrdup(b->p) : NULL;
}

/* Static keys from a section (credentials file: [P]; config file: [profile P]). */
static int static_keys(bool config, const struct buf *text, const char *profile, const char *source,
                       struct aws_credentials *out)
{
    struct buf v = BUF_INIT(0);
    bool (*get)(const char *, size_t, const char *, const char *, struct buf *) =
        config ? aws_ini_profile_get : aws_ini_get;
    memset(out, 0, sizeof(*out));
    out->access_key_id = ini_dup(get(text->p, text->len, profile, "aws_access_key_id", &v), &v);
    out->secret_access_key =
        ini_dup(get(text->p, text->len, profile, "aws_secret_access_key", &v), &v);
    out->session_token = ini_dup(get(text->p, text->len, profile, "aws_session_token", &v), &v);
    if (!out->session_token)
        out->session_token =
            ini_dup(get(text->p, text->len, profile, "aws_security_token", &v), &v);
    buf_release(&v);
    out->source = source;
    if (out->access_key_id && out->secret_access_key)
        return 0;
    aws_credentials_release(out);
    return 1;
}

/* The profile sources, in botocore's order. 0 found, 1 nothing, -1 error. */
static int from_profile(struct aws_credentials_provider *p, const char *profile, bool explicit,
                        struct aws_credentials *out, char *why, size_t whylen, struct err *e)
{
    struct buf creds = BUF_INIT(CONFIG_FILE_MAX), conf = BUF_INIT(CONFIG_FILE_MAX);
    struct buf v = BUF_INIT(0);
    char cpath[1024] = "", fpath[1024] = "";
    int rc = -1;
    if (read_shared("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials", &creds, cpath, sizeof(cpath),
                    e) < 0 ||
        read_shared("AWS_CONFIG_FILE", ".aws/config", &conf, fpath, sizeof(fpath), e) < 0)
        goto out;
    bool in_creds = aws_ini_has_section(creds.p, creds.len, profile);
    bool in_conf = aws_ini_has_profile(conf.p, conf.len, profile);
    if (!in_creds && !in_conf) {
        if (explicit) {
            err_set(e, ERR_INVALID_PARAMS, "the config profile (%s) could not be found in %s or %s",
                    profile, fpath[0] ? fpath : "~/.aws/config",
                    cpath[0] ? cpath : "~/.aws/credentials");
            goto out;
        }
        snprintf(why, whylen, "profile %s (not in the shared files)", profile);
        rc = 1;
        goto out;
    }
    /* Kinds the CLI resolves with a service call: hand them to the CLI itself. */
    static const char *const delegated[] = {"role_arn", "web_identity_token_file", "sso_session",
                                            "sso_start_url", "login_session"};
    for (size_t i = 0; i < ARRAY_SIZE(delegated); i++) {
        if (aws_ini_profile_get(conf.p, conf.len, profile, delegated[i], &v) && v.len) {
            rc = creds_from_cli(p->aws_cli, profile, out, e);
            goto out;
        }
    }
    if ((rc = static_keys(false, &creds, profile, "profile", out)) != 1)
        goto out;
    if (aws_ini_profile_get(conf.p, conf.len, profile, "credential_process", &v) && v.len) {
        rc = creds_from_process(v.p, "credential_process", out, e);
        goto out;
    }
    if ((rc = static_keys(true, &conf, profile, "profile", out)) != 1)
        goto out;
    snprintf(why, whylen, "profile %s (no keys, credential_process or role)", profile);
    rc = 1;
out:
    buf_release(&creds);
    buf_release(&conf);
    buf_release(&v);
    return rc;
}

static struct aws_http_client *http_client(struct aws_credentials_provider *p, struct err *e)
{
    if (p->http)
        return p->http;
    if (!p->own_http) {
        struct aws_http_options o = {.connect_timeout_ms = 1000};
        if (aws_http_client_new(&o, &p->own_http, e) < 0)
            return NULL;
    }
    return p->own_http;
}

/* The whole chain, once. Called without the lock held. */
static int resolve(struct aws_credentials_provider *p, struct aws_credentials *out, struct err *e)
{
    char why[4][256] = {"", "", "", ""};
    const char *envp = getenv("AWS_PROFILE");
    bool explicit = p->profile || (envp && *envp);
    const char *profile = p->profile ? p->profile : explicit ? envp : "default";
    int rc;

    if (!p->profile) {
        if ((rc = from_env(out, e)) != 1)
            return rc;
        snprintf(why[0], sizeof(why[0]), "environment (no AWS_ACCESS_KEY_ID)");
        const char *role = getenv("AWS_ROLE_ARN"), *tok = getenv("AWS_WEB_IDENTITY_TOKEN_FILE");
        if (role && *role && tok && *tok)
            return creds_from_cli(p->aws_cli, explicit ? profile : NULL, out, e);
    }
    if ((rc = from_profile(p, profile, explicit, out, why[1], sizeof(why[1]), e)) != 1)
        return rc;
    struct aws_http_client *h = http_client(p, e);
    if (!h)
        return -1;
    if ((rc = creds_from_container(h, out, why[2], sizeof(why[2]), e)) != 1)
        return rc;
    if ((rc = creds_from_imds(h, out, why[3], sizeof(why[3]), e)) != 1)
        return rc;
    return err_set(e, ERR_INVALID_PARAMS, "no AWS credentials found; tried %s%s%s; %s; %s", why[0],
                   why[0][0] ? "; " : "", why[1], why[2], why[3]);
}

static void describe_expiry(time_t t, char *out, size_t n)
{
    struct tm tm;
    if (gmtime_r(&t, &tm))
        strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
    else
        snprintf(out, n, "%lld", (long long)t);
}

int aws_credentials_get(struct aws_credentials_provider *p, struct aws_credentials *out,
                        struct err *e)
{
    int rc = -1;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        time_t t = now(p);
        long long left = p->have && p->cur.expiration ? (long long)(p->cur.expiration - t) : 0;
        if (p->have && (!p->cur.expiration || left > AWS_CREDS_ADVISORY_S))
            goto copy;
        if (p->refreshing) {
            /* Advisory window: someone is refreshing; go on with what we have. */
            if (p->have && left > AWS_CREDS_MANDATORY_S)
                goto copy;
            unsigned gen = p->resolves;
            while (p->refreshing && p->resolves == gen)
                pthread_cond_wait(&p->done, &p->lock);
            /* The refresh we waited for failed: its error is ours too (no second attempt). */
            if (p->last_err.code &&
                !(p->have && p->cur.expiration - now(p) > AWS_CREDS_MANDATORY_S)) {
                if (e)
                    *e = p->last_err;
                goto out;
            }
            continue;
        }
        break;
    }

    /* This caller refreshes; the others wait (mandatory) or use the current set (advisory). */
    p->refreshing = true;
    p->resolves++;
    pthread_mutex_unlock(&p->lock);
    struct aws_credentials fresh = {0};
    struct err re = ERR_INIT;
    int r = resolve(p, &fresh, &re);
    pthread_mutex_lock(&p->lock);
    time_t t = now(p);
    if (r == 0 && fresh.expiration && fresh.expiration - t <= AWS_CREDS_MANDATORY_S) {
        char when[32];
        describe_expiry(fresh.expiration, when, sizeof(when));
        err_set(&re, ERR_INVALID_PARAMS,
                "the credentials from %s are expired or about to expire (at %s); refresh them "
                "(aws sso login, a new session, ...)",
                fresh.source, when);
        aws_credentials_release(&fresh);
        r = -1;
    }
    p->refreshing = false;
    p->last_err = r == 0 ? (struct err)ERR_INIT : re;
    pthread_cond_broadcast(&p->done);
    if (r == 0) {
        aws_credentials_release(&p->cur);
        p->cur = fresh;
        p->have = true;
        goto copy;
    }
    long long left = p->have && p->cur.expiration ? (long long)(p->cur.expiration - t) : 0;
    if (p->have && left > AWS_CREDS_MANDATORY_S) {
        log_msg(LOG_WARN, "credential refresh failed, the current ones stay valid %lld s: %s", left,
                re.msg);
        goto copy;
    }
    if (e)
        *e = re;
    goto out;
copy:
    if (copy_creds(&p->cur, out) < 0)
        err_set(e, ERR_INTERNAL, "out of memory");
    else
        rc = 0;
out:
    pthread_mutex_unlock(&p->lock);
    return rc;
}
