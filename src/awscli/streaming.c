#include "awscli/streaming.h"

#include <string.h>

#include "common.h"
#include "banned.h"

static const struct {
    const char *svc, *op;
} streaming_ops[] = {
    {"apigateway", "get-export"},
    {"apigateway", "get-sdk"},
    {"apigateway", "import-api-keys"},
    {"apigateway", "import-documentation-parts"},
    {"apigateway", "import-rest-api"},
    {"apigateway", "put-rest-api"},
    {"apigatewaymanagementapi", "post-to-connection"},
    {"apigatewayv2", "export-api"},
    {"appconfig", "create-hosted-configuration-version"},
    {"appconfig", "get-configuration"},
    {"appconfig", "get-hosted-configuration-version"},
    {"appconfigdata", "get-latest-configuration"},
    {"appsync", "get-introspection-schema"},
    {"backupstorage", "get-chunk"},
    {"backupstorage", "get-object-metadata"},
    {"backupstorage", "notify-object-complete"},
    {"backupstorage", "put-chunk"},
    {"backupstorage", "put-object"},
    {"cloudfront", "get-function"},
    {"cloudsearchdomain", "upload-documents"},
    {"codeartifact", "get-package-version-asset"},
    {"codeguruprofiler", "get-profile"},
    {"codeguruprofiler", "post-agent-profile"},
    {"ebs", "get-snapshot-block"},
    {"ebs", "put-snapshot-block"},
    {"glacier", "get-job-output"},
    {"glacier", "upload-archive"},
    {"glacier", "upload-multipart-part"},
    {"iot-data", "delete-thing-shadow"},
    {"iot-data", "get-thing-shadow"},
    {"iot-data", "publish"},
    {"iot-data", "update-thing-shadow"},
    {"iotwireless", "get-position-estimate"},
    {"iotwireless", "get-resource-position"},
    {"iotwireless", "update-resource-position"},
    {"kinesis", "subscribe-to-shard"},
    {"kinesis-video-archived-media", "get-clip"},
    {"kinesis-video-archived-media", "get-media-for-fragment-list"},
    {"kinesis-video-media", "get-media"},
    {"lakeformation", "get-work-unit-results"},
    {"lambda", "invoke"},
    {"lambda", "invoke-async"},
    {"lex-runtime", "post-content"},
    {"lex-runtime", "put-session"},
    {"lexv2-runtime", "put-session"},
    {"lexv2-runtime", "recognize-utterance"},
    {"lexv2-runtime", "start-conversation"},
    {"location", "get-map-glyphs"},
    {"location", "get-map-sprites"},
    {"location", "get-map-style-descriptor"},
    {"location", "get-map-tile"},
    {"lookoutvision", "detect-anomalies"},
    {"medialive", "describe-input-device-thumbnail"},
    {"mediastore-data", "get-object"},
    {"mediastore-data", "put-object"},
    {"mobile", "create-project"},
    {"mobile", "update-project"},
    {"omics", "get-read-set"},
    {"omics", "get-reference"},
    {"polly", "synthesize-speech"},
    {"s3api", "get-object"},
    {"s3api", "get-object-torrent"},
    {"s3api", "put-object"},
    {"s3api", "select-object-content"},
    {"s3api", "upload-part"},
    {"s3api", "write-get-object-response"},
    {"sagemaker-geospatial", "get-tile"},
    {"sagemaker-runtime", "invoke-endpoint"},
    {"schemas", "get-code-binding-source"},
    {"workmailmessageflow", "get-raw-message-content"},
};

bool cli_op_streams(const char *svc, const char *op)
{
    for (size_t i = 0; i < ARRAY_SIZE(streaming_ops); i++)
        if (strcmp(streaming_ops[i].svc, svc) == 0 && strcmp(streaming_ops[i].op, op) == 0)
            return true;
    return false;
}
