"""La traza de un agente: un :class:`Step` por acción y la :class:`Trace` de la ejecución entera.

La traza registra, por cada paso, el pensamiento, la herramienta, los argumentos, la observación,
si falló, si se bloqueó y cuánto tardó; al final, la respuesta y el motivo de parada (uno de los
``STOP_*``). Se muestra como texto (``print``), como tabla HTML en un cuaderno o como filas
(:meth:`Trace.rows`).
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from typing import Any

from genai_utils.agents.tools import short_repr
from genai_utils.report import fmt_num

__all__ = [
    "STOP_ANSWER",
    "STOP_BUDGET",
    "STOP_LOOP",
    "STOP_TIME",
    "Step",
    "Trace",
    "short_json",
]

STOP_ANSWER = "respuesta"
STOP_BUDGET = "presupuesto agotado"
STOP_LOOP = "bucle detectado"
STOP_TIME = "tiempo agotado"


@dataclass
class Step:
    """Un paso del bucle, tal como lo registra la traza.

    ``untrusted`` dice si la observación vino de una herramienta no fiable; ``blocked`` es ``""``
    o el motivo por el que la llamada no se ejecutó (``"cuarentena: herramienta"``,
    ``"cuarentena: argumentos"``, ``"tiempo agotado"``).
    """

    index: int
    thought: str
    tool: str | None
    arguments: Any
    observation: str
    ok: bool
    seconds: float
    raw: str
    untrusted: bool = False
    blocked: str = ""


@dataclass(repr=False)
class Trace:
    """La ejecución completa: pasos, respuesta final (o ``None``) y motivo de parada."""

    question: str
    steps: list[Step] = field(default_factory=list)
    answer: str | None = None
    stop_reason: str = ""
    seconds: float = 0.0
    quarantined_at: int | None = None

    @property
    def blocked_steps(self) -> list[Step]:
        """Los pasos cuya llamada se bloqueó (por la cuarentena o por falta de tiempo)."""
        return [s for s in self.steps if s.blocked]

    def rows(self) -> list[dict[str, str]]:
        """Una fila por paso (y otra para la respuesta), lista para mostrar como tabla."""
        rows = [_row(str(s.index), s.thought, s.tool or "—", short_json(s.arguments),
                     s.observation, f"{fmt_num(s.seconds * 1000, 1)} ms") for s in self.steps]
        if self.answer is not None:
            rows.append(_row("fin", "", "—", "", f"Respuesta: {self.answer}", ""))
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


_COLUMNS = ("paso", "pensamiento", "herramienta", "argumentos", "observación", "tiempo")


def _row(*values: str) -> dict[str, str]:
    return dict(zip(_COLUMNS, values, strict=True))


def short_json(arguments: Any) -> str:
    """Los argumentos de una llamada en JSON de una línea (``""`` si no hay; nunca lanza)."""
    if arguments is None:
        return ""
    try:
        return json.dumps(arguments, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        return short_repr(arguments, 200)
