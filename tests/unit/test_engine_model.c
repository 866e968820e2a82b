/* Unit tests of the generated model tables (src/engine/model). */
#include <string.h>

#include "check.h"
#include "engine/cli_models.h"
#include "engine/model.h"

TEST(cli_version_recorded)
{
    CHECK_STR(model_cli_version, "2.9.19");
}

TEST(services_and_protocols)
{
    const struct model_service *logs = model_service_find("logs");
    const struct model_service *cw = model_service_find("cloudwatch");
    const struct model_service *sts = model_service_find("sts");

    CHECK(logs && cw && sts);
    CHECK(!model_service_find("ec2"));
    CHECK_INT(logs->protocol, MP_JSON);
    CHECK_STR(logs->target_prefix, "Logs_20140328");
    CHECK_STR(logs->json_version, "1.1");
    CHECK_INT(cw->protocol, MP_QUERY);
    CHECK_STR(cw->endpoint_prefix, "monitoring");
    CHECK_STR(cw->api_version, "2010-08-01");
    CHECK_STR(sts->api_version, "2011-06-15");
}

TEST(only_allowed_operations)
{
    const struct model_service *logs = model_service_find("logs");
    const struct model_service *cw = model_service_find("cloudwatch");

    CHECK(model_operation_find(logs, "describe-log-groups"));
    CHECK(model_operation_find(logs, "filter-log-events"));
    CHECK(model_operation_find(logs, "test-metric-filter"));
    CHECK(!model_operation_find(logs, "put-log-events"));
    CHECK(!model_operation_find(logs, "tail")); /* a CLI customisation */
    CHECK(!model_operation_find(cw, "put-metric-data"));
    CHECK(!model_operation_find(cw, "wait"));
    CHECK_INT(model_service_find("sts")->noperations, 1);
}

TEST(member_order_types_and_constraints)
{
    const struct model_service *logs = model_service_find("logs");
    const struct model_operation *op = model_operation_find(logs, "describe-log-groups");
    const struct model_shape *in = &logs->shapes[op->input];
    const struct model_shape *limit;
    int m;

    CHECK_STR(op->name, "DescribeLogGroups");
    CHECK_INT(in->type, MT_STRUCTURE);
    CHECK_STR(logs->members[in->first].name, "accountIdentifiers");
    m = model_member_find(logs, op->input, "limit");
    CHECK(m >= 0);
    limit = &logs->shapes[logs->members[m].shape];
    CHECK_INT(limit->type, MT_INTEGER);
    CHECK(limit->has_min && limit->has_max);
    CHECK_INT(limit->min, 1);
    CHECK_INT(limit->max, 50);
    CHECK_INT(model_member_find(logs, op->input, "nope"), -1);
}

TEST(options_in_cli_order)
{
    const struct model_service *logs = model_service_find("logs");
    const struct model_operation *op = model_operation_find(logs, "filter-log-events");
    const struct model_option *o;

    CHECK_STR(logs->options[op->first_option].name, "log-group-name");
    o = model_option_find(logs, op, "start-time");
    CHECK(o && o->kind == OPT_VALUE);
    CHECK_INT(logs->shapes[logs->members[o->member].shape].type, MT_LONG);
    o = model_option_find(logs, op, "no-interleaved");
    CHECK(o && o->kind == OPT_FALSE);
    CHECK_STR(logs->members[o->member].name, "interleaved");
    o = model_option_find(logs, op, "log-stream-names");
    CHECK(o && o->kind == OPT_LIST);
    CHECK(!model_option_find(logs, op, "cli-input-json"));
    CHECK(!model_option_find(logs, op, "max-items"));
    o = model_option_find(logs, model_operation_find(logs, "get-query-results"), "query-id");
    CHECK(o && o->required);
}

TEST(paginators)
{
    const struct model_service *cw = model_service_find("cloudwatch");
    const struct model_operation *op = model_operation_find(cw, "describe-alarms");

    CHECK(op->paginator);
    CHECK_STR(op->paginator->input_token[0], "NextToken");
    CHECK_STR(op->paginator->limit_key, "MaxRecords");
    CHECK_STR(op->paginator->result_key[0], "MetricAlarms");
    CHECK_STR(op->paginator->result_key[1], "CompositeAlarms");
    CHECK(!op->paginator->result_key[2]);
    CHECK_STR(op->result_wrapper, "DescribeAlarmsResult");
    CHECK(!model_operation_find(cw, "get-dashboard")->paginator);
}

/* Every model file the generator read is recorded with a SHA-256, for engine_cli_models_check. */
TEST(model_files_recorded)
{
    int n = 0;
    for (const struct model_file *f = model_files; f->path; f++, n++) {
        CHECK(f->path[0] != '/' && strstr(f->path, ".json") != NULL);
        CHECK_INT((int)strlen(f->sha256), 64);
        CHECK_INT((int)strspn(f->sha256, "0123456789abcdef"), 64);
    }
    CHECK_INT(n, 6);
    CHECK_STR(model_files[0].path, "logs/2014-03-28/service-2.json");
    CHECK_STR(model_files[5].path, "sts/2011-06-15/paginators-1.json");
}

CHECK_MAIN
