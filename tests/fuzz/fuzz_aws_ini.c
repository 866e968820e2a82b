/*
 * libFuzzer target for the shared config / credentials file parser (src/aws/ini.c): arbitrary
 * bytes as a file. Lookups must never crash or read outside the input; a value found contains
 * no line break and is a slice of the input; a key found implies its section exists.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/ini.h"

static void probe(const char *text, size_t size, const char *section, const char *key)
{
    struct buf v = BUF_INIT(0);
    if (aws_ini_get(text, size, section, key, &v)) {
        if (memchr(v.p, '\n', v.len) || v.len > size || !aws_ini_has_section(text, size, section))
            abort();
    }
    buf_release(&v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* No NUL after the input: the parser must respect the length. */
    char *text = malloc(size ? size : 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    static const char *const sections[] = {"default", "profile default", "profile dev", "dev", ""};
    static const char *const keys[] = {
        "aws_access_key_id", "aws_secret_access_key", "credential_process", "role_arn", "k", ""};
    for (size_t s = 0; s < sizeof(sections) / sizeof(sections[0]); s++)
        for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
            probe(text, size, sections[s], keys[k]);
    struct buf v = BUF_INIT(0);
    (void)aws_ini_profile_get(text, size, "default", "credential_process", &v);
    (void)aws_ini_has_profile(text, size, "dev");
    buf_release(&v);
    free(text);
    return 0;
}
