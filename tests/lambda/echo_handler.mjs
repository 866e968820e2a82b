// A Lambda handler for testing the harness itself (tests/integration/test_lambda_harness.py),
// run under node_bootstrap.mjs. By rawPath:
//   /echo          {statusCode: 200, body: <the event and context as JSON>}
//   /raw           the object {raw: true} (no statusCode: Lambda answers 200 with that JSON)
//   /size?n=N      a JSON string whose serialised payload is exactly N bytes
//   /binary        {statusCode: 200, body: base64 of bytes 0..255, isBase64Encoded: true}
export async function handler(event, context) {
  const p = event.rawPath || '';
  if (p === '/raw') return { raw: true };
  if (p === '/size') {
    const n = Number(event.queryStringParameters?.n || 0);
    return 'x'.repeat(n - 2); // the two quotes make n
  }
  if (p === '/binary') {
    return { statusCode: 200, headers: { 'content-type': 'application/octet-stream' },
      body: Buffer.from([...Array(256).keys()]).toString('base64'), isBase64Encoded: true };
  }
  return { statusCode: 200, headers: { 'content-type': 'application/json', 'x-echo': 'yes' },
    cookies: ['session=abc; Path=/'],
    body: JSON.stringify({ event, context: { awsRequestId: context.awsRequestId,
      invokedFunctionArn: context.invokedFunctionArn,
      remainingMs: context.getRemainingTimeInMillis(),
      traceId: process.env._X_AMZN_TRACE_ID } }) };
}
