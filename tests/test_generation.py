"""El bucle de generación común (genai_utils.generation) y los modelos que lo usan."""

from __future__ import annotations

import pytest
import torch

from genai_utils.generation import generate_tokens
from genai_utils.gpt import GPT, GPTConfig
from genai_utils.risks import watermark as wm


@pytest.fixture(scope="module")
def gpt() -> GPT:
    torch.manual_seed(0)
    return GPT(GPTConfig(vocab_size=40, context=12, n_layer=2, n_head=2, n_embd=32))


IDX = torch.tensor([[1, 2, 3], [7, 8, 9]])


def _reference_loop(model: GPT, idx: torch.Tensor, n: int, temperature: float, seed: int):
    """El bucle más obvio, escrito aquí de nuevo: logits → temperatura → softmax → sorteo."""
    generator = torch.Generator().manual_seed(seed)
    model.eval()
    with torch.no_grad():
        for _ in range(n):
            logits, _ = model(idx[:, -model.config.context :])
            probs = torch.softmax(logits[:, -1, :] / temperature, dim=-1)
            nxt = torch.multinomial(probs, 1, generator=generator)
            idx = torch.cat([idx, nxt], dim=1)
    return idx


def test_gpt_generate_coincide_con_el_bucle_de_referencia(gpt: GPT) -> None:
    esperado = _reference_loop(gpt, IDX, 20, 0.8, seed=5)
    assert torch.equal(gpt.generate(IDX, 20, temperature=0.8, seed=5), esperado)


def test_voraz_es_el_maximo_en_cada_paso(gpt: GPT) -> None:
    salida = gpt.generate(IDX, 10, greedy=True)
    with torch.no_grad():
        for t in range(IDX.shape[1], salida.shape[1]):
            logits, _ = gpt(salida[:, max(0, t - gpt.config.context) : t])
            assert torch.equal(salida[:, t], logits[:, -1, :].argmax(-1))


def test_un_procesador_que_prohibe_un_token_se_respeta(gpt: GPT) -> None:
    def prohibir_los_pares(ids: torch.Tensor, logits: torch.Tensor) -> torch.Tensor:
        logits = logits.clone()
        logits[:, ::2] = float("-inf")
        return logits

    salida = gpt.generate(IDX, 60, temperature=2.0, processors=[prohibir_los_pares], seed=1)
    nuevos = salida[:, IDX.shape[1] :]
    assert (nuevos % 2 == 1).all()
    sin_procesador = gpt.generate(IDX, 60, temperature=2.0, seed=1)[:, IDX.shape[1] :]
    assert (sin_procesador % 2 == 0).any()  # sin él, sí salen pares: la prueba puede fallar


def test_la_marca_de_agua_es_un_procesador_del_bucle_comun(gpt: GPT) -> None:
    config = wm.WatermarkConfig(vocab_size=40, key=3, delta=4.0)
    directa = wm.generate(gpt, IDX, 40, config, temperature=0.9, seed=2)
    enchufada = gpt.generate(IDX, 40, temperature=0.9, seed=2,
                             processors=[wm.watermark_processor(config)])
    assert torch.equal(directa, enchufada)
    assert wm.detect(directa[0, 2:], config).z > wm.detect(
        gpt.generate(IDX, 40, temperature=0.9, seed=2)[0, 2:], config).z


def test_la_temperatura_va_antes_que_top_p() -> None:
    # p = softmax([2, 1, 0]) = (0,665; 0,245; 0,090). Con T = 10 es casi uniforme y el núcleo
    # de top-p = 0,7 conserva los tres; si top-p fuera antes que la temperatura, solo dos.
    def fijos(window: torch.Tensor) -> torch.Tensor:
        return torch.tensor([[2.0, 1.0, 0.0]]).expand(len(window), 3)

    salida = generate_tokens(fijos, torch.zeros(1, 1, dtype=torch.long), 400,
                             temperature=10.0, top_p=0.7, seed=0)
    assert set(salida[0, 1:].tolist()) == {0, 1, 2}


@pytest.mark.parametrize(("kwargs", "nombre"), [
    ({"processors": [1]}, "processors"),
    ({"processors": "no"}, "processors"),
    ({"greedy": 1}, "greedy"),
    ({"temperature": 0.0}, "temperature"),
    ({"top_p": 1.5}, "top_p"),
    ({"context": 0}, "context"),
])
def test_argumentos_malos_dan_un_error_que_los_nombra(kwargs: dict, nombre: str) -> None:
    with pytest.raises((TypeError, ValueError), match=f"`{nombre}`"):
        generate_tokens(lambda w: torch.zeros(len(w), 3), IDX, 3, **kwargs)


def test_idx_vacio_se_rechaza() -> None:
    with pytest.raises(ValueError, match="`idx`"):
        generate_tokens(lambda w: torch.zeros(len(w), 3), torch.zeros(1, 0, dtype=torch.long), 3)
