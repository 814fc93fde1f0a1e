#!/usr/bin/env python3
"""Same case as capsim's `perf_report` J2 comparison, through scipy's DOP853.

ISS-like orbit (a = 6718 km, e = 0.0006, i = 51.64 deg, RAAN = argp = M = 0 at t0, elements
converted with mu = 3.986004418e14) under point-mass + J2 gravity about the z axis with
EGM2008's constants (GM = 3.986004415e14 m^3/s^2, R = 6378136.3 m, J2 = -sqrt(5) C20 with
C20 = -4.84165143790815e-4): the very equations of capsim's `j2` force model, which
`cargo run --release -p capsim --example perf_report` times.

Usage: python3 bench/scipy_dop853.py [DAYS] [RTOL] [ATOL]
Prints wall time per orbit (median of 3 runs), rhs evaluations per orbit, and the final
position difference against a tight (rtol 1e-13) scipy run.
"""
import math
import statistics
import sys
import time

import numpy as np
from scipy.integrate import solve_ivp

MU_ELEMENTS = 3.986004418e14
MU = 3.986004415e14
RE = 6378136.3
J2 = -math.sqrt(5.0) * -4.84165143790815e-4


def initial_state():
    a, e, i = 6718.0e3, 0.0006, math.radians(51.64)
    p = a * (1 - e * e)
    r = p / (1 + e)  # at perigee, true anomaly 0, RAAN = argp = 0
    v = math.sqrt(MU_ELEMENTS / p) * (1 + e)
    period = 2 * math.pi * math.sqrt(a**3 / MU_ELEMENTS)
    return np.array([r, 0.0, 0.0, 0.0, v * math.cos(i), v * math.sin(i)]), period


def rhs(_t, y):
    x, yy, z = y[0], y[1], y[2]
    r2 = x * x + yy * yy + z * z
    r = math.sqrt(r2)
    k = -MU / (r2 * r)
    f = 1.5 * J2 * (RE * RE) / r2
    zz = 5.0 * z * z / r2
    ax = k * x * (1 + f * (1 - zz))
    ay = k * yy * (1 + f * (1 - zz))
    az = k * z * (1 + f * (3 - zz))
    return [y[3], y[4], y[5], ax, ay, az]


def run(t_end, rtol, atol):
    y0, _ = initial_state()
    t0 = time.perf_counter()
    sol = solve_ivp(rhs, (0.0, t_end), y0, method="DOP853", rtol=rtol, atol=atol)
    return time.perf_counter() - t0, sol


def main():
    days = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    rtol = float(sys.argv[2]) if len(sys.argv) > 2 else 1e-10
    atol = float(sys.argv[3]) if len(sys.argv) > 3 else 1e-6
    y0, period = initial_state()
    t_end = days * 86400.0
    orbits = t_end / period
    times = []
    sol = None
    for _ in range(3):
        dt, sol = run(t_end, rtol, atol)
        times.append(dt)
    _, tight = run(t_end, 1e-14, 1e-9)
    err = float(np.linalg.norm(sol.y[:3, -1] - tight.y[:3, -1]))
    med = statistics.median(times)
    print(f"scipy DOP853 J2 days={days} rtol={rtol:g} atol={atol:g}")
    print(f"  wall median {med:.3f} s, {1e3 * med / orbits:.4f} ms/orbit, "
          f"{sol.nfev / orbits:.1f} rhs/orbit, final error vs tight {err:.3f} m")


if __name__ == "__main__":
    main()
