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
    hint = (
        'Tool("contar_palabras", "cuenta las palabras de un texto", {"type": "object", '
        '"properties": {"texto": {"type": "string", "description": …}}, "required": ["texto"]}, '
        "lambda texto: str(len(texto.split())))"
    )
    try:
        tool = make_tool()
    except NotImplementedError:
        return Feedback(False, NOT_IMPLEMENTED_MESSAGE, hint, pending=True)
    except Exception as error:  # noqa: BLE001 - se informa al lector
        return Feedback(False, f"crear la herramienta lanzó {type(error).__name__}: {error}", hint)
    if not isinstance(tool, Tool):
        return Feedback(False, f"se esperaba un Tool y se recibió {type(tool).__name__}.", hint)
    if tool.name != "contar_palabras":
        return Feedback(
            False, f"la herramienta debe llamarse «contar_palabras», no «{tool.name}».", hint
        )
    registry = ToolRegistry().add(tool)
    checks = [
        ({"texto": "uno dos tres"}, "3"),
        ({"texto": "  hola   mundo "}, "2"),
        ({"texto": ""}, "0"),
    ]
    for args, expected in checks:
        obs = registry.call("contar_palabras", args)
        if obs.text != expected:
            return Feedback(
                False,
                f"con {args} la observación es {obs.text!r} y se esperaba {expected!r} (un texto).",
                hint,
            )
    for bad in ({}, {"texto": 3}, {"texto": "a", "otro": 1}):
        if registry.call("contar_palabras", bad).ok:
            return Feedback(
                False,
                f"el esquema acepta argumentos inválidos: {bad}. Declara el tipo y «required».",
                hint,
            )
    return Feedback(
        True, "La herramienta valida sus argumentos y devuelve una observación de texto."
    )


def check_loop_diagnosis(answer: Any) -> Feedback:
    """Opción múltiple: ¿por qué repite el agente la misma llamada?"""
    return check_choice_answer(
        answer,
        "c",
        ["a", "b", "c", "d"],
        explanation=(
            "El modelo nunca aprendió (o no se le pidió) a escribir «Respuesta:» tras una "
            "observación válida, así que vuelve a pedir la misma llamada. La defensa del bucle "
            "(max_repeats) y el presupuesto de pasos lo cortan; el arreglo de fondo es el formato "
            "o el entrenamiento del modelo."
        ),
        hint="La observación es correcta. ¿Qué debería haber escrito el modelo después?",
    )


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
    return check_function(
        fn,
        cases,
        hint="Para cada pregunta mira si gold[i] está entre los k primeros de ranked[i]; "
        "divide los aciertos entre el número de preguntas.",
        success="recall@k correcto: crece (o se queda igual) al aumentar k y vale 1 con k = N.",
    )


def check_injection_defense(answer: Any) -> Feedback:
    """Opción múltiple: ¿qué defensa detiene de verdad una instrucción inyectada en un documento?"""
    return check_choice_answer(
        answer,
        "b",
        ["a", "b", "c", "d"],
        explanation=(
            "Las defensas que no dependen de que el modelo «se porte bien» son las que valen: "
            "permisos mínimos (conexión de solo lectura, autorizador, lista blanca de "
            "herramientas) y validación de argumentos. Pedir al modelo que ignore instrucciones "
            "ayuda, pero no garantiza nada."
        ),
        hint="Piensa en qué sigue funcionando aunque el modelo obedezca al texto inyectado.",
    )
