#include "engine/model.h"

#include <string.h>

#include "banned.h"

const struct model_service *model_service_find(const char *cli_name)
{
    for (size_t i = 0; model_services[i]; i++)
        if (strcmp(model_services[i]->cli_name, cli_name) == 0)
            return model_services[i];
    return NULL;
}

const struct model_operation *model_operation_find(const struct model_service *svc,
                                                   const char *cli_name)
{
    for (int i = 0; i < svc->noperations; i++)
        if (strcmp(svc->operations[i].cli_name, cli_name) == 0)
            return &svc->operations[i];
    return NULL;
}

const struct model_option *model_option_find(const struct model_service *svc,
                                             const struct model_operation *op, const char *name)
{
    for (int i = op->first_option; i < op->first_option + op->noptions; i++)
        if (strcmp(svc->options[i].name, name) == 0)
            return &svc->options[i];
    return NULL;
}

int model_member_find(const struct model_service *svc, int shape, const char *name)
{
    const struct model_shape *s = &svc->shapes[shape];

    for (int i = s->first; i < s->first + s->count; i++)
        if (strcmp(svc->members[i].name, name) == 0)
            return i;
    return -1;
}
