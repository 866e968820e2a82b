#ifndef ENGINE_VALIDATE_H
#define ENGINE_VALIDATE_H

/*
 * botocore's client-side parameter validation (botocore/validate.py, ParamValidator) over the
 * params the engine built: required members, unknown keys, types, and the model's `min` (the
 * only bound botocore checks: string and list length, integer value). The engine does not yet
 * copy botocore's "Parameter validation failed" text, so a failure hands the command to the
 * CLI, which prints it.
 */

#include <jansson.h>

#include "common.h"
#include "engine/model.h"
#include "err.h"

/* 0 when valid, ENGINE_HANDOFF (reason in e) when botocore would refuse the params. */
int validate_params(const struct model_service *svc, int shape, const json_t *params,
                    struct err *e) WUR;

/*
 * A timestamp as botocore reads it for a request (parse_to_aware_datetime): epoch seconds or
 * an ISO 8601 date-time the engine is sure of. Sets *epoch (seconds, UTC) and *micro. Returns
 * false for any other form (dateutil reads many more: they go to the CLI).
 */
bool validate_timestamp(const char *s, long long *epoch, int *micro);

#endif
