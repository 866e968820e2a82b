#define DYNLIB_CURL
#define DYNLIB_MHD
#define DYNLIB_CRYPTO
#include "dynlib.h"

#include <dlfcn.h>
#include <pthread.h>

#include "log.h"
#include "banned.h"

struct dynlib_curl dynlib_curl;
struct dynlib_mhd dynlib_mhd;
struct dynlib_crypto dynlib_crypto;

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

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static int curl_loaded = -1;

static void curl_load(void)
{
    static const struct symbol syms[] = {
        SYM(dynlib_curl, global_init, "curl_global_init"),
        SYM(dynlib_curl, global_cleanup, "curl_global_cleanup"),
        SYM(dynlib_curl, easy_init, "curl_easy_init"),
        SYM(dynlib_curl, easy_setopt, "curl_easy_setopt"),
        SYM(dynlib_curl, easy_perform, "curl_easy_perform"),
        SYM(dynlib_curl, easy_getinfo, "curl_easy_getinfo"),
        SYM(dynlib_curl, easy_strerror, "curl_easy_strerror"),
        SYM(dynlib_curl, easy_cleanup, "curl_easy_cleanup"),
        SYM(dynlib_curl, easy_reset, "curl_easy_reset"),
        SYM(dynlib_curl, slist_append, "curl_slist_append"),
        SYM(dynlib_curl, slist_free_all, "curl_slist_free_all"),
        SYM(dynlib_curl, share_init, "curl_share_init"),
        SYM(dynlib_curl, share_setopt, "curl_share_setopt"),
        SYM(dynlib_curl, share_cleanup, "curl_share_cleanup"),
    };
    curl_loaded = load("libcurl.so.4", "libcurl4", syms, ARRAY_SIZE(syms));
}

CURLcode dynlib_curl_global_init(long flags)
{
    pthread_once(&curl_once, curl_load);
    return curl_loaded == 0 ? dynlib_curl.global_init(flags) : CURLE_FAILED_INIT;
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
