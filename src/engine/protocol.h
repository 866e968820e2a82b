#ifndef ENGINE_PROTOCOL_H
#define ENGINE_PROTOCOL_H

/*
 * The services' wire protocols, the pure parts: a request body from params, and a reply body
 * into the value the CLI would format (or the service error the CLI would print).
 *
 *   AWS JSON 1.1 (logs): POST /, X-Amz-Target: <targetPrefix>.<Operation>, Content-Type
 *   application/x-amz-json-1.1, body json.dumps(params) as botocore writes it. Replies are
 *   parsed as botocore's JSONParser does: the output shape's members in model order, values
 *   as the JSON gives them (a double that arrives as 5 stays the integer 5).
 *   AWS query (cloudwatch, sts): POST /, form-encoded Action, Version and the params
 *   flattened (Name.member.N, Name.Sub, Name.entry.N.key), XML replies parsed (libexpat) as
 *   botocore's QueryParser does: from the result wrapper, every child of a list wrapper an
 *   item, integers int(), doubles float(), booleans "true", timestamps in the CLI's iso8601.
 *
 * Functions return 0, ENGINE_HANDOFF (reason in e) where the engine is not sure to match the
 * CLI, or -1 (e says why: memory, a body over the cap).
 */

#include <stddef.h>

#include <jansson.h>

#include "buf.h"
#include "common.h"
#include "engine/model.h"
#include "err.h"

struct protocol_request {
    char target[128];         /* X-Amz-Target value, or "" for the query protocol */
    const char *content_type; /* static string */
};

/* A service error as the CLI reports it: "An error occurred (Code) when calling ...". */
struct protocol_error {
    char *code, *message; /* malloc'd; NULL when there was no error */
};

int protocol_request(const struct model_service *svc, const struct model_operation *op,
                     const json_t *params, struct buf *body, struct protocol_request *req,
                     struct err *e) WUR;

/*
 * Parses a reply. On 0, either *out is the parsed value (new reference) or, for an HTTP
 * status >= 301, perr holds the error. `query_error` is the x-amzn-query-error header or NULL.
 */
int protocol_reply(const struct model_service *svc, const struct model_operation *op, int status,
                   const char *body, size_t len, const char *query_error, json_t **out,
                   struct protocol_error *perr, struct err *e) WUR;
void protocol_error_release(struct protocol_error *perr);

/*
 * The CLI's stderr for a service error (exit 254), appended to out. max_retries >= 0 adds
 * botocore's " (reached max retries: N)" (the error came on the last attempt allowed).
 */
int protocol_error_text(const struct protocol_error *perr, const struct model_operation *op,
                        int max_retries, struct buf *out) WUR;

/* The protocol-specific halves (proto_json.c, proto_query.c). */
int proto_json_request(const struct model_service *svc, const struct model_operation *op,
                       const json_t *params, struct buf *body, struct err *e) WUR;
int proto_json_reply(const struct model_service *svc, const struct model_operation *op, int status,
                     const char *body, size_t len, const char *query_error, json_t **out,
                     struct protocol_error *perr, struct err *e) WUR;
int proto_query_request(const struct model_service *svc, const struct model_operation *op,
                        const json_t *params, struct buf *body, struct err *e) WUR;
int proto_query_reply(const struct model_service *svc, const struct model_operation *op, int status,
                      const char *body, size_t len, json_t **out, struct protocol_error *perr,
                      struct err *e) WUR;

#endif
