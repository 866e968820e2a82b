/*
 * libFuzzer target for the engine's shorthand parser (src/engine/shorthand): arbitrary bytes
 * through shorthand_parse, then shorthand_visit against the MetricDataQuery structure of
 * `cloudwatch get-metric-data` and the Dimension structure. Besides the sanitizers' findings it
 * asserts the parser's contract: success gives an object, refusal is ENGINE_HANDOFF with a
 * reason or -1 (memory), never anything else, and a value is never half-made on refusal.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "engine/model.h"
#include "engine/shorthand.h"

static void must(int cond)
{
    if (!cond)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct model_service *cw = model_service_find("cloudwatch");
    const struct model_operation *op = model_operation_find(cw, "get-metric-data");
    int list = cw->members[model_member_find(cw, op->input, "MetricDataQueries")].shape;
    int query = cw->members[cw->shapes[list].first].shape;
    char *s = malloc(size + 1);
    struct err e = ERR_INIT;
    json_t *v = NULL;
    int rc;

    must(s != NULL);
    memcpy(s, data, size);
    s[size] = '\0';
    rc = shorthand_parse(s, &v, &e);
    must(rc == 0 || rc == ENGINE_HANDOFF || rc == -1);
    if (rc != 0) {
        must(v == NULL && e.msg[0] != '\0');
    } else {
        must(json_is_object(v));
        rc = shorthand_visit(cw, query, v, &e);
        must(rc == 0 || rc == ENGINE_HANDOFF || rc == -1);
        must(rc == 0 || e.msg[0] != '\0');
    }
    json_decref(v);
    free(s);
    return 0;
}
