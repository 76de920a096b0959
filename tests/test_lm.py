"""Pruebas de genai_utils.lm: vocabulario, ventanas, evaluación sin solapamiento y entrenamiento."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from genai_utils.gpt import GPT, GPTConfig
from genai_utils.lm import CharVocab, bits_per_char, evaluate_lm, random_windows, train_lm
from genai_utils.training import limit_threads, set_seed


class Uniforme(nn.Module):
    """Modelo que reparte la probabilidad por igual: su pérdida es exactamente log V."""

    def __init__(self, vocab_size: int) -> None:
        super().__init__()
        self.vocab_size = vocab_size
        self.dummy = nn.Parameter(torch.zeros(()))

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        return torch.zeros(*idx.shape, self.vocab_size) + 0 * self.dummy


def test_vocabulario_ida_y_vuelta_y_desconocidos() -> None:
    vocab = CharVocab("hola, niño")
    assert len(vocab) == len(set("hola, niño"))
    assert vocab.decode(vocab.encode("niño hola")) == "niño hola"
    with pytest.raises(ValueError, match="no están en el vocabulario"):
        vocab.encode("¿qué?")
    assert vocab.decode(vocab.encode("¿hola?", unknown="skip")) == "hola"


def test_ventanas_objetivo_desplazado() -> None:
    datos = torch.arange(100)
    x, y = random_windows(datos, 8, 5, torch.Generator().manual_seed(0))
    assert x.shape == y.shape == (5, 8)
    assert torch.equal(y, x + 1)
    with pytest.raises(ValueError, match="context"):
        random_windows(torch.arange(5), 8, 2)


def test_evaluacion_sin_solapamiento_cuenta_cada_token_una_vez() -> None:
    ids = torch.randint(0, 7, (101,), generator=torch.Generator().manual_seed(0))
    total, count = evaluate_lm(Uniforme(7), ids, context=10)
    assert count == 100  # 10 ventanas × 10 predicciones: tokens 1…100
    assert total == pytest.approx(100 * math.log(7), rel=1e-6)
    assert bits_per_char(total, count) == pytest.approx(math.log2(7), rel=1e-6)


def test_train_lm_aprende_y_es_reproducible() -> None:
    texto = "abcd" * 200
    vocab = CharVocab(texto)
    ids = vocab.encode(texto)

    def entrenar() -> tuple[GPT, float]:
        set_seed(0)
        modelo = GPT(GPTConfig(vocab_size=len(vocab), context=8, n_layer=1, n_head=2, n_embd=16))
        with limit_threads(1):
            historia = train_lm(modelo, ids, context=8, batch_size=8, lr=1e-2, max_steps=60,
                                warmup=5, val_ids=ids[:200], eval_every=30, progress=False)
        return modelo, historia.val_losses[-1]

    modelo_a, perdida_a = entrenar()
    modelo_b, perdida_b = entrenar()
    assert perdida_a < 0.2 < math.log(4)
    assert perdida_a == perdida_b
    for pa, pb in zip(modelo_a.parameters(), modelo_b.parameters(), strict=True):
        assert torch.equal(pa, pb)


def test_train_lm_necesita_un_final() -> None:
    with pytest.raises(ValueError, match="max_steps"):
        train_lm(Uniforme(3), torch.arange(50) % 3, context=4)
    with pytest.raises(ValueError, match="`max_steps`"):
        train_lm(Uniforme(3), torch.arange(50) % 3, context=4, max_steps=0)
    with pytest.raises(ValueError, match="`max_seconds`"):
        train_lm(Uniforme(3), torch.arange(50) % 3, context=4, max_seconds=-1.0)
    with pytest.raises(ValueError, match="`train_ids`"):
        train_lm(Uniforme(3), torch.arange(4) % 3, context=4, max_steps=1)


def test_evaluacion_con_ventana_deslizante_puntua_cada_token_una_vez() -> None:
    torch.manual_seed(0)
    model = GPT(GPTConfig(vocab_size=12, context=8, n_layer=1, n_head=2, n_embd=16))
    ids = torch.randint(0, 12, (101,))
    plain_total, plain_count = evaluate_lm(model, ids, 8)
    for stride in (1, 3, 8):
        total, count = evaluate_lm(model, ids, 8, stride=stride, batch_size=5)
        assert count == len(ids) - 1  # cada token desde el segundo, exactamente una vez
        assert math.isfinite(total) and total > 0
    # con stride = context, las primeras ventanas coinciden con la evaluación sin solapamiento
    total8, _ = evaluate_lm(model, ids[: 8 * 12 + 1], 8, stride=8)
    assert math.isclose(total8, evaluate_lm(model, ids[: 8 * 12 + 1], 8)[0], rel_tol=1e-5)
    assert plain_count == 96
    with pytest.raises(ValueError, match="stride"):
        evaluate_lm(model, ids, 8, stride=9)
