"""El bucle de un agente (ReAct): pensar → actuar → observar, con su traza completa.

En cada paso el modelo de lenguaje lee la transcripción (la pregunta y los pasos anteriores) y
escribe un razonamiento y una **acción** en una línea con formato fijo::

    Pensamiento: hay que calcular
    Acción: calculadora {"expresion": "12 * 7"}

El bucle interpreta la acción, la ejecuta con el :class:`~genai_utils.agents.tools.ToolRegistry`
y añade la **observación** a la transcripción. Termina cuando el modelo escribe
``Respuesta: …`` (parada limpia), cuando se agota el **presupuesto de pasos** o cuando el modelo
repite la misma llamada (bucle). Cada paso queda registrado en la :class:`Trace`: pensamiento,
herramienta, argumentos, observación, si falló y cuánto tardó.
"""

from __future__ import annotations

import html
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

from genai_utils.agents.tools import ToolRegistry
from genai_utils.validation import check_positive_int

__all__ = [
    "Action",
    "Step",
    "Trace",
    "default_header",
    "parse_action",
    "run_agent",
    "transcript",
]

_ACTION = re.compile(r"^\s*Acci[oó]n\s*:\s*(?P<name>[^\s{]+)\s*(?P<args>\{.*\})?\s*$")
_ANSWER = re.compile(r"^\s*Respuesta\s*:\s*(?P<text>.*)$")
_THOUGHT = re.compile(r"^\s*Pensamiento\s*:\s*(?P<text>.*)$")

STOP_ANSWER = "respuesta"
STOP_BUDGET = "presupuesto agotado"
STOP_LOOP = "bucle detectado"


@dataclass(frozen=True)
class Action:
    """Lo que el modelo pidió: una llamada (``tool`` y ``arguments``), una respuesta final
    (``answer``) o nada interpretable (``error`` explica por qué)."""

    thought: str = ""
    tool: str | None = None
    arguments: Any = None
    answer: str | None = None
    error: str | None = None


def parse_action(text: str) -> Action:
    """Interpreta la salida del modelo: un pensamiento opcional y una línea ``Acción:`` o
    ``Respuesta:``. Lo que venga después de esa línea se ignora (el modelo no puede inventarse
    la observación)."""
    if not isinstance(text, str):
        raise TypeError(f"El argumento `text` debe ser un str; se recibió {type(text).__name__}.")
    thought = ""
    for line in text.strip().splitlines():
        if m := _THOUGHT.match(line):
            thought = m["text"].strip()
        elif m := _ANSWER.match(line):
            return Action(thought=thought, answer=m["text"].strip())
        elif m := _ACTION.match(line):
            return _parse_call(thought, m["name"], m["args"])
    return Action(
        thought=thought,
        error="no encontré una línea «Acción: herramienta {argumentos JSON}» ni «Respuesta: …».",
    )


def _parse_call(thought: str, name: str, raw_args: str | None) -> Action:
    if raw_args is None:
        return Action(thought, name, error="faltan los argumentos en JSON tras el nombre.")
    try:
        arguments = json.loads(raw_args)
    except json.JSONDecodeError as error:
        return Action(thought, name, error=f"los argumentos no son JSON válido ({error.msg}).")
    return Action(thought, name, arguments)


@dataclass
class Step:
    """Un paso del bucle, tal como lo registra la traza."""

    index: int
    thought: str
    tool: str | None
    arguments: Any
    observation: str
    ok: bool
    seconds: float
    raw: str


@dataclass(repr=False)
class Trace:
    """La ejecución completa: pasos, respuesta final (o ``None``) y motivo de parada."""

    question: str
    steps: list[Step] = field(default_factory=list)
    answer: str | None = None
    stop_reason: str = ""
    seconds: float = 0.0

    def rows(self) -> list[dict[str, str]]:
        """Una fila por paso (y otra para la respuesta), lista para mostrar como tabla."""
        rows = [
            {
                "paso": str(s.index),
                "pensamiento": s.thought,
                "herramienta": s.tool or "—",
                "argumentos": _short_json(s.arguments),
                "observación": s.observation,
                "tiempo": f"{s.seconds * 1000:.1f} ms",
            }
            for s in self.steps
        ]
        if self.answer is not None:
            rows.append(
                {
                    "paso": "fin",
                    "pensamiento": "",
                    "herramienta": "—",
                    "argumentos": "",
                    "observación": f"Respuesta: {self.answer}",
                    "tiempo": "",
                }
            )
        return rows

    def __str__(self) -> str:
        lines = [f"Pregunta: {self.question}"]
        for row in self.rows():
            lines.append(" | ".join(f"{k}: {v}" for k, v in row.items() if v))
        lines.append(f"Parada: {self.stop_reason}")
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        rows = self.rows()
        head = "".join(f"<th>{html.escape(k)}</th>" for k in (rows[0] if rows else {}))
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in row.values()) + "</tr>"
            for row in rows
        )
        caption = html.escape(f"{self.question} — parada: {self.stop_reason}")
        return f"<table><caption>{caption}</caption><tr>{head}</tr>{body}</table>"


def _short_json(arguments: Any) -> str:
    if arguments is None:
        return ""
    return json.dumps(arguments, ensure_ascii=False)


def default_header(registry: ToolRegistry, examples: str = "") -> str:
    """Instrucciones para un modelo general: herramientas, formato y, si se dan, ejemplos."""
    return (
        "Responde a la pregunta usando herramientas. Herramientas:\n"
        f"{registry.describe()}\n"
        "Formato: una línea «Pensamiento: …» y después una línea «Acción: herramienta "
        "{argumentos JSON}». Cuando tengas el dato, escribe «Respuesta: …».\n\n"
        + (f"Ejemplos:\n{examples.strip()}\n\n" if examples.strip() else "")
    )


def transcript(question: str, steps: list[Step]) -> str:
    """Texto que ve el modelo: la pregunta y, por cada paso, su acción y su observación."""
    parts = [f"Pregunta: {question}\n"]
    for s in steps:
        if s.thought:
            parts.append(f"Pensamiento: {s.thought}\n")
        call = f"{s.tool} {_short_json(s.arguments)}".strip() if s.tool else s.raw.strip()
        parts.append(f"Acción: {call}\nObservación: {s.observation}\n")
    return "".join(parts)


def run_agent(
    model: Any,
    registry: ToolRegistry,
    question: str,
    *,
    max_steps: int = 5,
    max_repeats: int | None = 2,
    header: str | None = None,
) -> Trace:
    """Ejecuta el bucle del agente para ``question`` y devuelve su :class:`Trace`.

    ``model`` es cualquier objeto con ``complete(prompt, stop=…, max_tokens=…) -> str``. Con
    ``header=None`` se usa :func:`default_header`, salvo que el modelo tenga
    ``needs_header = False`` (el GPT entrenado en el capítulo ya conoce sus herramientas).
    El bucle se detiene tras ``max_steps`` acciones o cuando la misma llamada se repite
    ``max_repeats`` veces seguidas (``None`` desactiva esta defensa); nunca lanza por culpa de
    lo que escriba el modelo.
    """
    check_positive_int(max_steps, "max_steps")
    if max_repeats is not None:
        check_positive_int(max_repeats, "max_repeats")
    if not isinstance(question, str) or not question.strip():
        raise ValueError("El argumento `question` debe ser un texto no vacío.")
    if header is None:
        header = default_header(registry) if getattr(model, "needs_header", True) else ""
    trace = Trace(question)
    start = time.perf_counter()
    while len(trace.steps) < max_steps:
        t0 = time.perf_counter()
        prompt = header + transcript(question, trace.steps)
        raw = model.complete(prompt, stop=["\nObservación:"], max_tokens=120)
        action = parse_action(raw)
        if action.answer is not None:
            trace.answer, trace.stop_reason = action.answer, STOP_ANSWER
            break
        if action.error is not None:
            observation, ok = f"Error de formato: {action.error}", False
        else:
            result = registry.call(action.tool, action.arguments)
            observation, ok = result.text, result.ok
        trace.steps.append(
            Step(
                len(trace.steps) + 1,
                action.thought,
                action.tool,
                action.arguments,
                observation,
                ok,
                time.perf_counter() - t0,
                raw,
            )
        )
        if _repeating(trace.steps, max_repeats):
            trace.stop_reason = STOP_LOOP
            break
    else:
        trace.stop_reason = STOP_BUDGET
    trace.seconds = time.perf_counter() - start
    return trace


def _repeating(steps: list[Step], max_repeats: int | None) -> bool:
    if max_repeats is None or len(steps) < max_repeats:
        return False
    last = steps[-max_repeats:]
    keys = {(s.tool, _short_json(s.arguments), s.raw if s.tool is None else "") for s in last}
    return len(keys) == 1
