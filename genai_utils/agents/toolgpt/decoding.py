"""El GPT de herramientas con la interfaz del agente y decodificación restringida."""

from __future__ import annotations

import re
from collections.abc import Sequence

import torch

from genai_utils.agents.loop import parse_action
from genai_utils.agents.models import cut_at_stop
from genai_utils.agents.toolgpt.data import _SQL_QUERIES
from genai_utils.agents.toolgpt.format import (
    ANSWER_HEAD,
    action_heads,
    turn_prompt,
)
from genai_utils.agents.toolgpt.vocab import WordCharVocab
from genai_utils.gpt import GPT
from genai_utils.validation import check_positive_int


class ToolGPT:
    """El GPT entrenado, con la interfaz ``complete`` del agente y **decodificación restringida**.

    Cada turno empieza **eligiendo** la opción más probable entre las válidas
    (:func:`action_heads` y, si ya hay una observación, ``Respuesta:``). Después, con
    ``copy_values=True`` (por defecto), el modelo también elige el valor entre los que tienen
    sentido, por su probabilidad completa (la suma de log-probabilidades de sus caracteres y del
    cierre de la línea):

    * ``calculadora``: ``x op y`` con dos números de la pregunta y ``op`` en ``+ - * /``;
    * ``buscar_libro`` y ``consultar_sql``: un trozo de palabras seguidas de la pregunta;
    * ``Respuesta:``: el principio de la observación, hasta el final de una palabra.

    Con ``copy_values=False`` el valor se genera libremente, carácter a carácter, de forma voraz,
    hasta el cierre de la línea (o ``max_line_tokens`` tokens).
    """

    needs_header = False

    def __init__(
        self,
        model: GPT,
        vocab: WordCharVocab,
        device: torch.device | str = "cpu",
        *,
        max_line_tokens: int = 48,
        copy_values: bool = True,
    ) -> None:
        self.model = model
        self.vocab = vocab
        self.device = torch.device(device)
        self.max_line_tokens = check_positive_int(max_line_tokens, "max_line_tokens")
        self.copy_values = bool(copy_values)
        self.options = [*action_heads(), ANSWER_HEAD]
        self._option_ids = torch.tensor([vocab.index(o) for o in self.options])

    @torch.no_grad()
    def _next_logits(self, ids: list[int]) -> torch.Tensor:
        context = self.model.config.context
        x = torch.tensor([ids[-context:]], device=self.device)
        logits, _ = self.model(x)
        return logits[0, -1].float().cpu()

    def _allowed(self, text: str) -> torch.Tensor:
        """Opciones válidas en este turno: ``Respuesta:`` solo tras una observación."""
        return self._option_ids if "Observación: " in text else self._option_ids[:-1]

    def choice_probabilities(self, prompt: str) -> dict[str, float]:
        """Probabilidad de cada opción válida del primer token (renormalizada entre ellas).

        Las claves son cortas: ``calculadora``, ``buscar_libro``, ``consultar_sql:precio``…
        y, tras una observación, ``responder``."""
        self.model.eval()
        text = turn_prompt(prompt)
        allowed = self._allowed(text)
        probs = torch.softmax(self._next_logits(self.vocab.encode(text, {}).tolist())[allowed], 0)
        names = [_short_name(self.vocab.tokens[int(o)]) for o in allowed]
        return dict(zip(names, probs.tolist(), strict=True))

    @torch.no_grad()
    def score_values(
        self,
        ids: list[int],
        values: Sequence[str],
        closer: str,
        unknown: dict[str, str] | None = None,
    ) -> torch.Tensor:
        """Log-probabilidad de ``value + closer`` tras ``ids`` para cada valor (una pasada por
        lotes, con relleno a la derecha, que en un modelo causal no cambia nada). ``unknown`` es
        la numeración de palabras desconocidas con la que se codificó ``ids``."""
        seqs = [
            self.vocab.encode(v, dict(unknown or {})).tolist() + [self.vocab.index(closer)]
            for v in values
        ]
        width = len(ids) + max(len(q) for q in seqs)
        if width > self.model.config.context:
            raise ValueError(f"El turno ocupa {width} tokens y el contexto es "
                             f"{self.model.config.context}.")
        x = torch.zeros(len(seqs), width, dtype=torch.long)
        for i, q in enumerate(seqs):
            x[i, : len(ids) + len(q)] = torch.tensor(ids + q)
        logp = torch.log_softmax(self.model(x.to(self.device))[0].float().cpu(), dim=-1)
        scores = torch.zeros(len(seqs))
        for i, q in enumerate(seqs):
            positions = torch.arange(len(ids) - 1, len(ids) + len(q) - 1)
            scores[i] = logp[i, positions, torch.tensor(q)].sum()
        return scores

    def complete(self, prompt: str, *, stop: Sequence[str] = (), max_tokens: int = 120) -> str:
        """La opción más probable y, a continuación, su valor: elegido entre los válidos
        (``copy_values``) o generado de forma voraz hasta el cierre de la línea."""
        check_positive_int(max_tokens, "max_tokens")
        self.model.eval()
        text = turn_prompt(prompt)
        unknown: dict[str, str] = {}  # palabras desconocidas → <?1>, <?2>… en este turno
        ids = self.vocab.encode(text, unknown).tolist()
        allowed = self._allowed(text)
        option = int(allowed[self._next_logits(ids)[allowed].argmax()])
        head = self.vocab.tokens[option]
        ids.append(option)
        values = _candidate_values(head, text) if self.copy_values else []
        if values:
            closer = "\n" if head == ANSWER_HEAD else ('"]}\n' if "[" in head else '"}\n')
            best = int(self.score_values(ids, values, closer, unknown).argmax())
            return cut_at_stop(head + values[best] + closer, stop)
        new: list[int] = []
        for _ in range(min(max_tokens, self.max_line_tokens) - 1):
            new.append(int(self._next_logits(ids + new).argmax()))
            if self.vocab.tokens[new[-1]].endswith("\n"):
                break
        return cut_at_stop(head + self.vocab.decode(new, unknown), stop)


_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_WORD = re.compile(r"[^\s¿?¡!.,;:«»()]+")


def _candidate_values(head: str, text: str, max_words: int = 6) -> list[str]:
    """Valores válidos para la cabecera ``head`` a partir del texto del turno (ver
    :class:`ToolGPT`). Lista vacía si no hay ninguno (entonces se genera libremente)."""
    if head == ANSWER_HEAD:
        obs = text[text.rfind("Observación: ") + len("Observación: ") :].split("\n")[0]
        words = obs.split()
        return [" ".join(words[:k]) for k in range(1, len(words) + 1)]
    question = text[text.find("Pregunta: ") + len("Pregunta: ") :].split("\n")[0]
    numbers = _NUMBER.findall(question)
    if "calculadora" in head and len(numbers) > 1:
        return [f"{x} {op} {y}" for i, x in enumerate(numbers) for j, y in enumerate(numbers)
                if i != j for op in "+-*/"]
    # Un trozo de palabras seguidas (también si la calculadora no tiene dos números: la
    # llamada será válida como JSON y la calculadora explicará el error en la observación).
    words = _WORD.findall(question)
    spans = {" ".join(words[i:j]) for i in range(len(words))
             for j in range(i + 1, min(i + max_words, len(words)) + 1)}
    return sorted(s for s in spans if s in question)


def _short_name(option: str) -> str:
    if option == ANSWER_HEAD:
        return "responder"
    tool = option.split()[1]
    for kind, query in _SQL_QUERIES.items():
        if query in option:
            return f"{tool}:{kind}"
    return tool





def first_call(model: object, question: str) -> tuple[str | None, object]:
    """Herramienta y argumentos de la primera acción que el modelo propone para ``question``."""
    action = parse_action(model.complete(f"Pregunta: {question}\n", stop=["\nObservación:"]))  # type: ignore[attr-defined]
    return action.tool, action.arguments
