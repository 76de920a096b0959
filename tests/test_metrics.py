"""Pruebas del clasificador de referencia y de la FD-dígitos.

El clasificador se entrena una sola vez por proceso (caché en memoria) y lo comparten todas las
pruebas de este archivo.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from genai_utils.data import load_digits
from genai_utils.metrics import (
    FEATURE_DIM,
    classifier_accuracy,
    digit_classifier,
    digit_features,
    fd_digits,
    fd_digits_baseline,
    frechet_distance,
    intra_class_spread,
)


@pytest.fixture(scope="module")
def digits():
    return load_digits()


def test_clasificador_en_cache_y_congelado() -> None:
    with torch.no_grad():  # el primer uso puede llegar desde un contexto sin gradientes
        model = digit_classifier()
    assert digit_classifier(0) is model and digit_classifier(seed=0) is model
    assert not model.training
    assert all(not p.requires_grad for p in model.parameters())
    assert all(p.device.type == "cpu" for p in model.parameters())


def test_precision_en_los_digitos_de_prueba(digits) -> None:
    accuracy = classifier_accuracy(digits.x_test, digits.y_test)
    assert 0.95 <= accuracy <= 1.0
    flat = classifier_accuracy(digits.x_test.reshape(-1, 64), digits.y_test)
    assert flat == accuracy


def test_precision_errores(digits) -> None:
    with pytest.raises(ValueError, match="`labels`"):
        classifier_accuracy(digits.x_test, digits.y_test[:10])
    with pytest.raises(TypeError, match="`labels`"):
        classifier_accuracy(digits.x_test, digits.y_test.float())
    with pytest.raises(ValueError, match="`images`"):
        classifier_accuracy(torch.rand(5, 3, 8, 8), torch.zeros(5, dtype=torch.long))


def test_rasgos(digits) -> None:
    features = digit_features(digits.x_test[:20])
    assert features.shape == (20, FEATURE_DIM) == (20, 64)
    assert (features >= 0).all()
    assert torch.equal(features, digit_features(digits.x_test[:20, 0]))
    with pytest.raises(ValueError, match=r"`images`.*\(5, 63\)"):
        digit_features(torch.rand(5, 63))
    with pytest.raises(TypeError, match="`images`"):
        digit_features(torch.zeros(5, 64, dtype=torch.long))
    with pytest.raises(TypeError, match="`images`"):
        digit_features(np.zeros((5, 64)))


def test_frechet_gaussianas_conocidas() -> None:
    rng = np.random.default_rng(0)
    a = rng.standard_normal((4000, 3))
    b = 2.0 * rng.standard_normal((4000, 3)) + np.array([1.0, 0.0, 0.0])
    # Exacta: ‖μ‖² + Tr(I + 4I − 2·2I) = 1 + 3.
    assert frechet_distance(a, b) == pytest.approx(4.0, rel=0.05)
    assert frechet_distance(torch.from_numpy(a), a) == pytest.approx(0.0, abs=1e-8)


def test_frechet_errores() -> None:
    with pytest.raises(ValueError, match="features_a"):
        frechet_distance(np.zeros((1, 3)), np.zeros((5, 3)))
    with pytest.raises(ValueError, match="mismo número de rasgos"):
        frechet_distance(np.zeros((4, 3)), np.zeros((4, 2)))
    with pytest.raises(TypeError, match="features_b"):
        frechet_distance(np.zeros((4, 3)), [[0.0, 1.0]])
    with pytest.raises(ValueError, match="features_b"):
        frechet_distance(np.zeros((4, 3)), np.full((4, 3), np.nan))


def test_fd_digitos(digits) -> None:
    assert fd_digits(digits.x_test, digits.x_test) == pytest.approx(0.0, abs=1e-3)
    baseline = fd_digits_baseline()
    assert 0.0 < baseline < 10.0
    assert fd_digits_baseline(seed=0) == baseline
    noise = torch.rand(len(digits.x_test), 1, 8, 8, generator=torch.Generator().manual_seed(0))
    assert fd_digits(noise) > 10 * baseline
    assert fd_digits(digits.x_train[:360]) < fd_digits(noise)


def test_fd_digitos_errores(digits) -> None:
    with pytest.raises(ValueError, match="`images`"):
        fd_digits(digits.x_test[:1])
    with pytest.raises(ValueError, match="`reference`"):
        fd_digits(digits.x_test, torch.rand(10, 1, 7, 7))
    with pytest.raises(ValueError, match="`n`"):
        fd_digits_baseline(n=100_000)
    with pytest.raises(ValueError, match="`n`"):
        fd_digits_baseline(n=0)


def test_dispersion_dentro_de_cada_clase(digits) -> None:
    a = torch.zeros(1, 1, 8, 8)
    b = torch.zeros(1, 1, 8, 8)
    b[0, 0, 0, :4] = 1.0  # a 2 unidades de `a` (cuatro píxeles de diferencia 1)
    labels = torch.tensor([3, 3, 5, 5])
    # Clase 3: la misma imagen dos veces (0); clase 5: a y b (2). Media: 1.
    images = torch.cat([a, a, a, b])
    assert intra_class_spread(images, labels) == pytest.approx(1.0)
    # Copias idénticas de cada clase: dispersión nula; los dígitos reales, no.
    copias = digits.x_test[:1].repeat(6, 1, 1, 1)
    assert intra_class_spread(copias, torch.tensor([0, 0, 0, 1, 1, 1])) == 0.0
    real = intra_class_spread(digits.x_test, digits.y_test)
    assert 1.0 < real < 4.0


def test_dispersion_errores(digits) -> None:
    with pytest.raises(ValueError, match="al menos dos imágenes"):
        intra_class_spread(digits.x_test[:3], torch.tensor([0, 0, 1]))
    with pytest.raises(ValueError, match="una etiqueta por imagen"):
        intra_class_spread(digits.x_test[:3], torch.tensor([0, 0]))
    with pytest.raises(TypeError):
        intra_class_spread(digits.x_test[:2], torch.zeros(2))
