"""Pruebas de genai_utils.sampling: temperatura y muestreo categórico."""

from __future__ import annotations

import pytest
import torch

from genai_utils.sampling import apply_temperature, sample_categorical, top_k_filter, top_p_filter


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


def test_top_k_deja_los_k_mayores() -> None:
    logits = torch.tensor([[1.0, 3.0, 2.0, 0.0], [0.5, 0.1, 0.9, 0.2]])
    filtrados = top_k_filter(logits, 2)
    assert torch.isinf(filtrados).sum().item() == 4
    assert filtrados[0].isfinite().tolist() == [False, True, True, False]
    assert filtrados[1].isfinite().tolist() == [True, False, True, False]
    assert torch.equal(top_k_filter(logits, 10), logits)


def test_top_p_conserva_el_nucleo_minimo() -> None:
    probs = torch.tensor([0.5, 0.3, 0.15, 0.05])
    logits = probs.log()
    # Masa acumulada antes de cada símbolo: 0, 0.5, 0.8, 0.95.
    assert top_p_filter(logits, 0.5).isfinite().tolist() == [True, False, False, False]
    assert top_p_filter(logits, 0.8).isfinite().tolist() == [True, True, False, False]
    assert top_p_filter(logits, 0.81).isfinite().tolist() == [True, True, True, False]
    assert torch.equal(top_p_filter(logits, 1.0), logits)
    # El orden de los símbolos no importa: se filtra por probabilidad, no por posición.
    permutados = logits[[2, 0, 3, 1]]
    assert top_p_filter(permutados, 0.8).isfinite().tolist() == [False, True, False, True]


@pytest.mark.parametrize("p", [0, -0.1, 1.01, float("nan")])
def test_top_p_invalido(p: object) -> None:
    with pytest.raises(ValueError, match=r"`p`.*\(0, 1\]"):
        top_p_filter(torch.zeros(3), p)


@pytest.mark.parametrize("p", [True, "0.9", None])
def test_top_p_tipo_invalido(p: object) -> None:
    with pytest.raises(TypeError, match=r"`p`.*\(0, 1\]"):
        top_p_filter(torch.zeros(3), p)


def test_top_k_invalido() -> None:
    with pytest.raises((ValueError, TypeError), match="`k`"):
        top_k_filter(torch.zeros(3), 0)


def test_next_token_probs_temperatura_antes_del_nucleo() -> None:
    from genai_utils.sampling import next_token_probs

    logits = torch.tensor([2.0, 1.0, 0.0, -1.0])
    # A T = 1 el núcleo de 0,8 tiene dos símbolos (0,64 + 0,24 ≥ 0,8); con T = 3 la distribución
    # se aplana y hacen falta tres: la temperatura se aplica antes de recortar.
    assert int((next_token_probs(logits, 1.0, top_p=0.8) > 0).sum()) == 2
    assert int((next_token_probs(logits, 3.0, top_p=0.8) > 0).sum()) == 3
    probs = next_token_probs(logits, 0.5, top_k=2)
    assert float(probs.sum()) == pytest.approx(1.0) and int((probs > 0).sum()) == 2
    assert torch.allclose(next_token_probs(logits, 2.0), torch.softmax(logits / 2, -1))
