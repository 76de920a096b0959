"""Ajuste fino supervisado (*supervised fine-tuning*, SFT): de modelo base a modelo que responde.

El modelo base solo sabe continuar texto. El SFT lo sigue entrenando, con la misma entropía
cruzada del preentrenamiento, sobre pares *instrucción → respuesta*, con una diferencia: la
pérdida solo cuenta en los tokens de la **respuesta**. Los de la instrucción se ven (son el
contexto) pero no se puntúan: el modelo no tiene que aprender a escribir instrucciones, sino a
contestarlas.

* :func:`encode_completions` tokeniza cada instrucción y su respuesta y marca con ``-100`` lo que
  no se puntúa (la instrucción y el relleno);
* :func:`completion_logprobs` da la log-probabilidad de cada respuesta completa (la usa también
  la optimización de preferencias, :mod:`genai_utils.posttraining.dpo`);
* :func:`train_sft` entrena con el :class:`~genai_utils.trainer.Trainer` del libro;
* :func:`generate_answers` responde a una lista de instrucciones y :func:`exact_match_rate` mide
  qué fracción de respuestas es exactamente la correcta.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from functools import partial
from typing import Protocol

import torch
from torch import Tensor, nn
from torch.nn import functional as F

from genai_utils.gpt import GPT
from genai_utils.history import History
from genai_utils.masking import IGNORE, masked_loss, next_token_rows, scored_lengths
from genai_utils.posttraining.instructions import END, Instruction
from genai_utils.schedules import warmup_then_cosine
from genai_utils.trainer import Trainer
from genai_utils.validation import (
    check_bool,
    check_non_negative_int,
    check_positive_float,
    check_positive_int,
)
from genai_utils.validation_tensors import check_model

__all__ = [
    "IGNORE",
    "Tokenizer",
    "completion_logprobs",
    "encode_completions",
    "exact_match_rate",
    "fits_context",
    "generate_answers",
    "train_sft",
]

class Tokenizer(Protocol):
    """Lo que se necesita de un tokenizador: texto → identificadores y al revés."""

    def encode(self, text: str) -> list[int]: ...

    def decode(self, ids: list[int]) -> str: ...


def encode_completions(
    tokenizer: Tokenizer, prompts: Sequence[str], completions: Sequence[str], context: int
) -> tuple[Tensor, Tensor]:
    """Entradas y objetivos (N, L) para puntuar solo las ``completions``.

    Cada fila es ``prompt + completion`` tokenizados por separado (así la frontera cae entre dos
    tokens) y desplazados una posición, como en el preentrenamiento: el objetivo de la posición
    ``t`` es el token ``t + 1``. El objetivo vale :data:`IGNORE` en la instrucción y en el relleno
    del final. ``L`` es la fila más larga; ninguna puede pasar de ``context``.
    """
    n_prompts, n_completions = len(prompts), len(completions)
    if n_prompts != n_completions or not n_prompts:
        raise ValueError("`prompts` y `completions` deben ser listas no vacías de la misma "
                         f"longitud; se recibieron {n_prompts} y {n_completions}.")
    check_positive_int(context, "context")
    rows = []
    for text, completion in zip(prompts, completions, strict=True):
        head, tail = tokenizer.encode(text), tokenizer.encode(completion)
        if not head or not tail:
            raise ValueError("Cada instrucción y cada respuesta deben tener al menos un token.")
        if len(head) + len(tail) - 1 > context:
            raise ValueError(
                f"Una instrucción con su respuesta ocupa {len(head) + len(tail)} tokens y el "
                f"contexto es {context}: acórtala o usa un modelo de contexto mayor.\n{text!r}"
            )
        rows.append((head, tail))
    length = max(len(h) + len(t) - 1 for h, t in rows)
    return next_token_rows([(h + t, [False] * len(h) + [True] * len(t)) for h, t in rows], length)


def fits_context(tokenizer: Tokenizer, prompt: str, completion: str, context: int) -> bool:
    """¿Caben ``prompt`` y ``completion`` juntas en una ventana de ``context`` tokens?"""
    return len(tokenizer.encode(prompt)) + len(tokenizer.encode(completion)) - 1 <= context


def completion_logprobs(model: nn.Module, x: Tensor, y: Tensor) -> Tensor:
    """Log-probabilidad (en nats) de la respuesta de cada fila: la suma sobre sus tokens, (N,)."""
    logits, _ = model(x)
    logp = -F.cross_entropy(logits.transpose(1, 2), y, ignore_index=IGNORE, reduction="none")
    return logp.sum(dim=1)


def train_sft(
    model: GPT, tokenizer: Tokenizer, examples: Sequence[Instruction], *, steps: int,
    batch_size: int, lr: float, warmup: int = 0, weight_decay: float = 0.0,
    frozen_tokens: int = 0, seed: int = 0, device: torch.device | str | None = None,
    desc: str = "SFT", progress: bool = True,
) -> History:
    """Ajuste fino supervisado de ``model`` (en su sitio) con ``examples``; devuelve el historial.

    Entrena solo los parámetros con ``requires_grad`` (todos, o solo los adaptadores LoRA de
    :func:`genai_utils.posttraining.lora.add_lora`) con AdamW, calentamiento y coseno. Cada paso
    toma ``batch_size`` ejemplos al azar y recorta el relleno que sobra. Con ``frozen_tokens`` =
    k, las incrustaciones de los k primeros tokens no cambian (su gradiente se anula): solo
    aprenden las de los tokens nuevos, como los de la plantilla de conversación.
    """
    check_model(model, "model", GPT)
    check_positive_int(steps, "steps")
    check_positive_int(batch_size, "batch_size")
    check_positive_float(lr, "lr")
    check_non_negative_int(warmup, "warmup")
    check_non_negative_int(seed, "seed")
    check_non_negative_int(frozen_tokens, "frozen_tokens", maximum=model.config.vocab_size)
    if frozen_tokens and weight_decay:
        raise ValueError("Con `frozen_tokens` el decaimiento de pesos (`weight_decay`) debe ser 0: "
                         "si no, encogería las incrustaciones que se quieren congelar.")
    if not examples:
        raise ValueError("El argumento `examples` no puede estar vacío.")
    device = torch.device("cpu" if device is None else device)
    x, y = encode_completions(tokenizer, [e.prompt for e in examples],
                              [e.completion for e in examples], model.config.context)
    x, y = x.to(device), y.to(device)
    lengths = scored_lengths(y)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay)
    generator = torch.Generator().manual_seed(seed)

    def next_batch() -> Tensor:
        return torch.randint(len(x), (min(batch_size, len(x)),), generator=generator).to(device)

    def step(idx: Tensor) -> dict[str, Tensor]:
        end = int(lengths[idx].max())
        return {"loss": masked_loss(model, x[idx, :end], y[idx, :end])}

    trainer = Trainer(step, optimizer=optimizer, clip_grad=1.0, seed=seed, device=device,
                      schedule=partial(warmup_then_cosine, lr=lr, warmup=warmup),
                      log_every=max(1, steps // 20), desc=desc, progress=progress)
    model.train()
    handle = None
    if frozen_tokens and model.tok_emb.weight.requires_grad:
        keep = torch.ones(model.config.vocab_size, 1, device=device)
        keep[:frozen_tokens] = 0
        handle = model.tok_emb.weight.register_hook(lambda grad: grad * keep)
    try:
        return trainer.run(next_batch, steps=steps)
    finally:
        model.eval()
        if handle is not None:
            handle.remove()


def generate_answers(
    model: GPT,
    tokenizer: Tokenizer,
    prompts: Sequence[str],
    *,
    max_new_tokens: int = 12,
    greedy: bool = True,
    temperature: float = 1.0,
    seed: int | None = None,
) -> list[str]:
    """La respuesta del modelo a cada instrucción: lo generado hasta la marca de fin (:data:`END`).

    Las instrucciones que ocupan los mismos tokens se generan juntas, en un lote (así no hace
    falta relleno). Con ``greedy=False`` se muestrea con ``temperature``; con ``seed``, de forma
    reproducible.
    """
    check_model(model, "model", GPT)
    check_positive_int(max_new_tokens, "max_new_tokens")
    check_bool(greedy, "greedy")
    check_positive_float(temperature, "temperature")
    device = next(model.parameters()).device
    groups: dict[int, list[int]] = defaultdict(list)
    encoded = [tokenizer.encode(p) for p in prompts]
    for i, ids in enumerate(encoded):
        groups[len(ids)].append(i)
    answers = [""] * len(prompts)
    for n, (length, members) in enumerate(sorted(groups.items())):
        batch = torch.tensor([encoded[i] for i in members], device=device)
        out = model.generate(batch, max_new_tokens, greedy=greedy, temperature=temperature,
                             seed=None if seed is None else seed + n)
        for i, row in zip(members, out[:, length:].tolist(), strict=True):
            answers[i] = tokenizer.decode(row).split(END)[0].strip()
    return answers


def exact_match_rate(answers: Sequence[str], examples: Sequence[Instruction]) -> float:
    """Fracción de ``answers`` idénticas a la respuesta correcta de cada ejemplo."""
    if len(answers) != len(examples) or not examples:
        raise ValueError("`answers` y `examples` deben ser listas no vacías de la misma "
                         f"longitud; se recibieron {len(answers)} y {len(examples)}.")
    return sum(a == e.answer for a, e in zip(answers, examples, strict=True)) / len(examples)
