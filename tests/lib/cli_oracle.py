#!/usr/bin/python3
"""The AWS CLI's own code as the oracle for the native engine's differential tests.

Runs under Debian's /usr/bin/python3, which sees the CLI's packages (awscli, its botocore).

    cli_oracle.py format json|text FILE
        FILE has one JSON value per line; for each, prints one JSON line
        {"rc": "ok", "out": TEXT} with what the CLI's formatter writes for it (JSONFormatter,
        or TextFormatter after --query, i.e. awscli.text.format_text), or
        {"rc": "error", "reason": ...} when the formatter raises.

    cli_oracle.py args [--fresh] FILE
        FILE has one JSON list of words (a command without "aws") per line; for each, runs the
        CLI's own entry point with the operation call replaced by a probe, and prints
        {"rc": "params", "params": ..., "paginate": bool, "globals": {...}, "valid": bool,
        "request": {"target": ..., "body": ...}} with the params the CLI would hand botocore,
        whether botocore's validator takes them and the request body botocore's serializer
        makes of them, or {"rc": N, "stdout": ..., "stderr": ...} when the CLI stops before the call.
"""
import io
import json
import os
import sys
import types

from awscli import formatter


def cmd_format(mode, path):
    args = types.SimpleNamespace(query=None)
    fmt = formatter.get_formatter(mode, args)
    with open(path, encoding="utf-8") as f:
        for line in f:
            value = json.loads(line)
            stream = io.StringIO()
            try:
                if mode == "json":
                    fmt._format_response("command", value, stream)
                else:
                    fmt._format_response(value, stream)
                rec = {"rc": "ok", "out": stream.getvalue()}
            except Exception as e:  # the CLI would crash: the engine must hand it over
                rec = {"rc": "error", "reason": repr(e)}
            print(json.dumps(rec))


class _Probe:
    captured = None

    def invoke(self, service_name, operation_name, parameters, parsed_globals):
        import botocore.exceptions
        import botocore.validate

        params = json.loads(json.dumps(parameters, default=repr))
        call = dict(parameters)
        call.pop("PaginationConfig", None)
        model = self._session.get_service_model(service_name).operation_model(operation_name)
        request = None
        try:
            botocore.validate.validate_parameters(call, model.input_shape)
            valid = True
            import botocore.serialize
            import botocore.utils

            req = botocore.serialize.create_serializer(
                model.metadata["protocol"]).serialize_to_request(call, model)
            body = req["body"]
            if isinstance(body, dict):
                body = botocore.utils.percent_encode_sequence(body)
            elif isinstance(body, bytes):
                body = body.decode("utf-8")
            request = {"target": req["headers"].get("X-Amz-Target", ""), "body": body}
        except botocore.exceptions.ParamValidationError:
            valid = False
        g = parsed_globals
        _Probe.captured = {
            "rc": "params", "params": params, "paginate": bool(g.paginate), "valid": valid,
            "request": request,
            "globals": {"region": g.region, "output": g.output,
                        "query": g.query.expression if g.query is not None else None,
                        "color": g.color, "read_timeout": g.read_timeout,
                        "connect_timeout": g.connect_timeout},
        }
        return 0


def cmd_args(path, fresh=False):
    """One driver serves every command (CLIDriver.main per command, as the entry point calls
    it), unless `fresh`: a new driver each time, which is slow but proves the reuse harmless."""
    from awscli import clidriver

    driver = None
    os.environ.update({"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
                       "AWS_DEFAULT_REGION": "us-east-1", "AWS_CONFIG_FILE": "/nonexistent",
                       "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent", "AWS_PAGER": ""})
    os.environ.pop("AWS_PROFILE", None)
    os.environ.pop("AWS_DEFAULT_OUTPUT", None)
    clidriver.CLIOperationCaller.invoke = _Probe.invoke
    sys.argv[0] = "aws"  # argparse names the program after it in usage errors
    real_out, real_err = sys.stdout, sys.stderr
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for line in lines:
        if not line:
            continue
        words = json.loads(line)
        out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="backslashreplace")
        err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="backslashreplace")
        _Probe.captured = None
        sys.stdout, sys.stderr = out, err
        try:
            if driver is None or fresh:
                driver = clidriver.create_clidriver()
            rc = driver.main(words)
        except SystemExit as e:
            rc = e.code
        finally:
            sys.stdout, sys.stderr = real_out, real_err
        if _Probe.captured is not None and rc == 0:
            rec = _Probe.captured
        else:
            out.flush()
            err.flush()
            rec = {"rc": rc, "stdout": out.buffer.getvalue().decode("utf-8", "replace"),
                   "stderr": err.buffer.getvalue().decode("utf-8", "replace")}
        print(json.dumps(rec), flush=True)


def cmd_options():
    """The allowed operations' options: [service, operation, [[name, type, member type,
    required], ...]] per line, for the differential tests' case generators."""
    import fnmatch
    from awscli import clidriver

    allow = {"logs": ["describe-*", "list-*", "get-*", "filter-log-events", "start-query",
                      "stop-query", "test-metric-filter"],
             "cloudwatch": ["describe-*", "list-*", "get-*"], "sts": ["get-caller-identity"]}
    table = clidriver.create_clidriver()._get_command_table()
    for svc, pats in allow.items():
        ops = table[svc]._get_command_table()
        for name in sorted(ops):
            if not any(fnmatch.fnmatch(name, p) for p in pats) or name == "wait":
                continue
            opts = []
            for arg_name, arg in ops[name].arg_table.items():
                model = getattr(arg, "argument_model", None)
                t = model.type_name if model is not None else None
                mt = model.member.type_name if t == "list" else None
                opts.append([arg_name, type(arg).__name__, t, mt, bool(arg.required)])
            print(json.dumps([svc, name, opts]))


def main():
    if len(sys.argv) == 2 and sys.argv[1] == "options":
        return cmd_options()
    if len(sys.argv) == 4 and sys.argv[1] == "format":
        return cmd_format(sys.argv[2], sys.argv[3])
    if len(sys.argv) == 3 and sys.argv[1] == "args":
        return cmd_args(sys.argv[2])
    if len(sys.argv) == 4 and sys.argv[1] == "args" and sys.argv[2] == "--fresh":
        return cmd_args(sys.argv[3], fresh=True)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
