#ifndef AWS_SIGV4_H
#define AWS_SIGV4_H

/*
 * AWS Signature Version 4 (AWS4-HMAC-SHA256), header and presigned-query forms.
 *
 * The caller describes one request (method, path and query as they will go on the wire,
 * headers, body) and gets back what to add to it: X-Amz-Date, X-Amz-Security-Token,
 * optionally x-amz-content-sha256, and either the Authorization header or the presigned query
 * string. Sign last: any later change to the path, query, signed headers or body invalidates
 * the signature.
 *
 * Canonical form (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html):
 * - path: optionally normalised (dot segments resolved, empty segments dropped), then every
 *   byte outside the RFC 3986 unreserved set and '/' percent-encoded. A path that is already
 *   percent-encoded is therefore encoded a second time ('%' -> '%25'), as every service but S3
 *   expects.
 * - query: split on '&' and the first '=', each key and value percent-decoded and re-encoded
 *   with the unreserved set, pairs sorted by encoded key then value.
 * - headers: names lower-cased; values trimmed with inner runs of whitespace (including line
 *   breaks of folded headers) collapsed to one space; repeated names joined with ',' in
 *   arrival order; hop-by-hop and proxy-rewritten headers (user-agent, connection, expect, ...,
 *   the same list as botocore) are never signed. A Host header is required.
 *
 * Thread-safety: sigv4_sign only reads its arguments, except the key cache, which has its own
 * lock; one struct sigv4_key_cache may be shared by any number of threads.
 */

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "aws/header.h"
#include "buf.h"
#include "err.h"

/* Borrowed strings; session_token may be NULL or "". */
struct sigv4_credentials {
    const char *access_key_id;
    const char *secret_access_key;
    const char *session_token;
};

struct sigv4_request {
    const char *method;               /* "GET", "POST", ... */
    const char *path;                 /* the path as sent, before any '?' ("" means "/") */
    const char *query;                /* after the '?', without it; NULL or "" = none */
    const struct aws_header *headers; /* borrowed; must include Host */
    size_t n_headers;
    const void *body; /* hashed for the payload hash; NULL = empty */
    size_t body_len;
    const char *payload_hash; /* overrides the body's hash (e.g. "UNSIGNED-PAYLOAD"); NULL = none */
};

/*
 * The signing key depends only on the secret, the day, the region and the service; deriving
 * it costs four HMACs. The cache keeps the last one (keyed by a digest of the secret, never
 * the secret itself) under a mutex.
 */
struct sigv4_key_cache {
    pthread_mutex_t lock;
    bool valid;
    unsigned char secret_digest[32];
    char day[9];
    char region[64];
    char service[64];
    unsigned char key[32];
};
#define SIGV4_KEY_CACHE_INIT                                                                       \
    {                                                                                              \
        .lock = PTHREAD_MUTEX_INITIALIZER                                                          \
    }

struct sigv4_params {
    const char *region;
    const char *service;
    time_t when;             /* signing time (UTC seconds) */
    bool normalize_path;     /* true for every service but S3 */
    bool sign_body;          /* add and sign x-amz-content-sha256 */
    bool omit_session_token; /* send the token but leave it out of the signature (IoT style) */
    bool presign;            /* query form instead of the Authorization header */
    long expires_s;          /* X-Amz-Expires of the query form (1..604800) */
    struct sigv4_key_cache *cache; /* NULL = derive the key every time */
};

/*
 * What to add to the request. Strings are owned by the struct: sigv4_signed_release frees
 * them. Header form: send amz_date as X-Amz-Date, security_token (if not empty) as
 * X-Amz-Security-Token, content_sha256 (if not empty) as x-amz-content-sha256, and
 * authorization as Authorization. Query form: replace the query with `query`.
 */
struct sigv4_signed {
    char amz_date[17];          /* 20150830T123600Z */
    char content_sha256[65];    /* hex, only with sign_body */
    char signature[65];         /* hex */
    const char *security_token; /* borrowed from the credentials; "" = none */
    struct buf authorization;
    struct buf query;
    struct buf canonical_request; /* kept for tests and for debugging a mismatch */
    struct buf string_to_sign;
};

void sigv4_signed_init(struct sigv4_signed *s);
void sigv4_signed_release(struct sigv4_signed *s);

/*
 * Signs req. Fails (ERR_INVALID_PARAMS) on missing credentials, region, service or Host
 * header, a region or service with characters outside [A-Za-z0-9-_.], or an out-of-range
 * expiry; ERR_INTERNAL when memory or libcrypto fails.
 */
int sigv4_sign(const struct sigv4_request *req, const struct sigv4_credentials *cred,
               const struct sigv4_params *p, struct sigv4_signed *out, struct err *e) WUR;

/* Hex SHA-256 of data into hex[65]. Returns 0, or -1 if libcrypto fails. */
int sigv4_sha256_hex(const void *data, size_t len, char hex[65]) WUR;

/*
 * Percent-encodes s[0..n) into b with the RFC 3986 unreserved set kept; '/' is kept too when
 * keep_slash. Returns 0 or -1 (memory / ceiling).
 */
int sigv4_uri_encode(struct buf *b, const char *s, size_t n, bool keep_slash) WUR;

#endif
