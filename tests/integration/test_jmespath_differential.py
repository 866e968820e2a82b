#!/usr/bin/env python3
# ctest-timeout: 300
"""Differential test of src/jmespath/ against jmespath.py, the library AWS CLI v2 uses.

A seeded grammar-based generator writes JMESPath expressions (valid ones, and invalid ones made
by mutating valid ones) and JSON documents; each case is evaluated by Debian's python3-jmespath
and by tests/helpers/jp_driver (our C library). Both sides print the result as
json.dumps(result, separators=(',', ':')) does (so 1 and 1.0 differ, and key order counts) or
the error kind; every difference is a failure.

Two differences are by design (docs/jmespath.md): an expression reference (&expr) anywhere but
directly as a function argument is an error in our library, while jmespath.py makes an
internal object of it that the CLI cannot print (jmespath.py is patched here to raise instead);
and merge() of [key, value] pairs whose key is not a string is an error in ours, while
jmespath.py makes a dict with a non-string key. In both cases ours must fail with
"invalid-type". Cases whose jmespath.py result is not JSON
at all (NaN, Infinity), and expressions with a JSON literal holding a lone UTF-16 surrogate
escape (jmespath.py takes it, JSON text in UTF-8 cannot hold it) are not compared; they are
counted and must stay few.

Environment: JP_DIFF_CASES (default 12000), JP_DIFF_SEED (default 12).
"""
import json
import os
import random
import re
import subprocess
import sys

if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
    os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)

import jmespath  # noqa: E402  (Debian's python3-jmespath, after the re-exec)
from jmespath import exceptions, visitor  # noqa: E402


class ExprefValue(Exception):
    """An expression reference evaluated as a value."""


def _visit_function_expression(self, node, value):
    # As visitor.py's, except that only a direct &expr argument becomes an expression.
    args = []
    for child in node["children"]:
        if child["type"] == "expref":
            args.append(visitor._Expression(child["children"][0], self))
        else:
            args.append(self.visit(child, value))
    spec = self._functions.FUNCTION_TABLE.get(node["value"])
    if spec is not None:
        # jmespath.py's own checks first (arity, declared types), as ours does them.
        self._functions._validate_arguments(args, spec["signature"], node["value"])
        sig = spec["signature"]
        for i, arg in enumerate(args):
            if isinstance(arg, visitor._Expression) and (i >= len(sig) or not sig[i]["types"]):
                raise ExprefValue()
    return self._functions.call_function(node["value"], args)


def _visit_expref(self, node, value):
    raise ExprefValue()


visitor.TreeInterpreter.visit_function_expression = _visit_function_expression
visitor.TreeInterpreter.visit_expref = _visit_expref

KEYS = ["a", "b", "c", "foo", "bar", "Name", "x y", "\u00fc", "_1", "storedBytes"]
STRINGS = ["", "a", "abc", "foo", "Foo", "\u00fcber", "a\"b", "x\\y", "\U0001F600", "1", "-2.5",
           " 3 ", "1_000", "1e3", "bar", "b", "true", "null", "\t"]
# Integers stay within 64 bits, also through ceil() and floor() (docs/jmespath.md).
NUMBERS = [0, 1, -1, 2, 3, 5, -7, 10, 42, 2**40, -2**53 - 1, 0.0, -0.0, 1.0, 0.5, -1.5, 2.5,
           0.1, 1e-07, 123456789.125, 1e16, 1e15, 3.14159, 1e18, 1.5e-300]
FUNCS = {
    "abs": 1, "avg": 1, "ceil": 1, "contains": 2, "ends_with": 2, "floor": 1, "join": 2,
    "keys": 1, "length": 1, "map": 2, "max": 1, "max_by": 2, "merge": -1, "min": 1,
    "min_by": 2, "not_null": -1, "reverse": 1, "sort": 1, "sort_by": 2, "starts_with": 2,
    "sum": 1, "to_array": 1, "to_number": 1, "to_string": 1, "type": 1, "values": 1,
}
EXPREF_ARG = {"map": 0, "sort_by": 1, "min_by": 1, "max_by": 1}
TYPED = {"abs", "avg", "ceil", "floor", "join", "keys", "length", "max", "min", "reverse",
         "sort", "starts_with", "ends_with", "sum", "values"}


def gen_value(r, depth):
    k = r.random()
    if depth <= 0 or k < 0.45:
        return r.choice([lambda: r.choice(STRINGS), lambda: r.choice(NUMBERS),
                         lambda: r.choice([True, False, None]),
                         lambda: r.randint(-20, 20)])()
    if k < 0.72:
        return [gen_value(r, depth - 1) for _ in range(r.randint(0, 5))]
    return {r.choice(KEYS): gen_value(r, depth - 1) for _ in range(r.randint(0, 5))}


def gen_doc(r):
    doc = {}
    for key in KEYS:
        if r.random() < 0.6:
            doc[key] = gen_value(r, 3)
    # Arrays of similar objects, as AWS replies have them.
    doc["foo"] = [{"a": r.choice(NUMBERS[:12]), "b": r.choice(STRINGS), "c": gen_value(r, 1),
                   "Name": r.choice(["x", "y", "z", "w"])} for _ in range(r.randint(0, 6))]
    return doc


def ident(r):
    k = r.choice(KEYS + ["missing", "foo", "foo", "a", "b"])
    if k in ("x y", "\u00fc") or r.random() < 0.1:
        return json.dumps(k)
    return k


def literal(r):
    v = gen_value(r, 2)
    k = r.random()
    if k < 0.3 and isinstance(v, str):
        return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if k < 0.35:
        return "`" + r.choice(["foo", " bar", "1x", "a b"]) + "`"  # deprecated bare strings
    return "`" + json.dumps(v, ensure_ascii=r.random() < 0.5).replace("`", "\\`") + "`"


def num(r):
    return str(r.choice([0, 1, 2, 3, -1, -2, 5, 10, -10]))


def func(r, depth):
    name = r.choice(list(FUNCS) + ["nope"] if r.random() < 0.03 else list(FUNCS))
    arity = FUNCS.get(name, 1)
    if arity < 0:
        arity = r.randint(1, 3)
    if r.random() < 0.04:
        arity = max(0, arity + r.choice([-1, 1]))
    args = []
    for i in range(arity):
        if EXPREF_ARG.get(name) == i and r.random() < 0.95:
            args.append("&" + expr(r, depth - 1))
        elif name in TYPED and r.random() < 0.03:
            args.append("&" + ident(r))
        else:
            args.append(expr(r, depth - 1))
    return "%s(%s)" % (name, ", ".join(args))


def comparison(r, depth):
    op = r.choice(["==", "!=", "<", "<=", ">", ">="])
    return "%s %s %s" % (expr(r, depth - 1), op, expr(r, depth - 1))


def expr(r, depth):
    if depth <= 0:
        return r.choice([ident, ident, ident, literal, lambda r: "@"])(r)
    k = r.randint(0, 21)
    e = lambda: expr(r, depth - 1)  # noqa: E731
    if k <= 3:
        return ident(r)
    if k == 4:
        return "%s.%s" % (e(), r.choice([ident(r), "*", "[%s, %s]" % (e(), e()),
                                          "{a: %s, b: %s}" % (e(), e()), func(r, depth - 1)]))
    if k == 5:
        return "%s[%s]" % (e(), num(r))
    if k == 6:
        parts = [r.choice(["", num(r)]) for _ in range(3)]
        return "%s[%s:%s%s]" % (e(), parts[0], parts[1], r.choice(["", ":" + parts[2]]))
    if k == 7:
        return "%s[*]%s" % (e(), r.choice(["", "." + ident(r), "[0]", "[]"]))
    if k == 8:
        return "%s.*%s" % (e(), r.choice(["", "." + ident(r)]))
    if k == 9:
        return "%s[]%s" % (e(), r.choice(["", "." + ident(r), "[0]"]))
    if k == 10:
        return "%s[?%s]%s" % (e(), comparison(r, depth - 1) if r.random() < 0.7 else e(),
                              r.choice(["", "." + ident(r), "[]"]))
    if k == 11:
        return comparison(r, depth)
    if k == 12:
        return "%s %s %s" % (e(), r.choice(["&&", "||"]), e())
    if k == 13:
        return "!" + e()
    if k == 14:
        return "(%s)" % e()
    if k == 15:
        return "[%s]" % ", ".join(e() for _ in range(r.randint(1, 3)))
    if k == 16:
        return "{%s}" % ", ".join("%s: %s" % (ident(r), e()) for _ in range(r.randint(1, 3)))
    if k == 17:
        return "%s | %s" % (e(), e())
    if k in (18, 19, 20):
        return func(r, depth)
    return literal(r)


def mutate(r, s):
    k = r.randint(0, 4)
    i = r.randint(0, len(s))
    if k == 0 or not s:
        return s[:i] + r.choice(list("[]{}().,:|&!<>=@*?`'\"-0") + ["||", "&&", "[?", "==", "x"]) + s[i:]
    if k == 1:
        return s[:i] + s[i + 1:]
    if k == 2:
        return s[:i]
    if k == 3:
        return s[i:]
    return s.replace(r.choice([" ", ".", ",", "]", ")"]), "", 1)


def kind_of(exc):
    if isinstance(exc, (exceptions.ArityError,)):
        return "invalid-arity"
    if isinstance(exc, (exceptions.LexerError, exceptions.ParseError,
                        exceptions.EmptyExpressionError)):
        return "syntax"
    if isinstance(exc, exceptions.UnknownFunctionError):
        return "unknown-function"
    if isinstance(exc, (exceptions.JMESPathTypeError, TypeError)):
        return "invalid-type"
    if isinstance(exc, ValueError):
        return "invalid-value"
    return "python-" + type(exc).__name__


LONE_SURROGATE = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])|"
                            r"(?<![0-9a-fA-F]{4})\\u[dD][c-fC-F][0-9a-fA-F]{2}")


def same_message(python, ours):
    """Python's message, with the address of an _Expression object left out and cut where
    ours (a 512-byte buffer) is cut."""
    python = re.sub(r"_Expression object at 0x[0-9a-f]+", "_Expression object", python)
    python = python.replace("\n", "\\n")
    if len(ours.encode()) >= 500:
        return python.startswith(ours)
    return python == ours


def has_non_string_key(v):
    """merge() with [key, value] pairs can give a dict with an int key: ours refuses that."""
    if isinstance(v, dict):
        return any(not isinstance(k, str) or has_non_string_key(x) for k, x in v.items())
    if isinstance(v, list):
        return any(has_non_string_key(x) for x in v)
    return False


def python_side(expression, doc):
    try:
        result = jmespath.search(expression, doc)
    except ExprefValue:
        return "E invalid-type", None
    except Exception as exc:  # noqa: BLE001 (every exception is a finding)
        return "E " + kind_of(exc), str(exc)
    if has_non_string_key(result):
        return "E invalid-type", None
    try:
        return "R " + json.dumps(result, separators=(",", ":"), allow_nan=False), ""
    except ValueError:
        return "E invalid-value", None  # NaN or Infinity: ours refuses them (docs/jmespath.md)
    except TypeError:
        return None, ""


def main():
    total = int(os.environ.get("JP_DIFF_CASES", "12000"))
    seed = int(os.environ.get("JP_DIFF_SEED", "12"))
    helpers = os.environ.get("HELPERS_DIR") or os.path.join(
        os.environ.get("BUILD_DIR", "build"), "helpers")
    driver = os.path.join(helpers, "jp_driver")
    r = random.Random(seed)
    docs = [gen_doc(r) for _ in range(200)]
    cases, expected = [], []
    skipped = 0
    while len(cases) < total:
        doc = r.choice(docs)
        s = expr(r, r.randint(1, 4))
        if r.random() < 0.2:
            s = mutate(r, s)
        if LONE_SURROGATE.search(s):
            skipped += 1
            continue
        want, msg = python_side(s, doc)
        if want is None:
            skipped += 1
            continue
        cases.append((s, doc))
        expected.append((want, msg))
    data = "".join(json.dumps([s, d]) + "\n" for s, d in cases)
    out = subprocess.run([driver], input=data.encode(), stdout=subprocess.PIPE, check=True)
    got = out.stdout.decode(errors="replace").split("\n")
    failed = 0
    msgdiff = 0
    kinds = {}
    for i, (s, doc) in enumerate(cases):
        want = expected[i][0]
        mine = got[i] if i < len(got) else "(no output)"
        mine_value = mine.split("\t", 1)[0]
        kinds[want.split(" ", 1)[0] if want.startswith("R") else want] = kinds.get(
            want.split(" ", 1)[0] if want.startswith("R") else want, 0) + 1
        if mine_value == want and want.startswith("E ") and expected[i][1] is not None and \
                not same_message(
                expected[i][1], mine.split("\t", 1)[-1]):
            msgdiff += 1
            if msgdiff <= 25:
                print("MSG %r\n  py:   %s\n  ours: %s" % (s, expected[i][1].replace("\n", "\\n")[:300], mine.split("\t", 1)[-1][:300]))
        if mine_value != want:
            failed += 1
            if failed <= 25:
                print("DIFF %r\n  doc:  %s\n  py:   %s %s\n  ours: %s" % (
                    s, json.dumps(doc)[:300], want[:300], expected[i][1][:200], mine[:300]))
    print("cases: %d (%s); not comparable (jmespath.py result is not JSON): %d" % (
        len(cases), ", ".join("%s %d" % kv for kv in sorted(kinds.items())), skipped))
    if skipped > total // 100:
        print("too many cases without a JSON result: the generator needs fixing")
        failed += 1
    print("error messages that differ: %d" % msgdiff)
    failed += msgdiff
    print("%d passed, %d failed" % (len(cases) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
