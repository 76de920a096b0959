"""Lo que lee el modelo en cada paso: la cabecera con las herramientas y la transcripción.

La transcripción repite la pregunta y, por cada paso anterior, su acción y su observación. Una
salida sin formato se copia en una sola línea, para que el modelo no pueda fingir una observación.
"""

from __future__ import annotations

from genai_utils.agents.tools import ToolRegistry, truncate
from genai_utils.agents.trace import Step, short_json
from genai_utils.validation import check_text

__all__ = ["default_header", "transcript"]


def default_header(registry: ToolRegistry, examples: str = "") -> str:
    """Instrucciones para un modelo general: herramientas, formato y, si se dan, ejemplos."""
    check_text(examples, "examples", allow_empty=True)
    if not callable(getattr(registry, "describe", None)):
        raise TypeError("El argumento `registry` debe tener un método `describe()`.")
    return (
        "Responde a la pregunta usando herramientas. Herramientas:\n"
        f"{registry.describe()}\n"
        "Formato: una línea «Pensamiento: …» y después una línea «Acción: herramienta "
        "{argumentos JSON}». Cuando tengas el dato, escribe «Respuesta: …».\n\n"
        + (f"Ejemplos:\n{examples.strip()}\n\n" if examples.strip() else "")
    )


def transcript(question: str, steps: list[Step]) -> str:
    """Texto que ve el modelo: la pregunta y, por cada paso, su acción y su observación."""
    check_text(question, "question", allow_empty=True)
    if not isinstance(steps, list | tuple) or not all(isinstance(s, Step) for s in steps):
        raise TypeError("El argumento `steps` debe ser una lista de Step.")
    parts = [f"Pregunta: {question}\n"]
    for s in steps:
        if s.thought:
            parts.append(f"Pensamiento: {s.thought}\n")
        if s.tool:
            call = f"{s.tool} {short_json(s.arguments)}".strip()
        else:  # salida sin formato: en una sola línea, para que no pueda fingir una observación
            call = truncate(" ".join(s.raw.split()), 200)
        parts.append(f"Acción: {call}\nObservación: {s.observation}\n")
    return "".join(parts)
