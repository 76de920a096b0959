"""Pruebas de genai_utils.ngram: n-gramas de caracteres con suavizado aditivo."""

from __future__ import annotations

import math
from collections import Counter

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


# ---------------------------------------------------------------- Kneser–Ney
def test_kneser_ney_caso_calculado_a_mano() -> None:
    # «abab», orden 2, D = 0,5. Recuentos: N(ab) = 2, N(ba) = 1; continuaciones: a y b una vez.
    # p_inf(a) = p_inf(b) = (1 − 0,5)/2 + 0,5·2/2·1/2 = 0,5.
    # p(b | a) = (2 − 0,5)/2 + 0,5·1/2·0,5 = 0,875;  p(a | b) = 0,5/1 + 0,5·1/1·0,5 = 0,75.
    # Primer carácter, con los recuentos de unigramas: p(a) = (2 − 0,5)/4 + 0,5·2/4·1/2 = 0,5.
    modelo = CharNGram(order=2, smoothing="kneser_ney", discount=0.5).fit("abab")
    assert modelo.next_char_probs("a") == pytest.approx({"a": 0.125, "b": 0.875})
    assert modelo.next_char_probs("b") == pytest.approx({"a": 0.75, "b": 0.25})
    assert modelo.next_char_probs("") == pytest.approx({"a": 0.5, "b": 0.5})
    assert modelo.log_prob("ab") == pytest.approx(math.log(0.5) + math.log(0.875))


def test_kneser_ney_usa_continuaciones_en_el_orden_menor() -> None:
    # «c» es frecuente, pero siempre tras «x»; «a» es menos frecuente, pero sigue a cinco letras.
    texto = "xc" * 10 + "ba da fa ga ha q"
    modelo = CharNGram(order=2, smoothing="kneser_ney", discount=0.5).fit(texto)
    aditivo = CharNGram(order=2, alpha=0.5).fit(texto)
    # Tras «q» (nunca visto como contexto) manda el orden menor: continuaciones frente a recuentos.
    assert modelo.next_char_probs("q")["c"] < modelo.next_char_probs("q")["a"]
    assert aditivo.next_char_probs("q")["c"] > aditivo.next_char_probs("q")["a"]


@pytest.mark.parametrize("orden", [1, 3, 6])
def test_kneser_ney_distribuciones_normalizadas(orden: int) -> None:
    texto = "la casa de la sal, las alas de la masa. " * 4
    modelo = CharNGram(order=orden, smoothing="kneser_ney").fit(texto)
    for contexto in ["", "la ", "zzz", "as de l", "q"]:
        probs = modelo.next_char_distribution(contexto)
        assert float(probs.sum()) == pytest.approx(1.0)
        assert float(probs.min()) > 0
    assert modelo.log_prob("la sal") == pytest.approx(
        sum(math.log(modelo.next_char_probs("la sal"[:t])["la sal"[t]]) for t in range(6))
    )


def test_recuentos_por_sufijos_igual_que_contar_directamente() -> None:
    from genai_utils.ngram import _gram_counts

    texto = "abracadabra, cabra"
    for orden in (1, 3, 5, 30):
        niveles = _gram_counts(texto, orden)
        assert len(niveles) == orden
        for m, recuentos in enumerate(niveles):
            directo = Counter(texto[t - m : t + 1] for t in range(m, len(texto)))
            assert recuentos == directo


@pytest.mark.parametrize("malo", [0, 1, 1.5, -0.2, True, "0.5"])
def test_kneser_ney_descuento_invalido(malo: object) -> None:
    with pytest.raises(ValueError, match="discount"):
        CharNGram(order=3, smoothing="kneser_ney", discount=malo)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="smoothing"):
        CharNGram(order=3, smoothing="witten_bell")
