#!/usr/bin/python3
"""The AWS CLI's own code as the oracle for the native engine's differential tests.

Runs under Debian's /usr/bin/python3, which sees the CLI's packages (awscli, its botocore).

    cli_oracle.py format json|text FILE
        FILE has one JSON value per line; for each, prints one JSON line
        {"rc": "ok", "out": TEXT} with what the CLI's formatter writes for it (JSONFormatter,
        or TextFormatter after --query, i.e. awscli.text.format_text), or
        {"rc": "error", "reason": ...} when the formatter raises.
"""
import io
import json
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


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "format":
        return cmd_format(sys.argv[2], sys.argv[3])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
