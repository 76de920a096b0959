"""Pruebas de la calculadora segura (capítulo 6): aritmética correcta y rechazo de código."""

import pytest

from genai_utils.agents.calculator import CalculatorError, calculate, calculator_tool, format_number


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("1 + 2 * 3", 7),
        ("(12 + 3) * 4 / 5", 12.0),
        ("2 ** 10", 1024),
        ("-3 + +5", 2),
        ("17 // 5", 3),
        ("17 % 5", 2),
        ("2,5 * 4", 10.0),
        ("3 × 4 ÷ 2", 6.0),
        ("sqrt(16) + abs(-2)", 6.0),
        ("round(2.567, 2)", 2.57),
    ],
)
def test_aritmetica(expression, expected):
    assert calculate(expression) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("__import__('os')", "Solo se admiten estas funciones"),
        ("__import__('os').system('ls')", "Solo se admiten estas funciones|atributos"),
        ("(1).__class__", "atributos"),
        ("().__class__.__bases__[0]", "atributos|índices"),
        ("open('/etc/passwd')", "Solo se admiten estas funciones"),
        ("x + 1", "nombres"),
        ("[1, 2][0]", "Elemento no permitido|índices"),
        ("'a' * 3", "Solo se admiten números"),
        ("9 ** 9 ** 9", "exponente"),
        ("10 ** 200", "exponente"),
        ("99 ** 99", "máximo"),
        ("lambda: 1", "no permitido|no es aritmética"),
        ("1 / 0", "División entre cero"),
        ("1 +", "no es aritmética"),
        ("", "vacía"),
        ("1" * 300, "demasiado larga"),
        ("True + 1", "Solo se admiten números"),
    ],
)
def test_rechaza_codigo_y_abusos(expression, message):
    with pytest.raises(CalculatorError, match=message):
        calculate(expression)


def test_no_es_texto():
    with pytest.raises(CalculatorError, match="texto"):
        calculate(3)  # type: ignore[arg-type]


def test_nunca_llama_a_eval(monkeypatch):
    import builtins

    def forbidden(*_args, **_kwargs):
        raise AssertionError("se llamó a eval/exec")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    assert calculate("(2 + 3) * 4") == 20


def test_formato_y_herramienta():
    assert format_number(12.0) == "12"
    assert format_number(1 / 3) == "0.333333"
    tool = calculator_tool()
    assert tool.function(expresion="6 * 7") == "42"
    assert tool.name == "calculadora" and "expresion" in tool.schema["required"]


@pytest.mark.parametrize("expresion", ["(-8) ** 0,5", "(-2) ** 1.5", "(-1) ** (1/3)"])
def test_base_negativa_con_exponente_no_entero_no_da_un_complejo(expresion: str) -> None:
    with pytest.raises(CalculatorError, match="resultado real"):
        calculate(expresion)
    assert calculate("(-8) ** 2") == 64  # con exponente entero sí hay resultado real


@pytest.mark.parametrize("expresion", ["round(7, -10**8)", "round(2.5, 16)", "round(3, 0.5)"])
def test_round_con_cifras_acotadas(expresion: str) -> None:
    with pytest.raises(CalculatorError, match="segundo argumento de round"):
        calculate(expresion)
    assert calculate("round(1234.5, -2)") == 1200


@pytest.mark.parametrize("valor", [None, "1", True, 1j])
def test_format_number_exige_un_numero(valor) -> None:
    with pytest.raises(TypeError, match="`value`"):
        format_number(valor)
