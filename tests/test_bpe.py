"""Pruebas del tokenizador BPE: fusiones a mano, ida y vuelta con cualquier texto y errores."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genai_utils.bpe import BPETokenizer, split_chunks

TEXTO = (
    "el modelo generativo genera texto; el modelo aprende del texto. "
    "¿Qué genera el generador? ¡Genera muestras nuevas! " * 20
)


@pytest.fixture(scope="module")
def tokenizador() -> BPETokenizer:
    return BPETokenizer().train(TEXTO, 60)


def test_primera_fusion_es_el_par_mas_frecuente() -> None:
    tok = BPETokenizer().train("aaab aab", 1)
    # Pares: en "aaab" → aa, aa, ab; en " aab" → " a", aa, ab. El más frecuente es "aa" (3).
    assert list(tok.merges) == [(97, 97)]
    assert tok.vocab[256] == b"aa"
    assert tok.encode("aaab") == [256, 97, 98]


def test_vocabulario_crece_una_entrada_por_fusion(tokenizador: BPETokenizer) -> None:
    assert tokenizador.vocab_size == 256 + len(tokenizador.merges)
    assert 0 < len(tokenizador.merges) <= 60


def test_se_detiene_cuando_ningun_par_se_repite() -> None:
    tok = BPETokenizer().train(TEXTO, 1000)
    # Con fusiones de sobra, cada fragmento del texto acaba siendo un solo token.
    assert len(tok.merges) < 1000
    assert all(len(tok.encode(fragmento)) == 1 for fragmento in split_chunks(TEXTO))


def test_comprime_el_texto_de_entrenamiento(tokenizador: BPETokenizer) -> None:
    ids = tokenizador.encode(TEXTO)
    assert len(ids) < 0.4 * len(TEXTO.encode("utf-8"))
    assert " modelo" in tokenizador.token_strings(ids)


def test_las_fusiones_no_cruzan_palabras() -> None:
    tok = BPETokenizer().train("de la de la de la de la", 10)
    # Un espacio solo puede ir al principio de un token (« la»), nunca en medio («de la»).
    assert all(b" " not in valor[1:] for valor in tok.vocab.values())
    assert tok.vocab_size > 256


def test_fragmentos_no_pierden_caracteres() -> None:
    texto = "¿Qué tal?  Año 2026:\tñandú 🤖\n"
    assert "".join(split_chunks(texto)) == texto


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_ida_y_vuelta_con_cualquier_texto(tokenizador: BPETokenizer, texto: str) -> None:
    assert tokenizador.decode(tokenizador.encode(texto)) == texto


@pytest.mark.parametrize(
    "texto", ["¿Cómo estás, señor Núñez?", "¡Pingüino! 🐧🇪🇸", "naïve café — «comillas»", ""]
)
def test_ida_y_vuelta_en_espanol(tokenizador: BPETokenizer, texto: str) -> None:
    assert tokenizador.decode(tokenizador.encode(texto)) == texto


def test_entrenamiento_determinista() -> None:
    a = BPETokenizer().train(TEXTO, 30)
    b = BPETokenizer().train(TEXTO, 30)
    assert a.merges == b.merges


def test_errores_claros() -> None:
    with pytest.raises(ValueError, match="`text`"):
        BPETokenizer().train("", 10)
    with pytest.raises(TypeError, match="`text`"):
        BPETokenizer().encode(b"bytes")
    with pytest.raises(ValueError, match="`num_merges`"):
        BPETokenizer().train("hola", -1)
    with pytest.raises(ValueError, match="fuera del vocabulario"):
        BPETokenizer().decode([300])


def test_truncar_equivale_a_entrenar_con_menos_fusiones() -> None:
    text = "el perro de la perra come en la pradera; el pez pesca perlas " * 3
    full = BPETokenizer().train(text, 30)
    short = BPETokenizer().train(text, 12)
    cut = full.truncated(12)
    assert cut.merges == short.merges and cut.vocab_size == short.vocab_size
    assert cut.encode(text) == short.encode(text)
    with pytest.raises(ValueError, match="num_merges"):
        full.truncated(-1)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_cada_caracter_se_cuenta_en_un_solo_token(tokenizador: BPETokenizer, texto: str) -> None:
    ids = tokenizador.encode(texto)
    counts = tokenizador.char_counts(ids)
    assert len(counts) == len(ids)
    assert sum(counts) == len(texto)


def test_conteo_de_caracteres_a_mano() -> None:
    tok = BPETokenizer()  # sin fusiones: un token por byte
    ids = tok.encode("añ")  # «ñ» ocupa dos bytes: 0xC3 0xB1
    assert tok.char_counts(ids) == [1, 1, 0]
    with pytest.raises(ValueError, match="fuera del vocabulario"):
        tok.char_counts([300])
