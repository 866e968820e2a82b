/*
 * run_aws_cli against what an attacker sends (issue 9), driven through its call() with the
 * fake aws program ($HELPERS_DIR/fake_aws): the memory limit and how its result reads, and the
 * attack corpus in tests/data/attacks/ (every command refused, no process started).
 */

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "awscli/runner.h"
#include "check.h"
#include "config.h"
#include "log.h"
#include "tools/run_aws_cli.h"
#include "banned.h"

static char fake_path[4096];

static void config_for_tests(struct config *c, const char *allow)
{
    memset(c, 0, sizeof(*c));
    c->aws_cli = fake_path;
    c->timeout_s = 20;
    c->max_output_bytes = 65536;
    c->max_concurrent = 4;
    c->max_cli_memory_mb = 256;
    c->allow = allow;
    c->engine = CONFIG_ENGINE_CLI; /* the fake aws stands in for the AWS CLI */
}

static int run(struct tool *t, const char *cmd, struct tool_result *r, struct err *e)
{
    json_t *args = json_pack("{s:s}", "command", cmd);
    struct tool_ctx empty = {0};
    int rc;

    *r = (struct tool_result)TOOL_RESULT_INIT;
    *e = (struct err)ERR_INIT;
    rc = t->call(t, &empty, args, r, e);
    json_decref(args);
    return rc;
}

static const char *text_of(const struct tool_result *r, size_t i)
{
    return json_string_value(json_object_get(json_array_get(r->content, i), "text"));
}

/* A command whose CLI takes 3 GiB is stopped at the limit; the result tells the model why. */
TEST(memory_limit_result)
{
    struct config c;
    struct tool *t = NULL;
    struct tool_result r;
    struct err e = ERR_INIT;

    config_for_tests(&c, NULL);
    CHECK_INT(run_aws_cli_new(&c, &t, &e), 0);
    if (!t)
        return;
    CHECK_INT(run(t, "logs get-hog --mib 3072", &r, &e), 0);
    CHECK(r.is_error);
    CHECK_CONTAINS(text_of(&r, 0), "ran out of memory");
    CHECK_CONTAINS(text_of(&r, 0), "256 MiB");
    CHECK_CONTAINS(text_of(&r, 0), "--max-items");
    tool_result_release(&r);

    /* A small command under the same limit runs normally. */
    CHECK_INT(run(t, "logs get-hog --mib 32", &r, &e), 0);
    CHECK(!r.is_error);
    tool_result_release(&r);
    run_aws_cli_free(t);
}

static bool fake_ran(void)
{
    char path[4200];
    snprintf(path, sizeof(path), "%s/fake_aws.log", runner_home_dir(NULL));
    return access(path, F_OK) == 0;
}

/* The command of one corpus entry: cmd, then `pad` bytes of 'a', then `words` words "w". */
static char *corpus_command(json_t *entry, size_t *len)
{
    const char *cmd = json_string_value(json_object_get(entry, "cmd"));
    size_t clen = json_string_length(json_object_get(entry, "cmd"));
    size_t pad = (size_t)json_integer_value(json_object_get(entry, "pad"));
    size_t words = (size_t)json_integer_value(json_object_get(entry, "words"));
    char *s = malloc(clen + pad + 2 * words + 1), *p;

    if (!s || !cmd)
        return NULL;
    memcpy(s, cmd, clen); /* may hold a NUL byte */
    p = s + clen;
    memset(p, 'a', pad);
    p += pad;
    for (size_t i = 0; i < words; i++, p += 2)
        memcpy(p, " w", 2);
    *p = '\0';
    *len = (size_t)(p - s);
    return s;
}

/* Every command of tests/data/attacks/ is refused and no aws process starts. */
TEST(attack_corpus)
{
    struct config cdef, cwide;
    struct tool *tdef = NULL, *twide = NULL;
    struct err e = ERR_INIT;
    DIR *d = opendir("tests/data/attacks");
    struct dirent *de;
    size_t total = 0, files = 0;

    CHECK(d != NULL);
    if (!d)
        return;
    config_for_tests(&cdef, NULL);
    config_for_tests(&cwide, "*:*");
    CHECK_INT(run_aws_cli_new(&cdef, &tdef, &e), 0);
    CHECK_INT(run_aws_cli_new(&cwide, &twide, &e), 0);
    while (tdef && twide && (de = readdir(d)) != NULL) {
        char path[512], line[8192];
        FILE *f;
        size_t len = strlen(de->d_name);

        if (len < 6 || strcmp(de->d_name + len - 6, ".jsonl") != 0)
            continue;
        snprintf(path, sizeof(path), "tests/data/attacks/%s", de->d_name);
        f = fopen(path, "r");
        CHECK(f != NULL);
        if (!f)
            continue;
        files++;
        while (fgets(line, sizeof(line), f)) {
            json_error_t je;
            json_t *entry, *args;
            const char *allow;
            struct tool *t;
            struct tool_result r = TOOL_RESULT_INIT;
            struct tool_ctx ctx = {0};
            char *cmd;
            size_t clen = 0;
            int rc;
            bool refused;

            if (line[0] == '#' || line[0] == '\n')
                continue;
            entry = json_loads(line, JSON_ALLOW_NUL, &je);
            CHECK(entry != NULL);
            if (!entry)
                continue;
            allow = json_string_value(json_object_get(entry, "allow"));
            t = allow ? twide : tdef;
            cmd = corpus_command(entry, &clen);
            CHECK(cmd != NULL);
            if (!cmd) {
                json_decref(entry);
                continue;
            }
            args = json_object();
            json_object_set_new(args, "command", json_stringn(cmd, clen));
            e = (struct err)ERR_INIT;
            rc = t->call(t, &ctx, args, &r, &e);
            refused = (rc < 0 && e.code == ERR_INVALID_PARAMS) ||
                      (rc == 0 && r.is_error && strncmp(text_of(&r, 0), "Refused", 7) == 0);
            if (!refused)
                fprintf(stderr, "%s: not refused: %.200s\n", de->d_name, cmd);
            CHECK(refused);
            CHECK(!fake_ran());
            total++;
            tool_result_release(&r);
            json_decref(args);
            json_decref(entry);
            free(cmd);
        }
        fclose(f);
    }
    closedir(d);
    CHECK(files >= 13);
    CHECK(total >= 150);
    printf("attack corpus: %zu commands in %zu files, all refused, no process started\n", total,
           files);
    run_aws_cli_free(tdef);
    run_aws_cli_free(twide);
}

int main(int argc, char **argv)
{
    const char *helpers = getenv("HELPERS_DIR");

    snprintf(fake_path, sizeof(fake_path), "%s/fake_aws", helpers ? helpers : "build/helpers");
    if (access(fake_path, X_OK) != 0) {
        fprintf(stderr, "fake aws not found at %s (set HELPERS_DIR)\n", fake_path);
        return 1;
    }
    log_set_level(LOG_ERROR);
    return check_main(argc, argv);
}
