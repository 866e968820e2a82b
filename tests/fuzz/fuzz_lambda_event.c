/*
 * libFuzzer target for the Lambda event parser: arbitrary bytes as the body of a Runtime API
 * `next` answer (a Function URL payload 2.0 event, a direct-invoke JSON-RPC message, or
 * anything else) and as a Lambda-Runtime-Deadline-Ms header. A malformed event must come back
 * as kind MALFORMED with a 400/413 status and a reason, never a crash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "transport/lambda_event.h"
#include "transport/lambda_reply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct lambda_event ev = LAMBDA_EVENT_INIT;
    char *header;

    log_set_level(LOG_OFF);
    lambda_event_parse((const char *)data, size, false, 0, &ev);
    if (ev.kind == LAMBDA_EVENT_MALFORMED && ev.status != 400 && ev.status != 413)
        abort();
    if (ev.kind == LAMBDA_EVENT_MALFORMED && ev.why[0] == '\0')
        abort();
    lambda_event_release(&ev);

    header = malloc(size + 1);
    if (!header)
        return 0;
    memcpy(header, data, size);
    header[size] = '\0';
    (void)lambda_deadline(header, 1700000000000LL, 1000);
    free(header);
    return 0;
}
