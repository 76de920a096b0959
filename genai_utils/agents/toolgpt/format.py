"""Del ejemplo al texto: el formato de la conversación que ve y escribe el GPT de herramientas."""

from __future__ import annotations

import json
import re

from genai_utils.agents.toolgpt.data import _SQL_QUERIES, ToolExample

ALPHABET = (
    '\n !"#%()*+,-./0123456789:;<=>?@[\\]_{|}~¡¿ABCDEFGHIJKLMNOPQRSTUVWXYZ'
    "abcdefghijklmnopqrstuvwxyzÁÉÍÑÓÚÜáéíñóúü«»…'"
)
OBS_CHARS = 40
ANSWER_HEAD = "Respuesta: "



_KNOWN = set(ALPHABET)


def clean_text(text: str) -> str:
    """Sustituye por «?» los caracteres que no están en :data:`ALPHABET` (conserva los saltos)."""
    return "".join(c if c in _KNOWN else "?" for c in text)


def compact_observation(text: str, max_chars: int = OBS_CHARS) -> str:
    """Observación recortada a ``max_chars`` caracteres (lo que ve el GPT pequeño)."""
    text = clean_text(" ".join(text.split()))
    return text if len(text) <= max_chars else text[:max_chars]


def answer_from_observation(observation: str) -> str:
    """La respuesta que el modelo aprende a escribir: la cita ``[fuente#n]`` si la hay; si no,
    la observación entera (un número o un valor de la tabla)."""
    text = compact_observation(observation)
    match = re.match(r"^(\[[^\]]+\])", text)
    return match[1] if match else text


def action_heads() -> list[str]:
    """Cabeceras de acción posibles: ``Acción: herramienta {"argumento": "`` (una por consulta SQL).

    Cada cabecera es un solo token; elegirla es elegir la herramienta (y la consulta SQL)."""
    heads = [
        'Acción: calculadora {"expresion": "',
        'Acción: buscar_libro {"consulta": "',
    ]
    heads += [
        f'Acción: consultar_sql {{"consulta": "{q}", "parametros": ["'
        for q in _SQL_QUERIES.values()
    ]
    return heads


def format_phrases() -> list[str]:
    """Trozos fijos del formato de llamada, uno por token en :class:`WordCharVocab`."""
    return ["Pregunta: ", "Observación: ", ANSWER_HEAD, '"}\n', '"]}\n', *action_heads()]


def render_example(example: ToolExample, observation: str) -> tuple[str, list[tuple[int, int]]]:
    """Texto de entrenamiento y tramos ``(inicio, fin)`` que escribe el agente (con pérdida)."""
    call = json.dumps(example.arguments, ensure_ascii=False)
    head = f"Pregunta: {clean_text(example.question)}\n"
    agent = f"Acción: {example.tool} {call}\n"
    obs = f"Observación: {compact_observation(observation)}\n"
    final = f"{ANSWER_HEAD}{answer_from_observation(observation)}\n"
    text = head + agent + obs + final
    spans = [(len(head), len(head) + len(agent)), (len(head + agent + obs), len(text))]
    return text, spans


def compact_prompt(prompt: str, max_chars: int = OBS_CHARS) -> str:
    """Quita lo anterior a ``Pregunta:`` y recorta cada observación, como en el entrenamiento."""
    start = prompt.rfind("Pregunta:")
    prompt = clean_text(prompt[start:] if start != -1 else prompt)
    lines = []
    for line in prompt.split("\n"):
        if line.startswith("Observación: "):
            line = "Observación: " + compact_observation(line[len("Observación: ") :], max_chars)
        lines.append(line)
    return "\n".join(lines)


def render_turns(example: ToolExample, observation: str) -> list[tuple[str, list[tuple[int, int]]]]:
    """Los dos turnos cortos con los que se entrena: pregunta → acción y observación → respuesta.

    Cada uno es ``(texto, tramos con pérdida)``. Es la conversación de :func:`render_example`
    partida en dos: el modelo ve en cada turno solo lo que necesita (ver :func:`turn_prompt`),
    y las secuencias son la mitad de largas."""
    text, (action, final) = render_example(example, observation)
    question_end = text.index("\n") + 1
    obs_start = action[1]
    return [
        (text[:question_end] + text[action[0] : action[1]], [(question_end, action[1])]),
        (text[obs_start:], [(final[0] - obs_start, final[1] - obs_start)]),
    ]


def turn_prompt(prompt: str, max_chars: int = OBS_CHARS) -> str:
    """Lo que ve el GPT pequeño en cada turno: desde la última observación si la hay (para
    escribir la respuesta) o desde la pregunta (para elegir la acción), recortado como en el
    entrenamiento. Es una memoria mínima: basta para las preguntas de un solo paso."""
    prompt = compact_prompt(prompt, max_chars)
    start = prompt.rfind("Observación:")
    return prompt[start:] if start != -1 else prompt
