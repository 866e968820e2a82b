/* Unit tests of Python's float repr (src/pyrepr.h). Each expected text is what CPython's
 * repr() prints for the same double. */
#include <math.h>

#include "check.h"
#include "pyrepr.h"

static void check_repr(double d, const char *want)
{
    char got[PYREPR_MAX];

    pyrepr_double(d, got);
    CHECK_STR(got, want);
}

TEST(shortest_round_trip_digits)
{
    check_repr(0.1, "0.1");
    check_repr(123456789.125, "123456789.125");
    check_repr(0.30000000000000004, "0.30000000000000004");
    check_repr(1.0 / 3, "0.3333333333333333");
    check_repr(-2.5, "-2.5");
    check_repr(5e-324, "5e-324");
    check_repr(1.7976931348623157e308, "1.7976931348623157e+308");
    check_repr(12345678901234567.0, "1.2345678901234568e+16");
}

TEST(exponent_outside_minus_4_to_16)
{
    check_repr(1e-07, "1e-07");
    check_repr(0.0001, "0.0001");
    check_repr(0.00001, "1e-05");
    check_repr(1e15, "1000000000000000.0");
    check_repr(1e16, "1e+16");
    check_repr(1.5e16, "1.5e+16");
}

TEST(integral_values_and_zeros)
{
    check_repr(2.0, "2.0");
    check_repr(5.0, "5.0");
    check_repr(0.0, "0.0");
    check_repr(-0.0, "-0.0");
}

TEST(non_finite_as_repr_spells_them)
{
    check_repr(NAN, "nan");
    check_repr(INFINITY, "inf");
    check_repr(-INFINITY, "-inf");
}

CHECK_MAIN
