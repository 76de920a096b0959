"""Adaptadores de rango bajo (*low-rank adaptation*, LoRA) para ajustar un GPT con pocos parámetros.

En lugar de cambiar la matriz ``W`` (d_sal × d_ent) de una capa lineal, LoRA la congela y le suma
una corrección de rango ``r``, el producto de dos matrices estrechas::

    y = W x + b + (α / r) · B (A x)      A: r × d_ent,  B: d_sal × r

Solo se entrenan ``A`` y ``B``: ``r · (d_ent + d_sal)`` números por capa en vez de
``d_ent · d_sal``. ``B`` empieza en cero, así que al principio el modelo adaptado es idéntico al
original. Al terminar, la corrección se puede **fundir** en ``W`` (:func:`merge_lora`) y el
modelo vuelve a tener su forma y su coste de siempre.
"""

from __future__ import annotations

import copy
import math

import torch
from torch import Tensor, nn

from genai_utils.gpt import GPT
from genai_utils.validation import check_positive_float, check_positive_int
from genai_utils.validation_tensors import check_model

__all__ = ["LoRALinear", "add_lora", "lora_layers", "merge_lora"]


class LoRALinear(nn.Module):
    """Una capa lineal congelada más su corrección de rango bajo ``(α / r) · B A``."""

    def __init__(self, base: nn.Linear, rank: int, alpha: float | None = None) -> None:
        super().__init__()
        check_model(base, "base", nn.Linear)
        self.rank = check_positive_int(rank, "rank", maximum=min(base.in_features,
                                                                   base.out_features))
        self.scale = (rank if alpha is None else check_positive_float(alpha, "alpha")) / rank
        self.base = base
        for p in self.base.parameters():
            p.requires_grad_(False)
        # A con la escala de Kaiming (como nn.Linear) y B a cero: al principio no cambia nada.
        device = base.weight.device
        self.A = nn.Parameter(torch.empty(rank, base.in_features, device=device))
        nn.init.kaiming_uniform_(self.A, a=math.sqrt(5))
        self.B = nn.Parameter(torch.zeros(base.out_features, rank, device=device))

    def forward(self, x: Tensor) -> Tensor:
        """``W x + b + (α / r) · B (A x)``."""
        return self.base(x) + self.scale * (x @ self.A.T @ self.B.T)

    def merged(self) -> nn.Linear:
        """Una ``nn.Linear`` nueva con la corrección fundida en los pesos: ``W + (α / r) B A``."""
        layer = copy.deepcopy(self.base)
        with torch.no_grad():
            layer.weight += self.scale * (self.B @ self.A)
        layer.weight.requires_grad_(True)
        if layer.bias is not None:
            layer.bias.requires_grad_(True)
        return layer


def _linear_slots(model: GPT) -> list[tuple[nn.Module, str]]:
    """Las capas lineales de los bloques: (módulo padre, nombre); en ``mlp``, el índice."""
    slots: list[tuple[nn.Module, str]] = []
    for block in model.blocks:
        slots += [(block.attn, "qkv"), (block.attn, "proj"), (block.mlp, "0"), (block.mlp, "2")]
    return slots


def add_lora(model: GPT, rank: int, alpha: float | None = None) -> GPT:
    """Una copia de ``model`` con todo congelado salvo adaptadores LoRA de rango ``rank``.

    Los adaptadores van en las cuatro capas lineales de cada bloque (las proyecciones de la
    atención y las dos del perceptrón); las incrustaciones, las normalizaciones y la capa de
    salida quedan congeladas. ``alpha`` (por defecto, igual a ``rank``) escala la corrección.
    """
    check_model(model, "model", GPT)
    adapted = copy.deepcopy(model)
    for p in adapted.parameters():
        p.requires_grad_(False)
    for parent, name in _linear_slots(adapted):
        setattr(parent, name, LoRALinear(getattr(parent, name), rank, alpha))
    return adapted


def lora_layers(model: nn.Module) -> list[LoRALinear]:
    """Los adaptadores LoRA de ``model``, en orden."""
    return [m for m in model.modules() if isinstance(m, LoRALinear)]


def merge_lora(model: GPT) -> GPT:
    """Una copia de ``model`` sin adaptadores: cada corrección, fundida en su capa lineal."""
    check_model(model, "model", GPT)
    merged = copy.deepcopy(model)
    for parent, name in _linear_slots(merged):
        layer = getattr(parent, name)
        if isinstance(layer, LoRALinear):
            setattr(parent, name, layer.merged())
    for p in merged.parameters():
        p.requires_grad_(True)
    return merged
