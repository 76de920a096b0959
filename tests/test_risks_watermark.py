"""Pruebas de la marca de agua de lista verde (capítulo 7)."""

from __future__ import annotations

import math

import pytest
import torch

from genai_utils.gpt import GPT, GPTConfig
from genai_utils.risks.watermark import (
    WatermarkConfig,
    delete_tokens,
    detect,
    detect_text,
    detection_rate,
    generate,
    green_list,
    green_mask,
    p_value,
    substitute_tokens,
    watermark_logits,
    z_score,
    z_threshold,
)
from genai_utils.training import limit_threads, set_seed


def test_lista_verde_determinista_con_la_clave_y_distinta_con_otra() -> None:
    config = WatermarkConfig(vocab_size=100, gamma=0.25, key=7)
    otra_instancia = WatermarkConfig(vocab_size=100, gamma=0.25, key=7)
    otra_clave = WatermarkConfig(vocab_size=100, gamma=0.25, key=8)
    verde = green_list(3, config)
    assert torch.equal(verde, green_list(3, otra_instancia))  # misma clave, mismo resultado
    assert not torch.equal(verde, green_list(3, otra_clave))
    assert not torch.equal(verde, green_list(4, config))  # depende del token anterior
    assert len(verde) == 25 == config.green_size
    assert verde.unique().numel() == 25 and int(verde.max()) < 100


def test_tamano_de_la_lista_verde_redondea_gamma_v() -> None:
    config = WatermarkConfig(vocab_size=90, gamma=0.25)
    assert config.green_size == 22  # round(22,5) = 22 (redondeo al par)
    assert config.effective_gamma == pytest.approx(22 / 90)
    assert int(green_mask(0, config).sum()) == 22


def test_logits_reciben_delta_solo_en_los_verdes() -> None:
    config = WatermarkConfig(vocab_size=10, gamma=0.5, delta=1.5, key=1)
    logits = torch.zeros(2, 10)
    previos = torch.tensor([0, 5])
    marcados = watermark_logits(logits, previos, config)
    for fila, previo in enumerate(previos.tolist()):
        esperado = 1.5 * green_mask(previo, config).float()
        assert torch.equal(marcados[fila], esperado)


def test_z_a_mano() -> None:
    # 60 verdes de 100 con γ = 0,5: z = (60 − 50) / √25 = 2.
    assert z_score(60, 100, 0.5) == pytest.approx(2.0)
    assert p_value(2.0) == pytest.approx(0.02275, abs=1e-5)
    assert z_threshold(0.01) == pytest.approx(2.326, abs=1e-3)
    assert detection_rate([0.0, 3.0, 5.0, 1.0], 0.01) == 0.5


def test_z_sin_marca_es_normal_estandar() -> None:
    config = WatermarkConfig(vocab_size=50, gamma=0.25, key=3)
    generador = torch.Generator().manual_seed(0)
    zs = torch.tensor([
        detect(torch.randint(0, 50, (201,), generator=generador), config).z for _ in range(400)
    ])
    assert abs(zs.mean().item()) < 0.15
    assert 0.85 < zs.std().item() < 1.15
    assert detection_rate(zs, 0.05) < 0.1  # falsos positivos cerca del 5 % nominal


def test_generacion_marcada_da_z_alto_y_sin_marca_no() -> None:
    set_seed(0)
    modelo = GPT(GPTConfig(vocab_size=40, context=16, n_layer=1, n_head=2, n_embd=16))
    config = WatermarkConfig(vocab_size=40, gamma=0.5, delta=2.0, key=11)
    inicio = torch.zeros(1, 1, dtype=torch.long)
    with limit_threads(1):  # un modelo diminuto va más rápido con un hilo
        marcado = generate(modelo, inicio, 80, config, seed=0)[0]
        normal = generate(modelo, inicio, 80, None, seed=0)[0]
        repetido = generate(modelo, inicio, 20, config, seed=0)[0]
    # Modelo sin entrenar ≈ uniforme: P(verde) = e²/(e² + 1) ≈ 0,88 → z ≈ 6,8.
    assert detect(marcado, config).z > 5
    assert abs(detect(normal, config).z) < 3
    assert detect(marcado, config).p_value < 1e-6
    # Reproducible con la semilla.
    assert torch.equal(marcado[:21], repetido)


def test_generar_con_una_funcion_de_logits() -> None:
    config = WatermarkConfig(vocab_size=30, gamma=0.25, delta=4.0, key=2)

    def uniforme(ids: torch.Tensor) -> torch.Tensor:
        return torch.zeros(ids.shape[0], ids.shape[1], 30)

    salida = generate(uniforme, torch.zeros(3, 1, dtype=torch.long), 80, config, seed=1)
    assert salida.shape == (3, 81)
    assert all(detect(fila, config).z > 6 for fila in salida)


def test_ediciones_bajan_z() -> None:
    config = WatermarkConfig(vocab_size=30, gamma=0.25, delta=4.0, key=2)

    def uniforme(ids: torch.Tensor) -> torch.Tensor:
        return torch.zeros(ids.shape[0], ids.shape[1], 30)

    marcado = generate(uniforme, torch.zeros(1, 1, dtype=torch.long), 300, config, seed=0)[0]
    z0 = detect(marcado, config).z
    z_sust = detect(substitute_tokens(marcado, 0.5, 30, seed=0), config).z
    borrado = delete_tokens(marcado, 0.3, seed=0)
    assert z_sust < z0
    assert len(borrado) < len(marcado) and detect(borrado, config).z < z0
    assert torch.equal(substitute_tokens(marcado, 0.0, 30), marcado)


def test_detectar_texto_con_un_codificador() -> None:
    config = WatermarkConfig(vocab_size=26, gamma=0.5)
    puntos = detect_text("hola mundo", lambda t: [ord(c) - 97 for c in t if c.isalpha()], config)
    assert puntos.tokens == 8
    assert math.isfinite(puntos.z)


@pytest.mark.parametrize("gamma", [0, 1, 1.5, -0.1])
def test_gamma_fuera_de_rango(gamma: float) -> None:
    with pytest.raises(ValueError, match="`gamma` debe estar en el intervalo"):
        WatermarkConfig(vocab_size=10, gamma=gamma)


def test_argumentos_erroneos() -> None:
    with pytest.raises(ValueError, match="`delta` debe ser un número finito mayor o igual"):
        WatermarkConfig(vocab_size=10, delta=-1.0)
    with pytest.raises(ValueError, match="lista verde tendría 0 tokens"):
        WatermarkConfig(vocab_size=3, gamma=0.1)
    config = WatermarkConfig(vocab_size=10)
    with pytest.raises(ValueError, match="`text` debe ser un texto no vacío"):
        detect_text("", lambda t: [0], config)
    with pytest.raises(ValueError, match="al menos 2 tokens"):
        detect([], config)
    with pytest.raises(ValueError, match="fuera del vocabulario"):
        detect([1, 10], config)
    with pytest.raises(ValueError, match="`previous`"):
        green_mask(10, config)
    with pytest.raises(ValueError, match="`fpr` debe estar en el intervalo"):
        z_threshold(0.0)
    with pytest.raises(ValueError, match="`z_scores` no puede estar vacío"):
        detection_rate([], 0.01)


def test_contar_parejas_unicas() -> None:
    config = WatermarkConfig(vocab_size=10, gamma=0.5, key=0)
    repetido = [1, 2] * 20  # solo dos parejas distintas: (1, 2) y (2, 1)
    assert detect(repetido, config).tokens == 39
    unico = detect(repetido, config, unique=True)
    assert unico.tokens == 2
    esperado = int(green_mask(1, config)[2]) + int(green_mask(2, config)[1])
    assert unico.green == esperado
