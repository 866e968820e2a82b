"""checks.py: the tally the Python integration tests keep and print.

    from checks import check, summary
    check("what is checked", ok, detail)   # prints "ok NAME" or "FAIL NAME detail"
    sys.exit(summary())                    # prints "N passed, N failed"; 1 if any failed
"""

passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok", name)
    else:
        failed += 1
        print("FAIL", name, str(detail)[:600])
    return bool(ok)


def summary():
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0
