"""Pruebas del recuento de parámetros y operaciones (capítulo 7, coste)."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from genai_utils.gpt import GPT, GPTConfig
from genai_utils.risks.cost import (
    EU_AI_ACT_THRESHOLD,
    PUBLISHED_MODELS,
    count_flops,
    format_duration,
    forward_flops_rule,
    gpt_forward_flops,
    gpt_parameter_count,
    gpt_training_flops,
    measure_throughput,
    mlp_forward_flops,
    training_flops,
    training_seconds,
)
from genai_utils.training import count_parameters, set_seed

CONFIG = GPTConfig(vocab_size=90, context=32, n_layer=2, n_head=4, n_embd=64)


def _gpt() -> GPT:
    set_seed(0)
    return GPT(CONFIG)


def test_parametros_del_gpt_a_mano_coinciden_con_pytorch() -> None:
    assert gpt_parameter_count(CONFIG) == count_parameters(_gpt()) == 107_904
    otra = GPTConfig(vocab_size=7, context=5, n_layer=3, n_head=2, n_embd=8)
    assert gpt_parameter_count(otra) == count_parameters(GPT(otra))


def test_mlp_contado_a_mano() -> None:
    # Linear(3, 4) y Linear(4, 2) con 5 ejemplos: 5 · 2 · (3·4 + 4·2) = 200 operaciones.
    assert mlp_forward_flops([3, 4, 2], batch=5) == 200
    red = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    assert count_flops(red, torch.randn(5, 3)) == 200


def test_gpt_hacia_delante_coincide_con_flop_counter() -> None:
    modelo = _gpt()
    x = torch.randint(0, 90, (3, 32), generator=torch.Generator().manual_seed(0))
    contadas = count_flops(modelo, x)
    analiticas = gpt_forward_flops(CONFIG, 32, batch=3)
    assert analiticas == 3 * (32 * (2 * 12 * 2 * 64**2 + 2 * 90 * 64) + 4 * 2 * 32**2 * 64)
    # Tolerancia declarada: 0,1 % (en la CPU coinciden exactamente).
    assert contadas == pytest.approx(analiticas, rel=1e-3)
    assert gpt_forward_flops(CONFIG, 16) < gpt_forward_flops(CONFIG, 32) / 2 + 1


def test_entrenamiento_cuesta_unas_tres_pasadas() -> None:
    modelo = _gpt()
    x = torch.randint(0, 90, (3, 32), generator=torch.Generator().manual_seed(0))

    def paso() -> None:
        _, perdida = modelo(x, x)
        perdida.backward()

    contadas = count_flops(paso)
    # La atención optimizada recalcula los pesos hacia atrás: un poco más de 3×. Tolerancia 3 %.
    assert contadas == pytest.approx(gpt_training_flops(CONFIG, 32, batch=3), rel=0.03)
    assert contadas >= gpt_training_flops(CONFIG, 32, batch=3)


def test_regla_2n_se_acerca_a_la_cuenta_exacta() -> None:
    n = count_parameters(_gpt())
    por_token = gpt_forward_flops(CONFIG) / CONFIG.context
    assert forward_flops_rule(n) == 2 * n
    assert forward_flops_rule(n) == pytest.approx(por_token, rel=0.1)


def test_regla_6nd_y_gpt3() -> None:
    assert training_flops(10, 100) == 6000
    gpt3 = next(m for m in PUBLISHED_MODELS if m.name == "GPT-3")
    assert gpt3.flops_6nd == pytest.approx(3.15e23, rel=1e-3)
    assert gpt3.flops_6nd == pytest.approx(gpt3.reported_flops, rel=0.01)
    assert all(m.flops_6nd < EU_AI_ACT_THRESHOLD for m in PUBLISHED_MODELS if "Llama" not in m.name)


def test_rendimiento_medido_y_extrapolacion() -> None:
    red = nn.Linear(64, 64)
    x = torch.randn(32, 64)
    medida = measure_throughput(lambda: red(x), steps=5)
    assert medida.flops == 5 * 2 * 32 * 64 * 64
    assert medida.seconds > 0 and medida.flops_per_second > 0
    assert training_seconds(1e12, 1e9) == pytest.approx(1000)


def test_duraciones_en_espanol() -> None:
    assert format_duration(30) == "30 segundos"
    assert format_duration(90) == "1,5 minutos"
    assert format_duration(2 * 86400) == "2 días"
    assert format_duration(3.15576e10) == "1 mil años"
    assert format_duration(4.6e6 * 3.15576e7) == "4,6 millones de años"
    assert format_duration(5.5e8 * 3.15576e7) == "550 millones de años"
    assert format_duration(2e9 * 3.15576e7) == "2 mil millones de años"


def test_argumentos_erroneos() -> None:
    with pytest.raises(TypeError, match="`config` debe ser un GPTConfig"):
        gpt_parameter_count("gpt")
    with pytest.raises(ValueError, match="`seq_len` .* no puede superar el contexto"):
        gpt_forward_flops(CONFIG, 64)
    with pytest.raises(ValueError, match="`sizes` debe ser una lista"):
        mlp_forward_flops([3])
    with pytest.raises(ValueError, match="`n_tokens` debe ser un número finito mayor que cero"):
        training_flops(1e9, 0)
    with pytest.raises(ValueError, match="`steps` debe ser un entero positivo"):
        measure_throughput(lambda: None, 0)
    with pytest.raises(TypeError, match="`fn` debe ser una función"):
        count_flops(3)
