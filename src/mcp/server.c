#include "mcp/server.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mcp/jsonrpc.h"
#include "alloc.h"
#include "banned.h"

/* tools/list page size. One tool ships today; the cursor machinery keeps big registries honest. */
#define TOOLS_PAGE_SIZE 50

/* Every revision served, newest first. Also the order of supportedVersions and
 * ERR_UNSUPPORTED_VERSION data. */
static const char *const versions[] = {MCP_VERSION_2026_07_28, MCP_VERSION_2025_11_25,
                                       MCP_VERSION_2025_06_18, MCP_VERSION_2025_03_26};

struct mcp_server {
    struct mcp_server_info info;
    const struct tool **tools;
    size_t ntools, cap;
};

bool mcp_version_supported(const char *v)
{
    for (size_t i = 0; v && i < ARRAY_SIZE(versions); i++)
        if (strcmp(v, versions[i]) == 0)
            return true;
    return false;
}

bool mcp_version_is_modern(const char *v)
{
    /* Revisions are dates; every one from 2026-07-28 on is per-request ("modern"). */
    return v && strlen(v) == 10 && strcmp(v, MCP_VERSION_2026_07_28) >= 0;
}

/* Legacy revisions compare as dates, so "at least" is a string comparison. */
static bool version_at_least(const char *v, const char *min)
{
    return v && strcmp(v, min) >= 0;
}

static const char *version_static(const char *v)
{
    for (size_t i = 0; v && i < ARRAY_SIZE(versions); i++)
        if (strcmp(v, versions[i]) == 0)
            return versions[i];
    return NULL;
}

json_t *mcp_versions_json(void)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < ARRAY_SIZE(versions); i++)
        json_array_append_new(a, json_string(versions[i]));
    return a;
}

int mcp_version_header_check(const char *header, const char *meta_version, struct err *e)
{
    if (header && strcmp(header, meta_version) == 0)
        return 0;
    return err_set(e, ERR_HEADER_MISMATCH,
                   "Header mismatch: MCP-Protocol-Version header '%.40s' does not match _meta "
                   "protocolVersion '%.40s'",
                   header ? header : "(absent)", meta_version);
}

struct mcp_server *mcp_server_new(const struct mcp_server_info *info)
{
    struct mcp_server *s = xcalloc(1, sizeof(*s));
    if (s)
        s->info = *info;
    return s;
}

void mcp_server_free(struct mcp_server *s)
{
    if (s)
        free(s->tools);
    free(s);
}

int mcp_server_add_tool(struct mcp_server *s, const struct tool *t, struct err *e)
{
    if (!t->name || !json_is_object(t->input_schema) || !t->call)
        return err_set(e, ERR_INVALID_PARAMS,
                       "tool '%s' lacks a name, an object input schema or a handler",
                       t->name ? t->name : "(no name)");
    if (mcp_server_find_tool(s, t->name))
        return err_set(e, ERR_INVALID_PARAMS, "a tool named '%s' is registered already", t->name);
    if (s->ntools == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        const struct tool **p = xrealloc(s->tools, cap * sizeof(*p));
        if (!p)
            return err_set(e, ERR_INTERNAL, "out of memory registering tool '%s'", t->name);
        s->tools = p;
        s->cap = cap;
    }
    s->tools[s->ntools++] = t;
    return 0;
}

const struct tool *mcp_server_find_tool(const struct mcp_server *s, const char *name)
{
    for (size_t i = 0; name && i < s->ntools; i++)
        if (strcmp(s->tools[i]->name, name) == 0)
            return s->tools[i];
    return NULL;
}

static json_t *params_of(json_t *msg)
{
    json_t *p = json_object_get(msg, "params");
    return json_is_object(p) ? p : NULL;
}

static json_t *meta_of_params(json_t *params)
{
    json_t *m = json_object_get(params, "_meta");
    return json_is_object(m) ? m : NULL;
}

static json_t *meta_of(json_t *msg)
{
    return meta_of_params(params_of(msg));
}

const char *mcp_message_modern_version(json_t *msg)
{
    return json_string_value(json_object_get(meta_of(msg), MCP_META_PROTOCOL_VERSION));
}

json_t *mcp_cancelled_request_id(json_t *msg)
{
    const char *method = json_string_value(json_object_get(msg, "method"));
    json_t *id;
    if (!method || strcmp(method, "notifications/cancelled") != 0)
        return NULL;
    id = json_object_get(params_of(msg), "requestId");
    return (json_is_string(id) || json_is_integer(id)) ? id : NULL;
}

/* The state of one exchange while it is being answered. */
struct call {
    struct mcp_server *s;
    const struct mcp_exchange *x;
    json_t *id;          /* borrowed from the request */
    const char *version; /* the revision in effect (static) */
    bool modern;
    json_t *client_caps; /* modern: _meta clientCapabilities (borrowed), else NULL */
};

static json_t *server_info_json(const struct mcp_server *s)
{
    json_t *o = json_pack("{s:s, s:s}", "name", s->info.name, "version", s->info.version);
    if (s->info.title)
        json_object_set_new(o, "title", json_string(s->info.title));
    return o;
}

/* Modern results carry resultType and identify the server (basic/index.mdx "Result Responses"). */
static json_t *result_reply(struct call *c, json_t *result)
{
    if (c->modern) {
        json_t *meta = json_object_get(result, "_meta");
        if (!json_is_object(meta)) {
            meta = json_object();
            if (json_object_set_new(result, "_meta", meta) < 0)
                meta = NULL; /* freed by the failed set */
        }
        json_object_set_new(meta, MCP_META_SERVER_INFO, server_info_json(c->s));
        json_object_set_new(result, "resultType", json_string("complete"));
    }
    return jsonrpc_result(c->id, result);
}

static int http_status_for(int code, bool modern)
{
    /*
     * Streamable HTTP: malformed messages are 400. For 2026-07-28 the spec also names the
     * statuses of its own errors (basic/transports/streamable-http.mdx "Server Validation").
     */
    switch (code) {
    case ERR_PARSE:
    case ERR_INVALID_REQUEST:
        return 400;
    case ERR_METHOD_NOT_FOUND:
        return modern ? 404 : 200;
    case ERR_INVALID_PARAMS:
    case ERR_HEADER_MISMATCH:
    case ERR_MISSING_CAPABILITY:
    case ERR_UNSUPPORTED_VERSION:
        return modern ? 400 : 200;
    default:
        return 200;
    }
}

static void set_error(struct call *c, struct mcp_reply *out, int code, const char *message,
                      json_t *data)
{
    out->msg = jsonrpc_error(c->id, code, message, data);
    out->http_status = http_status_for(code, c->modern);
}

static json_t *tool_json(const struct call *c, const struct tool *t)
{
    json_t *o = json_pack("{s:s, s:O}", "name", t->name, "inputSchema", t->input_schema);
    bool v2025_06 = c->modern || version_at_least(c->version, MCP_VERSION_2025_06_18);

    if (t->description)
        json_object_set_new(o, "description", json_string(t->description));
    /* title and outputSchema arrived in 2025-06-18; 2025-03-26 clients may reject them. */
    if (v2025_06 && t->title)
        json_object_set_new(o, "title", json_string(t->title));
    if (v2025_06 && t->output_schema)
        json_object_set(o, "outputSchema", t->output_schema);
    if (t->annotations)
        json_object_set(o, "annotations", t->annotations);
    return o;
}

static void do_tools_list(struct call *c, json_t *params, struct mcp_reply *out)
{
    json_t *cursor = json_object_get(params, "cursor"), *result, *tools;
    size_t start = 0, end;

    if (cursor && !json_is_null(cursor)) {
        const char *cs = json_string_value(cursor);
        char *endp = NULL;
        unsigned long v = cs ? strtoul(cs, &endp, 10) : 0;
        if (!cs || !*cs || *endp || v > c->s->ntools || cs[0] == '-') {
            set_error(c, out, ERR_INVALID_PARAMS, "Invalid cursor", NULL);
            return;
        }
        start = v;
    }
    end = start + TOOLS_PAGE_SIZE < c->s->ntools ? start + TOOLS_PAGE_SIZE : c->s->ntools;
    tools = json_array();
    for (size_t i = start; i < end; i++)
        json_array_append_new(tools, tool_json(c, c->s->tools[i]));
    result = json_object();
    json_object_set_new(result, "tools", tools);
    if (end < c->s->ntools) {
        char next[32];
        snprintf(next, sizeof(next), "%zu", end);
        json_object_set_new(result, "nextCursor", json_string(next));
    }
    if (c->modern) {
        /* The tool list is the same for every caller: cacheable by shared caches. */
        json_object_set_new(result, "ttlMs", json_integer(c->s->info.list_ttl_ms));
        json_object_set_new(result, "cacheScope", json_string("public"));
    }
    out->msg = result_reply(c, result);
}

/* Progress reporting for one tools/call (basic/utilities/progress). */
struct progress_state {
    pthread_mutex_t lock;
    const struct mcp_exchange *x;
    json_t *token; /* borrowed from the request */
    double last;
    bool sent_any, done;
};

static void progress_cb(void *opaque, double progress, double total, const char *message)
{
    struct progress_state *p = opaque;
    json_t *params, *n;

    pthread_mutex_lock(&p->lock);
    /*
     * Progress MUST increase, and nothing may follow the reply or a cancellation (the
     * request is over for the client once it sent notifications/cancelled).
     */
    if (p->done || (p->sent_any && progress <= p->last) ||
        (p->x->cancel && atomic_load(p->x->cancel))) {
        pthread_mutex_unlock(&p->lock);
        return;
    }
    p->last = progress;
    p->sent_any = true;
    params = json_pack("{s:O, s:f}", "progressToken", p->token, "progress", progress);
    if (total > 0)
        json_object_set_new(params, "total", json_real(total));
    if (message)
        json_object_set_new(params, "message", json_string(message));
    n = json_pack("{s:s, s:s, s:o}", "jsonrpc", "2.0", "method", "notifications/progress", "params",
                  params);
    if (n)
        p->x->notify(p->x->notify_opaque, n);
    pthread_mutex_unlock(&p->lock);
}

static void do_tools_call(struct call *c, json_t *params, struct mcp_reply *out)
{
    const char *name = json_string_value(json_object_get(params, "name"));
    json_t *args = json_object_get(params, "arguments"), *result, *token;
    const struct tool *t;
    struct tool_result r = TOOL_RESULT_INIT;
    struct err e = ERR_INIT;
    struct tool_ctx ctx = {0};
    struct progress_state ps = {.x = c->x};
    bool args_owned = false;
    int rc;

    if (!name) {
        set_error(c, out, ERR_INVALID_PARAMS, "tools/call needs params.name (a string)", NULL);
        return;
    }
    t = mcp_server_find_tool(c->s, name);
    if (!t) {
        char msg[200];
        snprintf(msg, sizeof(msg), "Unknown tool: %.120s", name);
        set_error(c, out, ERR_INVALID_PARAMS, msg, NULL);
        return;
    }
    if (c->modern && t->required_capabilities) {
        json_t *missing = json_object();
        for (const char *const *cap = t->required_capabilities; *cap; cap++)
            if (!json_object_get(c->client_caps, *cap))
                json_object_set_new(missing, *cap, json_object());
        if (json_object_size(missing) > 0) {
            set_error(c, out, ERR_MISSING_CAPABILITY, "Missing required client capability",
                      json_pack("{s:o}", "requiredCapabilities", missing));
            return;
        }
        json_decref(missing);
    }
    if (!args || json_is_null(args)) {
        args = json_object();
        args_owned = true;
    }

    ctx.deadline_ms = c->x->deadline_ms;
    ctx.cancel = c->x->cancel;
    ctx.caller = c->x->caller;
    ctx.protocol_version = c->version;
    token = json_object_get(json_object_get(params, "_meta"), "progressToken");
    if (c->x->notify && (json_is_string(token) || json_is_integer(token))) {
        pthread_mutex_init(&ps.lock, NULL);
        ps.token = token;
        ctx.progress = progress_cb;
        ctx.progress_opaque = &ps;
    }

    if (!json_is_object(args)) {
        rc = err_set(&e, ERR_INVALID_PARAMS, "params.arguments must be an object");
    } else {
        rc = t->call(t, &ctx, args, &r, &e);
    }

    if (ctx.progress) {
        pthread_mutex_lock(&ps.lock);
        ps.done = true;
        pthread_mutex_unlock(&ps.lock);
        pthread_mutex_destroy(&ps.lock);
    }
    if (args_owned)
        json_decref(args);

    if (rc < 0) {
        /*
         * Invalid arguments: up to 2025-06-18 a JSON-RPC error; from 2025-11-25 (SEP-1303) a
         * tool execution error, so that the model can read it and correct itself.
         */
        if (e.code == ERR_INVALID_PARAMS &&
            (c->modern || version_at_least(c->version, MCP_VERSION_2025_11_25))) {
            tool_result_release(&r);
            if (tool_result_text(&r, e.msg, true) < 0) {
                set_error(c, out, ERR_INTERNAL, "out of memory", NULL);
                return;
            }
        } else {
            tool_result_release(&r);
            set_error(c, out, e.code == ERR_INVALID_PARAMS ? ERR_INVALID_PARAMS : ERR_INTERNAL,
                      e.msg[0] ? e.msg : "tool failed", NULL);
            return;
        }
    }

    result = json_object();
    json_object_set_new(result, "content", r.content ? r.content : json_array());
    r.content = NULL;
    if (r.structured && (c->modern || version_at_least(c->version, MCP_VERSION_2025_06_18))) {
        json_object_set_new(result, "structuredContent", r.structured);
        r.structured = NULL;
    }
    json_object_set_new(result, "isError", json_boolean(r.is_error));
    tool_result_release(&r);
    out->msg = result_reply(c, result);
}

static void do_initialize(struct call *c, json_t *params, struct mcp_session *session,
                          struct mcp_reply *out)
{
    const char *requested = json_string_value(json_object_get(params, "protocolVersion"));
    const char *v;
    json_t *result;

    if (!requested) {
        set_error(c, out, ERR_INVALID_PARAMS, "initialize needs params.protocolVersion (a string)",
                  NULL);
        return;
    }
    /*
     * basic/lifecycle.mdx "Version Negotiation": echo a supported requested version, else
     * offer our newest. initialize is legacy by definition, so a modern version asked for here
     * gets the newest legacy one.
     */
    v = version_static(requested);
    if (!v || mcp_version_is_modern(v))
        v = MCP_VERSION_LATEST_LEGACY;
    c->version = v;

    result = json_object();
    json_object_set_new(result, "protocolVersion", json_string(v));
    json_object_set_new(result, "capabilities", json_pack("{s:{s:b}}", "tools", "listChanged", 0));
    json_object_set_new(result, "serverInfo", server_info_json(c->s));
    if (c->s->info.instructions)
        json_object_set_new(result, "instructions", json_string(c->s->info.instructions));
    if (session) {
        snprintf(session->version, sizeof(session->version), "%s", v);
        session->initialized = false;
    }
    out->msg = result_reply(c, result);
}

static void do_discover(struct call *c, struct mcp_reply *out)
{
    json_t *result = json_object();
    json_object_set_new(result, "supportedVersions", mcp_versions_json());
    json_object_set_new(result, "capabilities", json_pack("{s:{}}", "tools"));
    if (c->s->info.instructions)
        json_object_set_new(result, "instructions", json_string(c->s->info.instructions));
    json_object_set_new(result, "ttlMs", json_integer(c->s->info.list_ttl_ms));
    json_object_set_new(result, "cacheScope", json_string("public"));
    out->msg = result_reply(c, result);
}

/* Methods that exist only in the modern era. */
static bool method_is_modern_only(const char *method)
{
    return strcmp(method, "server/discover") == 0 || strncmp(method, "subscriptions/", 14) == 0;
}

static void handle_modern(struct call *c, const char *method, json_t *params, struct mcp_reply *out)
{
    json_t *meta = meta_of_params(params);
    json_t *v = json_object_get(meta, MCP_META_PROTOCOL_VERSION);
    json_t *caps = json_object_get(meta, MCP_META_CLIENT_CAPABILITIES);
    const char *requested = json_string_value(v);
    struct err e = ERR_INIT;

    c->modern = true;
    c->version = MCP_VERSION_MODERN;
    if (!requested) {
        set_error(c, out, ERR_INVALID_PARAMS,
                  "missing params._meta[\"" MCP_META_PROTOCOL_VERSION "\"] (a string)", NULL);
        return;
    }
    /*
     * On HTTP the header must say what the body says (streamable-http.mdx "Request Metadata",
     * "Server Validation"). This is checked before the version itself: a header that does not
     * match the body is a HeaderMismatch whatever either value is.
     */
    if (c->x->http && mcp_version_header_check(c->x->header_version, requested, &e) < 0) {
        set_error(c, out, e.code, e.msg, NULL);
        return;
    }
    if (!mcp_version_is_modern(requested) || !version_static(requested)) {
        json_t *data =
            json_pack("{s:o, s:s}", "supported", mcp_versions_json(), "requested", requested);
        set_error(c, out, ERR_UNSUPPORTED_VERSION, "Unsupported protocol version", data);
        return;
    }
    c->version = version_static(requested);
    if (!json_is_object(caps)) {
        set_error(c, out, ERR_INVALID_PARAMS,
                  "missing params._meta[\"" MCP_META_CLIENT_CAPABILITIES "\"] (an object)", NULL);
        return;
    }
    c->client_caps = caps;

    if (strcmp(method, "server/discover") == 0)
        do_discover(c, out);
    else if (strcmp(method, "tools/list") == 0)
        do_tools_list(c, params, out);
    else if (strcmp(method, "tools/call") == 0)
        do_tools_call(c, params, out);
    else
        set_error(c, out, ERR_METHOD_NOT_FOUND, "Method not found", NULL);
}

static void handle_legacy(struct call *c, struct mcp_session *session, const char *method,
                          json_t *params, bool in_batch, struct mcp_reply *out)
{
    if (strcmp(method, "initialize") == 0) {
        if (in_batch) {
            /* 2025-03-26 basic/index: "initialize" MUST NOT be part of a batch. */
            set_error(c, out, ERR_INVALID_REQUEST, "initialize must not be sent in a batch", NULL);
            return;
        }
        do_initialize(c, params, session, out);
    } else if (strcmp(method, "ping") == 0) {
        out->msg = result_reply(c, json_object());
    } else if (strcmp(method, "tools/list") == 0) {
        do_tools_list(c, params, out);
    } else if (strcmp(method, "tools/call") == 0) {
        do_tools_call(c, params, out);
    } else {
        set_error(c, out, ERR_METHOD_NOT_FOUND, "Method not found", NULL);
    }
}

/* The legacy revision in effect for a message without modern _meta. */
static const char *legacy_version(struct mcp_session *session, const struct mcp_exchange *x)
{
    if (x->http) {
        /* streamable-http.mdx: no header means 2025-03-26. */
        const char *v = version_static(x->header_version);
        return v && !mcp_version_is_modern(v) ? v : MCP_VERSION_2025_03_26;
    }
    if (session && session->version[0])
        return version_static(session->version);
    return MCP_VERSION_LATEST_LEGACY;
}

/*
 * versioning.mdx "Backward Compatibility": a request carrying modern _meta is served as modern,
 * where initialize does not exist (ERR_METHOD_NOT_FOUND, 404 over HTTP); an initialize without it
 * selects legacy semantics.
 */
static bool served_as_modern(json_t *msg, const char *method, const struct mcp_exchange *x)
{
    if (strcmp(method, "initialize") == 0)
        return mcp_version_is_modern(mcp_message_modern_version(msg));
    return mcp_message_modern_version(msg) || method_is_modern_only(method) ||
           (x->http && mcp_version_is_modern(x->header_version));
}

/*
 * Strings may carry \u0000 (the transports parse with it allowed), but the protocol's own
 * strings are read as C strings, where "tools/call\u0000x" would pass for "tools/call". So a
 * NUL is refused everywhere except inside `skip` (a tool's arguments: the tool judges them).
 * Nesting is bounded by the parser (2048 levels), and so is this recursion.
 */
static bool has_nul(json_t *v, const json_t *skip)
{
    const char *key;
    json_t *x;
    size_t i;

    if (v == skip)
        return false;
    switch (json_typeof(v)) {
    case JSON_STRING:
        return strlen(json_string_value(v)) != json_string_length(v);
    case JSON_ARRAY:
        json_array_foreach(v, i, x)
        {
            if (has_nul(x, skip))
                return true;
        }
        return false;
    case JSON_OBJECT:
        json_object_foreach(v, key, x)
        {
            if (has_nul(x, skip))
                return true;
        }
        return false;
    default:
        return false;
    }
}

static void handle_one(struct mcp_server *s, struct mcp_session *session, json_t *msg,
                       const struct mcp_exchange *x, bool in_batch, struct mcp_reply *out)
{
    struct call c = {.s = s, .x = x, .id = jsonrpc_id(msg)};
    const char *why = NULL, *method;
    enum jsonrpc_kind kind = jsonrpc_classify(msg, &why);
    json_t *params;

    c.version = legacy_version(session, x);
    out->msg = NULL;
    out->http_status = 200;

    if ((kind == JSONRPC_REQUEST || kind == JSONRPC_NOTIFICATION) &&
        has_nul(msg, json_object_get(params_of(msg), "arguments"))) {
        if (kind == JSONRPC_REQUEST)
            set_error(&c, out, ERR_INVALID_REQUEST,
                      "a string holds a NUL character (\\u0000); only tool arguments may", NULL);
        out->version = c.version;
        return;
    }
    switch (kind) {
    case JSONRPC_INVALID:
        set_error(&c, out, ERR_INVALID_REQUEST, why, NULL);
        break;
    case JSONRPC_RESPONSE:
        /* We never send requests, so a response answers nothing; accept and drop it. */
        break;
    case JSONRPC_NOTIFICATION:
        method = json_string_value(json_object_get(msg, "method"));
        if (session && strcmp(method, "notifications/initialized") == 0)
            session->initialized = true;
        break;
    case JSONRPC_REQUEST:
        method = json_string_value(json_object_get(msg, "method"));
        params = params_of(msg);
        if (json_object_get(msg, "params") && !params) {
            set_error(&c, out, ERR_INVALID_PARAMS, "params must be an object", NULL);
            break;
        }
        if (served_as_modern(msg, method, x)) {
            const char *mv = mcp_message_modern_version(msg);
            /* A legacy revision named in _meta is served as legacy, the version as given. */
            if (mv && version_static(mv) && !mcp_version_is_modern(mv) &&
                !method_is_modern_only(method)) {
                c.version = version_static(mv);
                handle_legacy(&c, session, method, params, in_batch, out);
            } else {
                handle_modern(&c, method, params, out);
            }
        } else {
            handle_legacy(&c, session, method, params, in_batch, out);
        }
        break;
    }
    out->version = c.version;
}

void mcp_server_handle(struct mcp_server *s, struct mcp_session *session, json_t *msg,
                       const struct mcp_exchange *x, struct mcp_reply *out)
{
    const char *v;
    json_t *replies;
    size_t i;
    json_t *elem;

    out->msg = NULL;
    out->http_status = 200;
    out->version = legacy_version(session, x);

    if (!json_is_array(msg)) {
        handle_one(s, session, msg, x, false, out);
        return;
    }

    /* Batches exist only in 2025-03-26 (removed by 2025-06-18). */
    v = legacy_version(session, x);
    if (!x->http && !(session && session->version[0]))
        v = NULL; /* stdio before initialize: the revision is not known yet */
    if (!v || strcmp(v, MCP_VERSION_2025_03_26) != 0) {
        out->msg = jsonrpc_error(NULL, ERR_INVALID_REQUEST,
                                 "JSON-RPC batches are only supported in protocol version "
                                 "2025-03-26",
                                 NULL);
        out->http_status = 400;
        return;
    }
    if (json_array_size(msg) == 0) {
        out->msg = jsonrpc_error(NULL, ERR_INVALID_REQUEST, "empty batch", NULL);
        out->http_status = 400;
        return;
    }
    replies = json_array();
    json_array_foreach(msg, i, elem)
    {
        struct mcp_reply one;
        handle_one(s, session, elem, x, true, &one);
        if (one.msg)
            json_array_append_new(replies, one.msg);
    }
    if (json_array_size(replies) == 0) {
        json_decref(replies);
        return;
    }
    /* A batch is answered as a whole; errors of its members travel inside it. */
    out->msg = replies;
    out->http_status = 200;
}
