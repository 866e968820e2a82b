#ifndef LOG_H
#define LOG_H

/*
 * JSON-lines logging on stderr (stdout belongs to the MCP stdio transport).
 *
 * Every line is one object: {"timestamp": RFC 3339 UTC with ms, "level": "INFO", "message":
 * ..., "requestId": ..., <fields>}. The key names are those of AWS Lambda's JSON log format
 * (AWS_LAMBDA_LOG_FORMAT=JSON), so the same lines serve Lambda, CloudWatch Logs Insights and a
 * local terminal. `requestId` is per thread: the transport sets it while it handles a request.
 * Lines are written with one write(2) each, so threads never interleave inside a line.
 */

#include <jansson.h>
#include <stdbool.h>

#include "err.h"

enum log_level { LOG_DEBUG = 0, LOG_INFO, LOG_WARN, LOG_ERROR, LOG_OFF };

/* Parses "debug", "info", "warn", "error", "off" (any case); nothing else. */
int log_level_parse(const char *s, enum log_level *out) WUR;
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
int log_enabled(enum log_level level);

/* The request id of the calling thread (copied), or NULL to clear it. */
void log_set_request_id(const char *id);
const char *log_request_id(void);

/* Writes one line. `fields` is stolen (may be NULL); its keys are merged into the line. */
void log_event(enum log_level level, const char *message, json_t *fields);
void log_msg(enum log_level level, const char *fmt, ...) PRINTF_LIKE(2, 3);

/*
 * Audit lines are a stream of their own: one per tool call, written whatever the log level
 * (tagged "level":"INFO", "message":"audit"), unless turned off with log_set_audit(false)
 * (--audit off). `fields` is stolen.
 */
void log_audit(json_t *fields);
void log_set_audit(bool on);

#endif
