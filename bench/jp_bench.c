/*
 * Times src/jmespath/ for bench/jmespath.sh: jp_bench EXPRESSION FILE RUNS loads the JSON
 * document in FILE (not timed), then RUNS times compiles EXPRESSION, evaluates it against the
 * document and frees both, and prints the median and the minimum time of one run in
 * microseconds, and the length of the result as compact JSON (to check it against Python's).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jmespath/jmespath.h"
#include "pyjson.h"

static double now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    json_error_t jerr;
    json_t *doc, *out = NULL;
    struct jp_expr *e;
    struct jp_error err;
    struct buf b = BUF_INIT(0);
    double *t;
    long runs, i;

    if (argc != 4 || (runs = strtol(argv[3], NULL, 10)) <= 0) {
        fprintf(stderr, "usage: jp_bench EXPRESSION FILE RUNS\n");
        return 2;
    }
    doc = json_load_file(argv[2], 0, &jerr);
    t = calloc((size_t)runs, sizeof(*t));
    if (!doc || !t) {
        fprintf(stderr, "jp_bench: %s\n", jerr.text);
        return 1;
    }
    for (i = 0; i < runs; i++) {
        double t0 = now_us();
        json_decref(out);
        out = NULL;
        if (jp_compile(argv[1], strlen(argv[1]), &e, &err) < 0 ||
            jp_eval(e, doc, NULL, &out, NULL, &err) < 0) {
            fprintf(stderr, "jp_bench: %s\n", err.msg);
            return 1;
        }
        jp_free(e);
        t[i] = now_us() - t0;
    }
    qsort(t, (size_t)runs, sizeof(*t), cmp);
    if (pyjson_dump(out, PYJSON_COMPACT, &b) < 0)
        return 1;
    printf("%.1f %.1f %zu\n", t[runs / 2], t[0], b.len);
    buf_release(&b);
    json_decref(out);
    json_decref(doc);
    free(t);
    return 0;
}
