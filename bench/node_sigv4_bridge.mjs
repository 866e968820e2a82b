// The bridge a user would otherwise assemble in Node, for bench/proxy_bench.mjs: the official
// SDK's StdioServerTransport in front, @aws/run-mcp-servers-with-aws-lambda's
// StreamableHTTPClientWithSigV4Transport behind, messages passed through both ways.
// Usage: node bench/node_sigv4_bridge.mjs URL REGION   (credentials from AWS_* variables)

import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const NODE_DIR = process.env.NODE_DIR || path.join(here, '..', 'tests', 'node');
const imp = (rel) => import(pathToFileURL(path.join(NODE_DIR, 'node_modules', rel)).href);
const { StdioServerTransport } = await imp('@modelcontextprotocol/sdk/dist/esm/server/stdio.js');
const { StreamableHTTPClientWithSigV4Transport } =
  await imp('@aws/run-mcp-servers-with-aws-lambda/dist/index.js');

const [url, region] = process.argv.slice(2);
const credentials = { accessKeyId: process.env.AWS_ACCESS_KEY_ID,
  secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY,
  ...(process.env.AWS_SESSION_TOKEN ? { sessionToken: process.env.AWS_SESSION_TOKEN } : {}) };
const front = new StdioServerTransport();
const back = new StreamableHTTPClientWithSigV4Transport(new URL(url),
  { credentials, region, service: 'lambda' });
front.onmessage = (m) => back.send(m).catch((e) => process.stderr.write(`send: ${e}\n`));
back.onmessage = (m) => front.send(m);
front.onclose = () => process.exit(0);
await back.start();
await front.start();
