/*
 * The credential chain's local sources and its refresh rules, with temporary config files, a
 * fake clock and credential_process scripts written here. The network sources (container,
 * IMDS) and the AWS CLI fallback: tests/integration/test_aws_credentials.py.
 */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "aws/credentials.h"
#include "aws/ini.h"
#include "banned.h"

static char dir[256];
static time_t fake_now;

static time_t clock_fn(void *arg)
{
    (void)arg;
    return __atomic_load_n(&fake_now, __ATOMIC_SEQ_CST);
}

static void write_file(const char *name, const char *text, bool exec)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        abort();
    fputs(text, f);
    fclose(f);
    if (exec)
        chmod(path, 0700);
}

/* Fresh environment: no credential variables, shared files in dir, no network sources. */
static void reset_env(void)
{
    static const char *const vars[] = {"AWS_ACCESS_KEY_ID",
                                       "AWS_SECRET_ACCESS_KEY",
                                       "AWS_SESSION_TOKEN",
                                       "AWS_SECURITY_TOKEN",
                                       "AWS_CREDENTIAL_EXPIRATION",
                                       "AWS_PROFILE",
                                       "AWS_ROLE_ARN",
                                       "AWS_WEB_IDENTITY_TOKEN_FILE",
                                       "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                                       "AWS_CONTAINER_CREDENTIALS_FULL_URI"};
    for (size_t i = 0; i < ARRAY_SIZE(vars); i++)
        unsetenv(vars[i]);
    char path[512];
    snprintf(path, sizeof(path), "%s/credentials", dir);
    setenv("AWS_SHARED_CREDENTIALS_FILE", path, 1);
    snprintf(path, sizeof(path), "%s/config", dir);
    setenv("AWS_CONFIG_FILE", path, 1);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    write_file("credentials", "", false);
    write_file("config", "", false);
}

static struct aws_credentials_provider *provider(const char *profile)
{
    struct aws_credentials_options o = {.profile = profile, .now = clock_fn};
    struct aws_credentials_provider *p = NULL;
    struct err e = ERR_INIT;
    if (aws_credentials_provider_new(&o, &p, &e) < 0)
        abort();
    return p;
}

/* Resolves once; returns the access key id (static copy) or "ERR: message". */
static const char *get_key(struct aws_credentials_provider *p, const char **source)
{
    static char out[512];
    struct aws_credentials c = {0};
    struct err e = ERR_INIT;
    if (aws_credentials_get(p, &c, &e) < 0) {
        snprintf(out, sizeof(out), "ERR: %s", e.msg);
        if (source)
            *source = "";
        return out;
    }
    snprintf(out, sizeof(out), "%s", c.access_key_id);
    if (source)
        *source = c.source;
    aws_credentials_release(&c);
    return out;
}

static const char *chain(const char *profile, const char **source)
{
    static char out[512];
    struct aws_credentials_provider *p = provider(profile);
    snprintf(out, sizeof(out), "%s", get_key(p, source));
    aws_credentials_provider_free(p);
    return out;
}

TEST(environment)
{
    reset_env();
    const char *src;
    setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "secret", 1);
    CHECK_STR(chain(NULL, &src), "AKIDENV");
    CHECK_STR(src, "environment");
    unsetenv("AWS_SECRET_ACCESS_KEY");
    CHECK_CONTAINS(chain(NULL, NULL), "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
}

TEST(profiles_and_precedence)
{
    reset_env();
    const char *src;
    write_file("credentials",
               "# comment\n[default]\naws_access_key_id = AKIDCREDS\naws_secret_access_key=s\n"
               "[dev]\naws_access_key_id=AKIDDEV\naws_secret_access_key = s2\n"
               "aws_session_token = tok\n",
               false);
    write_file("config",
               "[default]\naws_access_key_id = AKIDCONF\naws_secret_access_key = s\n"
               "[profile conf-only]\nregion = eu-west-1\naws_access_key_id=AKIDCONFONLY\n"
               "aws_secret_access_key=s\n[profile empty]\nregion=us-east-1\n",
               false);
    CHECK_STR(chain(NULL, &src), "AKIDCREDS"); /* credentials file before config file */
    CHECK_STR(src, "profile");
    CHECK_STR(chain("dev", NULL), "AKIDDEV");
    CHECK_STR(chain("conf-only", NULL), "AKIDCONFONLY");
    setenv("AWS_PROFILE", "dev", 1);
    CHECK_STR(chain(NULL, NULL), "AKIDDEV");
    /* The environment beats AWS_PROFILE, but not an explicit profile. */
    setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "secret", 1);
    CHECK_STR(chain(NULL, NULL), "AKIDENV");
    CHECK_STR(chain("conf-only", NULL), "AKIDCONFONLY");
    unsetenv("AWS_ACCESS_KEY_ID");
    unsetenv("AWS_SECRET_ACCESS_KEY");
    unsetenv("AWS_PROFILE");
    CHECK_CONTAINS(chain("nope", NULL), "the config profile (nope) could not be found");
    setenv("AWS_PROFILE", "nope2", 1);
    CHECK_CONTAINS(chain(NULL, NULL), "the config profile (nope2) could not be found");
    unsetenv("AWS_PROFILE");
    CHECK_CONTAINS(chain("empty", NULL), "no AWS credentials found");
    CHECK_CONTAINS(chain("empty", NULL), "AWS_EC2_METADATA_DISABLED");
}

static void process_profile(const char *script_body)
{
    char conf[1024];
    write_file("proc.sh", script_body, true);
    snprintf(conf, sizeof(conf),
             "[profile p]\ncredential_process = \"%s/proc.sh\" arg1 'two words'\n", dir);
    write_file("config", conf, false);
}

TEST(credential_process_outputs)
{
    reset_env();
    const char *src;
    fake_now = 1700000000; /* 2023-11-14T22:13:20Z */
    process_profile("#!/bin/sh\n[ \"$2\" = 'two words' ] || exit 3\n"
                    "echo '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\", \"SecretAccessKey\": "
                    "\"s\", \"SessionToken\": \"t\", \"Expiration\": \"2023-11-15T00:00:00Z\"}'\n");
    CHECK_STR(chain("p", &src), "AKIDPROC");
    CHECK_STR(src, "credential_process");
    process_profile("#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIDOLD\", "
                    "\"SecretAccessKey\": \"s\", \"Expiration\": \"2023-11-14T22:00:00Z\"}'\n");
    CHECK_CONTAINS(chain("p", NULL), "credential_process are expired or about to expire (at "
                                     "2023-11-14T22:00:00Z)");
    process_profile("#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": '\n");
    CHECK_CONTAINS(chain("p", NULL), "credential_process printed no JSON object");
    process_profile("#!/bin/sh\necho '{\"Version\": 2, \"AccessKeyId\": \"a\", "
                    "\"SecretAccessKey\": \"s\"}'\n");
    CHECK_CONTAINS(chain("p", NULL), "unsupported Version");
    process_profile("#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"a\"}'\n");
    CHECK_CONTAINS(chain("p", NULL), "lacks AccessKeyId or SecretAccessKey");
    process_profile("#!/bin/sh\necho 'token expired, run aws sso login' >&2\nexit 1\n");
    CHECK_CONTAINS(chain("p", NULL), "exited with status 1: token expired, run aws sso login");
}

/*
 * The refresh rules: a counter file numbers each run; the expiry the script prints comes from
 * a file, so the test moves both the clock and the next expiry.
 */
static void counting_process(int sleep_ms)
{
    char script[1024];
    snprintf(script, sizeof(script),
             "#!/bin/sh\nd=%s\nn=$(($(cat $d/count 2>/dev/null || echo 0) + 1))\n"
             "echo $n > $d/count\n%s"
             "[ -f $d/fail ] && exit 1\n"
             "echo \"{\\\"Version\\\": 1, \\\"AccessKeyId\\\": \\\"AKID$n\\\", "
             "\\\"SecretAccessKey\\\": \\\"s\\\", \\\"Expiration\\\": \\\"$(cat $d/exp)\\\"}\"\n",
             dir, sleep_ms ? "sleep 0.5\n" : "");
    process_profile(script);
    char path[512];
    snprintf(path, sizeof(path), "%s/count", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/fail", dir);
    unlink(path);
}

TEST(refresh_windows)
{
    reset_env();
    counting_process(0);
    fake_now = aws_parse_iso8601("2030-01-01T00:00:00Z");
    write_file("exp", "2030-01-01T01:00:00Z", false);
    struct aws_credentials_provider *p = provider("p");
    CHECK_STR(get_key(p, NULL), "AKID1");
    /* 16 minutes before expiry: cached. */
    fake_now = aws_parse_iso8601("2030-01-01T00:44:00Z");
    CHECK_STR(get_key(p, NULL), "AKID1");
    CHECK_INT(aws_credentials_resolve_count(p), 1);
    /* 14 minutes before (advisory): refreshed before expiry. */
    write_file("exp", "2030-01-01T02:00:00Z", false);
    fake_now = aws_parse_iso8601("2030-01-01T00:46:00Z");
    CHECK_STR(get_key(p, NULL), "AKID2");
    CHECK_INT(aws_credentials_resolve_count(p), 2);
    /* Advisory window and the refresh fails: the current set goes on. */
    write_file("fail", "", false);
    fake_now = aws_parse_iso8601("2030-01-01T01:47:00Z");
    CHECK_STR(get_key(p, NULL), "AKID2");
    /* Mandatory window and the refresh fails: an error. */
    fake_now = aws_parse_iso8601("2030-01-01T01:51:00Z");
    CHECK_CONTAINS(get_key(p, NULL), "ERR: credential_process exited with status 1");
    aws_credentials_provider_free(p);
}

static struct aws_credentials_provider *shared;
static char results[8][64];

static void *concurrent_get(void *arg)
{
    int i = (int)(long)arg;
    snprintf(results[i], sizeof(results[i]), "%s", get_key(shared, NULL));
    return NULL;
}

/* Eight callers in the mandatory window: one refresh, and all get its result. */
TEST(concurrent_callers_share_one_refresh)
{
    reset_env();
    counting_process(500);
    fake_now = aws_parse_iso8601("2030-01-01T00:00:00Z");
    write_file("exp", "2030-01-01T00:20:00Z", false);
    shared = provider("p");
    CHECK_STR(get_key(shared, NULL), "AKID1");
    write_file("exp", "2030-01-01T05:00:00Z", false);
    fake_now = aws_parse_iso8601("2030-01-01T00:15:00Z"); /* 5 minutes left: mandatory */
    pthread_t t[8];
    for (long i = 0; i < 8; i++)
        pthread_create(&t[i], NULL, concurrent_get, (void *)i);
    for (int i = 0; i < 8; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < 8; i++)
        CHECK_STR(results[i], "AKID2");
    CHECK_INT(aws_credentials_resolve_count(shared), 2);
    aws_credentials_provider_free(shared);
}

TEST(ini_parser)
{
    static const char text[] = "top=level\n[ default ]\n  indented = skipped\nKey = v1\n"
                               "key: v2 # not a comment\n; comment\n[profile x]\ns3 =\n"
                               "  max = 5\nk=\n[broken\nk2 = after broken\n\0[nul]\nk=3\n";
    struct buf v = BUF_INIT(0);
    size_t n = sizeof(text) - 1;
    CHECK(aws_ini_get(text, n, "default", "KEY", &v));
    CHECK_STR(v.p, "v2 # not a comment");
    CHECK(!aws_ini_get(text, n, "default", "indented", &v));
    /* "[broken" and "\0[nul]" are no headers: what follows stays in [profile x], and the last
     * "k" wins. */
    CHECK(aws_ini_get(text, n, "profile x", "k", &v));
    CHECK_STR(v.p, "3");
    CHECK(aws_ini_get(text, n, "profile x", "k2", &v));
    CHECK(!aws_ini_get(text, n, "profile x", "max", &v));
    CHECK(!aws_ini_has_section(text, n, "nul"));
    CHECK(aws_ini_get(text, 50, "default", "key", &v)); /* a cut in mid-line */
    CHECK_STR(v.p, "v");
    CHECK(aws_ini_has_profile(text, n, "x"));
    CHECK(aws_ini_has_profile(text, n, "default"));
    CHECK(!aws_ini_has_profile(text, n, "y"));
    CHECK(!aws_ini_get(NULL, 0, "default", "k", &v));
    buf_release(&v);
}

TEST(iso8601)
{
    CHECK_INT(aws_parse_iso8601("2015-08-30T12:36:00Z"), 1440938160);
    CHECK_INT(aws_parse_iso8601("2015-08-30T12:36:00.123Z"), 1440938160);
    CHECK_INT(aws_parse_iso8601("2015-08-30T12:36:00+00:00"), 1440938160);
    CHECK_INT(aws_parse_iso8601("2015-08-30T12:36:00+02:00"), -1);
    CHECK_INT(aws_parse_iso8601("yesterday"), -1);
}

int main(int argc, char **argv)
{
    snprintf(dir, sizeof(dir), "/tmp/test-credentials-XXXXXX");
    if (!mkdtemp(dir))
        return 2;
    int rc = check_main(argc, argv);
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        rc = rc ? rc : 1;
    return rc;
}
