"""Comprobadores de los ejercicios del capítulo 6 (agentes).

* :func:`check_word_count_tool`: definir una herramienta con su esquema de argumentos.
* :func:`check_loop_diagnosis`: diagnosticar por qué un agente entra en bucle.
* :func:`check_recall_at_k`: programar la métrica recall@k.
* :func:`check_injection_defense`: elegir la defensa correcta ante una instrucción inyectada.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from genai_utils.agents.tools import Tool, ToolRegistry
from genai_utils.exercises.core import (
    NOT_IMPLEMENTED_MESSAGE,
    Case,
    Feedback,
    check_choice_answer,
    check_function,
    text,
    texts,
)

__all__ = [
    "check_injection_defense",
    "check_loop_diagnosis",
    "check_recall_at_k",
    "check_word_count_tool",
]


def check_word_count_tool(make_tool: Callable[[], Any]) -> Feedback:
    """``make_tool()`` debe devolver una herramienta ``contar_palabras`` con un argumento
    obligatorio ``texto`` (string) que devuelve el número de palabras como texto."""
    hint = text("agentes.herramienta.pista")
    try:
        tool = make_tool()
    except NotImplementedError:
        return Feedback(False, NOT_IMPLEMENTED_MESSAGE, hint, pending=True)
    except Exception as error:  # noqa: BLE001 - se informa al lector
        return Feedback(False, f"crear la herramienta lanzó {type(error).__name__}: {error}", hint)
    problem = _word_count_tool_problem(tool)
    if problem:
        return Feedback(False, problem, hint)
    return Feedback(True, text("agentes.herramienta.acierto"))


_WORD_COUNTS = [
    ({"texto": "uno dos tres"}, "3"),
    ({"texto": "  hola   mundo "}, "2"),
    ({"texto": ""}, "0"),
]
_INVALID_ARGUMENTS = ({}, {"texto": 3}, {"texto": "a", "otro": 1})


def _word_count_tool_problem(tool: Any) -> str | None:
    """Lo que falla en la herramienta del lector, en una frase; ``None`` si está bien."""
    if not isinstance(tool, Tool):
        return f"se esperaba un Tool y se recibió {type(tool).__name__}."
    if tool.name != "contar_palabras":
        return f"la herramienta debe llamarse «contar_palabras», no «{tool.name}»."
    registry = ToolRegistry().add(tool)
    for args, expected in _WORD_COUNTS:
        obs = registry.call("contar_palabras", args)
        if obs.text != expected:
            return (
                f"con {args} la observación es {obs.text!r} y se esperaba {expected!r} (un texto)."
            )
    for bad in _INVALID_ARGUMENTS:
        if registry.call("contar_palabras", bad).ok:
            return f"el esquema acepta argumentos inválidos: {bad}. Declara el tipo y «required»."
    return None


def check_loop_diagnosis(answer: Any) -> Feedback:
    """Opción múltiple: ¿por qué repite el agente la misma llamada?"""
    return check_choice_answer(answer, "c", **texts("agentes.bucle"))


def _recall(ranked: list[list[str]], gold: list[str], k: int) -> float:
    return sum(g in r[:k] for r, g in zip(ranked, gold, strict=True)) / len(gold)


def check_recall_at_k(fn: Callable[[list[list[str]], list[str], int], Any]) -> Feedback:
    """``fn(ranked, gold, k)``: fracción de preguntas cuyo pasaje ``gold[i]`` está en
    ``ranked[i][:k]``."""
    ranked = [["a", "b", "c"], ["c", "a", "b"], ["b", "c", "a"], ["a", "c", "b"]]
    gold = ["a", "a", "a", "b"]
    cases = [
        Case((ranked, gold, 1), _recall(ranked, gold, 1), label="k=1"),
        Case((ranked, gold, 2), _recall(ranked, gold, 2), label="k=2"),
        Case((ranked, gold, 3), _recall(ranked, gold, 3), label="k=3"),
        Case(([["x"]], ["y"], 1), 0.0, label="sin aciertos"),
    ]
    return check_function(fn, cases, **texts("agentes.recall"))


def check_injection_defense(answer: Any) -> Feedback:
    """Opción múltiple: ¿qué defensa detiene de verdad una instrucción inyectada en un documento?"""
    return check_choice_answer(answer, "b", **texts("agentes.inyeccion"))
