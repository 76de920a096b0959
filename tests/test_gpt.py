"""Pruebas del GPT del capítulo 5: formas, causalidad, atención y generación reproducible."""

from __future__ import annotations

import pytest
import torch

from genai_utils.generation import generate_tokens
from genai_utils.gpt import GPT, GPTConfig, causal_mask
from genai_utils.training import limit_threads, set_seed


def _modelo(**kwargs) -> GPT:
    set_seed(0)
    opciones = dict(vocab_size=20, context=16, n_layer=2, n_head=4, n_embd=32) | kwargs
    return GPT(GPTConfig(**opciones)).eval()


def _tokens(b: int = 2, t: int = 10, seed: int = 1) -> torch.Tensor:
    return torch.randint(0, 20, (b, t), generator=torch.Generator().manual_seed(seed))


def test_formas_y_perdida_inicial_cercana_a_log_v() -> None:
    modelo = _modelo()
    idx, objetivos = _tokens(seed=1), _tokens(seed=2)
    logits, perdida = modelo(idx, objetivos)
    assert logits.shape == (2, 10, 20)
    # Con pesos pequeños al iniciar, la predicción es casi uniforme: pérdida ≈ log(V).
    assert perdida.item() == pytest.approx(torch.log(torch.tensor(20.0)).item(), abs=0.1)


def test_causalidad_cambiar_el_futuro_no_cambia_el_pasado() -> None:
    modelo = _modelo()
    idx = _tokens(1, 12)
    cambiado = idx.clone()
    cambiado[0, 7:] = (cambiado[0, 7:] + 5) % 20
    antes, _ = modelo(idx)
    despues, _ = modelo(cambiado)
    assert torch.allclose(antes[0, :7], despues[0, :7], atol=1e-6)
    assert not torch.allclose(antes[0, 7:], despues[0, 7:], atol=1e-4)


def test_mascara_causal() -> None:
    m = causal_mask(4)
    assert m.dtype == torch.bool
    assert m.tolist() == [[True, False, False, False], [True, True, False, False],
                          [True, True, True, False], [True, True, True, True]]


def test_mapas_de_atencion_filas_suman_uno_y_son_causales() -> None:
    modelo = _modelo()
    mapas = modelo.attention_maps(_tokens(2, 9))
    assert mapas.shape == (2, 2, 4, 9, 9)  # capas, lote, cabezas, T, T
    assert torch.allclose(mapas.sum(-1), torch.ones(2, 2, 4, 9), atol=1e-5)
    assert (mapas.triu(diagonal=1) == 0).all()


def test_atencion_explicita_coincide_con_la_optimizada() -> None:
    modelo = _modelo()
    x = torch.randn(2, 8, 32, generator=torch.Generator().manual_seed(0))
    atencion = modelo.blocks[0].attn
    rapida, _ = atencion(x)
    explicita, pesos = atencion(x, need_weights=True)
    assert pesos is not None
    assert torch.allclose(rapida, explicita, atol=1e-5)


def test_la_cabeza_comparte_pesos_con_los_embeddings() -> None:
    modelo = _modelo()
    assert modelo.head.weight is modelo.tok_emb.weight


def test_generate_reproducible_con_semilla_y_respeta_el_contexto() -> None:
    modelo = _modelo()
    prompt = _tokens(2, 5)
    a = modelo.generate(prompt, 20, temperature=0.8, top_k=5, seed=3)
    b = modelo.generate(prompt, 20, temperature=0.8, top_k=5, seed=3)
    c = modelo.generate(prompt, 20, temperature=0.8, top_k=5, seed=4)
    assert a.shape == (2, 25)  # 25 > contexto (16): la ventana se recorta sola
    assert torch.equal(a, b)
    assert not torch.equal(a, c)
    assert torch.equal(a[:, :5], prompt)


def test_top_k_1_es_decodificacion_voraz() -> None:
    modelo = _modelo()
    prompt = _tokens(1, 4)
    salida = modelo.generate(prompt, 1, top_k=1, seed=0)
    logits, _ = modelo(prompt)
    assert salida[0, -1].item() == logits[0, -1].argmax().item()


def test_el_modelo_aprende_una_secuencia_periodica() -> None:
    set_seed(0)
    modelo = GPT(GPTConfig(vocab_size=5, context=8, n_layer=1, n_head=2, n_embd=16))
    datos = torch.arange(40).remainder(5).reshape(5, 8)  # 0 1 2 3 4 0 1 2 …
    opt = torch.optim.Adam(modelo.parameters(), lr=1e-2)
    with limit_threads(1):  # un modelo tan pequeño va más rápido con un solo hilo
        for _ in range(100):
            _, perdida = modelo(datos[:, :-1], datos[:, 1:])
            opt.zero_grad()
            perdida.backward()
            opt.step()
    assert perdida.item() < 0.05
    salida = modelo.generate(torch.tensor([[2]]), 6, top_k=1)
    assert salida[0].tolist() == [2, 3, 4, 0, 1, 2, 3]


@pytest.mark.parametrize(
    ("kwargs", "mensaje"),
    [
        ({"top_p": 0.0}, "top_p"),
        ({"top_p": 1.5}, "top_p"),
        ({"top_k": 0}, "top_k"),
        ({"temperature": 0.0}, "temperature"),
        ({"temperature": -1.0}, "temperature"),
    ],
)
def test_generate_argumentos_invalidos(kwargs: dict, mensaje: str) -> None:
    with pytest.raises(ValueError, match=mensaje):
        _modelo().generate(_tokens(1, 3), 2, **kwargs)


@pytest.mark.parametrize("opcion", ["temprature", "context", "top"])
def test_generate_opcion_desconocida_da_la_lista_de_opciones(opcion: str) -> None:
    # GPT.generate reenvía sus opciones a generate_tokens; `context` lo fija el modelo.
    with pytest.raises(TypeError, match=rf"no admite `{opcion}`.*temperature, top_k, top_p"):
        _modelo().generate(_tokens(1, 3), 2, **{opcion: 1})


def test_generate_reenvia_las_opciones_como_generate_tokens() -> None:
    modelo = _modelo().eval()
    inicio = _tokens(2, 3)
    opciones = {"temperature": 0.7, "top_k": 5, "top_p": 0.9, "seed": 3}
    paso = lambda ventana: modelo(ventana)[0][:, -1, :]  # noqa: E731
    esperado = generate_tokens(paso, inicio, 6, context=modelo.config.context, **opciones)
    assert torch.equal(modelo.generate(inicio, 6, use_cache=False, **opciones), esperado)
    assert torch.equal(modelo.generate(inicio, 6, **opciones), esperado)


def test_errores_claros_de_entrada() -> None:
    modelo = _modelo()
    with pytest.raises(ValueError, match="fuera del vocabulario"):
        modelo(torch.tensor([[0, 25]]))
    with pytest.raises(ValueError, match="contexto"):
        modelo(torch.zeros(1, 17, dtype=torch.long))
    with pytest.raises(TypeError, match="enteros"):
        modelo(torch.zeros(1, 3))
    with pytest.raises(ValueError, match="divisible"):
        GPTConfig(vocab_size=10, n_embd=30, n_head=4)
    with pytest.raises(ValueError, match="misma forma"):
        modelo(_tokens(1, 4), _tokens(1, 3))
