"""Pruebas del detector de dígitos generados."""

from __future__ import annotations

import pytest
import torch

from genai_utils.data import load_digits
from genai_utils.risks.detection import (
    DetectionResult,
    DigitDetector,
    evaluate_detector,
    quantize_grey_levels,
    train_detector,
)


@pytest.fixture(scope="module")
def digits():
    return load_digits()


def _blurred(x: torch.Tensor) -> torch.Tensor:
    """Una «falsificación» fácil: cada píxel es la media de su entorno de 3×3."""
    return torch.nn.functional.avg_pool2d(x, 3, stride=1, padding=1, count_include_pad=False)


def test_detecta_una_falsificacion_facil(digits) -> None:
    real, fake = digits.x_train[:600], _blurred(digits.x_train[600:1200])
    detector = train_detector(real, fake, epochs=15, seed=0)
    assert isinstance(detector, DigitDetector) and not detector.training
    result = evaluate_detector(detector, digits.x_test[:180], _blurred(digits.x_test[180:]))
    assert result.accuracy > 0.9
    assert result.accuracy == pytest.approx((result.real_accuracy + result.generated_accuracy) / 2)
    assert "exactitud" in str(result)


def test_no_distingue_reales_de_reales(digits) -> None:
    detector = train_detector(digits.x_train[:600], digits.x_train[600:1200], epochs=15, seed=0)
    result = evaluate_detector(detector, digits.x_test[:180], digits.x_test[180:])
    assert 0.35 < result.accuracy < 0.65


def test_reproducible(digits) -> None:
    real, fake = digits.x_train[:200], _blurred(digits.x_train[200:400])
    a = train_detector(real, fake, epochs=3, seed=1)
    b = train_detector(real, fake, epochs=3, seed=1)
    c = train_detector(real, fake, epochs=3, seed=2)
    x = digits.x_test[:50]
    assert torch.equal(a(x), b(x)) and not torch.equal(a(x), c(x))


def test_resultado_a_mano() -> None:
    result = DetectionResult(real_accuracy=1.0, generated_accuracy=0.5)
    assert result.accuracy == 0.75


def test_cuantizar_niveles_de_gris() -> None:
    x = torch.tensor([0.0, 0.03, 0.04, 0.5, 0.97, 1.2, -0.1])
    assert quantize_grey_levels(x).tolist() == pytest.approx(
        [0.0, 0.0, 0.0625, 0.5, 1.0, 1.0, 0.0])
    assert quantize_grey_levels(x, levels=2).tolist() == [0.0, 0.0, 0.0, 0.5, 1.0, 1.0, 0.0]
    with pytest.raises(ValueError, match="`levels`"):
        quantize_grey_levels(x, levels=0)


def test_errores(digits) -> None:
    with pytest.raises(ValueError, match=r"`generated`.*\(4, 1, 7, 7\)"):
        train_detector(digits.x_train[:4], torch.rand(4, 1, 7, 7))
    with pytest.raises(ValueError, match="`real`.*ninguna imagen"):
        train_detector(torch.rand(0, 64), torch.rand(4, 64))
    with pytest.raises(ValueError, match="`epochs`"):
        train_detector(torch.rand(4, 64), torch.rand(4, 64), epochs=0)
    with pytest.raises(TypeError, match="`detector`"):
        evaluate_detector("detector", torch.rand(4, 64), torch.rand(4, 64))
