"""Entrenar y evaluar modelos de lenguaje: ventanas, bucle con límite de tiempo y bits por carácter.

* :class:`CharVocab` convierte texto en identificadores de carácter y al revés.
* :func:`random_windows` saca un minilote de ventanas aleatorias ``(x, y)`` donde ``y`` es ``x``
  desplazada una posición: el objetivo de cada posición es el token siguiente.
* :func:`train_lm` entrena durante un número de pasos o de segundos, con la tasa de aprendizaje
  en calentamiento lineal y descenso en coseno.
* :func:`evaluate_lm` recorre un texto de validación en ventanas **sin solapamiento** y devuelve
  la log-verosimilitud negativa total; :func:`bits_per_char` la divide por el número de
  caracteres y por ln 2, así que sirve igual para tokens de carácter que para tokens BPE.
"""

from __future__ import annotations

import math
from functools import partial

import torch
from torch import Tensor, nn
from torch.nn import functional as F

from genai_utils.history import History
from genai_utils.schedules import warmup_then_cosine
from genai_utils.trainer import Trainer
from genai_utils.validation import (
    MAX_SIZE,
    check_non_negative_float,
    check_non_negative_int,
    check_positive_float,
    check_positive_int,
    check_stop,
    check_text,
)
from genai_utils.validation_tensors import check_model, check_tensor

__all__ = ["CharVocab", "bits_per_char", "evaluate_lm", "random_windows", "train_lm"]


class CharVocab:
    """Vocabulario de caracteres: un identificador por cada carácter distinto de ``text``."""

    def __init__(self, text: str) -> None:
        check_text(text, "text")
        self.chars = sorted(set(text))
        self._index = {c: i for i, c in enumerate(self.chars)}

    def __len__(self) -> int:
        return len(self.chars)

    def encode(self, text: str, *, unknown: str = "error") -> Tensor:
        """Texto → tensor ``int64`` de identificadores.

        ``unknown="error"`` rechaza caracteres que no estaban al crear el vocabulario;
        ``unknown="skip"`` los omite (así se evalúa sobre el resto del texto).
        """
        if unknown not in ("error", "skip"):
            raise ValueError(f'`unknown` debe ser "error" o "skip"; se recibió {unknown!r}.')
        missing = sorted({c for c in text if c not in self._index})
        if missing and unknown == "error":
            raise ValueError(
                f"El texto contiene caracteres que no están en el vocabulario: {missing[:10]}. "
                'Usa `unknown="skip"` para omitirlos.'
            )
        return torch.tensor([self._index[c] for c in text if c in self._index], dtype=torch.long)

    def decode(self, ids: Tensor | list[int]) -> str:
        """Identificadores → texto."""
        return "".join(self.chars[int(i)] for i in ids)


def random_windows(
    data: Tensor, context: int, batch_size: int, generator: torch.Generator | None = None
) -> tuple[Tensor, Tensor]:
    """Minilote de ``batch_size`` ventanas aleatorias de ``data`` (1-D): ``x`` y ``y = x`` + 1."""
    _check_windows(data, "data", context, batch_size)
    return _windows(data, context, batch_size, generator)


def _check_windows(data: object, name: str, context: object, batch_size: object) -> None:
    """Comprueba que ``data`` (1-D, de enteros) da ventanas de ``context`` tokens con objetivo."""
    check_tensor(data, name, ndim=1, floating=False)
    check_positive_int(context, "context")
    check_positive_int(batch_size, "batch_size", maximum=MAX_SIZE)
    if len(data) <= context:
        raise ValueError(
            f"El argumento `{name}` tiene {len(data)} tokens; hacen falta más que `context` "
            f"({context}) para sacar una ventana con su objetivo."
        )


def train_lm(
    model: nn.Module,
    train_ids: Tensor,
    *,
    context: int,
    batch_size: int = 32,
    lr: float = 3e-3,
    max_steps: int | None = None,
    max_seconds: float | None = None,
    warmup: int = 50,
    val_ids: Tensor | None = None,
    eval_every: int = 100,
    seed: int = 0,
    device: torch.device | str = "cpu",
    progress: bool = True,
    desc: str = "Entrenamiento",
) -> History:
    """Entrena un modelo de lenguaje con entropía cruzada en ventanas aleatorias de ``train_ids``.

    El modelo recibe ``ids`` (B, T) y devuelve logits (B, T, V) o una tupla que empieza por ellos.

    Se detiene tras ``max_steps`` pasos o ``max_seconds`` segundos (lo que llegue antes; hace
    falta al menos uno). La tasa de aprendizaje sube linealmente durante ``warmup`` pasos y luego
    baja en coseno hasta ``lr / 10`` (si solo hay límite de tiempo, el coseno se calcula con el
    tiempo transcurrido). Cada ``eval_every`` pasos (y al final) el historial guarda la pérdida
    media del tramo (``history.train_losses``, en los pasos ``history.steps``) y, con
    ``val_ids``, la de validación (``history.val_losses``, ``history.val_steps``).
    """
    check_stop(max_steps, max_seconds, steps_name="max_steps")
    _check_windows(train_ids, "train_ids", context, batch_size)
    check_positive_float(lr, "lr")
    check_non_negative_int(warmup, "warmup")
    check_positive_int(eval_every, "eval_every")
    device = torch.device(device)
    model.to(device).train()
    generator = torch.Generator().manual_seed(check_non_negative_int(seed, "seed"))
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, betas=(0.9, 0.95), weight_decay=0.1)

    def next_batch() -> tuple[Tensor, Tensor]:
        x, y = _windows(train_ids, context, batch_size, generator)
        return x.to(device), y.to(device)

    def step(batch: tuple[Tensor, Tensor]) -> dict[str, Tensor]:
        x, y = batch
        logits = _logits(model, x)
        return {"loss": F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))}

    def evaluate(trainer: Trainer) -> None:
        total, count = evaluate_lm(model, val_ids, context, device=device)
        trainer.history.record("val_loss", total / count, trainer.steps_done)

    trainer = Trainer(step, optimizer=optimizer, clip_grad=1.0, log_every=eval_every,
                      schedule=partial(warmup_then_cosine, lr=lr, warmup=warmup, floor=0.1),
                      desc=desc, progress=progress)
    if val_ids is not None:
        trainer.add_callback("on_log", evaluate)
    history = trainer.run(next_batch, steps=max_steps, max_seconds=max_seconds)
    history.tokens_seen = trainer.steps_done * batch_size * context
    return history


def _windows(
    data: Tensor, context: int, batch_size: int, generator: torch.Generator | None
) -> tuple[Tensor, Tensor]:
    """:func:`random_windows` sin comprobar los argumentos (el bucle ya los comprobó)."""
    starts = torch.randint(0, len(data) - context, (batch_size,), generator=generator)
    offsets = torch.arange(context)
    return data[starts[:, None] + offsets], data[starts[:, None] + offsets + 1]


def _logits(model: nn.Module, x: Tensor) -> Tensor:
    out = model(x)
    return out[0] if isinstance(out, tuple) else out


@torch.no_grad()
def evaluate_lm(
    model: nn.Module,
    ids: Tensor,
    context: int,
    *,
    batch_size: int = 64,
    device: torch.device | str = "cpu",
    stride: int | None = None,
) -> tuple[float, int]:
    """Log-verosimilitud negativa total (nats) y tokens predichos, en ventanas sin solapamiento.

    Cada ventana de ``context + 1`` tokens aporta ``context`` predicciones; las ventanas se
    solapan solo en un token (el último objetivo de una es la primera entrada de la siguiente),
    así que cada token a partir del segundo se predice exactamente una vez.

    Con ``stride`` (entre 1 y ``context``) la ventana avanza ``stride`` tokens cada vez
    (*sliding window*): la primera ventana puntúa todas sus posiciones y cada una de las
    siguientes solo sus últimos ``stride`` tokens, así que cada token se sigue prediciendo una
    sola vez pero, salvo al principio, con al menos ``context - stride`` tokens de contexto.
    """
    check_model(model)
    check_tensor(ids, "ids", ndim=1, floating=False)
    check_positive_int(context, "context")
    check_positive_int(batch_size, "batch_size")
    if stride is not None:
        check_positive_int(stride, "stride")
        if stride > context:
            raise ValueError(
                f"`stride` ({stride}) no puede ser mayor que `context` ({context})."
            )
        return _evaluate_sliding(model, ids, context, stride, batch_size, torch.device(device))
    n_windows = (len(ids) - 1) // context
    if n_windows < 1:
        raise ValueError(
            f"El argumento `ids` tiene {len(ids)} tokens: hacen falta al menos `context` + 1 "
            f"({context + 1}) para evaluar."
        )
    was_training = model.training
    model.eval()
    starts = torch.arange(n_windows) * context
    offsets = torch.arange(context)
    total, count = 0.0, 0
    for i in range(0, n_windows, batch_size):
        s = starts[i : i + batch_size, None]
        x, y = ids[s + offsets].to(device), ids[s + offsets + 1].to(device)
        logits = _logits(model, x)
        total += F.cross_entropy(
            logits.reshape(-1, logits.shape[-1]), y.reshape(-1), reduction="sum"
        ).item()
        count += y.numel()
    model.train(was_training)
    return total, count


@torch.no_grad()
def _evaluate_sliding(
    model: nn.Module, ids: Tensor, context: int, stride: int, batch_size: int,
    device: torch.device,
) -> tuple[float, int]:
    if len(ids) < context + 1:
        raise ValueError(
            f"El argumento `ids` tiene {len(ids)} tokens: hacen falta al menos `context` + 1 "
            f"({context + 1}) para evaluar."
        )
    last = len(ids) - 1 - context  # última ventana completa
    starts = list(range(0, last + 1, stride))
    if starts[-1] != last:
        starts.append(last)  # la cola del texto también se puntúa
    was_training = model.training
    model.eval()
    offsets = torch.arange(context)
    total, count, scored_until = 0.0, 0, 0  # scored_until: objetivos ya puntuados (posición)
    for i in range(0, len(starts), batch_size):
        chunk = torch.tensor(starts[i : i + batch_size])
        x = ids[chunk[:, None] + offsets].to(device)
        y = ids[chunk[:, None] + offsets + 1].to(device)
        losses = F.cross_entropy(_logits(model, x).transpose(1, 2), y, reduction="none")
        for row, start in enumerate(chunk.tolist()):
            first = max(scored_until - start, 0)  # objetivos de esta ventana aún sin puntuar
            total += losses[row, first:].sum().item()
            count += context - first
            scored_until = start + context
    model.train(was_training)
    return total, count


def bits_per_char(total_nats: float, n_chars: int) -> float:
    """Log-verosimilitud negativa total en nats → bits por carácter: total / (n_chars · ln 2)."""
    check_non_negative_float(total_nats, "total_nats")
    check_positive_int(n_chars, "n_chars")
    return total_nats / (n_chars * math.log(2))
