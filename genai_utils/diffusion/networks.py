"""Redes que predicen el ruido: la incrustación sinusoidal del paso y los dos desruidores.

Todas comparten la firma ``model(x, t, labels=None)`` y devuelven el ruido que predicen.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn
from torch.nn import functional as F

from genai_utils.data import N_CLASSES
from genai_utils.diffusion.schedules import _PIXELS
from genai_utils.validation import (
    check_non_negative_int,
    check_positive_float,
    check_positive_int,
)
from genai_utils.validation_tensors import check_tensor


# --------------------------------------------------------------------------- redes
def sinusoidal_embedding(t: Tensor, dim: int, max_period: float = 1000.0) -> Tensor:
    """Codificación sinusoidal (N, dim) de los pasos ``t`` (N,), como la de los *transformers*."""
    check_tensor(t, "t", ndim=1, finite=True, non_empty=True)
    if bool((t < 0).any()):
        raise ValueError("El argumento `t` debe contener pasos mayores o iguales que 0.")
    check_positive_int(dim, "dim")
    if dim % 2:
        raise ValueError(f"El argumento `dim` debe ser par; se recibió {dim}.")
    check_positive_float(max_period, "max_period")
    return _sinusoidal(t, dim, max_period)


def _sinusoidal(t: Tensor, dim: int, max_period: float = 1000.0) -> Tensor:
    # Sin comprobaciones: la red la llama en cada paso de entrenamiento y de muestreo.
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, device=t.device) / half)
    angles = t.float()[:, None] * freqs[None]
    return torch.cat([torch.sin(angles), torch.cos(angles)], dim=1)


class _ResidualBlock(nn.Module):
    """h + MLP(h + emb): un bloque residual que recibe el paso (y la clase) sumados."""

    def __init__(self, width: int) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(width, width), nn.SiLU(), nn.Linear(width, width))

    def forward(self, h: Tensor, emb: Tensor) -> Tensor:
        return h + self.net(F.silu(h + emb))


class _Denoiser(nn.Module):
    """Red común: entrada → bloques residuales condicionados por (t, clase) → ruido."""

    def __init__(
        self, dim: int, width: int, depth: int, n_steps: int, num_classes: int, emb_dim: int
    ) -> None:
        super().__init__()
        check_positive_int(width, "width")
        check_positive_int(depth, "depth")
        check_positive_int(n_steps, "n_steps")
        check_non_negative_int(num_classes, "num_classes")
        self.dim, self.n_steps, self.num_classes, self.emb_dim = dim, n_steps, num_classes, emb_dim
        self.time_mlp = nn.Sequential(nn.Linear(emb_dim, width), nn.SiLU(), nn.Linear(width, width))
        # Una fila más para la etiqueta «nula» (índice num_classes): la predicción sin condición.
        self.class_emb = nn.Embedding(num_classes + 1, width) if num_classes else None
        self.inp = nn.Linear(dim, width)
        self.blocks = nn.ModuleList(_ResidualBlock(width) for _ in range(depth))
        self.out = nn.Sequential(nn.SiLU(), nn.Linear(width, dim))

    def forward(self, x: Tensor, t: Tensor, labels: Tensor | None = None) -> Tensor:
        """Predice el ruido ε de ``x`` (N, …) en los pasos ``t`` (N,), con ``labels`` (N,)."""
        check_tensor(x, "x", floating=True)
        shape = x.shape
        flat = x.reshape(len(x), -1)
        if flat.shape[1] != self.dim:
            raise ValueError(
                f"El argumento `x` debe tener {self.dim} valores por ejemplo; "
                f"se recibió forma {tuple(shape)}."
            )
        t = t.to(x.device)
        steps = t.float() * (1000.0 / self.n_steps)  # misma escala de frecuencias para cualquier T
        emb = self.time_mlp(_sinusoidal(steps, self.emb_dim))
        if self.class_emb is not None:
            if labels is None:
                labels = torch.full((len(x),), self.num_classes, dtype=torch.long, device=x.device)
            emb = emb + self.class_emb(labels.to(x.device))
        elif labels is not None:
            raise ValueError("Esta red no es condicional (num_classes=0): pasa `labels=None`.")
        h = self.inp(flat)
        for block in self.blocks:
            h = block(h, emb)
        return self.out(h).reshape(shape)


class ToyDenoiser(_Denoiser):
    """Red que predice el ruido de puntos en 2-D: un perceptrón residual de ``depth`` bloques."""

    def __init__(
        self, n_steps: int, *, width: int = 64, depth: int = 3, num_classes: int = 0
    ) -> None:
        super().__init__(2, width, depth, n_steps, num_classes, emb_dim=32)


class DigitDenoiser(_Denoiser):
    """Red que predice el ruido de dígitos (N, 1, 8, 8): un perceptrón residual sobre los 64
    píxeles, condicionado por el paso y, si ``num_classes > 0``, por el dígito."""

    def __init__(
        self, n_steps: int, *, width: int = 128, depth: int = 2, num_classes: int = N_CLASSES
    ) -> None:
        super().__init__(_PIXELS, width, depth, n_steps, num_classes, emb_dim=64)
