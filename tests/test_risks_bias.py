"""Pruebas de las medidas de sesgo del capítulo 7 (distribución de clases y amplificación)."""

from __future__ import annotations

import pytest
import torch

from genai_utils.data import load_digits
from genai_utils.risks.bias import (
    BiasReport,
    amplification_factor,
    bias_report,
    class_distribution,
    group_share,
    predict_digits,
    predicted_distribution,
    skewed_subset,
    total_variation,
)


def test_distribucion_de_clases_a_mano() -> None:
    p = class_distribution(torch.tensor([0, 0, 1, 3]), n_classes=4)
    assert p.dtype == torch.float64
    assert torch.equal(p, torch.tensor([0.5, 0.25, 0.0, 0.25], dtype=torch.float64))


def test_distribucion_errores() -> None:
    with pytest.raises(ValueError, match="entre 0 y 3"):
        class_distribution(torch.tensor([0, 4]), n_classes=4)
    with pytest.raises(TypeError, match="`labels`"):
        class_distribution(torch.tensor([0.0, 1.0]))
    with pytest.raises(ValueError, match="ninguna etiqueta"):
        class_distribution(torch.zeros(0, dtype=torch.long))


def test_cuota_amplificacion_y_variacion_total() -> None:
    p_data = torch.tensor([0.6, 0.2, 0.2], dtype=torch.float64)
    p_samples = torch.tensor([0.9, 0.1, 0.0], dtype=torch.float64)
    assert group_share(p_data, [0]) == pytest.approx(0.6)
    assert group_share(p_data, [1, 2]) == pytest.approx(0.4)
    assert amplification_factor(p_data, p_samples, [0]) == pytest.approx(1.5)
    assert amplification_factor(p_data, p_samples, [1, 2]) == pytest.approx(0.25)
    # ½ (|0,6 − 0,9| + |0,2 − 0,1| + |0,2 − 0|) = ½ · 0,6 = 0,3
    assert total_variation(p_data, p_samples) == pytest.approx(0.3)
    assert total_variation(p_data, p_data) == 0.0
    report = bias_report(p_data, p_samples, [0])
    assert report == BiasReport(pytest.approx(0.6), pytest.approx(0.9), pytest.approx(0.3))
    assert report.amplification == pytest.approx(1.5)
    assert "60,0\u00a0%" in str(report) and "1,50" in str(report)


def test_errores_de_las_distribuciones() -> None:
    p = torch.tensor([0.5, 0.5], dtype=torch.float64)
    with pytest.raises(ValueError, match="deben sumar 1"):
        group_share(torch.tensor([0.5, 0.6]), [0])
    with pytest.raises(ValueError, match="`group`"):
        group_share(p, [2])
    with pytest.raises(ValueError, match="`group`"):
        group_share(p, [])
    with pytest.raises(TypeError, match="`group`"):
        group_share(p, 0)
    with pytest.raises(ValueError, match="mismo número de clases"):
        total_variation(p, torch.tensor([1.0, 0.0, 0.0]))
    with pytest.raises(ValueError, match="no aparece"):
        amplification_factor(torch.tensor([1.0, 0.0]), p, [1])
    with pytest.raises(ValueError, match="no negativas"):
        total_variation(torch.tensor([1.5, -0.5]), p)


def test_clasificador_reproduce_la_distribucion_de_los_datos_reales() -> None:
    split = load_digits()
    predicted = predict_digits(split.x_test)
    assert predicted.shape == (len(split.x_test),) and predicted.dtype == torch.long
    assert torch.equal(predicted, predict_digits(split.x_test.reshape(-1, 64), batch_size=7))
    tv = total_variation(class_distribution(split.y_test), predicted_distribution(split.x_test))
    assert tv < 0.03
    with pytest.raises(ValueError, match=r"`images`.*\(3, 1, 7, 7\)"):
        predict_digits(torch.rand(3, 1, 7, 7))


def test_subconjunto_sesgado() -> None:
    y = torch.arange(3).repeat_interleave(10)
    x = torch.arange(30).float()
    keep = [1.0, 0.5, 0.0]
    xs, ys = skewed_subset(x, y, keep, seed=1)
    assert torch.equal(torch.bincount(ys, minlength=3), torch.tensor([10, 5, 0]))
    assert torch.equal(xs.long(), torch.nonzero(torch.isin(x, xs)).flatten())  # orden original
    assert torch.equal(ys, y[xs.long()])
    again, _ = skewed_subset(x, y, keep, seed=1)
    other, _ = skewed_subset(x, y, keep, seed=2)
    assert torch.equal(xs, again) and not torch.equal(xs, other)
    with pytest.raises(ValueError, match="`keep`"):
        skewed_subset(x, y, [1.0, 0.5])
    with pytest.raises(ValueError, match="`keep`"):
        skewed_subset(x, y, [1.0, 1.5, 0.0])
    with pytest.raises(ValueError, match="mismo número"):
        skewed_subset(x[:5], y, keep)
