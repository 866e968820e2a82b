/*
 * libFuzzer target for the Streamable HTTP rules: arbitrary bytes become one HTTP request
 * (first byte: method, path, local/Lambda and auth settings; then "Name: value" header lines
 * up to an empty line; the rest is the body) and go through http_handle, as the local server
 * and the Lambda adapter hand requests over. Asserts that every response is complete: a status
 * in 200..599, and a JSON body whenever the response says application/json.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mcp/server.h"
#include "transport/http.h"

static void must(int cond)
{
    if (!cond)
        abort();
}

static int call(const struct tool *t, const struct tool_ctx *ctx, json_t *args,
                struct tool_result *r, struct err *e)
{
    (void)t;
    (void)ctx;
    if (!json_is_string(json_object_get(args, "command")))
        return err_set(e, ERR_INVALID_PARAMS, "command must be a string");
    return tool_result_text(r, "ok", false);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const methods[] = {"POST", "GET", "DELETE", "OPTIONS", "PUT", "post"};
    static const char *const paths[] = {"/mcp", "/", "/x", "/mcp/"};
    static struct http_front *fronts[2];
    static struct mcp_server *server;
    static struct tool t = {.name = "run_aws_cli", .call = call};
    static struct config cfg[2];
    struct http_header headers[64];
    struct http_request req = {0};
    struct http_response res;
    char *copy, *p, *end;
    size_t nh = 0;
    const char *ctype = NULL;

    if (!server) {
        static const struct mcp_server_info info = {.name = "fuzz", .version = "1"};
        log_set_level(LOG_OFF);
        t.input_schema = json_pack("{s:s}", "type", "object");
        server = mcp_server_new(&info);
        must(server && mcp_server_add_tool(server, &t, NULL) == 0);
        for (int i = 0; i < 2; i++) {
            cfg[i].max_body_bytes = 4096;
            snprintf(cfg[i].listen_host, sizeof(cfg[i].listen_host), "127.0.0.1");
            cfg[i].listen_port = 8080;
        }
        cfg[1].auth_token = "0123456789abcdef";
        cfg[1].allowed_origins = "https://a.example,*";
        fronts[0] = http_front_new(server, &cfg[0]);
        fronts[1] = http_front_new(server, &cfg[1]);
        must(fronts[0] && fronts[1]);
    }
    if (size < 1)
        return 0;
    req.method = methods[data[0] % 6];
    req.path = paths[(data[0] >> 3) % 4];
    req.local = data[0] & 0x20;
    copy = malloc(size);
    must(copy != NULL);
    memcpy(copy, data + 1, size - 1);
    copy[size - 1] = '\0';
    p = copy;
    end = copy + size - 1;
    /* Header lines until an empty line; what follows is the body. */
    while (p < end && nh < 64) {
        char *nl = memchr(p, '\n', (size_t)(end - p)), *colon;
        if (!nl)
            break;
        *nl = '\0';
        if (nl == p) {
            p = nl + 1;
            break;
        }
        colon = strchr(p, ':');
        if (colon) {
            *colon = '\0';
            headers[nh].name = p;
            headers[nh].value = colon + 1 + (colon[1] == ' ');
            nh++;
        }
        p = nl + 1;
    }
    req.headers = headers;
    req.nheaders = nh;
    req.body = p;
    req.body_len = (size_t)(end - p);

    http_handle(fronts[(data[0] >> 6) & 1], &req, &res);
    must(res.status >= 200 && res.status <= 599);
    for (size_t i = 0; i < res.nheaders; i++)
        if (strcasecmp(res.headers[i].name, "Content-Type") == 0)
            ctype = res.headers[i].value;
    if (ctype && strncmp(ctype, "application/json", 16) == 0) {
        json_t *j = json_loadb(res.body, res.body_len, 0, NULL);
        must(j != NULL);
        json_decref(j);
    }
    http_response_release(&res);
    free(copy);
    return 0;
}
