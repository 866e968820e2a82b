/*
 * The native engine's parts on the command line, for the differential tests that compare them
 * with the AWS CLI's own code (tests/lib/cli_oracle.py):
 *
 *   engine_tool format json|text FILE   FILE has one JSON value per line; for each, prints one
 *                                       JSON line {"rc": "ok"|"handoff"|"error", "out": TEXT}
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "engine/engine.h"
#include "engine/output.h"

static void emit(int rc, const struct buf *out, const struct err *e)
{
    json_t *rec = json_pack("{s:s}", "rc",
                            rc == 0                ? "ok"
                            : rc == ENGINE_HANDOFF ? "handoff"
                                                   : "error");
    char *s;

    if (rc == 0)
        json_object_set_new(rec, "out", json_stringn(out->p, out->len));
    else
        json_object_set_new(rec, "reason", json_string(e->msg));
    s = json_dumps(rec, JSON_COMPACT | JSON_ENSURE_ASCII);
    puts(s);
    free(s);
    json_decref(rec);
}

static int cmd_format(const char *mode, const char *path)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;

    if (!f) {
        perror(path);
        return 2;
    }
    while ((n = getline(&line, &cap, f)) > 0) {
        json_error_t je;
        json_t *v = json_loadb(line, (size_t)n, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
        struct buf out = BUF_INIT(0);
        struct err e = ERR_INIT;
        int rc;

        if (!v) {
            fprintf(stderr, "engine_tool: %s:%d: %s\n", path, je.line, je.text);
            return 2;
        }
        rc = strcmp(mode, "json") == 0 ? output_json(v, &out, &e) : output_text(v, &out, &e);
        emit(rc, &out, &e);
        buf_release(&out);
        json_decref(v);
    }
    free(line);
    fclose(f);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "format") == 0)
        return cmd_format(argv[2], argv[3]);
    fprintf(stderr, "usage: engine_tool format json|text FILE\n");
    return 2;
}
