"""Optimización directa de preferencias (*direct preference optimization*, DPO).

Tras el SFT, el modelo responde, pero no siempre bien. Es más fácil decir cuál de dos respuestas
es mejor que escribir la buena: un **par de preferencia** es una instrucción con una respuesta
preferida ``y⁺`` y otra rechazada ``y⁻``. DPO (Rafailov y otros, 2023) ajusta el modelo ``π``
directamente con esos pares, sin modelo de recompensa ni aprendizaje por refuerzo, frente a una
copia congelada del modelo de partida, la **referencia** ``π_ref``:

    pérdida = −log σ(β · [(log π(y⁺) − log π_ref(y⁺)) − (log π(y⁻) − log π_ref(y⁻))])

Sube la probabilidad de la preferida y baja la de la rechazada **respecto de la referencia**;
``β`` dice cuánto puede alejarse de ella. Aquí los pares salen del propio modelo
(:func:`make_preference_pairs`): se muestrean varias respuestas a cada instrucción y una que el
comprobador da por mala se enfrenta a la correcta.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import Tensor
from torch.nn import functional as F

from genai_utils.gpt import GPT
from genai_utils.history import History
from genai_utils.masking import IGNORE
from genai_utils.posttraining.instructions import END, Instruction
from genai_utils.posttraining.sft import (
    Tokenizer,
    completion_logprobs,
    encode_completions,
    fits_context,
    generate_answers,
)
from genai_utils.trainer import Trainer
from genai_utils.validation import (
    check_non_negative_float,
    check_non_negative_int,
    check_positive_float,
    check_positive_int,
)
from genai_utils.validation_tensors import check_model, check_tensor

__all__ = [
    "PreferencePair",
    "dpo_loss",
    "make_preference_pairs",
    "preference_accuracy",
    "train_dpo",
]


@dataclass(frozen=True)
class PreferencePair:
    """Una instrucción (``prompt``, con cabeceras) y dos respuestas: la preferida y la rechazada."""

    prompt: str
    chosen: str
    rejected: str


def dpo_loss(
    policy_chosen: Tensor,
    policy_rejected: Tensor,
    reference_chosen: Tensor,
    reference_rejected: Tensor,
    beta: float,
) -> Tensor:
    """Pérdida DPO media de un lote con las cuatro log-probabilidades (N,) de los pares."""
    for name, value in [("policy_chosen", policy_chosen), ("policy_rejected", policy_rejected),
                        ("reference_chosen", reference_chosen),
                        ("reference_rejected", reference_rejected)]:
        check_tensor(value, name, ndim=1)
    check_positive_float(beta, "beta")
    margin = (policy_chosen - reference_chosen) - (policy_rejected - reference_rejected)
    return -F.logsigmoid(beta * margin).mean()


def make_preference_pairs(
    model: GPT,
    tokenizer: Tokenizer,
    examples: Sequence[Instruction],
    *,
    samples: int = 4,
    temperature: float = 1.0,
    max_new_tokens: int = 12,
    seed: int = 0,
) -> list[PreferencePair]:
    """Pares (correcta, equivocada) con respuestas que el propio ``model`` muestrea.

    Para cada ejemplo se sortean ``samples`` respuestas; la primera que no coincide con la
    correcta (y que cabe en el contexto del modelo) da un par. Las instrucciones a las que el
    modelo siempre responde bien no dan par: no hay nada que corregir.
    """
    check_positive_int(samples, "samples")
    check_non_negative_int(seed, "seed")
    prompts = [e.prompt for e in examples]
    drawn = [generate_answers(model, tokenizer, prompts, max_new_tokens=max_new_tokens,
                              greedy=False, temperature=temperature, seed=seed + 1000 * k)
             for k in range(samples)]
    pairs = []
    context = model.config.context
    for i, e in enumerate(examples):
        wrong = next((f" {d[i]}{END}" for d in drawn if d[i] != e.answer
                      and fits_context(tokenizer, e.prompt, f" {d[i]}{END}", context)), None)
        if wrong is not None:
            pairs.append(PreferencePair(e.prompt, e.completion, wrong))
    return pairs


def _encode_pairs(
    tokenizer: Tokenizer, pairs: Sequence[PreferencePair], context: int
) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    if not pairs:
        raise ValueError("El argumento `pairs` no puede estar vacío.")
    prompts = [p.prompt for p in pairs]
    chosen = encode_completions(tokenizer, prompts, [p.chosen for p in pairs], context)
    rejected = encode_completions(tokenizer, prompts, [p.rejected for p in pairs], context)
    return (*chosen, *rejected)


@torch.no_grad()
def preference_accuracy(model: GPT, tokenizer: Tokenizer, pairs: Sequence[PreferencePair]) -> float:
    """Fracción de pares en los que ``model`` da más probabilidad a la preferida que a la otra."""
    check_model(model, "model", GPT)
    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    xc, yc, xr, yr = (t.to(device) for t in _encode_pairs(tokenizer, pairs, model.config.context))
    wins = completion_logprobs(model, xc, yc) > completion_logprobs(model, xr, yr)
    model.train(was_training)
    return wins.float().mean().item()


def train_dpo(
    model: GPT,
    tokenizer: Tokenizer,
    pairs: Sequence[PreferencePair],
    *,
    beta: float,
    steps: int,
    batch_size: int,
    lr: float,
    nll_weight: float = 0.0,
    seed: int = 0,
    desc: str = "DPO",
    progress: bool = True,
) -> History:
    """Entrena ``model`` (en su sitio) con DPO; la referencia es una copia congelada de su estado.

    Con ``nll_weight`` > 0 se suma, con ese peso, la entropía cruzada media por token de la
    respuesta preferida (como en el SFT): así su probabilidad no baja mientras se separa de la
    rechazada. El historial guarda la pérdida, la fracción de pares del lote bien ordenados
    (``"acierto"``) y el margen medio ``β · (…)`` de la fórmula (``"margen"``).
    """
    check_model(model, "model", GPT)
    check_positive_float(beta, "beta")
    check_positive_int(steps, "steps")
    check_positive_int(batch_size, "batch_size")
    check_positive_float(lr, "lr")
    check_non_negative_float(nll_weight, "nll_weight")
    check_non_negative_int(seed, "seed")
    device = next(model.parameters()).device
    xc, yc, xr, yr = (t.to(device) for t in _encode_pairs(tokenizer, pairs, model.config.context))
    tokens_c = (yc != IGNORE).sum(dim=1)
    reference = copy.deepcopy(model).eval()
    with torch.no_grad():
        ref_c = completion_logprobs(reference, xc, yc)
        ref_r = completion_logprobs(reference, xr, yr)
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=lr,
                                  weight_decay=0.0)
    generator = torch.Generator().manual_seed(seed)

    def next_batch() -> Tensor:
        return torch.randint(len(xc), (min(batch_size, len(xc)),), generator=generator).to(device)

    def step(idx: Tensor) -> dict[str, Tensor]:
        pol_c = completion_logprobs(model, xc[idx], yc[idx])
        pol_r = completion_logprobs(model, xr[idx], yr[idx])
        margin = beta * ((pol_c - ref_c[idx]) - (pol_r - ref_r[idx]))
        loss = dpo_loss(pol_c, pol_r, ref_c[idx], ref_r[idx], beta)
        if nll_weight:
            loss = loss - nll_weight * (pol_c / tokens_c[idx]).mean()
        return {"loss": loss, "acierto": (margin > 0).float().mean(),
                "margen": margin.mean().detach()}

    trainer = Trainer(step, optimizer=optimizer, clip_grad=1.0, seed=seed, device=device,
                      log_every=max(1, steps // 20), desc=desc, progress=progress)
    model.train()
    try:
        return trainer.run(next_batch, steps=steps)
    finally:
        model.eval()
