"""The anomaly score (autoencoder reconstruction error) flags injected detector faults and
different showers, and does not separate two samples of the same showers."""

from __future__ import annotations

import numpy as np
import pytest
from stripkit import GEOMETRY, synthetic_showers

from caloforge.errors import InputError
from caloforge.geometry import get_geometry
from caloforge.tasks.anomaly import AnomalyConfig, AnomalyDetector, anomaly_report
from caloforge.tasks.faults import FAULTS, inject

CONFIG = AnomalyConfig(hidden=128, latent=16, epochs=25, seed=1)


@pytest.fixture(scope="module")
def detector() -> AnomalyDetector:
    return AnomalyDetector(get_geometry(GEOMETRY), CONFIG).fit(synthetic_showers(800, 1, 5.0, 1.5, "electron"))


def test_faults_are_flagged_and_clean_showers_are_not(detector: AnomalyDetector) -> None:
    """Dead and hot channels and noisy layers score far above clean showers (AUC > 0.9); a second
    clean sample scores like the first (|AUC - 0.5| < 4 standard errors, 0.094 for 300 + 300)."""
    geo, rng = get_geometry(GEOMETRY), np.random.default_rng(5)
    test = synthetic_showers(300, 2, 5.0, 1.5, "electron")
    anomalies = {fault: inject(synthetic_showers(300, 3, 5.0, 1.5, "electron"), geo, fault, rng) for fault in FAULTS}
    anomalies["clean"] = synthetic_showers(300, 4, 5.0, 1.5, "electron")
    anomalies["wide_late"] = synthetic_showers(300, 6, 9.0, 3.0, "proton")
    report = anomaly_report(detector, test, anomalies)["flagging"]
    for name in (*FAULTS, "wide_late"):
        assert report[name]["auc"] > 0.9, (name, report[name])
    assert abs(report["clean"]["auc"] - 0.5) < 0.094
    assert report["clean"]["efficiency_at_fpr_0.1"] < 0.2


def test_injected_faults_do_what_they_say() -> None:
    geo, rng = get_geometry(GEOMETRY), np.random.default_rng(0)
    clean = synthetic_showers(20, 1, 5.0, 1.5, "electron")
    dead = inject(clean, geo, "dead_cell", rng)
    assert np.all((clean.showers > 0).sum(axis=1) - (dead.showers > 0).sum(axis=1) == 1)
    hot = inject(clean, geo, "hot_cell", rng)
    assert hot.total_energy() == pytest.approx(1.05 * clean.total_energy(), rel=1e-5)
    with pytest.raises(InputError, match="unknown fault"):
        inject(clean, geo, "cosmic_ray", rng)


def test_anomaly_detector_refuses_protons_and_tiny_samples() -> None:
    geo = get_geometry(GEOMETRY)
    with pytest.raises(InputError, match="needs electron"):
        AnomalyDetector(geo, CONFIG).fit(synthetic_showers(200, 1, 5.0, 1.5, "proton"))
    with pytest.raises(InputError, match=">= 100"):
        AnomalyDetector(geo, CONFIG).fit(synthetic_showers(50, 1, 5.0, 1.5, "electron"))
