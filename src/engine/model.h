#ifndef ENGINE_MODEL_H
#define ENGINE_MODEL_H

/*
 * The native engine's service models: the operations the default policy allows, with their
 * input and output shapes, the CLI's option names and the paginators, as the installed AWS CLI
 * describes them. The tables are generated (scripts/gen-engine-models writes
 * src/engine/models_gen*.c from the CLI's botocore models and command table) and committed;
 * tests/integration/test_engine_models.sh regenerates them and fails on a difference.
 *
 * Everything here is static, read-only data: no function allocates, pointers are borrowed and
 * live for the whole program. Indices (shape, member, option) are into the arrays of the
 * service the operation belongs to.
 */

#include <stdbool.h>
#include <stddef.h>

enum model_type {
    MT_STRING,
    MT_INTEGER,
    MT_LONG,
    MT_FLOAT,
    MT_DOUBLE,
    MT_BOOLEAN,
    MT_TIMESTAMP,
    MT_BLOB,
    MT_STRUCTURE,
    MT_LIST,
    MT_MAP,
};

enum model_protocol {
    MP_JSON,  /* AWS JSON 1.x: POST /, X-Amz-Target, JSON body and reply */
    MP_QUERY, /* AWS query: POST / form-encoded Action=..., XML reply */
};

struct model_shape {
    const char *name;
    enum model_type type;
    /* The model's min/max: length for strings, lists and maps, value for numbers. */
    bool has_min, has_max;
    long long min, max;
    /*
     * Members, as [first, first + count) in the service's members: a structure's members in
     * the model's order; a list's one member ("member"); a map's "key" and "value".
     */
    int first, count;
    const char *const *enums; /* the enum's values, or NULL */
    int nenums;
};

struct model_member {
    const char *name; /* the model's member name: the params key, the JSON key, the XML tag */
    int shape;
    bool required;
};

enum model_opt_kind {
    OPT_VALUE, /* --name VALUE */
    OPT_LIST,  /* --name [VALUE ...] (argparse nargs='*') */
    OPT_TRUE,  /* --name: the boolean member is true */
    OPT_FALSE, /* --no-name: the boolean member is false */
};

struct model_option {
    const char *name; /* without the leading "--" */
    int member;       /* the input structure's member it sets */
    enum model_opt_kind kind;
    bool required; /* argparse requires it */
};

struct model_paginator {
    const char *input_token[2], *output_token[2]; /* NULL-padded */
    const char *limit_key;                        /* or NULL */
    const char *result_key[4];                    /* NULL-padded */
    const char *more_results;                     /* or NULL */
    const char *non_aggregate_keys[4];            /* NULL-padded */
};

struct model_operation {
    const char *cli_name;       /* "describe-log-groups" */
    const char *name;           /* "DescribeLogGroups" */
    int input, output;          /* shape indices, -1 for none */
    const char *result_wrapper; /* query protocol: the reply's wrapper element, or NULL */
    int first_option, noptions; /* the CLI's options, in its arg-table order */
    const struct model_paginator *paginator; /* NULL: the CLI does not paginate it */
};

struct model_service {
    const char *cli_name;        /* "logs", "cloudwatch", "sts" */
    const char *endpoint_prefix; /* "logs", "monitoring", "sts" */
    const char *signing_name;
    const char *api_version;
    enum model_protocol protocol;
    const char *json_version;  /* MP_JSON: "1.1" */
    const char *target_prefix; /* MP_JSON: X-Amz-Target is "<prefix>.<Operation>" */
    const char *xml_namespace; /* MP_QUERY */
    const char *global_endpoint;
    const struct model_shape *shapes;
    int nshapes;
    const struct model_member *members;
    int nmembers;
    const struct model_option *options;
    int noptions;
    const struct model_operation *operations;
    int noperations;
};

/* The AWS CLI version the tables describe ("2.9.19"). */
extern const char model_cli_version[];
/* The services, one by one and as a NULL-terminated list. */
extern const struct model_service model_logs, model_cloudwatch, model_sts;
extern const struct model_service *const model_services[];

/* The service by its CLI name, or NULL. */
const struct model_service *model_service_find(const char *cli_name);
/* The operation by its CLI name ("describe-log-groups"), or NULL: the CLI runs it. */
const struct model_operation *model_operation_find(const struct model_service *svc,
                                                   const char *cli_name);
/* The operation's option named `name` (without "--"), or NULL. */
const struct model_option *model_option_find(const struct model_service *svc,
                                             const struct model_operation *op, const char *name);
/* The structure's member named `name`, or -1. */
int model_member_find(const struct model_service *svc, int shape, const char *name);

#endif
