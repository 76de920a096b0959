"""Propiedades de la calculadora de los agentes: aritmética exacta y ningún error crudo."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from genai_utils.agents.calculator import CalculatorError, calculate

_entero = st.integers(-10**6, 10**6)


@settings(max_examples=300, deadline=None)
@given(_entero, _entero)
def test_suma_resta_y_producto_exactos(a, b) -> None:
    assert calculate(f"{a} + {b}") == a + b
    assert calculate(f"{a} - ({b})") == a - b
    assert calculate(f"({a}) * ({b})") == a * b


@settings(max_examples=300, deadline=None)
@given(_entero, _entero.filter(lambda b: b != 0))
def test_division_y_coma_decimal(a, b) -> None:
    assert math.isclose(calculate(f"({a}) / ({b})"), a / b, rel_tol=1e-12)
    assert math.isclose(calculate(f"{abs(a)},5 * 2"), abs(a) * 2 + 1, rel_tol=1e-12)


_simbolos = st.sampled_from(list("0123456789+-*/%()., ") + ["**", "//", "sqrt(", "round(",
                                                             "abs(", "1e99", "9" * 30])


@settings(max_examples=500, deadline=None)
@given(st.lists(_simbolos, max_size=40).map("".join))
def test_cualquier_texto_da_un_real_acotado_o_un_error_en_espanol(texto) -> None:
    """Nunca sale un complejo, un infinito, un NaN ni una excepción que no sea la suya."""
    try:
        valor = calculate(texto)
    except CalculatorError as error:
        assert str(error) and str(error)[0].isupper()
        return
    assert isinstance(valor, int | float) and not isinstance(valor, bool)
    assert math.isfinite(valor) and abs(valor) <= 1e100
