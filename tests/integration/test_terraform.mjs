// The Terraform module and examples, read with HashiCorp's own HCL parser (@cdktf/hcl2json;
// Terraform itself is not installable here). Every .tf file must parse; then the module's
// interface (every input with its type, default and validations, every output), its IAM policy
// (exactly the CloudWatch read actions, no "*" action, writes only to its own log group), the
// Function URL's authorization type and both resource-based permissions following
// authorization_type, the provider pin, and the examples calling the module with inputs its
// validations accept. Validations of the forms can(regex("P", var.x)) and
// contains([...], var.x) are evaluated on sample values, so a wrong pattern fails here.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

import { importPkg, makeRunner, SOURCE_DIR } from '../lib/clients_common.mjs';

const { parse } = await importPkg('@cdktf/hcl2json/lib/index.js');
const r = makeRunner('Terraform module and examples (HCL parsed by @cdktf/hcl2json)');
const TF = path.join(SOURCE_DIR, 'terraform');
const MODULE = path.join(TF, 'modules', 'lambda_mcp');

function tfFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tfFiles(p));
    else if (name.endsWith('.tf')) out.push(p);
  }
  return out;
}

// Parses every .tf file of a directory and merges the blocks, like Terraform does.
const parsed = new Map();
async function loadDir(dir) {
  const merged = {};
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.tf')).sort()) {
    const doc = parsed.get(path.join(dir, f));
    for (const [kind, blocks] of Object.entries(doc || {})) {
      if (Array.isArray(blocks)) { // terraform, locals: lists of blocks
        merged[kind] = [...(merged[kind] || []), ...blocks];
        continue;
      }
      merged[kind] = merged[kind] || {};
      for (const [name, v] of Object.entries(blocks)) {
        merged[kind][name] = { ...(merged[kind][name] || {}), ...v };
      }
    }
  }
  return merged;
}

// 1. Every .tf file parses (hcl2json reports syntax errors with file:line).
const files = tfFiles(TF);
r.check('terraform/ has the module and both examples', files.length >= 7,
  files.map((f) => path.relative(SOURCE_DIR, f)));
for (const f of files) {
  try {
    parsed.set(f, await parse(path.basename(f), readFileSync(f, 'utf8')));
    r.check(`parses: ${path.relative(SOURCE_DIR, f)}`, true);
  } catch (e) {
    r.check(`parses: ${path.relative(SOURCE_DIR, f)}`, false, String(e).slice(0, 400));
  }
}
let broken = false;
try {
  await parse('broken.tf', 'variable "x" {\n  type = string\n');
} catch {
  broken = true;
}
r.check('the parser rejects a broken file (the check above can fail)', broken);

for (const need of ['main.tf', 'iam.tf', 'variables.tf', 'outputs.tf', 'versions.tf', 'README.md']) {
  let ok = false;
  try {
    ok = statSync(path.join(MODULE, need)).isFile();
  } catch { /* missing */ }
  r.check(`module has ${need}`, ok);
}

const mod = await loadDir(MODULE);
const vars = Object.fromEntries(Object.entries(mod.variable || {}).map(([k, v]) => [k, v[0]]));

// 2. The interface: every input with its type and default.
const U = undefined;
const EXPECTED_INPUTS = {
  function_name: ['${string}', 'awscli-mcp'],
  ecr_repository_name: ['${string}', 'awscli-mcp'],
  aws_region: ['${string}', null],
  timeout: ['${number}', 300],
  memory_size: ['${number}', 512],
  tags: ['${map(string)}', {}],
  image_tag: ['${string}', 'latest'],
  authorization_type: ['${string}', 'NONE'],
  allowed_principals: ['${list(string)}', []],
  auth_token: ['${string}', null],
  allowed_commands: ['${list(string)}', []],
  denied_commands: ['${list(string)}', []],
  extra_policy_statements: [/^\$\{list\(object\(/, []],
  log_retention_days: ['${number}', 30],
  environment: ['${map(string)}', {}],
  architectures: ['${list(string)}', ['arm64']],
  reserved_concurrent_executions: ['${number}', -1],
  cors: [/^\$\{object\(/, null],
};
for (const [name, [type, def]] of Object.entries(EXPECTED_INPUTS)) {
  const v = vars[name];
  if (!r.check(`input ${name} declared`, !!v)) continue;
  r.check(`input ${name} type`, type instanceof RegExp ? type.test(v.type) : v.type === type,
    v.type);
  r.eq(`input ${name} default`, v.default, def === U ? U : def);
  r.check(`input ${name} has a description`, typeof v.description === 'string' &&
    v.description.length > 10);
}
r.eq('no undocumented inputs', Object.keys(vars).filter((k) => !(k in EXPECTED_INPUTS)), []);
r.eq('auth_token is sensitive', vars.auth_token?.sensitive, true);

// Validations: every input but tags has at least one; the regex and contains() ones are run.
const validations = (name) => vars[name]?.validation || [];
for (const name of Object.keys(EXPECTED_INPUTS).filter((n) => n !== 'tags')) {
  r.check(`input ${name} is validated, with an error message`,
    validations(name).length > 0 && validations(name).every((v) => v.error_message?.length > 10),
    validations(name));
}

function unquote(s) {
  return JSON.parse(`"${s}"`);
}

// Returns a predicate for the first validation of `name` that has a regex(...) or contains([..])
// test on var.<name> (or on the loop variable of an alltrue([for x in var.<name> ...])).
function validator(name) {
  for (const v of validations(name)) {
    const c = v.condition;
    const re = c.match(/regex\("((?:[^"\\]|\\.)*)",\s*(var\.\w+|\w+)\)/);
    if (re) {
      // RE2 and JavaScript agree on the patterns used here; (?: ) groups are the same.
      const rx = new RegExp(unquote(re[1]));
      return (x) => typeof x === 'string' && rx.test(x);
    }
    const ct = c.match(/contains\((\[[^\]]*\]),\s*var\.(\w+)(\[0\])?\)/);
    if (ct) {
      const set = JSON.parse(ct[1]);
      return (x) => set.includes(x);
    }
  }
  return null;
}

const SAMPLES = {
  function_name: [['awscli-mcp', 'my_fn-2'], ['', 'has space', 'x'.repeat(65)]],
  ecr_repository_name: [['awscli-mcp', 'team/awscli-mcp'], ['Upper', 'a..b', '-x']],
  aws_region: [['ap-northeast-1', 'us-east-1', 'us-gov-west-1'], ['tokyo', 'AP-NORTHEAST-1']],
  image_tag: [['latest', 'v0.1.0', 'sha256:' + 'a'.repeat(64)], ['', 'a b', 'sha256:xyz']],
  authorization_type: [['NONE', 'AWS_IAM'], ['IAM', 'none', '']],
  allowed_principals: [['123456789012', 'arn:aws:iam::123456789012:role/mcp',
    'arn:aws:iam::123456789012:user/alice'], ['*', 'arn:aws:iam::123:role/x', 'alice']],
  allowed_commands: [['xray:get-*', 'logs:start-live-tail'], ['xray', 'logs get-*', '*']],
  denied_commands: [['logs:start-query'], ['logs:', ':get-*']],
  architectures: [['arm64', 'x86_64'], ['amd64', 'aarch64']],
  log_retention_days: [[1, 30, 3653], [2, 0, 10000]],
};
for (const [name, [good, bad]] of Object.entries(SAMPLES)) {
  const ok = validator(name);
  if (!r.check(`input ${name}: a regex or contains() validation to evaluate`, !!ok)) continue;
  r.check(`input ${name} accepts ${JSON.stringify(good)}`, good.every(ok),
    good.filter((x) => !ok(x)));
  r.check(`input ${name} refuses ${JSON.stringify(bad)}`, bad.every((x) => !ok(x)),
    bad.filter(ok));
}
const numberRange = (name) => validations(name).map((v) => v.condition).join(' ');
r.check('timeout validated to 10..900 whole seconds', /var\.timeout >= 10/.test(numberRange('timeout')) &&
  /var\.timeout <= 900/.test(numberRange('timeout')), numberRange('timeout'));
r.check('memory_size validated to 128..10240', /128/.test(numberRange('memory_size')) &&
  /10240/.test(numberRange('memory_size')), numberRange('memory_size'));
r.check('auth_token required with NONE (cross-variable validation)',
  validations('auth_token').some((v) => /var\.authorization_type != "NONE" \|\| var\.auth_token != null/
    .test(v.condition)), validations('auth_token'));
r.check('auth_token at least 16 characters (the server\'s own minimum)',
  validations('auth_token').some((v) => /length\(.*var\.auth_token.*\) >= 16/.test(v.condition)));
r.check('allowed_principals only with AWS_IAM',
  validations('allowed_principals').some((v) => /var\.authorization_type == "AWS_IAM"/.test(v.condition)));
r.check('extra_policy_statements refuse a "*" action',
  validations('extra_policy_statements').some((v) => /a != "\*"/.test(v.condition)));
r.check('environment refuses AWS_* and the variables the module sets itself',
  validations('environment').some((v) => /startswith\(k, "AWS_"\)/.test(v.condition) &&
    /AWSCLI_MCP_AUTH_TOKEN/.test(v.condition)));

// 3. Outputs.
const outputs = mod.output || {};
for (const o of ['function_url', 'function_name', 'function_arn', 'role_arn', 'log_group_name']) {
  r.check(`output ${o}`, !!outputs[o] && typeof outputs[o][0].value === 'string' &&
    outputs[o][0].description, outputs[o]);
}
r.eq('output function_url is the URL resource\'s',
  outputs.function_url?.[0].value, '${aws_lambda_function_url.this.function_url}');

// 4. IAM: exactly the read actions, no "*" action, writes only to its own log group.
const LOGS_READ = ['DescribeLogGroups', 'DescribeLogStreams', 'GetLogEvents', 'FilterLogEvents',
  'StartQuery', 'StopQuery', 'GetQueryResults', 'GetLogRecord', 'DescribeQueries',
  'DescribeMetricFilters', 'TestMetricFilter', 'GetLogGroupFields'].map((a) => `logs:${a}`);
const CW_READ = ['GetMetricData', 'GetMetricStatistics', 'ListMetrics', 'DescribeAlarms',
  'DescribeAlarmHistory', 'DescribeAlarmsForMetric', 'ListDashboards', 'GetDashboard']
  .map((a) => `cloudwatch:${a}`);
const locals = Object.assign({}, ...(mod.locals || []));
const resolve = (x) => {
  const m = typeof x === 'string' && x.match(/^\$\{local\.(\w+)\}$/);
  return m ? locals[m[1]] : x;
};
const doc = mod.data?.aws_iam_policy_document?.permissions?.[0];
const statements = (doc?.statement || []).map((s) => ({
  ...s, actions: resolve(s.actions), resources: resolve(s.resources),
}));
const allActions = statements.flatMap((s) => (Array.isArray(s.actions) ? s.actions : []));
const readActions = statements.filter((s) => /Read$/.test(s.sid || '')).flatMap((s) => s.actions);
r.eq('read statements grant exactly the listed Logs and CloudWatch read actions',
  [...readActions].sort(), [...LOGS_READ, ...CW_READ].sort());
r.check('no "*" or wildcard action in the module\'s statements',
  allActions.length > 0 && allActions.every((a) => !a.includes('*')), allActions);
r.check('no write action other than the own log group\'s',
  allActions.filter((a) => !readActions.includes(a)).sort().join() ===
  'logs:CreateLogStream,logs:PutLogEvents', allActions);
const own = statements.find((s) => (s.actions || []).includes('logs:PutLogEvents'));
r.eq('log writes only to the function\'s own log group',
  own?.resources, ['${aws_cloudwatch_log_group.this.arn}:*']);
r.check('no logs:CreateLogGroup (the module creates the group)',
  !allActions.includes('logs:CreateLogGroup'));
r.check('extra_policy_statements appended as a dynamic statement',
  JSON.stringify(doc?.dynamic || {}).includes('var.extra_policy_statements'), doc?.dynamic);
const policy = mod.resource?.aws_iam_role_policy?.this?.[0];
r.eq('the role policy is that document', policy?.policy,
  '${data.aws_iam_policy_document.permissions.json}');
const assume = JSON.stringify(mod.data?.aws_iam_policy_document?.assume_role || {});
r.check('the role trusts lambda.amazonaws.com only', assume.includes('lambda.amazonaws.com') &&
  assume.includes('sts:AssumeRole'), assume);

// 5. Function, log group, URL and permissions.
const res = mod.resource || {};
const fn = res.aws_lambda_function?.this?.[0];
r.eq('image function', fn?.package_type, 'Image');
r.check('image from the ECR repository data source',
  /data\.aws_ecr_repository\.image\.repository_url/.test(JSON.stringify(locals.image_uri)));
r.check('log group created before the function',
  (fn?.depends_on || []).some((d) => d.includes('aws_cloudwatch_log_group.this')), fn?.depends_on);
r.eq('function logs to that group', fn?.logging_config?.[0].log_group,
  '${aws_cloudwatch_log_group.this.name}');
r.eq('log group is /aws/lambda/<function_name>', res.aws_cloudwatch_log_group?.this?.[0].name,
  '/aws/lambda/${var.function_name}');
r.eq('log retention follows the input', res.aws_cloudwatch_log_group?.this?.[0].retention_in_days,
  '${var.log_retention_days}');
for (const [attr, v] of [['timeout', 'timeout'], ['memory_size', 'memory_size'],
  ['architectures', 'architectures'],
  ['reserved_concurrent_executions', 'reserved_concurrent_executions']]) {
  r.eq(`function ${attr} from var.${v}`, fn?.[attr], `\${var.${v}}`);
}
r.check('auth_token reaches the server as AWSCLI_MCP_AUTH_TOKEN',
  /AWSCLI_MCP_AUTH_TOKEN = var\.auth_token/.test(JSON.stringify(locals.environment)));
r.check('allowed/denied_commands reach the server as AWSCLI_MCP_ALLOW / DENY',
  /AWSCLI_MCP_ALLOW = join\(\\",\\", var\.allowed_commands\)/.test(JSON.stringify(locals.environment)) &&
  /AWSCLI_MCP_DENY = join\(\\",\\", var\.denied_commands\)/.test(JSON.stringify(locals.environment)),
  locals.environment);

const url = res.aws_lambda_function_url?.this?.[0];
r.eq('Function URL authorization_type follows the variable', url?.authorization_type,
  '${var.authorization_type}');
r.check('Function URL CORS follows the variable', JSON.stringify(url?.dynamic || {})
  .includes('var.cors'), url?.dynamic);

const perms = res.aws_lambda_permission || {};
const P = (n) => perms[n]?.[0] || {};
const onlyWhen = (p, auth) => (p.count || p.for_each || '').includes(`var.authorization_type == "${auth}"`);
r.check('NONE: InvokeFunctionUrl for "*" only when NONE, with function_url_auth_type NONE',
  onlyWhen(P('public_url'), 'NONE') && P('public_url').action === 'lambda:InvokeFunctionUrl' &&
  P('public_url').principal === '*' && P('public_url').function_url_auth_type === 'NONE',
  P('public_url'));
r.check('NONE: InvokeFunction for "*" only when NONE, with invoked_via_function_url = true',
  onlyWhen(P('public_invoke'), 'NONE') && P('public_invoke').action === 'lambda:InvokeFunction' &&
  P('public_invoke').principal === '*' && P('public_invoke').invoked_via_function_url === true &&
  P('public_invoke').function_url_auth_type === undefined, P('public_invoke'));
r.check('AWS_IAM: each allowed principal gets InvokeFunctionUrl (auth type AWS_IAM)',
  onlyWhen(P('principal_url'), 'AWS_IAM') && /var\.allowed_principals/.test(P('principal_url').for_each) &&
  P('principal_url').action === 'lambda:InvokeFunctionUrl' &&
  P('principal_url').principal === '${each.value}' &&
  P('principal_url').function_url_auth_type === 'AWS_IAM', P('principal_url'));
r.check('AWS_IAM: each allowed principal gets InvokeFunction via the Function URL',
  onlyWhen(P('principal_invoke'), 'AWS_IAM') && /var\.allowed_principals/.test(P('principal_invoke').for_each) &&
  P('principal_invoke').action === 'lambda:InvokeFunction' &&
  P('principal_invoke').principal === '${each.value}' &&
  P('principal_invoke').invoked_via_function_url === true, P('principal_invoke'));
r.eq('exactly those four permissions', Object.keys(perms).sort(),
  ['principal_invoke', 'principal_url', 'public_invoke', 'public_url']);
const sids = Object.values(perms).map((p) => p[0].statement_id);
r.check('statement ids never collide with the ones the provider adds itself',
  sids.every((s) => !/^FunctionURLAllow/.test(s)) && new Set(sids).size === sids.length, sids);

// 6. Provider pin: a version with invoked_via_function_url (added in 6.28.0).
function minVersion(constraint) {
  const m = (constraint || '').match(/>=\s*([0-9]+)\.([0-9]+)\.([0-9]+)/);
  return m ? m.slice(1).map(Number) : null;
}
const atLeast = (v, w) => !!v && (v[0] - w[0] || v[1] - w[1] || v[2] - w[2]) >= 0;
function providerPin(dir) {
  const t = (dir.terraform || [])[0] || {};
  return { tf: t.required_version, aws: t.required_providers?.[0]?.aws?.version };
}
const pin = providerPin(mod);
r.check('module pins Terraform >= 1.9 (cross-variable validations)',
  atLeast(minVersion(pin.tf), [1, 9, 0]), pin.tf);
r.check('module pins the AWS provider >= 6.28.0, below 7', atLeast(minVersion(pin.aws), [6, 28, 0]) &&
  /< 7\.0\.0/.test(pin.aws), pin.aws);

// 7. Examples: call the module with valid inputs and print the client configuration.
const required = Object.entries(vars).filter(([, v]) => !('default' in v)).map(([k]) => k);
for (const ex of ['quickstart', 'iam']) {
  const dir = path.join(TF, 'examples', ex);
  const e = await loadDir(dir);
  const call = Object.values(e.module || {})[0]?.[0];
  if (!r.check(`example ${ex} calls the module`, !!call)) continue;
  r.eq(`example ${ex}: source is the module`, path.resolve(dir, call.source), MODULE);
  const args = Object.keys(call).filter((k) => !['source', 'version', 'providers'].includes(k));
  r.eq(`example ${ex}: every argument is a module input`, args.filter((a) => !(a in vars)), []);
  r.eq(`example ${ex}: every required input given`, required.filter((q) => !(q in call)), []);
  const exVars = Object.fromEntries(Object.entries(e.variable || {}).map(([k, v]) => [k, v[0]]));
  // Literal values, and var.x resolved to the example's default, checked by the validations.
  const value = (x) => {
    const m = typeof x === 'string' && x.match(/^\$\{var\.(\w+)\}$/);
    return m ? exVars[m[1]]?.default : x;
  };
  for (const a of args) {
    const ok = validator(a);
    let v = value(call[a]);
    if (a === 'architectures' && Array.isArray(v)) v = v.map(value);
    if (!ok || v === undefined || (typeof v === 'string' && v.includes('${'))) continue;
    const vs = Array.isArray(v) ? v : [v];
    r.check(`example ${ex}: ${a} = ${JSON.stringify(v)} passes the module's validation`,
      vs.every(ok), v);
  }
  r.eq(`example ${ex}: region ap-northeast-1`, exVars.aws_region?.default, 'ap-northeast-1');
  const auth = call.authorization_type;
  r.eq(`example ${ex}: authorization`, auth, ex === 'quickstart' ? 'NONE' : 'AWS_IAM');
  if (auth === 'NONE') {
    r.check(`example ${ex}: NONE comes with a generated auth_token`,
      /random_password\.\w+\.result/.test(call.auth_token || ''), call.auth_token);
  }
  const pe = providerPin(e);
  r.check(`example ${ex}: pins the AWS provider >= 6.28.0`, atLeast(minVersion(pe.aws), [6, 28, 0]),
    pe.aws);
  r.check(`example ${ex}: configures the provider's region from aws_region`,
    (e.provider?.aws?.[0]?.region || '') === '${var.aws_region}', e.provider);
  const cfg = e.output?.mcp_client_config?.[0];
  if (!r.check(`example ${ex}: has an mcp_client_config output`, !!cfg)) continue;
  if (ex === 'quickstart') {
    r.check('quickstart config: url + Bearer header, output marked sensitive',
      /url\s*=\s*module\.awscli_mcp\.function_url/.test(cfg.value) &&
      /Bearer \$\{random_password/.test(cfg.value) && cfg.sensitive === true, cfg);
  } else {
    r.check('iam config: stdio command `awscli-mcp proxy --url URL --region R [--profile P]`',
      /command\s*=\s*"awscli-mcp"/.test(cfg.value) &&
      /\["proxy", "--url", module\.awscli_mcp\.function_url, "--region", var\.aws_region\]/
        .test(cfg.value) && /"--profile", var\.aws_profile/.test(cfg.value), cfg.value);
    const cp = e.output?.caller_policy?.[0]?.value || '';
    r.check('iam: caller_policy output grants both invoke actions on the function',
      /"lambda:InvokeFunctionUrl", "lambda:InvokeFunction"/.test(cp) &&
      /module\.awscli_mcp\.function_arn/.test(cp), cp);
  }
}

// 8. The module README documents every input and output.
const readme = readFileSync(path.join(MODULE, 'README.md'), 'utf8');
r.eq('module README names every input', Object.keys(vars).filter((k) => !readme.includes(`\`${k}\``)), []);
r.eq('module README names every output',
  Object.keys(outputs).filter((k) => !readme.includes(`\`${k}\``)), []);

r.summary();
