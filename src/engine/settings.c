/*
 * What the AWS CLI reads from its environment and shared files for one command: the region,
 * the endpoint, the retry settings and timeouts. Sources, in the CLI's order:
 *
 *   region:   --region, AWS_REGION, AWS_DEFAULT_REGION (awscli/clidriver.py
 *             _construct_cli_region_chain), the profile's `region`, then the EC2 instance
 *             metadata (IMDSRegionProvider) unless AWS_EC2_METADATA_DISABLED is "true".
 *   retries:  AWS_RETRY_MODE / the profile's retry_mode (default "standard"), AWS_MAX_ATTEMPTS /
 *             max_attempts (default 3) (botocore/configprovider.py, args.py).
 *   endpoint: the server's endpoint URL, else the endpoint rule set's default for the
 *             partition (data/<service>/<version>/endpoint-rule-set-1.json, partitions.json):
 *             https://<endpointPrefix>.<region>.<dnsSuffix>.
 *
 * The profile is AWS_PROFILE or "default"; its settings are the config file's section merged
 * with the credentials file's (whose keys win), as botocore's Session.full_config merges them.
 * The files are read as Python's configparser reads them (strict): anything it would refuse
 * or that this code does not model (duplicate sections or keys, a [DEFAULT] section, lines it
 * cannot parse, profile names needing shlex) hands the command to the CLI, and so does any
 * profile key outside the list below, which the engine knows changes nothing it reproduces.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/ini.h"
#include "engine/pipeline.h"

#include "banned.h"

#define CONFIG_MAX            (1024 * 1024)
#define DEFAULT_MAX_ATTEMPTS  3
#define MAX_ATTEMPTS_LIMIT    100
#define CLI_TIMEOUT_DEFAULT_S 60

/* An AWS_* (or other) variable; "" counts as unset, as the server drops empty ones. */
static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

/*
 * Profile keys that change nothing the engine reproduces, or that it reads itself: credentials
 * (the provider's), region and the retry settings (read here), and settings of the pager,
 * the prompt and the history that the server fixes or that print nothing.
 */
static const char *const known_keys[] = {
    "region",
    "output",
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "aws_security_token",
    "credential_process",
    "role_arn",
    "source_profile",
    "credential_source",
    "role_session_name",
    "external_id",
    "mfa_serial",
    "duration_seconds",
    "web_identity_token_file",
    "sso_session",
    "sso_start_url",
    "sso_region",
    "sso_account_id",
    "sso_role_name",
    "sso_registration_scopes",
    "max_attempts",
    "retry_mode",
    "cli_pager",
    "cli_auto_prompt",
    "cli_history",
    "tcp_keepalive",
    "metadata_service_timeout",
    "metadata_service_num_attempts",
    "sts_regional_endpoints",
};

struct slice {
    const char *p;
    size_t n;
};

static bool slice_is(struct slice s, const char *z)
{
    return s.n == strlen(z) && memcmp(s.p, z, s.n) == 0;
}

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static struct slice trim(const char *p, size_t n)
{
    while (n && blank(*p))
        p++, n--;
    while (n && blank(p[n - 1]))
        n--;
    return (struct slice){p, n};
}

/* One shared file, checked line by line as configparser (strict) would read it. */
struct file_check {
    const char *profile;
    bool config; /* the config file ("[profile NAME]"), else the credentials file ("[NAME]") */
    int profile_sections;
    const char *why; /* set: hand over */
};

/* The profile a section header names, as botocore's build_profile_map reads it. */
static bool header_names_profile(struct file_check *fc, struct slice h)
{
    if (!fc->config)
        return slice_is(h, fc->profile);
    if (slice_is(h, "default"))
        return strcmp(fc->profile, "default") == 0;
    if (h.n < 7 || memcmp(h.p, "profile", 7) != 0)
        return false;
    /* shlex.split(header): plain words only, else hand over. */
    for (size_t i = 0; i < h.n; i++)
        if (h.p[i] == '"' || h.p[i] == '\'' || h.p[i] == '\\' || h.p[i] == '#') {
            fc->why = "a profile section name with quotes, '#' or '\\'";
            return false;
        }
    size_t i = 7, n = strlen(fc->profile);
    if (i < h.n && !blank(h.p[i]))
        return false; /* "profilex": not a profile section */
    while (i < h.n && blank(h.p[i]))
        i++;
    struct slice name = {h.p + i, h.n - i};
    for (size_t k = 0; k < name.n; k++)
        if (blank(name.p[k]))
            return false; /* three words: botocore skips it */
    if (name.n == n && memcmp(name.p, fc->profile, n) == 0) {
        if (i != 8)
            fc->why = "a profile section written with extra spaces";
        return true;
    }
    return false;
}

#define MAX_SECTIONS 256
#define MAX_KEYS     256

static void check_file(const char *text, size_t len, struct file_check *fc)
{
    struct slice sections[MAX_SECTIONS], keys[MAX_KEYS];
    size_t nsections = 0, nkeys = 0, i = 0;
    bool in_section = false, in_profile = false, after_key = false;

    while (i < len && !fc->why) {
        const char *line = text + i;
        const char *nl = memchr(line, '\n', len - i);
        size_t n = nl ? (size_t)(nl - line) : len - i;
        struct slice t = trim(line, n);

        i += n + (nl ? 1 : 0);
        if (memchr(line, '\0', n)) {
            fc->why = "a NUL byte in a shared file";
            break;
        }
        if (t.n == 0 || t.p[0] == '#' || t.p[0] == ';')
            continue; /* blank lines and comments keep a value going */
        if (blank(line[0])) {
            /* configparser: a continuation of the last key's value; else a parse error. */
            if (!after_key)
                fc->why = "an indented line in a shared file that continues no key";
            continue;
        }
        if (t.p[0] == '[') {
            const char *close = memchr(t.p, ']', t.n);
            struct slice h;

            if (!close || close != t.p + t.n - 1 || close == t.p + 1) {
                fc->why = "a section header configparser reads differently";
                break;
            }
            h = (struct slice){t.p + 1, t.n - 2};
            if (trim(h.p, h.n).n != h.n || slice_is(h, "DEFAULT")) {
                fc->why = "a [DEFAULT] section or one with blanks around its name";
                break;
            }
            for (size_t k = 0; k < nsections; k++)
                if (sections[k].n == h.n && memcmp(sections[k].p, h.p, h.n) == 0)
                    fc->why = "a section repeated in a shared file";
            if (nsections == MAX_SECTIONS) {
                fc->why = "too many sections in a shared file";
                break;
            }
            sections[nsections++] = h;
            nkeys = 0;
            in_section = true;
            after_key = false;
            in_profile = header_names_profile(fc, h);
            if (in_profile)
                fc->profile_sections++;
            continue;
        }
        if (!in_section) {
            fc->why = "a key before the first section of a shared file";
            break;
        }
        size_t k = 0;
        while (k < t.n && t.p[k] != '=' && t.p[k] != ':')
            k++;
        struct slice key = trim(t.p, k);
        if (k == t.n || key.n == 0) {
            fc->why = "a line configparser cannot parse in a shared file";
            break;
        }
        for (size_t j = 0; j < nkeys; j++)
            if (keys[j].n == key.n && strncasecmp(keys[j].p, key.p, key.n) == 0)
                fc->why = "a key repeated in one section of a shared file";
        if (nkeys == MAX_KEYS) {
            fc->why = "too many keys in one section of a shared file";
            break;
        }
        keys[nkeys++] = key;
        after_key = true;
        if (in_profile) {
            bool known = false;

            for (size_t j = 0; j < ARRAY_SIZE(known_keys); j++)
                if (key.n == strlen(known_keys[j]) && strncasecmp(key.p, known_keys[j], key.n) == 0)
                    known = true;
            if (!known)
                fc->why = "a profile setting the engine does not model";
        }
    }
    if (!fc->why && fc->profile_sections > 1)
        fc->why = "the profile written in two sections";
}

/* Reads a shared file (NULL path: none) into b; a missing file is an empty one. */
static int read_file(const char *path, struct buf *b, struct err *e)
{
    FILE *f;
    char chunk[8192];
    size_t n;

    if (!path)
        return 0;
    f = fopen(path, "rb");
    if (!f)
        return 0;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        if (buf_add(b, chunk, n) < 0)
            break;
    fclose(f);
    if (b->truncated)
        return engine_handoff(e, "settings: %s is larger than %d bytes", path, CONFIG_MAX);
    return 0;
}

/* The path botocore uses: the variable (with ~ expanded) or ~/.aws/<file>. */
static void file_path(const char *var, const char *file, char *out, size_t n)
{
    const char *v = env(var), *home = getenv("HOME");

    out[0] = '\0';
    if (v && v[0] == '~' && v[1] == '/' && home)
        snprintf(out, n, "%s%s", home, v + 1);
    else if (v)
        snprintf(out, n, "%s", v);
    else if (home && *home)
        snprintf(out, n, "%s/.aws/%s", home, file);
}

struct profile {
    const char *name;
    struct buf config, creds;
};

/* A profile setting: the credentials file's value wins over the config file's. */
static bool profile_get(const struct profile *p, const char *key, struct buf *out)
{
    if (aws_ini_get(p->creds.p, p->creds.len, p->name, key, out))
        return true;
    return aws_ini_profile_get(p->config.p, p->config.len, p->name, key, out);
}

static int load_profile(struct profile *p, struct err *e)
{
    char path[1024];
    struct file_check fc = {p->name, true, 0, NULL};
    struct file_check cc = {p->name, false, 0, NULL};
    int rc;

    file_path("AWS_CONFIG_FILE", "config", path, sizeof(path));
    if ((rc = read_file(path[0] ? path : NULL, &p->config, e)) != 0)
        return rc;
    file_path("AWS_SHARED_CREDENTIALS_FILE", "credentials", path, sizeof(path));
    if ((rc = read_file(path[0] ? path : NULL, &p->creds, e)) != 0)
        return rc;
    check_file(p->config.p, p->config.len, &fc);
    if (fc.why)
        return engine_handoff(e, "settings: the config file has %s", fc.why);
    check_file(p->creds.p, p->creds.len, &cc);
    if (cc.why)
        return engine_handoff(e, "settings: the credentials file has %s", cc.why);
    if (env("AWS_PROFILE") && !fc.profile_sections && !cc.profile_sections)
        return engine_handoff(e, "settings: the profile %s is in neither shared file", p->name);
    return 0;
}

/* botocore's validate_region_name: a host label, not all digits. */
static bool region_is_label(const char *r)
{
    size_t n = strlen(r);
    bool digits = true;

    if (n == 0 || n > 63 || r[0] == '-' || r[n - 1] == '-')
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!isalnum((unsigned char)r[i]) && r[i] != '-')
            return false;
        if (!isdigit((unsigned char)r[i]))
            digits = false;
    }
    return !digits;
}

/* Lower-case letters and digits only, at least one. */
static const char *word(const char *s, bool digits_only)
{
    const char *p = s;

    while (digits_only ? isdigit((unsigned char)*p)
                       : (islower((unsigned char)*p) || isdigit((unsigned char)*p)))
        p++;
    return p == s ? NULL : p;
}

/*
 * The partition's DNS suffix for a region the endpoint rule sets resolve with their region
 * regexes (partitions.json: aws ^(us|eu|ap|sa|ca|me|af)-\w+-\d+$, aws-cn ^cn-\w+-\d+$,
 * aws-us-gov ^us-gov-\w+-\d+$), narrowed to lower-case ASCII; NULL for anything else.
 */
static const char *dns_suffix(const char *r)
{
    static const char *const aws[] = {"us-", "eu-", "ap-", "sa-", "ca-", "me-", "af-"};
    const char *suffix = NULL, *p = NULL;

    if (strncmp(r, "us-gov-", 7) == 0) {
        suffix = "amazonaws.com";
        p = r + 7;
    } else if (strncmp(r, "cn-", 3) == 0) {
        suffix = "amazonaws.com.cn";
        p = r + 3;
    } else {
        for (size_t i = 0; i < ARRAY_SIZE(aws); i++)
            if (strncmp(r, aws[i], 3) == 0) {
                suffix = "amazonaws.com";
                p = r + 3;
            }
    }
    if (!p || !(p = word(p, false)) || *p != '-' || !(p = word(p + 1, true)) || *p)
        return NULL;
    return suffix;
}

static int endpoint_url(struct run *r, struct err *e)
{
    const char *ep = r->eng->endpoint_url;
    struct engine_settings *s = &r->set;
    int n;

    if (!ep) {
        const char *suffix = dns_suffix(s->region);

        if (!suffix)
            return engine_handoff(e,
                                  "settings: the region '%s' is outside the aws, aws-cn and "
                                  "aws-us-gov partitions' patterns",
                                  s->region);
        n = snprintf(s->url, sizeof(s->url), "https://%s.%s.%s/", r->a.svc->endpoint_prefix,
                     s->region, suffix);
        return n > 0 && (size_t)n < sizeof(s->url) ? 0 : engine_handoff(e, "settings: a long URL");
    }
    /* botocore's _urljoin: scheme://netloc, then "/" (the endpoint's own path, if any). */
    size_t skip = strncmp(ep, "https://", 8) == 0 ? 8 : strncmp(ep, "http://", 7) == 0 ? 7 : 0;
    size_t netloc = skip ? strcspn(ep + skip, "/?#") : 0;
    const char *rest = ep + skip + netloc;
    struct aws_url u;
    struct err ue = ERR_INIT;

    if (!skip || netloc == 0 || (rest[0] && strcmp(rest, "/") != 0))
        return engine_handoff(e, "settings: an endpoint URL with a path, query or odd scheme");
    n = snprintf(s->url, sizeof(s->url), "%.*s/", (int)(skip + netloc), ep);
    if (n <= 0 || (size_t)n >= sizeof(s->url) || aws_url_parse(s->url, &u, &ue) < 0)
        return engine_handoff(e, "settings: an endpoint URL the client does not take");
    if (strcmp(u.scheme, "http") == 0 && !aws_url_is_loopback(&u))
        return engine_handoff(e, "settings: plain http:// to a host that is not loopback");
    return 0;
}

/* Python's int() of a config value, in the plain forms only: digits, nothing else. */
static bool plain_int(const char *s, long *out)
{
    char *end;

    if (!*s || !isdigit((unsigned char)*s) || strlen(s) > 9)
        return false;
    *out = strtol(s, &end, 10);
    return *end == '\0';
}

static int retry_settings(struct run *r, const struct profile *p, struct buf *v, struct err *e)
{
    const char *mode = env("AWS_RETRY_MODE"), *attempts = env("AWS_MAX_ATTEMPTS");
    long n = DEFAULT_MAX_ATTEMPTS;

    if (!mode && profile_get(p, "retry_mode", v))
        mode = v->p;
    if (mode && strcmp(mode, "standard") != 0)
        return engine_handoff(e, "settings: retry mode '%.32s' (the engine has standard only)",
                              mode);
    if (!attempts && profile_get(p, "max_attempts", v))
        attempts = v->p;
    if (attempts && (!plain_int(attempts, &n) || n < 1 || n > MAX_ATTEMPTS_LIMIT))
        return engine_handoff(e, "settings: max_attempts '%.32s'", attempts);
    r->set.max_attempts = (int)n;
    return 0;
}

static const char *const no_region_text =
    "\nYou must specify a region. You can also configure your region by running \"aws "
    "configure\".\n";

static int region(struct run *r, const struct profile *p, struct buf *v, struct err *e)
{
    const char *reg = r->a.region;

    if (reg && !*reg)
        return engine_handoff(e, "settings: --region \"\"");
    if (!reg)
        reg = env("AWS_REGION");
    if (!reg)
        reg = env("AWS_DEFAULT_REGION");
    if (!reg && profile_get(p, "region", v)) {
        if (!v->len)
            return engine_handoff(e, "settings: an empty region in the profile");
        reg = v->p;
    }
    if (!reg) {
        const char *off = getenv("AWS_EC2_METADATA_DISABLED");

        if (!off || strcasecmp(off, "true") != 0)
            return engine_handoff(e, "settings: no region set; the CLI would ask the EC2 "
                                     "instance metadata for one");
        r->exit_code = CLI_RC_CONFIG;
        return buf_adds(&r->err, no_region_text) < 0 ? err_set(e, ERR_INTERNAL, "out of memory")
                                                     : 0;
    }
    if (!region_is_label(reg) || strlen(reg) >= sizeof(r->set.region))
        return engine_handoff(e, "settings: the region '%.64s' is not a valid host label", reg);
    snprintf(r->set.region, sizeof(r->set.region), "%s", reg);
    return 0;
}

/* The CLI's --cli-*-timeout: seconds (default 60), 0 for none. */
static long timeout_ms(long long given)
{
    long long s = given < 0 ? CLI_TIMEOUT_DEFAULT_S : given;

    return s > 24 * 3600 ? 24L * 3600 * 1000 : (long)s * 1000;
}

/*
 * The CLI writes its output in the locale's encoding (Python's stdout); the engine writes
 * UTF-8, which is what the C and POSIX locales give too (Python's UTF-8 mode, PEP 538/540).
 */
static bool utf8_locale(void)
{
    const char *loc = env("LC_ALL");

    if (!loc)
        loc = env("LC_CTYPE");
    if (!loc)
        loc = env("LANG");
    return !loc || strcmp(loc, "C") == 0 || strcmp(loc, "POSIX") == 0 || strcasestr(loc, "UTF-8") ||
           strcasestr(loc, "utf8");
}

int settings_resolve(struct run *r, struct err *e)
{
    static const char *const unusual[] = {
        "AWS_USE_FIPS_ENDPOINT",
        "AWS_USE_DUALSTACK_ENDPOINT",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "http_proxy",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
        "AWS_DATA_PATH",
        "AWS_CSM_ENABLED",
    };
    struct profile p = {env("AWS_PROFILE") ? env("AWS_PROFILE") : "default", BUF_INIT(CONFIG_MAX),
                        BUF_INIT(CONFIG_MAX)};
    struct buf v = BUF_INIT(0);
    int rc;

    for (size_t i = 0; i < ARRAY_SIZE(unusual); i++)
        if (env(unusual[i])) {
            rc = engine_handoff(e, "settings: %s is set", unusual[i]);
            goto out;
        }
    if (!utf8_locale()) {
        rc = engine_handoff(e, "settings: a locale whose encoding is not UTF-8");
        goto out;
    }
    /* Every reason to hand over is looked for before the CLI's own error (no region). */
    if ((rc = load_profile(&p, e)) != 0 || (rc = retry_settings(r, &p, &v, e)) != 0 ||
        (rc = region(r, &p, &v, e)) != 0 || r->exit_code || (rc = endpoint_url(r, e)) != 0)
        goto out;
    r->set.connect_timeout_ms = timeout_ms(r->a.connect_timeout);
    r->set.read_timeout_ms = timeout_ms(r->a.read_timeout);
out:
    buf_release(&p.config);
    buf_release(&p.creds);
    buf_release(&v);
    return rc;
}
