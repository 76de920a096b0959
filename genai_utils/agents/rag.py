"""Respuestas fundamentadas (la «G» de RAG hecha a mano): extraer y citar, sin inventar.

:func:`grounded_answer` recupera los ``k`` mejores fragmentos para la pregunta, elige dentro de
ellos la frase que más términos comparte con la pregunta y la devuelve **con la cita** del
fragmento del que sale (``[01/historia#3]``). Es un generador extractivo: no puede afirmar nada
que no esté en el libro. Si ningún fragmento comparte términos con la pregunta, responde que no
lo sabe en lugar de adivinar.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from genai_utils.agents.retrieval import Chunk, Retriever, tokenize
from genai_utils.validation import check_positive_int

__all__ = ["GroundedAnswer", "grounded_answer", "split_sentences"]

NO_ANSWER = "No encuentro la respuesta en el libro."


@dataclass(frozen=True)
class GroundedAnswer:
    """Respuesta, fragmento citado (o ``None``) y fragmentos que se consultaron."""

    text: str
    citation: str | None
    retrieved: list[Chunk]

    def __str__(self) -> str:
        return f"{self.text} [{self.citation}]" if self.citation else self.text


def split_sentences(text: str) -> list[str]:
    """Parte un texto en frases por los signos ``. ! ? :`` seguidos de espacio."""
    return [s.strip() for s in re.split(r"(?<=[.!?:])\s+", text) if s.strip()]


def grounded_answer(question: str, retriever: Retriever, k: int = 3) -> GroundedAnswer:
    """La frase de los ``k`` fragmentos recuperados que más términos comparte con ``question``,
    con la cita de su fragmento. Los empates favorecen al fragmento mejor recuperado."""
    check_positive_int(k, "k")
    if not isinstance(question, str) or not question.strip():
        raise ValueError("El argumento `question` debe ser un texto no vacío.")
    terms = set(tokenize(question))
    retrieved = [chunk for chunk, _ in retriever.search(question, k)]
    best: tuple[float, str, Chunk] | None = None
    for rank, chunk in enumerate(retrieved):
        for sentence in split_sentences(chunk.text):
            overlap = len(terms & set(tokenize(sentence))) - 0.01 * rank
            if overlap > 0 and (best is None or overlap > best[0]):
                best = (overlap, sentence, chunk)
    if best is None:
        return GroundedAnswer(NO_ANSWER, None, retrieved)
    return GroundedAnswer(best[1], best[2].id, retrieved)
