#include "awscli/policy.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alloc.h"
#include "awscli/policy_ops.h"
#include "buf.h"
#include "alloc.h"
#include "banned.h"

/* How much of an offending word a message quotes; err.msg has 256 bytes in all. */
#define QUOTE_MAX  48
#define NAME_QUOTE 32

struct pattern {
    char *svc; /* glob */
    char *op;  /* glob */
};

struct policy {
    struct pattern *allow, *deny;
    size_t nallow, ndeny;
    char *summary;
};

/*
 * The global options of AWS CLI 2.9.19 (awscli/data/cli.json plus --version). The CLI parses
 * them with Python argparse over the whole command line, before the service sees any word, so
 * they are recognised anywhere in the command and under any unambiguous prefix. `refused`
 * says why an option is never allowed (NULL: allowed).
 */
struct global_opt {
    const char *name;
    bool takes_value;
    const char *refused;
};

static const struct global_opt globals[] = {
    {"--debug", false, "it logs request signing details and credential sources"},
    {"--endpoint-url", true,
     "it would send requests signed with the server's credentials to another host"},
    {"--no-verify-ssl", false, "it turns off TLS certificate checks"},
    {"--no-paginate", false, NULL},
    {"--output", true, NULL},
    {"--query", true, NULL},
    {"--profile", true, "the server chooses the credentials"},
    {"--region", true, NULL},
    {"--version", false, NULL},
    {"--color", true, NULL},
    {"--no-sign-request", false, "requests are always signed with the server's credentials"},
    {"--ca-bundle", true, "it would make the CLI read a local file and trust other certificates"},
    {"--cli-read-timeout", true, NULL},
    {"--cli-connect-timeout", true, NULL},
    {"--cli-binary-format", true, NULL},
    {"--no-cli-pager", false, NULL},
    {"--cli-auto-prompt", false, "it is interactive"},
    {"--no-cli-auto-prompt", false, NULL},
};

/*
 * Options of the operation parser that are never allowed. The operation parser is argparse
 * too, so prefixes count here as well (--cli-input-j is --cli-input-json).
 */
static const struct {
    const char *name;
    const char *reason;
} refused_opts[] = {
    {"--cli-input-json",
     "it loads parameters from a file or URL: give each parameter as an option"},
    {"--cli-input-yaml",
     "it loads parameters from a file or URL: give each parameter as an option"},
    {"--unmask", "it reveals log data that CloudWatch Logs data protection masks"},
    /* The CLI's first-pass parser (FirstPassGlobalArgParser) keeps argparse's -h/--help. */
    {"--help", "help pages are not served here; the tool description lists what is allowed"},
};

/* Value prefixes that make the CLI read a local file (paramfile) or fetch a URL. */
static const char *const loading_schemes[] = {"file://", "fileb://", "http://", "https://"};

/*
 * The read-only default of the design ("The tool"). An IAM role for the Lambda deployment
 * should grant no more than this.
 */
static const struct {
    const char *svc, *op;
} default_allow[] = {
    {"logs", "describe-*"},
    {"logs", "list-*"},
    {"logs", "get-*"},
    {"logs", "filter-log-events"},
    {"logs", "start-query"},
    {"logs", "stop-query"},
    {"logs", "test-metric-filter"},
    {"logs", "tail"}, /* without --follow: see follow_refusal */
    {"cloudwatch", "describe-*"},
    {"cloudwatch", "list-*"},
    {"cloudwatch", "get-*"},
    {"cloudwatch", "filter-log-events"},
    {"cloudwatch", "start-query"},
    {"cloudwatch", "stop-query"},
    {"cloudwatch", "test-metric-filter"},
    {"sts", "get-caller-identity"},
};

#define DEFAULT_SUMMARY                                                                            \
    "logs and cloudwatch operations describe-*, list-*, get-*, filter-log-events, "                \
    "start-query, stop-query, test-metric-filter, tail (without --follow); sts "                   \
    "get-caller-identity"

/* The same, shorter, for refusals (err.msg holds 255 bytes). */
#define DEFAULT_SHORT                                                                              \
    "logs/cloudwatch describe-* list-* get-* filter-log-events start-query stop-query "            \
    "test-metric-filter, logs tail, sts get-caller-identity"

/* Shell-style glob with * (any run, also empty) and ? (one byte); nothing else is special. */
static bool glob_match(const char *g, const char *s)
{
    const char *star = NULL, *resume = NULL;
    while (*s) {
        if (*g == '*') {
            star = g++;
            resume = s;
        } else if (*g == '?' || *g == *s) {
            g++;
            s++;
        } else if (star) {
            g = star + 1;
            s = ++resume;
        } else {
            return false;
        }
    }
    while (*g == '*')
        g++;
    return *g == '\0';
}

/*
 * The scheme that would make the CLI load the value of word w from a file or URL, or NULL.
 * The CLI's paramfile handler loads a parameter's value only when the whole value starts
 * with file://, fileb:// (or http(s):// where URL parameters are followed), so a value is
 * checked from its start: the word itself, and for an option word the part after its first
 * '=' (the CLI's --opt=value form). Case and leading blanks are ignored, to be stricter than
 * the CLI. A scheme in the middle of a value ("GET https://...") is data and stays allowed:
 * log searches for URLs are common.
 */
static const char *loading_scheme(const char *w)
{
    const char *v[2] = {w, NULL};
    const char *eq = w[0] == '-' ? strchr(w, '=') : NULL;

    if (eq)
        v[1] = eq + 1;
    for (size_t j = 0; j < 2 && v[j]; j++) {
        const char *p = v[j];
        while (*p == ' ' || *p == '\t')
            p++;
        for (size_t k = 0; k < ARRAY_SIZE(loading_schemes); k++)
            if (strncasecmp(p, loading_schemes[k], strlen(loading_schemes[k])) == 0)
                return loading_schemes[k];
    }
    return NULL;
}

/* Python argparse's negative-number pattern: ^-\d+$ or ^-\d*\.\d+$. */
static bool negative_number(const char *w)
{
    const char *p = w + 1, *dot = strchr(p, '.');
    size_t digits = strspn(p, "0123456789");

    if (!dot)
        return digits > 0 && p[digits] == '\0';
    return p + digits == dot && dot[1] && strspn(dot + 1, "0123456789") == strlen(dot + 1);
}

/*
 * True when w starts with a Unicode dash look-alike (U+2010..U+2015, U+2212, U+FE58, U+FE63,
 * U+FF0D): argparse would take such a word as a value, while the one who wrote it most likely
 * meant an option (an editor's "smart" dashes), so what runs would not be what was meant.
 */
static bool unicode_dash(const char *w)
{
    const unsigned char *u = (const unsigned char *)w;

    if (u[0] == 0xE2 && u[1] == 0x80 && u[2] >= 0x90 && u[2] <= 0x95)
        return true;
    if (u[0] == 0xE2 && u[1] == 0x88 && u[2] == 0x92)
        return true;
    return u[0] == 0xEF &&
           ((u[1] == 0xB9 && (u[2] == 0x98 || u[2] == 0xA3)) || (u[1] == 0xBC && u[2] == 0x8D));
}

/* A CLI command or operation name as the CLI's command tables spell them. */
static bool valid_name(const char *s)
{
    if (!*s || *s == '-')
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
            return false;
    return true;
}

/* botocore's validate_region_name (a DNS label), which 2.9.19 applies too; checked here again
 * because the region becomes part of the host name the signed request goes to. */
static bool valid_region(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return false;
    return true;
}

static const struct global_opt *global_exact(const char *name, size_t len)
{
    for (size_t i = 0; i < ARRAY_SIZE(globals); i++)
        if (strlen(globals[i].name) == len && strncmp(globals[i].name, name, len) == 0)
            return &globals[i];
    return NULL;
}

/*
 * What argparse in the CLI's main parser makes of an option word whose name (before any '=')
 * is name[0..len): the exact global option, else the only global option it is a prefix of
 * (Python 3.11 argparse, allow_abbrev=True). *ambiguous is set when several match.
 */
static const struct global_opt *global_resolve(const char *name, size_t len, bool *ambiguous)
{
    const struct global_opt *g = global_exact(name, len), *found = NULL;
    size_t count = 0;
    *ambiguous = false;
    if (g)
        return g;
    for (size_t i = 0; i < ARRAY_SIZE(globals); i++) {
        if (strncmp(globals[i].name, name, len) == 0) {
            found = &globals[i];
            count++;
        }
    }
    if (count > 1) {
        *ambiguous = true;
        return NULL;
    }
    return found;
}

/* True when name[0..len) is `full` or a prefix of it, ignoring ASCII case. */
static bool abbreviates(const char *name, size_t len, const char *full)
{
    return len <= strlen(full) && strncasecmp(name, full, len) == 0;
}

/*
 * logs tail --follow never ends (the deadline would cut it, with nothing useful returned):
 * refused, with every prefix argparse would take for it ("--fol" and longer; "--f" and "--fo"
 * are ambiguous with --format and --filter-pattern, refused anyway).
 */
static int follow_refusal(char *const *words, size_t n, struct err *e)
{
    for (size_t i = 0; i < n; i++) {
        size_t len = strcspn(words[i], "=");
        if (len >= 3 && abbreviates(words[i], len, "--follow"))
            return err_set(e, ERR_INVALID_PARAMS,
                           "'logs tail %.*s' is not allowed: --follow never ends; run logs tail "
                           "GROUP --since 10m again for newer events",
                           QUOTE_MAX, words[i]);
    }
    return 0;
}

/*
 * The checks that apply to every word wherever it stands, because the CLI's argparse
 * parsers see every word: file and URL values, "help", "--", refused options and their
 * abbreviations, ambiguous abbreviations, and the --region value.
 */
static int check_word(char *const *words, size_t n, size_t i, struct err *e)
{
    const char *w = words[i], *scheme;
    size_t len;
    bool ambiguous;
    const struct global_opt *g;

    if ((scheme = loading_scheme(w)) != NULL)
        return err_set(e, ERR_INVALID_PARAMS,
                       "'%.*s' starts with '%s', which would make the AWS CLI load a file or "
                       "URL; this tool never reads local files or URLs: give the value inline",
                       QUOTE_MAX, w, scheme);
    if (strcasecmp(w, "help") == 0 || strcmp(w, "-h") == 0)
        return err_set(e, ERR_INVALID_PARAMS,
                       "'help' is not available here: the tool description lists what is "
                       "allowed; for an operation's parameters rely on the AWS CLI reference");
    if (strcmp(w, "--") == 0)
        return err_set(e, ERR_INVALID_PARAMS,
                       "a bare '--' is not allowed: the AWS CLI would take every later word as "
                       "a positional argument");
    if (unicode_dash(w))
        return err_set(e, ERR_INVALID_PARAMS,
                       "'%.*s' starts with a Unicode dash, not '-': write options with ASCII "
                       "'--' (--name), and such a value as --name=VALUE",
                       QUOTE_MAX, w);
    if (w[0] == '-' && w[1] != '-') {
        /* argparse takes a negative number as a value only right after an option. */
        if (negative_number(w) && i > 0 && strncmp(words[i - 1], "--", 2) == 0 &&
            !strchr(words[i - 1], '='))
            return 0;
        return err_set(e, ERR_INVALID_PARAMS,
                       "'%.*s' starts with a single '-': short options and option clusters are "
                       "not allowed here; write options in full (--name) and a value that "
                       "starts with '-' as --name=VALUE",
                       QUOTE_MAX, w);
    }
    if (strncmp(w, "--", 2) != 0)
        return 0;

    len = strcspn(w, "=");
    for (size_t k = 0; k < ARRAY_SIZE(globals); k++)
        if (globals[k].refused && abbreviates(w, len, globals[k].name))
            return err_set(e, ERR_INVALID_PARAMS, "'%.*s' %s %s, which is never allowed: %s",
                           (int)(len < QUOTE_MAX ? len : QUOTE_MAX), w,
                           strlen(globals[k].name) == len ? "is" : "abbreviates", globals[k].name,
                           globals[k].refused);
    for (size_t k = 0; k < ARRAY_SIZE(refused_opts); k++)
        if (abbreviates(w, len, refused_opts[k].name))
            return err_set(e, ERR_INVALID_PARAMS, "'%.*s' %s %s, which is never allowed: %s",
                           (int)(len < QUOTE_MAX ? len : QUOTE_MAX), w,
                           strlen(refused_opts[k].name) == len ? "is" : "abbreviates",
                           refused_opts[k].name, refused_opts[k].reason);

    g = global_resolve(w, len, &ambiguous);
    if (ambiguous)
        return err_set(e, ERR_INVALID_PARAMS,
                       "'%.*s' is an ambiguous abbreviation of the AWS CLI's global options: "
                       "write options in full",
                       (int)(len < QUOTE_MAX ? len : QUOTE_MAX), w);
    if (g && strcmp(g->name, "--region") == 0) {
        const char *value = w[len] == '=' ? w + len + 1 : (i + 1 < n ? words[i + 1] : NULL);
        if (!value)
            return err_set(e, ERR_INVALID_PARAMS, "'%.*s' needs a value, e.g. --region us-east-1",
                           QUOTE_MAX, w);
        if (!valid_region(value))
            return err_set(e, ERR_INVALID_PARAMS,
                           "'%.*s' is not a region name: use a name like us-east-1 (letters, "
                           "digits, '-')",
                           QUOTE_MAX, value);
    }
    return 0;
}

/*
 * Steps over the global option at words[*i], which stands before the service or between the
 * service and the operation. Only global options spelt out in full are accepted there, so
 * that the words this function takes for the service and the operation are the ones the CLI
 * takes (an unknown option there would make argparse pick a different word).
 */
static int skip_global(char *const *words, size_t n, size_t *i, const char *where, struct err *e)
{
    const char *w = words[*i];
    size_t len = strcspn(w, "=");
    const struct global_opt *g = global_exact(w, len);

    if (!g)
        return err_set(e, ERR_INVALID_PARAMS,
                       "unknown option '%.*s' %s: only the AWS CLI's global options written in "
                       "full (--region, --output, --query, ...) may stand there; put the "
                       "operation's options after the operation",
                       QUOTE_MAX, w, where);
    if (!g->takes_value) {
        if (w[len] == '=')
            return err_set(e, ERR_INVALID_PARAMS, "'%s' takes no value", g->name);
        *i += 1;
        return 0;
    }
    if (w[len] == '=') {
        *i += 1;
        return 0;
    }
    if (*i + 1 >= n)
        return err_set(e, ERR_INVALID_PARAMS, "'%s' needs a value", g->name);
    if (words[*i + 1][0] == '-')
        return err_set(e, ERR_INVALID_PARAMS,
                       "the value of '%s' may not start with '-' here: write %s=VALUE", g->name,
                       g->name);
    *i += 2;
    return 0;
}

static const struct pattern *match_any(const struct pattern *ps, size_t n, const char *svc,
                                       const char *op)
{
    for (size_t i = 0; i < n; i++)
        if (glob_match(ps[i].svc, svc) && glob_match(ps[i].op, op))
            return &ps[i];
    return NULL;
}

static int op_cmp(const void *key, const void *elem)
{
    const struct policy_op *k = key, *e = elem;
    int c = strcmp(k->svc, e->svc);
    return c ? c : strcmp(k->op, e->op);
}

/* The generated class of svc op (or of every operation of svc), NULL when it has none. */
static const struct policy_op *op_class(const char *svc, const char *op)
{
    struct policy_op key = {svc, op, 0, NULL};
    const struct policy_op *hit =
        bsearch(&key, policy_ops, policy_ops_count, sizeof(policy_ops[0]), op_cmp);

    if (hit)
        return hit;
    key.op = "*";
    return bsearch(&key, policy_ops, policy_ops_count, sizeof(policy_ops[0]), op_cmp);
}

static const char *hard_refusal(const char *svc, const char *op)
{
    const struct policy_op *c;

    for (size_t i = 0; i < policy_hard_rules_count; i++)
        if (glob_match(policy_hard_rules[i].svc, svc) && glob_match(policy_hard_rules[i].op, op))
            return policy_hard_rules[i].reason;
    c = op_class(svc, op);
    if (c && (c->cls == OP_WRITES || c->cls == OP_RUNS))
        return c->reason;
    return NULL;
}

/* An ALLOW entry without wildcards naming exactly svc:op. */
static bool allowed_exactly(const struct policy *p, const char *svc, const char *op)
{
    for (size_t i = 0; i < p->nallow; i++)
        if (strcmp(p->allow[i].svc, svc) == 0 && strcmp(p->allow[i].op, op) == 0)
            return true;
    return false;
}

static bool default_allows(const char *svc, const char *op)
{
    for (size_t i = 0; i < ARRAY_SIZE(default_allow); i++)
        if (strcmp(default_allow[i].svc, svc) == 0 && glob_match(default_allow[i].op, op))
            return true;
    return false;
}

int policy_check(const struct policy *p, char *const *words, size_t n, struct err *e)
{
    size_t i = 0;
    const char *svc, *op, *reason;
    const struct pattern *hit;
    const struct policy_op *c;

    if (!p || !words || n == 0)
        return err_set(e, ERR_INVALID_PARAMS,
                       "empty command: give one AWS CLI command such as 'logs "
                       "describe-log-groups'");
    for (size_t k = 0; k < n; k++)
        if (check_word(words, n, k, e) < 0)
            return -1;

    while (i < n && words[i][0] == '-')
        if (skip_global(words, n, &i, "before the service", e) < 0)
            return -1;
    if (i >= n)
        return err_set(e, ERR_INVALID_PARAMS,
                       "no service given: write e.g. 'logs describe-log-groups' (allowed: %s)",
                       DEFAULT_SHORT);
    svc = words[i++];
    if (!valid_name(svc))
        return err_set(e, ERR_INVALID_PARAMS,
                       "'%.*s' is not an AWS CLI service name (lower-case letters, digits and "
                       "'-'), e.g. logs or cloudwatch",
                       NAME_QUOTE, svc);
    while (i < n && words[i][0] == '-')
        if (skip_global(words, n, &i, "between the service and the operation", e) < 0)
            return -1;
    if (i >= n)
        return err_set(e, ERR_INVALID_PARAMS,
                       "no operation given after '%.*s': write e.g. '%.*s describe-...' "
                       "(allowed: %s)",
                       NAME_QUOTE, svc, NAME_QUOTE, svc, DEFAULT_SHORT);
    op = words[i];
    if (!valid_name(op))
        return err_set(e, ERR_INVALID_PARAMS,
                       "'%.*s' is not an AWS CLI operation name (lower-case letters, digits and "
                       "'-'), e.g. describe-log-groups",
                       QUOTE_MAX, op);

    if (strcmp(svc, "logs") == 0 && strcmp(op, "tail") == 0 && follow_refusal(words, n, e) < 0)
        return -1;
    reason = hard_refusal(svc, op);
    if (reason)
        return err_set(e, ERR_INVALID_PARAMS, "'%.*s %.*s' is never allowed here: %s", NAME_QUOTE,
                       svc, NAME_QUOTE, op, reason);
    hit = match_any(p->deny, p->ndeny, svc, op);
    if (hit)
        return err_set(e, ERR_INVALID_PARAMS,
                       "'%.*s %.*s' is refused by the server's deny pattern '%s:%s'", NAME_QUOTE,
                       svc, NAME_QUOTE, op, hit->svc, hit->op);
    c = op_class(svc, op);
    if (c && c->cls == OP_SECRET) {
        if (allowed_exactly(p, svc, op))
            return 0;
        return err_set(e, ERR_INVALID_PARAMS,
                       "'%.*s %.*s' is not allowed: %s; the operator may allow it only by "
                       "name (--allow %.*s:%.*s), never through a wildcard",
                       NAME_QUOTE, svc, NAME_QUOTE, op, c->reason, NAME_QUOTE, svc, NAME_QUOTE, op);
    }
    if (default_allows(svc, op) || match_any(p->allow, p->nallow, svc, op))
        return 0;
    return err_set(e, ERR_INVALID_PARAMS, "'%.*s %.*s' is not allowed; allowed are %s%s",
                   NAME_QUOTE, svc, NAME_QUOTE, op, DEFAULT_SHORT,
                   p->nallow ? "; more in the tool description" : "");
}

int policy_command(char *const *words, size_t n, size_t *svc, size_t *op)
{
    size_t i = 0;

    while (i < n && words[i][0] == '-')
        if (skip_global(words, n, &i, "before the service", NULL) < 0)
            return -1;
    if (i >= n)
        return -1;
    *svc = i++;
    while (i < n && words[i][0] == '-')
        if (skip_global(words, n, &i, "between the service and the operation", NULL) < 0)
            return -1;
    if (i >= n)
        return -1;
    *op = i;
    return 0;
}

bool policy_read_only(const struct policy *p)
{
    return p && p->nallow == 0;
}

const char *policy_summary(const struct policy *p)
{
    return p && p->summary ? p->summary : "Allowed: " DEFAULT_SUMMARY ".";
}

static bool valid_glob(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '*' ||
              *s == '?'))
            return false;
    return true;
}

/* Parses a comma/whitespace separated list of service:operation-glob patterns. */
static int parse_patterns(const char *list, const char *what, struct pattern **out, size_t *nout,
                          struct err *e)
{
    struct pattern *ps = NULL;
    size_t n = 0, cap = 0;
    const char *s = list;
    int rc = -1;

    while (s && *s) {
        size_t len;
        const char *colon;
        s += strspn(s, ", \t\r\n");
        len = strcspn(s, ", \t\r\n");
        if (len == 0)
            break;
        colon = memchr(s, ':', len);
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            struct pattern *np = xrealloc(ps, ncap * sizeof(*np));
            if (!np) {
                err_set(e, ERR_INTERNAL, "out of memory");
                goto out;
            }
            ps = np;
            cap = ncap;
        }
        ps[n].svc = colon ? xstrndup(s, (size_t)(colon - s)) : NULL;
        ps[n].op = colon ? xstrndup(colon + 1, len - (size_t)(colon - s) - 1) : NULL;
        if (!colon || !ps[n].svc || !ps[n].op || !valid_glob(ps[n].svc) || !valid_glob(ps[n].op)) {
            bool oom = colon && (!ps[n].svc || !ps[n].op);
            free(ps[n].svc);
            free(ps[n].op);
            if (oom)
                err_set(e, ERR_INTERNAL, "out of memory");
            else
                err_set(e, ERR_INVALID_PARAMS,
                        "malformed %s pattern '%.*s': write service:operation-glob in lower "
                        "case with * and ? as wildcards, e.g. logs:describe-* or *:list-*",
                        what, (int)(len < QUOTE_MAX ? len : QUOTE_MAX), s);
            goto out;
        }
        n++;
        s += len;
    }
    *out = ps;
    *nout = n;
    ps = NULL;
    n = 0;
    rc = 0;
out:
    for (size_t i = 0; i < n; i++) {
        free(ps[i].svc);
        free(ps[i].op);
    }
    free(ps);
    return rc;
}

int policy_patterns_check(const char *list, const char *setting, struct err *e)
{
    struct pattern *ps = NULL;
    size_t n = 0;

    if (parse_patterns(list, setting, &ps, &n, e) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        free(ps[i].svc);
        free(ps[i].op);
    }
    free(ps);
    return 0;
}

static int add_patterns(struct buf *b, const char *label, const struct pattern *ps, size_t n)
{
    if (n == 0)
        return 0;
    if (buf_addf(b, " %s", label) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (buf_addf(b, "%s %s:%s", i ? "," : "", ps[i].svc, ps[i].op) < 0)
            return -1;
    return buf_adds(b, ".");
}

int policy_new(struct policy **out, const char *allow, const char *deny, struct err *e)
{
    struct policy *p = xcalloc(1, sizeof(*p));
    struct buf b = BUF_INIT(0);
    int rc = -1;

    if (!p) {
        err_set(e, ERR_INTERNAL, "out of memory");
        goto out;
    }
    if (parse_patterns(allow, "allow", &p->allow, &p->nallow, e) < 0 ||
        parse_patterns(deny, "deny", &p->deny, &p->ndeny, e) < 0)
        goto out;
    if (buf_adds(&b, "Allowed: " DEFAULT_SUMMARY ".") < 0 ||
        add_patterns(&b, "Also allowed:", p->allow, p->nallow) < 0 ||
        add_patterns(&b, "Denied (wins over allowed):", p->deny, p->ndeny) < 0 ||
        buf_adds(&b,
                 " Never allowed: configure, history, help, logs start-live-tail, commands "
                 "that read or write local files, run other programs or hand out "
                 "credentials; operations that hand out secrets unless allowed by exact name; "
                 "short options (-x); logs tail --follow; the options --debug, --endpoint-url, "
                 "--profile, --ca-bundle, "
                 "--no-verify-ssl, --no-sign-request, --cli-input-json, --cli-input-yaml, "
                 "--unmask; values starting with file://, fileb://, http:// or https://.") < 0) {
        err_set(e, ERR_INTERNAL, "out of memory");
        goto out;
    }
    p->summary = buf_take(&b, NULL);
    if (!p->summary) {
        err_set(e, ERR_INTERNAL, "out of memory");
        goto out;
    }
    *out = p;
    p = NULL;
    rc = 0;
out:
    buf_release(&b);
    policy_free(p);
    return rc;
}

void policy_free(struct policy *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nallow; i++) {
        free(p->allow[i].svc);
        free(p->allow[i].op);
    }
    for (size_t i = 0; i < p->ndeny; i++) {
        free(p->deny[i].svc);
        free(p->deny[i].op);
    }
    free(p->allow);
    free(p->deny);
    free(p->summary);
    free(p);
}
