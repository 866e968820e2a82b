#include "engine/engine.h"

#include <stdio.h>

#include "banned.h"

int engine_handoff(struct err *e, const char *fmt, ...)
{
    if (e) {
        va_list ap;
        e->code = ERR_NONE;
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
        va_end(ap);
    }
    return ENGINE_HANDOFF;
}
