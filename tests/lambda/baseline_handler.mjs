// The baseline for bench/lambda_bench.py: AWS's own library for running an MCP server on
// Lambda behind a Function URL (@aws/run-mcp-servers-with-aws-lambda 0.5.21), as its README
// shows: a LambdaFunctionURLEventHandler around a StdioServerAdapterRequestHandler, which
// starts the stdio MCP server (baseline_server.mjs) for every request.

import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const nodeDir = process.env.NODE_DIR || path.join(here, '..', 'node');
const lib = await import(pathToFileURL(path.join(nodeDir, 'node_modules',
  '@aws/run-mcp-servers-with-aws-lambda/dist/index.js')).href);

const serverParams = {
  command: process.execPath,
  args: [path.join(here, 'baseline_server.mjs')],
  env: Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined)),
};
const requestHandler = new lib.LambdaFunctionURLEventHandler(
  new lib.StdioServerAdapterRequestHandler(serverParams));

export const handler = (event, context) => requestHandler.handle(event, context);
