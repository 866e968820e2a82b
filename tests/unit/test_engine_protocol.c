/* Unit tests of the engine's protocols (src/engine/protocol). The tests against real replies
 * and the CLI's output are tests/integration/test_engine_protocol.py (recorded moto replies)
 * and test_engine_args.py (request bodies against botocore's serializer). */
#include <string.h>

#include "check.h"
#include "engine/engine.h"
#include "engine/model.h"
#include "engine/protocol.h"

static const struct model_operation *op_of(const char *svc, const char *op)
{
    return model_operation_find(model_service_find(svc), op);
}

TEST(json_request_target_and_body)
{
    const struct model_service *logs = model_service_find("logs");
    json_t *params = json_pack("{s:s, s:i}", "logGroupName", "/a/\xc3\xa9", "limit", 5);
    struct buf body = BUF_INIT(0);
    struct protocol_request req;
    struct err e = ERR_INIT;

    CHECK_INT(protocol_request(logs, op_of("logs", "filter-log-events"), params, &body, &req, &e),
              0);
    CHECK_STR(req.target, "Logs_20140328.FilterLogEvents");
    CHECK_STR(req.content_type, "application/x-amz-json-1.1");
    CHECK_STR(body.p, "{\"logGroupName\": \"/a/\\u00e9\", \"limit\": 5}");
    buf_release(&body);
    json_decref(params);
}

TEST(query_request_flattens_lists)
{
    const struct model_service *cw = model_service_find("cloudwatch");
    json_t *params = json_loads("{\"Namespace\": \"AWS/Lambda\", \"Dimensions\": [{\"Name\": \"a "
                                "b\", \"Value\": \"c\"}], \"StartTime\": \"1764648000\"}",
                                0, NULL);
    struct buf body = BUF_INIT(0);
    struct protocol_request req;
    struct err e = ERR_INIT;

    CHECK_INT(
        protocol_request(cw, op_of("cloudwatch", "get-metric-statistics"), params, &body, &req, &e),
        0);
    CHECK_STR(body.p, "Action=GetMetricStatistics&Version=2010-08-01&Namespace=AWS%2FLambda&"
                      "Dimensions.member.1.Name=a%20b&Dimensions.member.1.Value=c&"
                      "StartTime=2025-12-02T04%3A00%3A00Z");
    buf_release(&body);
    json_decref(params);
}

TEST(xml_reply_in_model_order_with_types)
{
    const struct model_service *cw = model_service_find("cloudwatch");
    const char *xml =
        "<GetMetricStatisticsResponse xmlns=\"http://monitoring.amazonaws.com/doc/2010-08-01/\">"
        "<GetMetricStatisticsResult><Datapoints><member><Unit>Seconds</Unit>"
        "<Average>0.1</Average><Timestamp>2025-12-02T04:00:00Z</Timestamp></member>"
        "</Datapoints><Label>Latency</Label></GetMetricStatisticsResult>"
        "</GetMetricStatisticsResponse>";
    struct protocol_error perr = {0};
    struct err e = ERR_INIT;
    json_t *out = NULL;
    char *d;

    CHECK_INT(protocol_reply(cw, op_of("cloudwatch", "get-metric-statistics"), 200, xml,
                             strlen(xml), NULL, &out, &perr, &e),
              0);
    d = json_dumps(out, JSON_COMPACT | JSON_REAL_PRECISION(15));
    CHECK_STR(d, "{\"Label\":\"Latency\",\"Datapoints\":[{\"Timestamp\":\"2025-12-02T04:00:00+00:"
                 "00\",\"Average\":0.1,\"Unit\":\"Seconds\"}]}");
    free(d);
    json_decref(out);
}

TEST(service_errors)
{
    const struct model_service *logs = model_service_find("logs");
    const char *body =
        "{\"__type\": \"com.amazon#ResourceNotFoundException\", \"message\": \"gone\"}";
    struct protocol_error perr = {0};
    struct err e = ERR_INIT;
    struct buf text = BUF_INIT(0);
    json_t *out = NULL;

    CHECK_INT(protocol_reply(logs, op_of("logs", "get-log-events"), 400, body, strlen(body), NULL,
                             &out, &perr, &e),
              0);
    CHECK(out == NULL);
    CHECK_STR(perr.code, "ResourceNotFoundException");
    CHECK_INT(protocol_error_text(&perr, op_of("logs", "get-log-events"), -1, &text), 0);
    CHECK_STR(text.p, "\nAn error occurred (ResourceNotFoundException) when calling the "
                      "GetLogEvents operation: gone\n");
    protocol_error_release(&perr);
    buf_release(&text);
}

TEST(unreadable_xml_is_handed_over)
{
    const struct model_service *sts = model_service_find("sts");
    struct protocol_error perr = {0};
    struct err e = ERR_INIT;
    json_t *out = NULL;

    CHECK_INT(protocol_reply(sts, op_of("sts", "get-caller-identity"), 200, "<a><b>", 6, NULL, &out,
                             &perr, &e),
              ENGINE_HANDOFF);
    CHECK(out == NULL);
}

CHECK_MAIN
