/*
 * Reads cases from stdin, one per line, each a JSON array [expression, document], and prints
 * one line per case: "R " and the result as Python's json.dumps(result, separators=(',', ':'))
 * writes it, or "E " and the error kind ("syntax", "invalid-type", ...) and a tab and the
 * message. tests/integration/test_jmespath_differential.py prints the same from jmespath.py.
 * With "--cli", prints "R " and a JSON array instead: what `aws --output json` would print for
 * the result, and what `--output text` would (src/engine/output.h; null when the engine would
 * hand the text to the CLI).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/output.h"
#include "jmespath/jmespath.h"
#include "pyjson.h"

static void escape_line(const char *s)
{
    for (; *s; s++)
        if (*s == '\n')
            fputs("\\n", stdout);
        else
            putchar(*s);
}

int main(int argc, char **argv)
{
    bool cli = argc > 1 && strcmp(argv[1], "--cli") == 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;

    while ((n = getline(&line, &cap, stdin)) > 0) {
        json_error_t jerr;
        json_t *c = json_loadb(line, (size_t)n, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr), *out;
        json_t *expr = json_array_get(c, 0);
        struct jp_expr *e = NULL;
        struct jp_error err = {0};
        struct buf b = BUF_INIT(0);
        int rc;

        if (!json_is_string(expr)) {
            printf("X bad input line: %s\n", jerr.text);
            json_decref(c);
            continue;
        }
        rc = jp_compile(json_string_value(expr), json_string_length(expr), &e, &err);
        if (rc == 0)
            rc = jp_eval(e, json_array_get(c, 1), NULL, &out, NULL, &err);
        if (rc < 0) {
            printf("E %s\t", jp_error_kind_name(err.kind));
            escape_line(err.msg);
            putchar('\n');
        } else if (cli) {
            struct buf text = BUF_INIT(0);
            json_t *pair;
            char *line_out;
            struct err oe = ERR_INIT;
            if (output_json(out, &b, &oe) != 0)
                (void)!buf_adds(&b, "(failed)");
            pair = json_pack("[s#o]", b.p, b.len,
                             output_text(out, &text, &oe) != 0 ? json_null()
                                                               : json_stringn(text.p, text.len));
            line_out = json_dumps(pair, JSON_COMPACT);
            printf("R %s\n", line_out ? line_out : "(failed)");
            free(line_out);
            json_decref(pair);
            buf_release(&text);
            json_decref(out);
        } else {
            if (pyjson_dump(out, PYJSON_COMPACT, &b) < 0)
                (void)!buf_adds(&b, "(out of memory)");
            printf("R %s\n", b.p);
            json_decref(out);
        }
        buf_release(&b);
        jp_free(e);
        json_decref(c);
        fflush(stdout);
    }
    free(line);
    return 0;
}
