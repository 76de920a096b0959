"""Calculadora segura para agentes: evalúa aritmética recorriendo el árbol sintáctico (AST).

Nunca se llama a ``eval`` ni a ``exec``. El texto se convierte en un árbol con :func:`ast.parse`
y solo se aceptan números, los operadores ``+ - * / // % **``, el signo, los paréntesis y unas
pocas funciones de una lista blanca (``sqrt``, ``abs``, ``round``…). Cualquier otra cosa
(nombres, atributos, llamadas a funciones desconocidas, índices, cadenas) se rechaza con un
:class:`CalculatorError` en español.

Cada operación está acotada **antes** de hacerse, para que ninguna petición bloquee la máquina:
la longitud del texto (200 caracteres), los exponentes (±100), el tamaño de cada argumento y de
cada resultado (1e100), las cifras de ``round`` (±15) y el tipo: solo números reales, nunca
complejos (``(-8) ** (1/3)`` se rechaza). Así cada cálculo tarda microsegundos.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable

from genai_utils.agents.tools import Tool, truncate

__all__ = ["CalculatorError", "MAX_EXPONENT", "calculate", "calculator_tool", "format_number"]

MAX_LENGTH = 200
MAX_EXPONENT = 100
MAX_MAGNITUDE = 1e100
MAX_ROUND_DIGITS = 15  # round(x, n) con |n| ≤ 15: round(7, -10**8) calcularía 10**(10**8)

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
_ARITY = {"sqrt": (1,), "raiz": (1,), "abs": (1,), "round": (1, 2), "redondear": (1, 2)}


class CalculatorError(ValueError):
    """La expresión no es aritmética válida o se sale de los límites de la calculadora."""


def calculate(expression: str) -> int | float:
    """Evalúa una expresión aritmética como ``"(12 + 3) * 4 / 5"`` sin ejecutar código.

    Acepta también la coma decimal española entre dígitos (``"2,5 * 4"``) y los signos ``×`` y
    ``÷``. Lanza :class:`CalculatorError` si la expresión contiene algo que no sea aritmética.
    """
    if not isinstance(expression, str):
        raise CalculatorError(
            f"El argumento `expression` debe ser un texto (str); se recibió "
            f"{type(expression).__name__}."
        )
    if len(expression) > 2 * MAX_LENGTH:  # antes de copiar nada: un texto enorme sale enseguida
        raise CalculatorError(
            f"La expresión es demasiado larga ({len(expression)} caracteres; máximo {MAX_LENGTH})."
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
    except (SyntaxError, ValueError, RecursionError) as error:  # ValueError: p. ej. «\ud800»
        shown = truncate(expression.strip(), 60).encode("utf-8", "replace").decode("utf-8")
        raise CalculatorError(f"La expresión «{shown}» no es aritmética válida.") from error
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
        return _checked(_UNARY[type(node.op)](_evaluate(node.operand)))
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
    except (OverflowError, ValueError, TypeError) as error:
        raise CalculatorError("La operación no tiene un resultado real finito.") from error
    return _checked(value)


def _too_big(op: ast.operator, left: float, right: float) -> bool:
    """¿Superaría el resultado ``MAX_MAGNITUDE``? Se decide con logaritmos, sin calcularlo."""
    if left == 0:
        return False
    limit = math.log10(MAX_MAGNITUDE)
    if isinstance(op, ast.Pow):  # con su signo: 1e5 ** -50 es diminuto, no enorme
        return right * math.log10(abs(left)) > limit
    return right != 0 and math.log10(abs(left)) + math.log10(abs(right)) > limit


def _call(node: ast.Call) -> int | float:
    if not isinstance(node.func, ast.Name) or node.func.id not in _FUNCTIONS:
        allowed = ", ".join(sorted(_FUNCTIONS))
        raise CalculatorError(f"Solo se admiten estas funciones: {allowed}.")
    name = node.func.id
    if node.keywords or len(node.args) not in _ARITY[name]:
        count = "un número" if _ARITY[name] == (1,) else "uno o dos números"
        raise CalculatorError(f"La función {name} recibe {count}.")
    args = [_evaluate(arg) for arg in node.args]
    if len(args) == 2:  # round(x, cifras): las cifras, enteras y acotadas
        digits = args[1]
        if not float(digits).is_integer() or abs(digits) > MAX_ROUND_DIGITS:
            raise CalculatorError(
                f"El segundo argumento de {name} (las cifras decimales) debe ser un entero entre "
                f"-{MAX_ROUND_DIGITS} y {MAX_ROUND_DIGITS}; se recibió {format_number(digits)}."
            )
        args[1] = int(digits)
    try:
        return _checked(_FUNCTIONS[name](*args))
    except (ValueError, TypeError, OverflowError) as error:
        if isinstance(error, CalculatorError):
            raise
        raise CalculatorError(f"La función {name} no admite esos valores.") from error


def _checked(value: object) -> int | float:
    """``value`` si es un número real finito dentro de los límites; si no, ``CalculatorError``."""
    if isinstance(value, complex):  # p. ej. (-8) ** 0,5: Python da un complejo
        raise CalculatorError(
            "La operación no tiene un resultado real (una base negativa con exponente no entero)."
        )
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CalculatorError(
            f"Solo se admiten números reales; se obtuvo un {type(value).__name__}."
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
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(
            f"El argumento `value` debe ser un número (int o float); se recibió "
            f"{type(value).__name__}."
        )
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
