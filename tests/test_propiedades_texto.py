"""Propiedades del texto: formato de cifras en español y fragmentación para la recuperación."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from genai_utils.agents.retrieval import chunk_text
from genai_utils.report import fmt_int, fmt_num

_FINO = "\u202f"


def _leer(texto: str) -> float:
    return float(texto.replace(_FINO, "").replace(",", ".").replace("−", "-"))


@settings(max_examples=300, deadline=None)
@given(st.floats(-1e9, 1e9, allow_nan=False), st.integers(0, 4))
def test_fmt_num_se_lee_de_vuelta(valor, decimales) -> None:
    texto = fmt_num(valor, decimales)
    assert "." not in texto, "la coma es el separador decimal"
    assert abs(_leer(texto) - valor) <= 0.5 * 10**-decimales + 1e-9 * abs(valor)


@settings(max_examples=300, deadline=None)
@given(st.integers(-10**12, 10**12))
def test_separador_de_millares_solo_desde_cinco_cifras(valor) -> None:
    texto = fmt_int(valor)
    cifras = len(str(abs(valor)))
    assert (_FINO in texto) == (cifras >= 5), texto
    grupos = texto.lstrip("-−").split(_FINO)
    assert all(len(g) == 3 for g in grupos[1:]) and 1 <= len(grupos[0]) <= 3 or cifras < 5


_palabra = st.text(alphabet="abcdefghij", min_size=1, max_size=8)
_parrafo = st.lists(_palabra, min_size=1, max_size=60).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(st.lists(_parrafo, min_size=1, max_size=8), st.integers(1, 40))
def test_los_fragmentos_caben_y_no_pierden_palabras(parrafos, maximo) -> None:
    texto = "\n".join(parrafos)
    trozos = chunk_text(texto, maximo)
    assert all(len(t.split()) <= maximo for t in trozos)
    assert " ".join(trozos).split() == texto.split(), "las palabras salen todas y en orden"
