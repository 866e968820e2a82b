/*
 * libFuzzer target for the engine's argument parser (src/engine/args): the input is split on
 * NUL bytes into words (a command without "aws"), given to args_parse. Besides the
 * sanitizers' findings it asserts the contract: 0 with params (an object) or a usage error
 * that is exit-252 text, ENGINE_HANDOFF with a reason, or -1; the params always pass the
 * validator again.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/args.h"
#include "engine/engine.h"
#include "engine/validate.h"

static void must(int cond)
{
    if (!cond)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size + 1), *words[64];
    struct args a = ARGS_INIT;
    struct err e = ERR_INIT;
    size_t n = 0, start = 0;
    int rc;

    must(copy != NULL);
    memcpy(copy, data, size);
    copy[size] = '\0';
    for (size_t i = 0; i <= size && n < 64; i++) {
        if (i == size || copy[i] == '\0') {
            words[n++] = copy + start;
            start = i + 1;
        }
    }
    rc = args_parse(words, n, &a, &e);
    must(rc == 0 || rc == ENGINE_HANDOFF || rc == -1);
    if (rc == 0 && a.usage_error) {
        must(strstr(a.usage_error, "aws: error: ") != NULL);
    } else if (rc == 0) {
        must(json_is_object(a.params) && a.svc && a.op);
        must(validate_params(a.svc, a.op->input, a.params, &e) == 0);
    } else {
        must(e.msg[0] != '\0');
    }
    args_release(&a);
    free(copy);
    return 0;
}
