#ifndef DYNLIB_H
#define DYNLIB_H

/*
 * libmicrohttpd, libcrypto and libssl, loaded with dlopen(3) only by the modes that use them.
 *
 * Why: linked the ordinary way, they pull their own dependencies (libmicrohttpd brings GnuTLS
 * and its companions) into every start of the program, and their relocations and page faults
 * cost milliseconds before main(): libssl with libcrypto alone about 2.4 ms (hyperfine), much
 * of a millisecond-scale budget for `stdio`, which needs none of them. See docs/benchmarks.md.
 *
 * How: include this header instead of <microhttpd.h> / <openssl/...> (define DYNLIB_MHD,
 * DYNLIB_CRYPTO or DYNLIB_SSL first). The library functions the code base uses become calls
 * through a table filled by dlsym. MHD_start_daemon() loads libmicrohttpd on its first call
 * and fails (NULL) if it cannot; dynlib_crypto_load() and dynlib_ssl_load() load theirs and
 * return -1 if they cannot. Either way one log line names the missing library and the Debian
 * package to install. Every other function must only be called after the load succeeded.
 * Loading happens once per process (pthread_once) and is thread-safe.
 */

#ifdef DYNLIB_CRYPTO
/*
 * libcrypto (OpenSSL 3) for the SigV4 signer: linked normally it costs about 2 ms of CPU at
 * every start of the program (its relocations and constructors), in every mode, for the few
 * that sign. Call dynlib_crypto_load() (0 = loaded; -1 after one log line) before the others.
 */
#include <openssl/evp.h>
#include <openssl/hmac.h>

struct dynlib_crypto {
    int (*digest)(const void *data, size_t count, unsigned char *md, unsigned int *size,
                  const EVP_MD *type, ENGINE *impl);
    const EVP_MD *(*sha256)(void);
    unsigned char *(*hmac)(const EVP_MD *evp_md, const void *key, int key_len,
                           const unsigned char *d, size_t n, unsigned char *md,
                           unsigned int *md_len);
    void (*cleanse)(void *ptr, size_t len);
};
extern struct dynlib_crypto dynlib_crypto;
int dynlib_crypto_load(void);

#define EVP_Digest      dynlib_crypto.digest
#define EVP_sha256      dynlib_crypto.sha256
#define HMAC            dynlib_crypto.hmac
#define OPENSSL_cleanse dynlib_crypto.cleanse
#endif

#ifdef DYNLIB_SSL
/*
 * libssl (OpenSSL 3) for the HTTPS client of src/aws/http: linked normally it would cost about
 * 2.4 ms at every start of the program (libssl and libcrypto's relocations and page faults,
 * measured with hyperfine), in every mode; loaded here only when a request goes to an https://
 * URL. Call dynlib_ssl_load() (0 = loaded; -1 after one log line) before the others. The
 * libcrypto functions below (ERR_*, X509_*) come from the libcrypto that libssl pulls in.
 */
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

struct dynlib_ssl {
    const SSL_METHOD *(*tls_client_method)(void);
    SSL_CTX *(*ctx_new)(const SSL_METHOD *meth);
    void (*ctx_free)(SSL_CTX *ctx);
    long (*ctx_ctrl)(SSL_CTX *ctx, int cmd, long larg, void *parg);
    uint64_t (*ctx_set_options)(SSL_CTX *ctx, uint64_t op);
    void (*ctx_set_verify)(SSL_CTX *ctx, int mode, SSL_verify_cb cb);
    int (*ctx_set_default_verify_paths)(SSL_CTX *ctx);
    int (*ctx_load_verify_file)(SSL_CTX *ctx, const char *file);
    int (*ctx_load_verify_dir)(SSL_CTX *ctx, const char *dir);
    void (*ctx_sess_set_new_cb)(SSL_CTX *ctx, int (*cb)(SSL *ssl, SSL_SESSION *sess));
    SSL *(*ssl_new)(SSL_CTX *ctx);
    void (*ssl_free)(SSL *ssl);
    int (*set_fd)(SSL *ssl, int fd);
    int (*set1_host)(SSL *ssl, const char *hostname);
    long (*ssl_ctrl)(SSL *ssl, int cmd, long larg, void *parg);
    X509_VERIFY_PARAM *(*get0_param)(SSL *ssl);
    int (*param_set1_ip_asc)(X509_VERIFY_PARAM *param, const char *ipasc);
    int (*set_ex_data)(SSL *ssl, int idx, void *data);
    void *(*get_ex_data)(const SSL *ssl, int idx);
    int (*set_session)(SSL *ssl, SSL_SESSION *session);
    void (*session_free)(SSL_SESSION *session);
    int (*session_is_resumable)(const SSL_SESSION *s);
    int (*ssl_connect)(SSL *ssl);
    int (*ssl_read)(SSL *ssl, void *buf, int num);
    int (*ssl_write)(SSL *ssl, const void *buf, int num);
    int (*get_error)(const SSL *ssl, int ret);
    int (*ssl_shutdown)(SSL *ssl);
    long (*get_verify_result)(const SSL *ssl);
    const char *(*verify_cert_error_string)(long n);
    unsigned long (*err_get_error)(void);
    void (*err_error_string_n)(unsigned long e, char *buf, size_t len);
    void (*err_clear_error)(void);
    const char *(*default_cert_dir)(void);
    const char *(*default_cert_dir_env)(void);
    const char *(*default_cert_file_env)(void);
};
extern struct dynlib_ssl dynlib_ssl;
int dynlib_ssl_load(void);

#define TLS_client_method                dynlib_ssl.tls_client_method
#define SSL_CTX_new                      dynlib_ssl.ctx_new
#define SSL_CTX_free                     dynlib_ssl.ctx_free
#define SSL_CTX_ctrl                     dynlib_ssl.ctx_ctrl
#define SSL_CTX_set_options              dynlib_ssl.ctx_set_options
#define SSL_CTX_set_verify               dynlib_ssl.ctx_set_verify
#define SSL_CTX_set_default_verify_paths dynlib_ssl.ctx_set_default_verify_paths
#define SSL_CTX_load_verify_file         dynlib_ssl.ctx_load_verify_file
#define SSL_CTX_load_verify_dir          dynlib_ssl.ctx_load_verify_dir
#define SSL_CTX_sess_set_new_cb          dynlib_ssl.ctx_sess_set_new_cb
#define SSL_new                          dynlib_ssl.ssl_new
#define SSL_free                         dynlib_ssl.ssl_free
#define SSL_set_fd                       dynlib_ssl.set_fd
#define SSL_set1_host                    dynlib_ssl.set1_host
#define SSL_ctrl                         dynlib_ssl.ssl_ctrl
#define SSL_get0_param                   dynlib_ssl.get0_param
#define X509_VERIFY_PARAM_set1_ip_asc    dynlib_ssl.param_set1_ip_asc
#define SSL_set_ex_data                  dynlib_ssl.set_ex_data
#define SSL_get_ex_data                  dynlib_ssl.get_ex_data
#define SSL_set_session                  dynlib_ssl.set_session
#define SSL_SESSION_free                 dynlib_ssl.session_free
#define SSL_SESSION_is_resumable         dynlib_ssl.session_is_resumable
#define SSL_connect                      dynlib_ssl.ssl_connect
#define SSL_read                         dynlib_ssl.ssl_read
#define SSL_write                        dynlib_ssl.ssl_write
#define SSL_get_error                    dynlib_ssl.get_error
#define SSL_shutdown                     dynlib_ssl.ssl_shutdown
#define SSL_get_verify_result            dynlib_ssl.get_verify_result
#define X509_verify_cert_error_string    dynlib_ssl.verify_cert_error_string
#define ERR_get_error                    dynlib_ssl.err_get_error
#define ERR_error_string_n               dynlib_ssl.err_error_string_n
#define ERR_clear_error                  dynlib_ssl.err_clear_error
#define X509_get_default_cert_dir        dynlib_ssl.default_cert_dir
#define X509_get_default_cert_dir_env    dynlib_ssl.default_cert_dir_env
#define X509_get_default_cert_file_env   dynlib_ssl.default_cert_file_env
#endif

#ifdef DYNLIB_MHD
#include <stdarg.h>
#include <stdint.h>
#include <sys/socket.h>
#include <microhttpd.h>

struct dynlib_mhd {
    struct MHD_Daemon *(*start_daemon_va)(unsigned int flags, uint16_t port,
                                          MHD_AcceptPolicyCallback apc, void *apc_cls,
                                          MHD_AccessHandlerCallback dh, void *dh_cls, va_list ap);
    void (*stop_daemon)(struct MHD_Daemon *daemon);
    MHD_socket (*quiesce_daemon)(struct MHD_Daemon *daemon);
    const union MHD_ConnectionInfo *(*get_connection_info)(struct MHD_Connection *c,
                                                           enum MHD_ConnectionInfoType type, ...);
    int (*get_connection_values)(struct MHD_Connection *c, enum MHD_ValueKind kind,
                                 MHD_KeyValueIterator it, void *it_cls);
    const char *(*lookup_connection_value)(struct MHD_Connection *c, enum MHD_ValueKind kind,
                                           const char *key);
    struct MHD_Response *(*create_response_from_buffer)(size_t size, void *buffer,
                                                        enum MHD_ResponseMemoryMode mode);
    enum MHD_Result (*add_response_header)(struct MHD_Response *r, const char *header,
                                           const char *content);
    enum MHD_Result (*queue_response)(struct MHD_Connection *c, unsigned int status_code,
                                      struct MHD_Response *r);
    void (*destroy_response)(struct MHD_Response *r);
};
extern struct dynlib_mhd dynlib_mhd;
struct MHD_Daemon *dynlib_MHD_start_daemon(unsigned int flags, uint16_t port,
                                           MHD_AcceptPolicyCallback apc, void *apc_cls,
                                           MHD_AccessHandlerCallback dh, void *dh_cls, ...);

#define MHD_start_daemon                dynlib_MHD_start_daemon
#define MHD_stop_daemon                 dynlib_mhd.stop_daemon
#define MHD_quiesce_daemon              dynlib_mhd.quiesce_daemon
#define MHD_get_connection_info         dynlib_mhd.get_connection_info
#define MHD_get_connection_values       dynlib_mhd.get_connection_values
#define MHD_lookup_connection_value     dynlib_mhd.lookup_connection_value
#define MHD_create_response_from_buffer dynlib_mhd.create_response_from_buffer
#define MHD_add_response_header         dynlib_mhd.add_response_header
#define MHD_queue_response              dynlib_mhd.queue_response
#define MHD_destroy_response            dynlib_mhd.destroy_response
#endif

#endif
