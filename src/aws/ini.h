#ifndef AWS_INI_H
#define AWS_INI_H

/*
 * The AWS CLI's shared config and credentials files (~/.aws/config, ~/.aws/credentials), read
 * as botocore reads them (Python's configparser, raw):
 *
 *   - "[name]" starts a section; the name is trimmed. In the config file profiles are
 *     "[profile NAME]" (and "[default]"); in the credentials file plain "[NAME]".
 *   - "key = value" or "key: value"; keys trimmed and compared without case, values trimmed.
 *     No inline comments: "key = a # b" has the value "a # b".
 *   - Lines starting with '#' or ';' are comments; blank lines are ignored.
 *   - An indented line continues the previous value (nested settings such as "s3 =" with
 *     indented sub-keys); such values are not credentials and are kept but never interpreted.
 *   - Repeated keys: the last wins; repeated sections are merged.
 *
 * Any bytes at all are accepted (NUL, binary, unterminated lines): what is not a section or a
 * key line is skipped. The parser allocates nothing; lookups return slices of the text.
 */

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/*
 * Looks up `key` in the section whose name is `section`, as written between the brackets
 * after trimming ("profile dev", "default"). Returns true and copies the value into out
 * (reset first) when found; false otherwise (out reset).
 */
bool aws_ini_get(const char *text, size_t len, const char *section, const char *key,
                 struct buf *out);

/* True when a section of that name exists (even empty). */
bool aws_ini_has_section(const char *text, size_t len, const char *section);

/*
 * A config-file profile's section name: "default" for "default", else "profile NAME". A
 * config file may also write "[profile default]"; aws_ini_profile_get tries both for default.
 */
bool aws_ini_profile_get(const char *text, size_t len, const char *profile, const char *key,
                         struct buf *out);
bool aws_ini_has_profile(const char *text, size_t len, const char *profile);

#endif
