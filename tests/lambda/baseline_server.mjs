// The baseline's MCP server: a stdio server written with the official SDK
// (@modelcontextprotocol/sdk 1.32.2 McpServer) exposing the same tool shape as awscli-mcp:
// run_aws_cli {command} -> the AWS CLI's stdout, isError from its exit status, and
// structuredContent {exitCode, stdout, stderr, truncated, durationMs}. The command is split on
// whitespace (the benchmark's commands need no quoting) and run with execFile, no shell.

import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const nodeDir = process.env.NODE_DIR || path.join(here, '..', 'node');
const imp = (rel) => import(pathToFileURL(path.join(nodeDir, 'node_modules', rel)).href);
const { McpServer } = await imp('@modelcontextprotocol/sdk/dist/esm/server/mcp.js');
const { StdioServerTransport } = await imp('@modelcontextprotocol/sdk/dist/esm/server/stdio.js');
const { z } = await imp('zod/index.js');

const AWS = process.env.AWSCLI_MCP_AWS_CLI || 'aws';
const ENDPOINT = process.env.AWSCLI_MCP_ENDPOINT_URL;

const server = new McpServer({ name: 'baseline-aws-cli', version: '1.0.0' });
server.registerTool('run_aws_cli', {
  title: 'Run an AWS CLI command',
  description: 'Runs one read-only AWS CLI v2 command and returns its JSON output.',
  inputSchema: { command: z.string().min(1) },
  outputSchema: { exitCode: z.number(), stdout: z.string(), stderr: z.string(),
    truncated: z.boolean(), durationMs: z.number() },
  annotations: { readOnlyHint: true, openWorldHint: true },
}, async ({ command }) => {
  const words = command.trim().split(/\s+/);
  if (words[0] === 'aws') words.shift();
  const argv = [...words, '--no-cli-pager', '--output', 'json',
    ...(ENDPOINT ? ['--endpoint-url', ENDPOINT] : [])];
  const t0 = Date.now();
  const { code, stdout, stderr } = await new Promise((resolve) => {
    execFile(AWS, argv, { maxBuffer: 256 * 1024, timeout: 60000,
      env: { ...process.env, AWS_PAGER: '' } }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
  const structured = { exitCode: code, stdout, stderr, truncated: false,
    durationMs: Date.now() - t0 };
  return { content: [{ type: 'text', text: code === 0 ? stdout : stderr }],
    structuredContent: structured, isError: code !== 0 };
});
await server.connect(new StdioServerTransport());
