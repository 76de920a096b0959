"""La caché de claves y valores del GPT: los mismos logits y los mismos tokens que sin ella."""

from __future__ import annotations

import pytest
import torch

from genai_utils.gpt import GPT, GPTConfig, KVCache


@pytest.fixture(scope="module")
def modelo() -> GPT:
    torch.manual_seed(0)
    return GPT(GPTConfig(vocab_size=40, context=16, n_layer=2, n_head=2, n_embd=32)).eval()


def test_logits_incrementales_iguales_a_la_ventana_entera(modelo: GPT) -> None:
    x = torch.randint(0, 40, (3, 16), generator=torch.Generator().manual_seed(1))
    completos = modelo._logits(x)
    cache = KVCache(modelo.config.n_layer)
    partes = [modelo._logits(x[:, :5], cache=cache, start=0)]  # prellenado de 5 posiciones
    for t in range(5, 16):
        partes.append(modelo._logits(x[:, t : t + 1], cache=cache, start=t))
    assert cache.keys[0].shape == (3, 2, 16, 16)
    torch.testing.assert_close(torch.cat(partes, dim=1), completos, atol=1e-5, rtol=1e-5)


def test_prellenado_de_varias_posiciones_sobre_una_cache_con_datos(modelo: GPT) -> None:
    x = torch.randint(0, 40, (2, 12), generator=torch.Generator().manual_seed(2))
    cache = KVCache(modelo.config.n_layer)
    primera = modelo._logits(x[:, :4], cache=cache, start=0)
    segunda = modelo._logits(x[:, 4:], cache=cache, start=4)  # 8 posiciones nuevas a la vez
    torch.testing.assert_close(torch.cat([primera, segunda], 1), modelo._logits(x),
                               atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("nuevos", [5, 11, 30])  # dentro del contexto, justo al llenarlo, más allá
def test_voraz_da_los_mismos_tokens(modelo: GPT, nuevos: int) -> None:
    idx = torch.randint(0, 40, (2, 5), generator=torch.Generator().manual_seed(3))
    sin = modelo.generate(idx, nuevos, greedy=True, use_cache=False)
    con = modelo.generate(idx, nuevos, greedy=True, use_cache=True)
    assert torch.equal(sin, con)


@pytest.mark.parametrize("semilla", range(8))
def test_muestreo_con_semilla_da_los_mismos_tokens(modelo: GPT, semilla: int) -> None:
    idx = torch.randint(0, 40, (3, 2), generator=torch.Generator().manual_seed(semilla))
    ajustes = {"temperature": 0.8, "top_k": 20, "top_p": 0.95, "seed": semilla}
    sin = modelo.generate(idx, 25, use_cache=False, **ajustes)
    con = modelo.generate(idx, 25, use_cache=True, **ajustes)
    assert torch.equal(sin, con)


def test_la_cache_se_rehace_cuando_la_ventana_se_desliza(modelo: GPT) -> None:
    paso = modelo._cached_step()
    x = torch.randint(0, 40, (1, 20), generator=torch.Generator().manual_seed(4))
    for t in range(3, 17):
        paso(x[:, :t])
    # La ventana x[:, 1:17] ya no es la anterior con un token más: se recalcula entera.
    logits = paso(x[:, 1:17])
    torch.testing.assert_close(logits, modelo._logits(x[:, 1:17])[:, -1], atol=1e-5, rtol=1e-5)


def test_no_reutiliza_una_cache_de_otros_tokens(modelo: GPT) -> None:
    paso = modelo._cached_step()
    a = torch.tensor([[1, 2, 3, 4]])
    b = torch.tensor([[9, 9, 9, 4, 5]])  # un token más, pero otro prefijo
    paso(a)
    torch.testing.assert_close(paso(b), modelo._logits(b)[:, -1], atol=1e-5, rtol=1e-5)


def test_use_cache_mal_dado(modelo: GPT) -> None:
    with pytest.raises(TypeError, match="`use_cache`"):
        modelo.generate(torch.tensor([[1]]), 2, use_cache="sí")
