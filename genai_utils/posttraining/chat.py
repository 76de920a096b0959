"""La plantilla de conversación: tokens especiales para los turnos y un vocabulario que crece.

Un asistente no ve texto suelto, sino turnos marcados: quién habla y dónde termina su respuesta.
Los modelos reales lo hacen con **tokens especiales** que no salen de ningún texto normal
(``<|im_start|>``, ``<|eot_id|>``…). Aquí son tres, :data:`USER`, :data:`ASSISTANT` y
:data:`END`::

    <|usuario|>Repite: mesa<|asistente|> mesa<|fin|>

:class:`ChatTokenizer` añade esos tres tokens al BPE del libro (con identificadores nuevos, al
final del vocabulario) y :func:`grow_vocabulary` da al GPT una fila de incrustación para cada
uno. Cuestan un token cada uno, frente a los cinco o seis de escribir «Instrucción:» con las
fusiones del libro, y el modelo aprende a terminar su turno escribiendo :data:`END`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import torch

from genai_utils.bpe import BPETokenizer
from genai_utils.gpt import GPT, GPTConfig
from genai_utils.posttraining.instructions import ASSISTANT, END, USER
from genai_utils.validation import check_text
from genai_utils.validation_tensors import check_model

__all__ = [
    "ASSISTANT",
    "END",
    "SPECIAL_TOKENS",
    "USER",
    "ChatTokenizer",
    "grow_vocabulary",
    "single_token_words",
]

#: Los tokens especiales, en el orden de sus identificadores.
SPECIAL_TOKENS = (USER, ASSISTANT, END)
_SPLIT = re.compile("(" + "|".join(re.escape(t) for t in SPECIAL_TOKENS) + ")")


class ChatTokenizer:
    """El BPE ``base`` más los tokens especiales, con los identificadores siguientes a los suyos."""

    def __init__(self, base: BPETokenizer) -> None:
        if not isinstance(base, BPETokenizer):
            raise TypeError(
                f"El argumento `base` debe ser un BPETokenizer; se recibió {type(base).__name__}."
            )
        self.base = base
        self.special = {t: base.vocab_size + i for i, t in enumerate(SPECIAL_TOKENS)}
        self._names = {i: t for t, i in self.special.items()}

    @property
    def vocab_size(self) -> int:
        """Los tokens del BPE más los especiales."""
        return self.base.vocab_size + len(self.special)

    def encode(self, text: str) -> list[int]:
        """Texto → identificadores; cada marca especial es un solo token, el resto va al BPE."""
        check_text(text, "text", allow_empty=True)
        ids: list[int] = []
        for piece in _SPLIT.split(text):
            ids += [self.special[piece]] if piece in self.special else self.base.encode(piece)
        return ids

    def decode(self, ids: list[int]) -> str:
        """Identificadores → texto, con las marcas especiales escritas tal cual."""
        out, run = [], []
        for i in ids:
            if i in self._names:
                out += [self.base.decode(run), self._names[i]]
                run = []
            else:
                run.append(i)
        return "".join(out) + self.base.decode(run)


def grow_vocabulary(model: GPT, like: Sequence[int]) -> GPT:
    """Un GPT nuevo con ``len(like)`` tokens más: los pesos de ``model`` y filas nuevas al final.

    La incrustación del token nuevo ``i`` empieza siendo una copia de la del token ``like[i]``,
    uno que ya conoce y que se le parece en su papel (un salto de línea, unos dos puntos): así
    el modelo no parte de cero y las filas nuevas son distintas entre sí. La capa de salida
    comparte pesos con las incrustaciones, así que también crece.
    """
    check_model(model, "model", GPT)
    old = model.config.vocab_size
    if isinstance(like, str) or not isinstance(like, Sequence) or not like or not all(
            isinstance(i, int) and not isinstance(i, bool) and 0 <= i < old for i in like):
        raise ValueError("El argumento `like` debe ser una lista no vacía de tokens de "
                         f"[0, {old}); se recibió {like!r}.")
    c, vocab_size = model.config, old + len(like)
    grown = GPT(GPTConfig(vocab_size, context=c.context, n_layer=c.n_layer, n_head=c.n_head,
                          n_embd=c.n_embd, dropout=c.dropout)).to(next(model.parameters()).device)
    state = {k: v for k, v in model.state_dict().items() if k not in ("tok_emb.weight",
                                                                       "head.weight")}
    grown.load_state_dict(state, strict=False)
    with torch.no_grad():
        grown.tok_emb.weight[:old] = model.tok_emb.weight
        grown.tok_emb.weight[old:] = model.tok_emb.weight[list(like)]
    grown.train(model.training)
    return grown


def single_token_words(
    tokenizer: BPETokenizer, text: str, *, min_count: int = 5, min_length: int = 5
) -> list[str]:
    """Las palabras de ``text`` (en minúsculas) que el tokenizador escribe, con su espacio, en un
    solo token, con al menos ``min_length`` letras y ``min_count`` apariciones; en orden alfabético.
    """
    check_text(text, "text")
    counts = Counter(re.findall(r"(?<= )[a-záéíóúñü]+(?=[ ,.;:])", text))
    return sorted(w for w, c in counts.items() if c >= min_count and len(w) >= min_length
                  and len(tokenizer.encode(f" {w}")) == 1)
