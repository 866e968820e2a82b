#include "aws/ini.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "banned.h"

struct slice {
    const char *p;
    size_t n;
};

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static struct slice trim(const char *p, size_t n)
{
    while (n && is_blank(*p)) {
        p++;
        n--;
    }
    while (n && is_blank(p[n - 1]))
        n--;
    return (struct slice){p, n};
}

static bool slice_eq(struct slice s, const char *z, bool nocase)
{
    size_t l = strlen(z);
    if (s.n != l)
        return false;
    return nocase ? strncasecmp(s.p, z, l) == 0 : memcmp(s.p, z, l) == 0;
}

/*
 * Walks the lines and calls back for each section header and key line. The callback returns
 * true to stop. `section` is the current section (empty slice before the first header).
 */
typedef bool (*line_fn)(void *arg, struct slice section, const struct slice *key,
                        struct slice value);

static void walk(const char *text, size_t len, line_fn fn, void *arg)
{
    struct slice section = {"", 0};
    size_t i = 0;
    while (i < len) {
        const char *line = text + i;
        const char *nl = memchr(line, '\n', len - i);
        size_t n = nl ? (size_t)(nl - line) : len - i;
        i += n + (nl ? 1 : 0);
        if (n == 0 || is_blank(line[0]))
            continue; /* blank, or a continuation of a nested value: never a credential */
        struct slice t = trim(line, n);
        if (t.n == 0 || t.p[0] == '#' || t.p[0] == ';')
            continue;
        if (t.p[0] == '[') {
            const char *close = memchr(t.p, ']', t.n);
            if (!close)
                continue;
            section = trim(t.p + 1, (size_t)(close - t.p - 1));
            if (fn(arg, section, NULL, (struct slice){"", 0}))
                return;
            continue;
        }
        size_t k = 0;
        while (k < t.n && t.p[k] != '=' && t.p[k] != ':')
            k++;
        if (k == t.n)
            continue;
        struct slice key = trim(t.p, k);
        struct slice value = trim(t.p + k + 1, t.n - k - 1);
        if (key.n && fn(arg, section, &key, value))
            return;
    }
}

struct find {
    const char *section, *key;
    bool found_section, found;
    struct slice value;
};

static bool find_line(void *arg, struct slice section, const struct slice *key, struct slice value)
{
    struct find *f = arg;
    if (!slice_eq(section, f->section, false))
        return false;
    f->found_section = true;
    if (key && f->key && key->n == strlen(f->key) && strncasecmp(key->p, f->key, key->n) == 0) {
        f->found = true; /* keep going: the last one wins */
        f->value = value;
    }
    return false;
}

bool aws_ini_get(const char *text, size_t len, const char *section, const char *key,
                 struct buf *out)
{
    struct find f = {section, key, false, false, {"", 0}};
    buf_reset(out);
    if (!text)
        return false;
    walk(text, len, find_line, &f);
    if (!f.found)
        return false;
    if (buf_add(out, f.value.p, f.value.n) < 0)
        return false;
    return true;
}

bool aws_ini_has_section(const char *text, size_t len, const char *section)
{
    struct find f = {section, NULL, false, false, {"", 0}};
    if (text)
        walk(text, len, find_line, &f);
    return f.found_section;
}

static void profile_section(const char *profile, char *out, size_t n)
{
    if (strcmp(profile, "default") == 0)
        snprintf(out, n, "default");
    else
        snprintf(out, n, "profile %s", profile);
}

bool aws_ini_profile_get(const char *text, size_t len, const char *profile, const char *key,
                         struct buf *out)
{
    char section[512];
    profile_section(profile, section, sizeof(section));
    if (aws_ini_get(text, len, section, key, out))
        return true;
    return strcmp(profile, "default") == 0 && aws_ini_get(text, len, "profile default", key, out);
}

bool aws_ini_has_profile(const char *text, size_t len, const char *profile)
{
    char section[512];
    profile_section(profile, section, sizeof(section));
    return aws_ini_has_section(text, len, section) ||
           (strcmp(profile, "default") == 0 && aws_ini_has_section(text, len, "profile default"));
}
