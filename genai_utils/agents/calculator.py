"""Calculadora segura para agentes: evalúa aritmética recorriendo el árbol sintáctico (AST).

Nunca se llama a ``eval`` ni a ``exec``. El texto se convierte en un árbol con :func:`ast.parse`
y solo se aceptan números, los operadores ``+ - * / // % **``, el signo, los paréntesis y unas
pocas funciones de una lista blanca (``sqrt``, ``abs``, ``round``…). Cualquier otra cosa
(nombres, atributos, llamadas a funciones desconocidas, índices, cadenas) se rechaza con un
:class:`CalculatorError` en español. También se limitan la longitud del texto, los exponentes y el
tamaño de los resultados, para que una petición como ``9**9**9`` no bloquee la máquina.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable

from genai_utils.agents.tools import Tool

__all__ = ["CalculatorError", "MAX_EXPONENT", "calculate", "calculator_tool", "format_number"]

MAX_LENGTH = 200
MAX_EXPONENT = 100
MAX_MAGNITUDE = 1e100

_BINARY: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY: dict[type[ast.unaryop], Callable[[float], float]] = {
    ast.UAdd: operator.pos,
    ast.USub: operator.neg,
}
_FUNCTIONS: dict[str, Callable[..., float]] = {
    "sqrt": math.sqrt,
    "raiz": math.sqrt,
    "abs": abs,
    "round": round,
    "redondear": round,
}


class CalculatorError(ValueError):
    """La expresión no es aritmética válida o se sale de los límites de la calculadora."""


def calculate(expression: str) -> int | float:
    """Evalúa una expresión aritmética como ``"(12 + 3) * 4 / 5"`` sin ejecutar código.

    Acepta también la coma decimal española entre dígitos (``"2,5 * 4"``) y los signos ``×`` y
    ``÷``. Lanza :class:`CalculatorError` si la expresión contiene algo que no sea aritmética.
    """
    if not isinstance(expression, str):
        raise CalculatorError(
            f"La expresión debe ser un texto (str); se recibió {type(expression).__name__}."
        )
    text = _normalize(expression)
    if not text:
        raise CalculatorError("La expresión está vacía.")
    if len(text) > MAX_LENGTH:
        raise CalculatorError(
            f"La expresión es demasiado larga ({len(text)} caracteres; máximo {MAX_LENGTH})."
        )
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as error:
        raise CalculatorError(f"La expresión «{expression}» no es aritmética válida.") from error
    return _evaluate(tree.body)


def _normalize(expression: str) -> str:
    text = expression.strip().replace("×", "*").replace("÷", "/").replace("^", "**")
    chars = list(text)
    for i, char in enumerate(chars):  # coma decimal entre dos dígitos: 2,5 → 2.5
        if char == "," and 0 < i < len(chars) - 1 and chars[i - 1].isdigit():
            if chars[i + 1].isdigit():
                chars[i] = "."
    return "".join(chars)


def _evaluate(node: ast.AST) -> int | float:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise CalculatorError(f"Solo se admiten números; se encontró {node.value!r}.")
        return _checked(node.value)
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _evaluate(node.left), _evaluate(node.right)
        return _binary(node.op, left, right)
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_evaluate(node.operand))
    if isinstance(node, ast.Call):
        return _call(node)
    raise CalculatorError(_describe_forbidden(node))


def _binary(op: ast.operator, left: float, right: float) -> int | float:
    if isinstance(op, ast.Pow) and abs(right) > MAX_EXPONENT:
        raise CalculatorError(
            f"El exponente {right} es demasiado grande (máximo {MAX_EXPONENT} en valor absoluto)."
        )
    if isinstance(op, ast.Pow | ast.Mult) and _too_big(op, left, right):
        raise CalculatorError(f"El resultado superaría el máximo permitido ({MAX_MAGNITUDE:g}).")
    try:
        value = _BINARY[type(op)](left, right)
    except ZeroDivisionError as error:
        raise CalculatorError("División entre cero.") from error
    except (OverflowError, ValueError) as error:
        raise CalculatorError(
            f"La operación no tiene un resultado real finito: {error}."
        ) from error
    return _checked(value)


def _too_big(op: ast.operator, left: float, right: float) -> bool:
    if left == 0:
        return False
    if isinstance(op, ast.Pow):
        return abs(right) * math.log10(abs(left)) > math.log10(MAX_MAGNITUDE)
    return right != 0 and math.log10(abs(left)) + math.log10(abs(right)) > 100


def _call(node: ast.Call) -> int | float:
    if not isinstance(node.func, ast.Name) or node.func.id not in _FUNCTIONS:
        allowed = ", ".join(sorted(_FUNCTIONS))
        raise CalculatorError(f"Solo se admiten estas funciones: {allowed}.")
    if node.keywords or not 1 <= len(node.args) <= 2:
        raise CalculatorError(f"La función {node.func.id} recibe uno o dos números.")
    args = [_evaluate(arg) for arg in node.args]
    if node.func.id in {"round", "redondear"} and len(args) == 2:
        args[1] = int(args[1])
    try:
        return _checked(_FUNCTIONS[node.func.id](*args))
    except ValueError as error:
        raise CalculatorError(f"La función {node.func.id} no admite esos valores.") from error


def _checked(value: int | float | complex) -> int | float:
    if isinstance(value, complex):  # p. ej. (-8) ** 0,5: Python da un complejo
        raise CalculatorError(
            "La operación no tiene un resultado real (una base negativa con exponente no entero)."
        )
    if isinstance(value, float) and not math.isfinite(value):
        raise CalculatorError("El resultado no es un número finito.")
    if abs(value) > MAX_MAGNITUDE:
        raise CalculatorError(f"El resultado superaría el máximo permitido ({MAX_MAGNITUDE:g}).")
    return value


def _describe_forbidden(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return "No se admite el acceso a atributos (como «x.y»): solo aritmética."
    if isinstance(node, ast.Name):
        return f"No se admiten nombres ni variables («{node.id}»): solo números y operadores."
    if isinstance(node, ast.Subscript):
        return "No se admiten índices («x[i]»): solo aritmética."
    return f"Elemento no permitido en la calculadora: {type(node).__name__}."


def format_number(value: int | float) -> str:
    """Texto corto de un resultado: enteros sin decimales; si no, 6 cifras significativas."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def calculator_tool() -> Tool:
    """Herramienta ``calculadora``: recibe ``{"expresion": "…"}`` y devuelve el resultado."""
    schema = {
        "type": "object",
        "properties": {
            "expresion": {
                "type": "string",
                "maxLength": MAX_LENGTH,
                "description": "expresión aritmética, p. ej. (3 + 4) * 2",
            },
        },
        "required": ["expresion"],
    }
    return Tool(
        "calculadora",
        "evalúa una expresión aritmética (+ - * / // % **, paréntesis, sqrt, abs, round)",
        schema,
        lambda expresion: format_number(calculate(expresion)),
    )
