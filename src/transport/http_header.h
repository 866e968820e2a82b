#ifndef TRANSPORT_HTTP_HEADER_H
#define TRANSPORT_HTTP_HEADER_H

/*
 * Generic HTTP header parsing (RFC 9110), with no MCP rule in it: lookup, white space, media
 * types, Accept, authorities and the MCP header value encoding. transport/http.h applies the
 * MCP Streamable HTTP rules on top. Pure functions, thread-safe.
 */

#include <stdbool.h>
#include <stddef.h>

struct http_header {
    const char *name; /* any case; compared case-insensitively */
    const char *value;
};

/* Case-insensitive lookup of the first header `name` among h[0..nh); NULL when absent. */
const char *http_header_get(const struct http_header *h, size_t nh, const char *name);
/* How many headers `name` there are among h[0..nh). */
size_t http_header_count(const struct http_header *h, size_t nh, const char *name);

/* Optional white space: a space or a tab (RFC 9110 section 5.6.3). */
bool http_is_ows(char c);
/* Drops optional white space from both ends of the span p[0..*n). */
void http_trim(const char **p, size_t *n);
/* true when the span p[0..n) equals lit, ignoring case. */
bool http_span_ieq(const char *p, size_t n, const char *lit);

/* true when the media type of a Content-Type value is type_wanted (parameters ignored). */
bool http_content_type_is(const char *v, const char *type_wanted);
/*
 * Does Accept allow an application/json reply? A request without Accept (or with only empty
 * ones) accepts anything (RFC 9110 12.5.1), so simple clients such as curl are served.
 */
bool http_accepts_json(const struct http_header *h, size_t nh);

/*
 * Splits "name[:port]" or "[v6][:port]" into the name (brackets dropped, written to name,
 * name_size bytes at most with the NUL) and checks that a port, when present, is 1 to 5
 * digits. *v6 says the name was bracketed. Returns false when malformed.
 */
bool http_authority_split(const char *p, size_t n, char *name, size_t name_size, bool *v6);

/*
 * Decodes a header value that may use the MCP sentinel "=?base64?<base64>?=" (streamable-http
 * "Value Encoding"): leading and trailing spaces and tabs are dropped, then a sentinel value is
 * decoded strictly (standard alphabet, padding required) and any other value is taken as is.
 * Writes a malloc'd, NUL-terminated copy to *out and its length (the bytes may include NUL) to
 * *len. Returns 0, or -1 when the base64 is invalid or a plain value holds bytes outside
 * visible ASCII, space and tab (*out is then NULL).
 */
int http_header_value_decode(const char *value, char **out, size_t *len);

#endif
