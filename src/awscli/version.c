#include "awscli/version.h"

#include <string.h>

#include "banned.h"

bool awscli_v1_failure(int exit_code, const char *err, size_t len)
{
    static const char marker[] = "Unknown options:", option[] = "--no-cli-pager";
    const char *p = err, *end = err + len;

    if (exit_code == 0 || !err)
        return false;
    while ((p = memmem(p, (size_t)(end - p), marker, sizeof(marker) - 1)) != NULL) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        for (p += sizeof(marker) - 1; p < eol;) {
            const char *w;
            while (p < eol && (*p == ',' || *p == ' ' || *p == '\t' || *p == '\r'))
                p++;
            w = p;
            while (p < eol && *p != ',' && *p != ' ' && *p != '\t' && *p != '\r')
                p++;
            if ((size_t)(p - w) == sizeof(option) - 1 && memcmp(w, option, sizeof(option) - 1) == 0)
                return true;
        }
    }
    return false;
}
