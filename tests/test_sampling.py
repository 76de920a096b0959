"""Pruebas de genai_utils.sampling: temperatura y muestreo categórico."""

from __future__ import annotations

import pytest
import torch

from genai_utils.sampling import apply_temperature, sample_categorical


def test_temperatura_uno_es_softmax() -> None:
    logits = torch.tensor([2.0, 1.0, -1.0])
    assert torch.allclose(apply_temperature(logits, 1.0), torch.softmax(logits, dim=0))


def test_temperatura_baja_es_voraz_y_alta_es_uniforme() -> None:
    logits = torch.tensor([2.0, 1.0, -1.0, 0.5])
    cold = apply_temperature(logits, 1e-3)
    hot = apply_temperature(logits, 1e4)
    assert cold.argmax() == 0 and cold.max() > 0.999
    assert torch.allclose(hot, torch.full((4,), 0.25), atol=1e-3)


def test_temperatura_conserva_el_orden_y_trabaja_por_filas() -> None:
    logits = torch.tensor([[0.0, 1.0, 3.0], [5.0, 0.0, -2.0]])
    probs = apply_temperature(logits, 0.7)
    assert probs.shape == (2, 3)
    assert torch.allclose(probs.sum(-1), torch.ones(2))
    assert torch.equal(probs.argsort(-1), logits.argsort(-1))


def test_logits_menos_infinito_dan_probabilidad_cero() -> None:
    probs = apply_temperature(torch.tensor([0.0, float("-inf"), 1.0]), 2.0)
    assert probs[1] == 0


@pytest.mark.parametrize("temperature", [0.0, -1.0])
def test_temperatura_no_positiva_da_error(temperature: float) -> None:
    with pytest.raises(ValueError, match="temperature"):
        apply_temperature(torch.tensor([1.0, 2.0]), temperature)


def test_logits_enteros_dan_error() -> None:
    with pytest.raises((TypeError, ValueError), match="logits"):
        apply_temperature(torch.tensor([1, 2]), 1.0)


def test_muestreo_reproducible_y_con_frecuencias_correctas() -> None:
    probs = torch.tensor([0.1, 0.6, 0.3])
    draws = [
        sample_categorical(probs, generator=torch.Generator().manual_seed(s)) for s in range(5)
    ]
    again = [
        sample_categorical(probs, generator=torch.Generator().manual_seed(s)) for s in range(5)
    ]
    assert draws == again and all(isinstance(d, int) for d in draws)
    gen = torch.Generator().manual_seed(0)
    batch = sample_categorical(probs.expand(20000, 3), generator=gen)
    assert batch.shape == (20000,)
    freq = torch.bincount(batch, minlength=3).float() / 20000
    assert torch.allclose(freq, probs, atol=0.02)


def test_muestreo_nunca_elige_probabilidad_cero() -> None:
    probs = torch.tensor([0.0, 1.0, 0.0])
    assert {
        sample_categorical(probs, generator=torch.Generator().manual_seed(s)) for s in range(20)
    } == {1}


@pytest.mark.parametrize(
    "probs",
    [torch.tensor([0.5, -0.1]), torch.tensor([0.0, 0.0]), torch.tensor([float("nan"), 1.0])],
)
def test_probabilidades_invalidas_dan_error(probs: torch.Tensor) -> None:
    with pytest.raises(ValueError, match="probs"):
        sample_categorical(probs)
