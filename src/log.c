#include "log.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "banned.h"

static enum log_level min_level = LOG_INFO;
static bool audit_on = true;
static _Thread_local char request_id[128];

static const char *const level_names[] = {"DEBUG", "INFO", "WARN", "ERROR", "OFF"};

int log_level_parse(const char *s, enum log_level *out)
{
    static const struct {
        const char *name;
        enum log_level level;
    } names[] = {{"debug", LOG_DEBUG},
                 {"info", LOG_INFO},
                 {"warn", LOG_WARN},
                 {"error", LOG_ERROR},
                 {"off", LOG_OFF}};
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        if (strcasecmp(s, names[i].name) == 0) {
            *out = names[i].level;
            return 0;
        }
    }
    return -1;
}

void log_set_level(enum log_level level)
{
    min_level = level;
}

enum log_level log_get_level(void)
{
    return min_level;
}

int log_enabled(enum log_level level)
{
    return level >= min_level && level < LOG_OFF;
}

void log_set_request_id(const char *id)
{
    if (id)
        snprintf(request_id, sizeof(request_id), "%s", id);
    else
        request_id[0] = '\0';
}

const char *log_request_id(void)
{
    return request_id[0] ? request_id : NULL;
}

void log_set_audit(bool on)
{
    audit_on = on;
}

/* Writes one line whatever the level; fields stolen. */
static void write_line(enum log_level level, const char *message, json_t *fields)
{
    char stamp[64];
    struct timespec ts;
    struct tm tm;
    json_t *line;
    char *text;

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    snprintf(stamp, sizeof(stamp), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);

    line = json_object();
    if (!line) {
        json_decref(fields);
        return;
    }
    json_object_set_new(line, "timestamp", json_string(stamp));
    json_object_set_new(line, "level", json_string(level_names[level]));
    json_object_set_new(line, "message", json_string(message ? message : ""));
    if (request_id[0])
        json_object_set_new(line, "requestId", json_string(request_id));
    if (json_is_object(fields))
        json_object_update_missing(line, fields);
    json_decref(fields);

    text = json_dumps(line, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(line);
    if (!text)
        return;
    {
        size_t n = strlen(text);
        text[n] = '\n'; /* json_dumps leaves room: replace the NUL, write n+1 bytes */
        ssize_t off = 0;
        while ((size_t)off < n + 1) {
            ssize_t w = write(STDERR_FILENO, text + off, n + 1 - (size_t)off);
            if (w <= 0)
                break;
            off += w;
        }
    }
    free(text);
}

void log_event(enum log_level level, const char *message, json_t *fields)
{
    if (!log_enabled(level)) {
        json_decref(fields);
        return;
    }
    write_line(level, message, fields);
}

void log_audit(json_t *fields)
{
    if (!audit_on) {
        json_decref(fields);
        return;
    }
    write_line(LOG_INFO, "audit", fields);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;

    if (!log_enabled(level))
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    log_event(level, msg, NULL);
}
