// A minimal stand-in for AWS's managed Node.js runtime (the Runtime Interface Client), so that
// the harness can start a Node handler the way Lambda does: the process polls the Runtime API,
// calls the handler named by _HANDLER ("module.export", resolved in LAMBDA_TASK_ROOT) with
// (event, context), and posts the result or the error. One keep-alive connection, like the
// managed runtime's native client. Used by bench/lambda_bench.py for the baseline.

import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const api = process.env.AWS_LAMBDA_RUNTIME_API;
const [modName, fnName] = (process.env._HANDLER || 'index.handler').split('.');
const root = process.env.LAMBDA_TASK_ROOT || process.cwd();
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function call(method, p, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const [host, port] = api.split(':');
    const data = body === undefined ? undefined : Buffer.from(body);
    const req = http.request({ host, port, path: `/2018-06-01${p}`, method, agent,
      headers: data ? { 'content-type': 'application/json', 'content-length': data.length,
        ...headers } : headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers,
        body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

let handler;
try {
  const mod = await import(pathToFileURL(path.join(root, `${modName}.mjs`)).href);
  handler = mod[fnName];
  if (typeof handler !== 'function') throw new Error(`${modName}.${fnName} is not a function`);
} catch (e) {
  await call('POST', '/runtime/init/error', JSON.stringify({ errorMessage: String(e),
    errorType: 'Runtime.ImportModuleError', stackTrace: [] }),
  { 'lambda-runtime-function-error-type': 'Runtime.ImportModuleError' });
  process.exit(1);
}

for (;;) {
  const next = await call('GET', '/runtime/invocation/next');
  const id = next.headers['lambda-runtime-aws-request-id'];
  const deadline = Number(next.headers['lambda-runtime-deadline-ms']);
  if (next.headers['lambda-runtime-trace-id']) {
    process.env._X_AMZN_TRACE_ID = next.headers['lambda-runtime-trace-id'];
  }
  const context = {
    awsRequestId: id,
    invokedFunctionArn: next.headers['lambda-runtime-invoked-function-arn'],
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
  try {
    const result = await handler(JSON.parse(next.body), context);
    await call('POST', `/runtime/invocation/${id}/response`, JSON.stringify(result ?? null));
  } catch (e) {
    await call('POST', `/runtime/invocation/${id}/error`, JSON.stringify({
      errorMessage: String(e && e.message), errorType: (e && e.name) || 'Error', stackTrace: [] }),
    { 'lambda-runtime-function-error-type': 'Runtime.UnhandledError' });
  }
}
