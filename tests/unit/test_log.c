/* Unit tests of the JSON-lines log (src/log): levels, the line's shape, request ids, fields. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "log.h"

/* The one line in text, parsed; NULL (and a failed check) unless there is exactly one. */
static json_t *one_line(const char *text)
{
    const char *nl = text ? strchr(text, '\n') : NULL;
    json_t *j;

    CHECK(nl != NULL && nl[1] == '\0');
    if (!nl)
        return NULL;
    j = json_loadb(text, (size_t)(nl - text), 0, NULL);
    CHECK(json_is_object(j));
    return j;
}

static const char *member(json_t *j, const char *key)
{
    return json_string_value(json_object_get(j, key));
}

TEST(level_names_parsed_in_any_case)
{
    static const struct {
        const char *name;
        enum log_level level;
    } ok[] = {{"debug", LOG_DEBUG},
              {"INFO", LOG_INFO},
              {"Warn", LOG_WARN},
              {"error", LOG_ERROR},
              {"OFF", LOG_OFF}};
    enum log_level l;

    for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
        l = LOG_OFF;
        CHECK_INT(log_level_parse(ok[i].name, &l), 0);
        CHECK_INT(l, ok[i].level);
    }
    l = LOG_INFO;
    CHECK_INT(log_level_parse("chatty", &l), -1);
    /* Exactly the documented five (issue 8): not Lambda's trace and fatal, not "warning". */
    CHECK_INT(log_level_parse("trace", &l), -1);
    CHECK_INT(log_level_parse("fatal", &l), -1);
    CHECK_INT(log_level_parse("warning", &l), -1);
    CHECK_INT(log_level_parse("", &l), -1);
    CHECK_INT(l, LOG_INFO); /* untouched on failure */
}

TEST(enabled_from_the_set_level_up)
{
    log_set_level(LOG_WARN);
    CHECK_INT(log_get_level(), LOG_WARN);
    CHECK(!log_enabled(LOG_DEBUG));
    CHECK(!log_enabled(LOG_INFO));
    CHECK(log_enabled(LOG_WARN));
    CHECK(log_enabled(LOG_ERROR));
    log_set_level(LOG_OFF);
    CHECK(!log_enabled(LOG_ERROR));
    log_set_level(LOG_INFO);
}

static void log_info_with_fields(void *arg)
{
    (void)arg;
    log_event(LOG_INFO, "hello", json_pack("{s:i, s:s}", "n", 7, "message", "not this"));
}

/* Lambda's JSON log keys; fields are merged but cannot replace them. */
TEST(line_is_one_object_with_lambda_keys)
{
    char *text;
    json_t *j;
    const char *ts;

    log_set_level(LOG_INFO);
    log_set_request_id(NULL);
    text = check_stderr_of(log_info_with_fields, NULL);
    j = one_line(text);
    ts = member(j, "timestamp");
    /* RFC 3339 UTC with milliseconds: 2026-12-02T04:39:14.130Z */
    CHECK(ts && strlen(ts) == 24 && ts[4] == '-' && ts[10] == 'T' && ts[19] == '.' &&
          ts[23] == 'Z');
    CHECK_STR(member(j, "level"), "INFO");
    CHECK_STR(member(j, "message"), "hello");
    CHECK_INT(json_integer_value(json_object_get(j, "n")), 7);
    CHECK(json_object_get(j, "requestId") == NULL);
    json_decref(j);
    free(text);
}

static void log_debug(void *arg)
{
    (void)arg;
    log_event(LOG_DEBUG, "quiet", json_pack("{s:i}", "n", 1));
    log_msg(LOG_DEBUG, "quiet %d", 2);
}

TEST(below_the_level_writes_nothing)
{
    char *text;

    log_set_level(LOG_INFO);
    text = check_stderr_of(log_debug, NULL);
    CHECK_STR(text, "");
    free(text);
}

static void log_msg_utf8(void *arg)
{
    log_msg(LOG_ERROR, "%s caf\xc3\xa9", *(const char **)arg);
}

/* log_msg formats; non-ASCII is escaped, so that a line is plain ASCII for any log reader. */
TEST(msg_formatted_and_ascii_only)
{
    const char *word = "short";
    char *text;
    json_t *j;

    log_set_level(LOG_INFO);
    text = check_stderr_of(log_msg_utf8, &word);
    CHECK_CONTAINS(text, "\"message\":\"short caf\\u00E9\"");
    j = one_line(text);
    CHECK_STR(member(j, "level"), "ERROR");
    json_decref(j);
    for (const char *p = text; p && *p; p++)
        if ((unsigned char)*p >= 0x80) {
            CHECK(!"a byte outside ASCII");
            break;
        }
    free(text);
}

static void *log_from_other_thread(void *arg)
{
    (void)arg;
    log_event(LOG_INFO, "other", NULL);
    return NULL;
}

static void log_from_two_threads(void *arg)
{
    pthread_t t;

    (void)arg;
    log_set_request_id("req-1");
    log_event(LOG_INFO, "mine", NULL);
    pthread_create(&t, NULL, log_from_other_thread, NULL);
    pthread_join(t, NULL);
    log_set_request_id(NULL);
    log_event(LOG_INFO, "cleared", NULL);
}

/* The request id belongs to the thread that set it. */
TEST(request_id_is_per_thread)
{
    char *text;

    log_set_level(LOG_INFO);
    text = check_stderr_of(log_from_two_threads, NULL);
    CHECK_CONTAINS(text, "\"message\":\"mine\",\"requestId\":\"req-1\"}\n");
    CHECK_CONTAINS(text, "\"message\":\"other\"}\n");
    CHECK_CONTAINS(text, "\"message\":\"cleared\"}\n");
    CHECK(log_request_id() == NULL);
    free(text);
}

CHECK_MAIN
