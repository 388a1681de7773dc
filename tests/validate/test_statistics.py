"""Separation power, W1, FPD and KPD on samples with known answers."""

from __future__ import annotations

import numpy as np
import pytest

from caloforge.validate import distances as dist
from caloforge.validate.separation import compare, linear_edges, separation_power


def test_separation_power_limits():
    h = np.array([0.2, 0.3, 0.5])
    assert separation_power(h, h) == 0.0
    assert separation_power(np.array([1.0, 0.0]), np.array([0.0, 1.0])) == pytest.approx(1.0)


def test_same_distribution_not_flagged_shift_flagged():
    rng = np.random.default_rng(0)
    a, b = rng.normal(0, 1, 5000), rng.normal(0, 1, 5000)
    edges = linear_edges(a)
    same = compare("x", a, b, edges, 5000, 5000)
    assert same.separation < 2 * same.noise_floor and not same.flagged
    shifted = compare("x", a, b + 0.3, edges, 5000, 5000)
    assert shifted.flagged and shifted.separation > 3 * shifted.noise_floor


def test_w1_value_and_floor():
    rng = np.random.default_rng(1)
    a, b = rng.normal(0, 1, 4000), rng.normal(0, 1, 4000)
    same = dist.w1_samples(a, b, rng, n_boot=10)
    assert same.ratio < 3.0
    moved = dist.w1_samples(a, b + 0.3, rng, n_boot=10)
    assert moved.value == pytest.approx(0.3, abs=4 * moved.error + 0.02)
    assert moved.ratio > 5.0


def test_w1_profiles_sees_a_shifted_profile():
    rng = np.random.default_rng(2)
    pos = np.arange(10.0)
    ref = rng.gamma(2.0, 1.0, (2000, 10)) * np.exp(-0.5 * (pos - 4) ** 2)
    gen = rng.gamma(2.0, 1.0, (2000, 10)) * np.exp(-0.5 * (pos - 5) ** 2)
    same = dist.w1_profiles(pos, ref[:1000], ref[1000:], rng, n_boot=5)
    moved = dist.w1_profiles(pos, ref, gen, rng, n_boot=5)
    assert same.ratio < 3.0
    assert moved.value == pytest.approx(1.0, abs=0.1)


def test_fpd_kpd_same_and_shifted():
    rng = np.random.default_rng(3)
    cov = np.array([[1.0, 0.5, 0.0], [0.5, 1.0, 0.2], [0.0, 0.2, 1.0]])
    a = rng.multivariate_normal(np.zeros(3), cov, 3000)
    b = rng.multivariate_normal(np.zeros(3), cov, 3000)
    f_same, f_err = dist.fpd(a, b, rng)
    assert abs(f_same) < max(5 * f_err, 0.01)
    k_same, k_err = dist.kpd(a, b, rng)
    assert abs(k_same) < max(5 * k_err, 0.01)
    shifted = b + np.array([1.0, 0.0, 0.0])  # one standard deviation in one feature
    f_shift, _ = dist.fpd(a, shifted, rng)
    assert f_shift == pytest.approx(1.0, rel=0.2)  # |mu1 - mu2|^2 after standardisation
    k_shift, k_err = dist.kpd(a, shifted, rng)
    assert k_shift > 10 * k_err and k_shift > 0.1


def test_frechet_distance_of_identical_sets_is_zero():
    x = np.random.default_rng(4).normal(size=(500, 4))
    assert dist.frechet_distance(x, x) == pytest.approx(0.0, abs=1e-6)
