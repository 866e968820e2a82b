#include "engine/protocol.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"

#include "banned.h"

int protocol_request(const struct model_service *svc, const struct model_operation *op,
                     const json_t *params, struct buf *body, struct protocol_request *req,
                     struct err *e)
{
    if (svc->protocol == MP_JSON) {
        snprintf(req->target, sizeof(req->target), "%s.%s", svc->target_prefix, op->name);
        req->content_type = svc->json_version && svc->json_version[2] == '0'
                                ? "application/x-amz-json-1.0"
                                : "application/x-amz-json-1.1";
        return proto_json_request(svc, op, params, body, e);
    }
    req->target[0] = '\0';
    req->content_type = "application/x-www-form-urlencoded; charset=utf-8";
    return proto_query_request(svc, op, params, body, e);
}

int protocol_reply(const struct model_service *svc, const struct model_operation *op, int status,
                   const char *body, size_t len, const char *query_error, json_t **out,
                   struct protocol_error *perr, struct err *e)
{
    *out = NULL;
    perr->code = perr->message = NULL;
    /* _is_generic_error_response: a 5xx with an empty or HTML body. */
    if (status >= 500) {
        size_t i = 0;

        while (i < len && (body[i] == ' ' || body[i] == '\n' || body[i] == '\r' || body[i] == '\t'))
            i++;
        if (i == len || (len - i >= 6 && memcmp(body + i, "<html>", 6) == 0))
            return engine_handoff(e, "protocol: a %d reply without a service error", status);
    }
    if (svc->protocol == MP_JSON)
        return proto_json_reply(svc, op, status, body, len, query_error, out, perr, e);
    return proto_query_reply(svc, op, status, body, len, out, perr, e);
}

void protocol_error_release(struct protocol_error *perr)
{
    free(perr->code);
    free(perr->message);
    perr->code = perr->message = NULL;
}

int protocol_error_text(const struct protocol_error *perr, const struct model_operation *op,
                        int max_retries, struct buf *out)
{
    char note[48] = "";

    if (max_retries >= 0)
        snprintf(note, sizeof(note), " (reached max retries: %d)", max_retries);
    return buf_addf(out, "\nAn error occurred (%s) when calling the %s operation%s: %s\n",
                    perr->code ? perr->code : "Unknown", op->name, note,
                    perr->message ? perr->message : "Unknown");
}
