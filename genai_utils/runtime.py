"""El entorno de un entrenamiento: semillas, dispositivo, hilos de CPU y tamaño del modelo.

Se usan en todos los capítulos (y :mod:`genai_utils.training` las reexporta): :func:`set_seed`
fija las semillas de ``random``, NumPy y PyTorch; :func:`get_device` elige la GPU si la hay;
:func:`limit_threads` limita los hilos de PyTorch dentro de un bloque ``with``;
:func:`count_parameters` cuenta los parámetros entrenables.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import torch
from torch import nn

from genai_utils.validation import check_non_negative_int, check_positive_int
from genai_utils.validation_tensors import check_model

__all__ = ["count_parameters", "get_device", "limit_threads", "set_seed"]


def set_seed(seed: int) -> None:
    """Fija la semilla de ``random``, NumPy y PyTorch (también CUDA si la hay)."""
    check_non_negative_int(seed, "seed")
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)


def get_device(prefer_gpu: bool = True) -> torch.device:
    """Devuelve ``cuda`` si hay GPU de NVIDIA, ``mps`` en un Mac con Apple Silicon, o ``cpu``."""
    if prefer_gpu and torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if prefer_gpu and mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


@contextmanager
def limit_threads(n: int = 1) -> Iterator[None]:
    """Usa como mucho ``n`` hilos de CPU en PyTorch dentro del bloque ``with`` y luego restaura.

    Con modelos diminutos un solo hilo suele ser más rápido, sobre todo si la CPU está ocupada.
    """
    check_positive_int(n, "n")
    previous = torch.get_num_threads()
    torch.set_num_threads(min(n, previous))
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def count_parameters(model: nn.Module) -> int:
    """Cuenta los parámetros entrenables (``requires_grad=True``) de ``model``."""
    check_model(model)
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
