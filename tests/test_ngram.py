"""Pruebas de genai_utils.ngram: n-gramas de caracteres con suavizado aditivo."""

from __future__ import annotations

import math

import pytest
import torch

from genai_utils.ngram import CharNGram

TEXT = "la casa de la sala es la casa de las alas. " * 20


def test_vocabulario_ordenado_y_distribuciones_normalizadas() -> None:
    model = CharNGram(3).fit(TEXT)
    assert model.vocab == sorted(set(TEXT))
    for context in ["", "l", "la", "zz", "xyz la"]:
        probs = model.next_char_distribution(context)
        assert probs.shape == (model.vocab_size,)
        assert torch.isclose(probs.sum(), torch.tensor(1.0, dtype=torch.float64))
        as_dict = model.next_char_probs(context)
        assert list(as_dict) == model.vocab
        assert math.isclose(sum(as_dict.values()), 1.0)


def test_bigramas_coinciden_con_recuentos_a_mano() -> None:
    text = "abracadabra"
    alpha = 0.5
    model = CharNGram(2, alpha=alpha).fit(text)
    vocab = model.vocab
    counts = torch.zeros(len(vocab), len(vocab), dtype=torch.float64)
    for a, b in zip(text, text[1:], strict=False):
        counts[vocab.index(a), vocab.index(b)] += 1
    expected = (counts + alpha) / (counts.sum(1, keepdim=True) + alpha * len(vocab))
    for i, c in enumerate(vocab):
        assert torch.allclose(model.next_char_distribution(c), expected[i])


def test_unigrama_ignora_el_contexto() -> None:
    model = CharNGram(1).fit(TEXT)
    assert torch.equal(model.next_char_distribution(""), model.next_char_distribution("casa"))


def test_contexto_no_visto_sin_retroceso_da_la_uniforme() -> None:
    model = CharNGram(3, backoff=False).fit(TEXT)
    probs = model.next_char_distribution("qq")  # «q» no está en el vocabulario
    assert torch.allclose(probs, torch.full_like(probs, 1 / model.vocab_size))


def test_contexto_no_visto_con_retroceso_usa_el_sufijo_visto() -> None:
    model = CharNGram(3).fit(TEXT)
    unigram = model.next_char_distribution("")
    assert torch.equal(model.next_char_distribution("qq"), unigram)
    bigram_after_a = CharNGram(2).fit(TEXT).next_char_distribution("a")
    assert torch.allclose(model.next_char_distribution("qa"), bigram_after_a)
    assert not torch.allclose(model.next_char_distribution("la"), bigram_after_a)


def test_retroceso_mejora_la_validacion_en_ordenes_altos() -> None:
    train, val = TEXT, "las casas de la sala alas"
    with_backoff = CharNGram(5).fit(train).perplexity(val)
    without = CharNGram(5, backoff=False).fit(train).perplexity(val)
    assert with_backoff <= without


def test_perplejidad_coincide_con_log_prob() -> None:
    model = CharNGram(2).fit(TEXT)
    text = "la sala"
    assert math.isclose(model.perplexity(text), math.exp(-model.log_prob(text) / len(text)))


def test_mas_orden_reduce_la_perplejidad_de_entrenamiento() -> None:
    ppl = [CharNGram(n).fit(TEXT).perplexity(TEXT) for n in (1, 2, 3)]
    assert ppl[0] > ppl[1] > ppl[2] > 1.0
    assert ppl[0] < len(set(TEXT))  # mejor que la uniforme


def test_caracteres_desconocidos_en_la_evaluacion() -> None:
    model = CharNGram(2).fit(TEXT)
    with pytest.raises(ValueError, match="text"):
        model.perplexity("la casa ñ")
    skipped = model.perplexity("la casa ñ", on_unknown="skip")
    assert math.isfinite(skipped)
    with pytest.raises(ValueError, match="on_unknown"):
        model.perplexity("la", on_unknown="ignorar")


def test_muestreo_reproducible_y_con_prompt() -> None:
    model = CharNGram(3).fit(TEXT)
    a = model.sample(50, prompt="la ", seed=3)
    b = model.sample(50, prompt="la ", seed=3)
    assert a == b and a.startswith("la ") and len(a) == 53
    assert set(a) <= set(TEXT)
    assert model.sample(0, prompt="casa") == "casa"


def test_prompt_con_caracteres_desconocidos_se_conserva() -> None:
    model = CharNGram(2).fit(TEXT)
    out = model.sample(10, prompt="¡Hola!", seed=0)
    assert out.startswith("¡Hola!") and len(out) == 16


def test_temperatura_baja_es_casi_determinista() -> None:
    model = CharNGram(2).fit("abc" * 4 + "abd")  # a→b, b→c, c→a son los más frecuentes
    samples = {model.sample(9, prompt="a", temperature=0.01, seed=s) for s in range(5)}
    assert samples == {"abcabcabca"}


@pytest.mark.parametrize("order", [0, -2])
def test_orden_invalido(order: int) -> None:
    with pytest.raises((ValueError, TypeError), match="order"):
        CharNGram(order)


def test_entradas_invalidas() -> None:
    with pytest.raises(ValueError, match="text"):
        CharNGram(2).fit("")
    with pytest.raises(TypeError, match="text"):
        CharNGram(2).fit(123)  # type: ignore[arg-type]
    with pytest.raises((ValueError, TypeError), match="alpha"):
        CharNGram(2, alpha=0)
    with pytest.raises(TypeError, match="backoff"):
        CharNGram(2, backoff="sí")  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="fit"):
        CharNGram(2).sample(5)
    model = CharNGram(2).fit(TEXT)
    with pytest.raises(ValueError, match="temperature"):
        model.sample(5, temperature=0)
    with pytest.raises((ValueError, TypeError), match="n_chars"):
        model.sample(-1)
