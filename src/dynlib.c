#define DYNLIB_MHD
#define DYNLIB_CRYPTO
#define DYNLIB_SSL
#include "dynlib.h"

#include <dlfcn.h>
#include <pthread.h>

#include "log.h"
#include "banned.h"

struct dynlib_mhd dynlib_mhd;
struct dynlib_crypto dynlib_crypto;
struct dynlib_ssl dynlib_ssl;

struct symbol {
    const char *name;
    void **slot;
};

/*
 * Opens `soname` and fills every slot, or fills none (returns -1 after one log line). The
 * handle is never closed: the library stays for the life of the process.
 */
static int load(const char *soname, const char *package, const struct symbol *syms, size_t n)
{
    void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);

    if (!h) {
        log_msg(LOG_ERROR, "cannot load %s (Debian package %s): %s", soname, package, dlerror());
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        void *p = dlsym(h, syms[i].name);
        if (!p) {
            log_msg(LOG_ERROR, "%s lacks %s: %s", soname, syms[i].name, dlerror());
            for (size_t j = 0; j < i; j++)
                *syms[j].slot = NULL;
            return -1;
        }
        *syms[i].slot = p;
    }
    return 0;
}

#define SYM(table, field, name)                                                                    \
    {                                                                                              \
        name, (void **)&table.field                                                                \
    }

static pthread_once_t mhd_once = PTHREAD_ONCE_INIT;
static int mhd_loaded = -1;

static void mhd_load(void)
{
    static const struct symbol syms[] = {
        SYM(dynlib_mhd, start_daemon_va, "MHD_start_daemon_va"),
        SYM(dynlib_mhd, stop_daemon, "MHD_stop_daemon"),
        SYM(dynlib_mhd, quiesce_daemon, "MHD_quiesce_daemon"),
        SYM(dynlib_mhd, get_connection_info, "MHD_get_connection_info"),
        SYM(dynlib_mhd, get_connection_values, "MHD_get_connection_values"),
        SYM(dynlib_mhd, lookup_connection_value, "MHD_lookup_connection_value"),
        SYM(dynlib_mhd, create_response_from_buffer, "MHD_create_response_from_buffer"),
        SYM(dynlib_mhd, add_response_header, "MHD_add_response_header"),
        SYM(dynlib_mhd, queue_response, "MHD_queue_response"),
        SYM(dynlib_mhd, destroy_response, "MHD_destroy_response"),
    };
    mhd_loaded = load("libmicrohttpd.so.12", "libmicrohttpd12", syms, ARRAY_SIZE(syms));
}

struct MHD_Daemon *dynlib_MHD_start_daemon(unsigned int flags, uint16_t port,
                                           MHD_AcceptPolicyCallback apc, void *apc_cls,
                                           MHD_AccessHandlerCallback dh, void *dh_cls, ...)
{
    struct MHD_Daemon *d;
    va_list ap;

    pthread_once(&mhd_once, mhd_load);
    if (mhd_loaded != 0)
        return NULL;
    va_start(ap, dh_cls);
    d = dynlib_mhd.start_daemon_va(flags, port, apc, apc_cls, dh, dh_cls, ap);
    va_end(ap);
    return d;
}

static pthread_once_t crypto_once = PTHREAD_ONCE_INIT;
static int crypto_loaded = -1;

static void crypto_load(void)
{
    static const struct symbol syms[] = {
        SYM(dynlib_crypto, digest, "EVP_Digest"),
        SYM(dynlib_crypto, sha256, "EVP_sha256"),
        SYM(dynlib_crypto, hmac, "HMAC"),
        SYM(dynlib_crypto, cleanse, "OPENSSL_cleanse"),
    };
    crypto_loaded = load("libcrypto.so.3", "libssl3", syms, sizeof(syms) / sizeof(syms[0]));
}

int dynlib_crypto_load(void)
{
    pthread_once(&crypto_once, crypto_load);
    return crypto_loaded;
}

static pthread_once_t ssl_once = PTHREAD_ONCE_INIT;
static int ssl_loaded = -1;

static void ssl_load(void)
{
    static const struct symbol syms[] = {
        SYM(dynlib_ssl, tls_client_method, "TLS_client_method"),
        SYM(dynlib_ssl, ctx_new, "SSL_CTX_new"),
        SYM(dynlib_ssl, ctx_free, "SSL_CTX_free"),
        SYM(dynlib_ssl, ctx_ctrl, "SSL_CTX_ctrl"),
        SYM(dynlib_ssl, ctx_set_options, "SSL_CTX_set_options"),
        SYM(dynlib_ssl, ctx_set_verify, "SSL_CTX_set_verify"),
        SYM(dynlib_ssl, ctx_set_default_verify_paths, "SSL_CTX_set_default_verify_paths"),
        SYM(dynlib_ssl, ctx_load_verify_file, "SSL_CTX_load_verify_file"),
        SYM(dynlib_ssl, ctx_load_verify_dir, "SSL_CTX_load_verify_dir"),
        SYM(dynlib_ssl, ctx_sess_set_new_cb, "SSL_CTX_sess_set_new_cb"),
        SYM(dynlib_ssl, ssl_new, "SSL_new"),
        SYM(dynlib_ssl, ssl_free, "SSL_free"),
        SYM(dynlib_ssl, set_fd, "SSL_set_fd"),
        SYM(dynlib_ssl, set1_host, "SSL_set1_host"),
        SYM(dynlib_ssl, ssl_ctrl, "SSL_ctrl"),
        SYM(dynlib_ssl, get0_param, "SSL_get0_param"),
        SYM(dynlib_ssl, param_set1_ip_asc, "X509_VERIFY_PARAM_set1_ip_asc"),
        SYM(dynlib_ssl, set_ex_data, "SSL_set_ex_data"),
        SYM(dynlib_ssl, get_ex_data, "SSL_get_ex_data"),
        SYM(dynlib_ssl, set_session, "SSL_set_session"),
        SYM(dynlib_ssl, session_free, "SSL_SESSION_free"),
        SYM(dynlib_ssl, session_is_resumable, "SSL_SESSION_is_resumable"),
        SYM(dynlib_ssl, ssl_connect, "SSL_connect"),
        SYM(dynlib_ssl, ssl_read, "SSL_read"),
        SYM(dynlib_ssl, ssl_write, "SSL_write"),
        SYM(dynlib_ssl, get_error, "SSL_get_error"),
        SYM(dynlib_ssl, ssl_shutdown, "SSL_shutdown"),
        SYM(dynlib_ssl, get_verify_result, "SSL_get_verify_result"),
        SYM(dynlib_ssl, verify_cert_error_string, "X509_verify_cert_error_string"),
        SYM(dynlib_ssl, err_get_error, "ERR_get_error"),
        SYM(dynlib_ssl, err_error_string_n, "ERR_error_string_n"),
        SYM(dynlib_ssl, err_clear_error, "ERR_clear_error"),
        SYM(dynlib_ssl, default_cert_dir, "X509_get_default_cert_dir"),
        SYM(dynlib_ssl, default_cert_dir_env, "X509_get_default_cert_dir_env"),
        SYM(dynlib_ssl, default_cert_file_env, "X509_get_default_cert_file_env"),
    };
    ssl_loaded = load("libssl.so.3", "libssl3", syms, ARRAY_SIZE(syms));
}

int dynlib_ssl_load(void)
{
    pthread_once(&ssl_once, ssl_load);
    return ssl_loaded;
}
