"""Alucinaciones medidas: preguntas sobre el libro con respuestas cortas y una corrección mecánica.

Las preguntas salen de :data:`genai_utils.agents.evalset.BOOK_QUESTIONS` (capítulo 1 del libro).
Para poder corregir sin juicio humano, cada una lleva aquí unas **palabras clave**: la respuesta es
correcta si contiene alguna (sin distinguir tildes ni mayúsculas). Solo se incluyen preguntas cuya
respuesta es un dato corto (un nombre, un año, una cifra), donde esa comparación es fiable.

:func:`score_answer` clasifica cada respuesta en «correcta», «abstención» (el sistema dice que no
lo sabe) o «incorrecta» (afirma algo que no es la respuesta: una alucinación, si el sistema no
tenía el dato).

:func:`complete_batch` hace las preguntas **en lote** a un modelo de ``transformers`` (por ejemplo
el SmolLM2 del capítulo 6): con decodificación voraz da lo mismo que preguntarlas de una en una,
pero en la CPU es varias veces más rápido, porque cada paso lee los pesos una sola vez para todo
el lote.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from genai_utils.agents.evalset import BOOK_QUESTIONS, BookQuestion
from genai_utils.agents.retrieval import normalize

__all__ = [
    "ABSTAINED",
    "CORRECT",
    "GOLD_ANSWERS",
    "GoldAnswer",
    "WRONG",
    "complete_batch",
    "score_answer",
]

CORRECT = "correcta"
ABSTAINED = "abstención"
WRONG = "incorrecta"

_ABSTENTION = (
    "no lo se",
    "no se ",
    "no encuentro",
    "no tengo informacion",
    "no puedo responder",
    "i don't know",
    "i do not know",
)


@dataclass(frozen=True)
class GoldAnswer:
    """Una pregunta del libro y las palabras clave que aceptan su respuesta."""

    item: BookQuestion
    keywords: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.keywords or not all(isinstance(k, str) and k.strip() for k in self.keywords):
            raise ValueError("El argumento `keywords` debe ser una tupla de textos no vacíos.")

    @property
    def question(self) -> str:
        """El texto de la pregunta."""
        return self.item.question


def _find(question: str) -> BookQuestion:
    for q in BOOK_QUESTIONS:
        if q.question == question:
            return q
    raise KeyError(f"La pregunta {question!r} no está en BOOK_QUESTIONS.")  # pragma: no cover


_TABLE = [
    ("¿Quién usó en 1948 las cadenas de Markov para generar texto?", ("shannon",)),
    ("¿En qué año se propusieron los autocodificadores variacionales?", ("2013",)),
    ("¿Quién enfrentó un generador con un discriminador?", ("goodfellow",)),
    ("¿Cuándo apareció la idea de la difusión y quién la propuso?", ("sohl-dickstein", "2015")),
    ("¿Qué arquitectura prescindió de la recurrencia y usó solo atención?", ("transformer",)),
    ("¿Cuántos parámetros tenía GPT-3?", ("175",)),
    ("¿En qué año las máquinas de Boltzmann aprendieron una distribución?", ("1985",)),
    ("¿Cuándo se publicó ChatGPT para el gran público?", ("2022",)),
    ("¿Qué modelo generaba audio muestra a muestra en 2016?", ("wavenet",)),
    ("¿Qué empresa de Londres crea vídeos con presentadores virtuales?", ("synthesia",)),
    ("¿Quién describió el descenso de gradiente en el siglo XIX?", ("cauchy",)),
    (
        "¿Cómo se llama ajustar un modelo con comparaciones humanas entre respuestas?",
        ("rlhf", "retroalimentacion humana", "human feedback"),
    ),
    ("¿Quién acuñó el término modelo fundacional?", ("bommasani",)),
    ("¿Qué modelo genera series temporales sintéticas de finanzas?", ("timegan",)),
]

#: Catorce preguntas de respuesta corta con sus palabras clave.
GOLD_ANSWERS: list[GoldAnswer] = [GoldAnswer(_find(q), k) for q, k in _TABLE]


def score_answer(answer: str | None, gold: GoldAnswer) -> str:
    """«correcta» si ``answer`` contiene alguna palabra clave de ``gold``; «abstención» si está
    vacía o dice que no lo sabe; «incorrecta» en otro caso."""
    if not isinstance(gold, GoldAnswer):
        raise TypeError(f"El argumento `gold` debe ser un GoldAnswer; se recibió {gold!r}.")
    if answer is not None and not isinstance(answer, str):
        raise TypeError(f"El argumento `answer` debe ser un str o None; se recibió {answer!r}.")
    text = normalize(answer or "") + " "
    if any(normalize(k) in text for k in gold.keywords):
        return CORRECT
    if not text.strip() or any(a in text for a in _ABSTENTION):
        return ABSTAINED
    return WRONG


def complete_batch(llm: Any, prompts: Sequence[str], *, max_new_tokens: int = 12) -> list[str]:
    """Respuestas voraces de ``llm`` a ``prompts`` (cada uno como mensaje de usuario), en lote.

    ``llm`` debe tener ``tokenizer`` y ``model`` de ``transformers`` (como
    :class:`~genai_utils.agents.models.SmolLM2Model`). Se rellena por la izquierda para que todas
    las secuencias terminen a la vez y se genera hasta ``max_new_tokens`` tokens.
    """
    import torch

    from genai_utils.validation import check_positive_int

    check_positive_int(max_new_tokens, "max_new_tokens")
    if isinstance(prompts, str) or not prompts or not all(isinstance(p, str) for p in prompts):
        raise ValueError("El argumento `prompts` debe ser una lista no vacía de textos.")
    tokenizer, model = llm.tokenizer, llm.model
    texts = [
        tokenizer.apply_chat_template(
            [{"role": "user", "content": p}], tokenize=False, add_generation_prompt=True
        )
        for p in prompts
    ]
    side = tokenizer.padding_side
    tokenizer.padding_side = "left"
    try:
        batch = tokenizer(texts, return_tensors="pt", padding=True, add_special_tokens=False)
    finally:
        tokenizer.padding_side = side
    with torch.no_grad():
        out = model.generate(
            **batch, max_new_tokens=max_new_tokens, do_sample=False,
            pad_token_id=tokenizer.pad_token_id,
        )
    new = out[:, batch["input_ids"].shape[1]:]
    return [tokenizer.decode(row, skip_special_tokens=True).strip() for row in new]
