-- wrk script: POST one JSON-RPC tools/list request per call to the MCP endpoint.
-- Optional environment: MCP_SESSION_ID (for servers with sessions), MCP_PROTOCOL_VERSION.
wrk.method = "POST"
wrk.body = '{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
wrk.headers["MCP-Protocol-Version"] = os.getenv("MCP_PROTOCOL_VERSION") or "2025-11-25"
local sid = os.getenv("MCP_SESSION_ID")
if sid and sid ~= "" then
  wrk.headers["Mcp-Session-Id"] = sid
end
