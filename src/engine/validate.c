#include "engine/validate.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "engine/shorthand.h"

#include "banned.h"

/* len() of a Python str: code points. */
static size_t code_points(const char *s, size_t n)
{
    size_t c = 0;

    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xc0) != 0x80;
    return c;
}

static int invalid(struct err *e, const char *name, const char *what)
{
    return engine_handoff(e, "validate: %s %s (botocore refuses it)", name, what);
}

static int check(const struct model_service *svc, int shape, const json_t *v, const char *name,
                 struct err *e)
{
    const struct model_shape *s = &svc->shapes[shape];
    long long epoch;
    int micro, rc;

    switch (s->type) {
    case MT_STRING:
        if (!json_is_string(v))
            return invalid(e, name, "is not a string");
        if (s->has_min &&
            (long long)code_points(json_string_value(v), json_string_length(v)) < s->min)
            return invalid(e, name, "is shorter than the model's min");
        return 0;
    case MT_INTEGER:
    case MT_LONG:
        if (!json_is_integer(v))
            return invalid(e, name, "is not an integer");
        if (s->has_min && json_integer_value(v) < s->min)
            return invalid(e, name, "is below the model's min");
        return 0;
    case MT_FLOAT:
    case MT_DOUBLE:
        if (!json_is_number(v))
            return invalid(e, name, "is not a number");
        if (s->has_min && json_number_value(v) < (double)s->min)
            return invalid(e, name, "is below the model's min");
        return 0;
    case MT_BOOLEAN:
        return json_is_boolean(v) ? 0 : invalid(e, name, "is not a boolean");
    case MT_TIMESTAMP:
        if (!json_is_string(v) || !validate_timestamp(json_string_value(v), &epoch, &micro))
            return engine_handoff(e,
                                  "validate: %s is a timestamp in a form the engine does not "
                                  "read",
                                  name);
        return 0;
    case MT_BLOB:
        return engine_handoff(e, "validate: %s is a blob", name);
    case MT_LIST: {
        size_t i;
        json_t *item;

        if (!json_is_array(v))
            return invalid(e, name, "is not a list");
        if (s->has_min && (long long)json_array_size(v) < s->min)
            return invalid(e, name, "has fewer items than the model's min");
        json_array_foreach(v, i, item) if ((rc = check(svc, svc->members[s->first].shape, item,
                                                       name, e))) return rc;
        return 0;
    }
    case MT_MAP: {
        const char *k;
        json_t *item;

        if (!json_is_object(v))
            return invalid(e, name, "is not a map");
        json_object_foreach(
            (json_t *)v, k,
            item) if ((rc = check(svc, svc->members[s->first + 1].shape, item, k, e))) return rc;
        return 0;
    }
    case MT_STRUCTURE: {
        const char *k;
        json_t *item;

        if (!json_is_object(v))
            return invalid(e, name, "is not a structure");
        for (int m = s->first; m < s->first + s->count; m++)
            if (svc->members[m].required && !json_object_get(v, svc->members[m].name))
                return invalid(e, svc->members[m].name, "is required but missing");
        json_object_foreach((json_t *)v, k, item)
        {
            int m = model_member_find(svc, shape, k);

            if (m < 0)
                return invalid(e, k, "is not a member");
            if ((rc = check(svc, svc->members[m].shape, item, k, e)))
                return rc;
        }
        return 0;
    }
    }
    return err_set(e, ERR_INTERNAL, "validate: unknown shape type");
}

int validate_params(const struct model_service *svc, int shape, const json_t *params, struct err *e)
{
    return check(svc, shape, params, "input", e);
}

static bool digits(const char *s, int n, int *out)
{
    *out = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        *out = *out * 10 + (s[i] - '0');
    }
    return true;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static long long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/*
 * Epoch seconds as digits, or YYYY-MM-DDTHH:MM:SS[.f to .ffffff](Z|+HH:MM|-HH:MM). A bare
 * date, a date-time without a zone (local time to dateutil) and the many other forms dateutil
 * takes are left to the CLI.
 */
bool validate_timestamp(const char *s, long long *epoch, int *micro)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, mo, d, h, mi, sec, off = 0, oh, om;
    size_t n = strlen(s);
    const char *p;

    *micro = 0;
    if (n > 0 && n <= 12 && strspn(s, "0123456789") == n) {
        *epoch = strtoll(s, NULL, 10);
        return true;
    }
    if (n < 20 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
        !digits(s + 8, 2, &d) || s[10] != 'T' || !digits(s + 11, 2, &h) || s[13] != ':' ||
        !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &sec))
        return false;
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 ||
        sec > 59 || (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))))
        return false;
    p = s + 19;
    if (*p == '.') {
        int k = 0;

        /* dateutil reads 1 to 6 digits as a fraction (".25" is 250000 us); more go to the CLI. */
        for (p++; *p >= '0' && *p <= '9' && k < 7; p++, k++)
            *micro = *micro * 10 + (*p - '0');
        if (k < 1 || k > 6)
            return false;
        for (; k < 6; k++)
            *micro *= 10;
    }
    if (strcmp(p, "Z") == 0) {
        off = 0;
    } else if ((*p == '+' || *p == '-') && strlen(p) == 6 && digits(p + 1, 2, &oh) && p[3] == ':' &&
               digits(p + 4, 2, &om) && oh < 24 && om < 60) {
        off = (*p == '-' ? -1 : 1) * (oh * 3600 + om * 60);
    } else {
        return false;
    }
    *epoch = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off;
    return true;
}
