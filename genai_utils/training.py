"""Entrenamiento: semillas, dispositivo y un bucle ``fit`` pequeño y legible.

``fit`` no esconde nada que el lector no pueda escribir: baraja los datos en minilotes, llama a
``loss_fn(model, *lote)``, retropropaga y da un paso del optimizador, época tras época, con una
barra de progreso. Devuelve un ``History`` con la pérdida media de cada época.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from genai_utils.validation import check_non_negative_int, check_positive_float, check_positive_int
from genai_utils.validation_tensors import check_model, check_tensor

Batch = tuple[torch.Tensor, ...]
LossFn = Callable[..., torch.Tensor]


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


@dataclass
class History:
    """Historial de un entrenamiento: pérdida media por época y duración en segundos."""

    losses: list[float] = field(default_factory=list)
    val_losses: list[float] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def final_loss(self) -> float:
        """Pérdida de entrenamiento de la última época."""
        if not self.losses:
            raise ValueError("El historial está vacío: todavía no se ha entrenado ninguna época.")
        return self.losses[-1]


def fit(
    model: nn.Module,
    loss_fn: LossFn,
    data: torch.Tensor | Batch,
    *,
    epochs: int,
    batch_size: int = 128,
    lr: float = 1e-3,
    optimizer: torch.optim.Optimizer | None = None,
    val_data: torch.Tensor | Batch | None = None,
    device: torch.device | str | None = None,
    seed: int = 0,
    desc: str = "Entrenamiento",
    progress: bool = True,
) -> History:
    """Entrena ``model`` minimizando ``loss_fn(model, *lote)`` durante ``epochs`` épocas.

    ``data`` es un tensor o una tupla de tensores con la misma primera dimensión (p. ej.
    ``(x, y)``). El optimizador por defecto es Adam con tasa ``lr``. ``seed`` fija el orden de
    los minilotes y cualquier azar dentro de ``loss_fn``; el estado aleatorio global se
    restaura al terminar. Devuelve un ``History``.
    """
    check_model(model)
    if not callable(loss_fn):
        raise TypeError(f"El argumento `loss_fn` debe ser una función; se recibió {loss_fn!r}.")
    check_positive_int(epochs, "epochs")
    check_positive_int(batch_size, "batch_size")
    check_positive_float(lr, "lr")
    check_non_negative_int(seed, "seed")
    train = _as_batch(data, "data")
    val = None if val_data is None else _as_batch(val_data, "val_data")
    device = torch.device(device) if device is not None else get_device()
    model.to(device)
    if optimizer is None:
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    elif not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(
            "El argumento `optimizer` debe ser un optimizador de `torch.optim`; "
            f"se recibió {type(optimizer).__name__}."
        )
    forked = [device.index or 0] if device.type == "cuda" else []
    with torch.random.fork_rng(devices=forked), torch.enable_grad():
        torch.manual_seed(seed)
        return _train(model, loss_fn, optimizer, train, val, epochs, batch_size, device, seed,
                      desc, progress)


def _train(
    model: nn.Module,
    loss_fn: LossFn,
    optimizer: torch.optim.Optimizer,
    train: Batch,
    val: Batch | None,
    epochs: int,
    batch_size: int,
    device: torch.device,
    seed: int,
    desc: str,
    progress: bool,
) -> History:
    history = History()
    generator = torch.Generator().manual_seed(seed)
    start = time.perf_counter()
    bar = tqdm(range(epochs), desc=desc, disable=not progress)
    model.train()
    for epoch in bar:
        order = torch.randperm(len(train[0]), generator=generator)
        history.losses.append(_train_epoch(model, loss_fn, optimizer, train, order, batch_size,
                                           device, epoch))
        postfix = {"pérdida": f"{history.losses[-1]:.4f}"}
        if val is not None:
            history.val_losses.append(evaluate(model, loss_fn, val, batch_size=batch_size,
                                               device=device))
            postfix["pérdida_val"] = f"{history.val_losses[-1]:.4f}"
        bar.set_postfix(postfix)
    bar.close()
    history.seconds = time.perf_counter() - start
    return history


def _train_epoch(
    model: nn.Module,
    loss_fn: LossFn,
    optimizer: torch.optim.Optimizer,
    data: Batch,
    order: torch.Tensor,
    batch_size: int,
    device: torch.device,
    epoch: int,
) -> float:
    total, count = 0.0, 0
    for batch in _batches(data, order, batch_size, device):
        loss = _scalar_loss(loss_fn(model, *batch), epoch)
        if not loss.requires_grad:
            raise RuntimeError(
                "La pérdida que devuelve `loss_fn` no depende de ningún parámetro entrenable: "
                "¿se calcula con `.detach()`, con `.item()` o con los parámetros congelados?"
            )
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(batch[0])
        count += len(batch[0])
    return total / count


@torch.no_grad()
def evaluate(
    model: nn.Module,
    loss_fn: LossFn,
    data: torch.Tensor | Batch,
    *,
    batch_size: int = 512,
    device: torch.device | str | None = None,
) -> float:
    """Pérdida media de ``loss_fn`` sobre ``data``, en modo evaluación y sin gradientes."""
    check_model(model)
    check_positive_int(batch_size, "batch_size")
    tensors = _as_batch(data, "data")
    if device is None:
        device = next((p.device for p in model.parameters()), torch.device("cpu"))
    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    order = torch.arange(len(tensors[0]))
    for batch in _batches(tensors, order, batch_size, torch.device(device)):
        total += _scalar_loss(loss_fn(model, *batch), None).item() * len(batch[0])
        count += len(batch[0])
    model.train(was_training)
    return total / count


def _batches(
    data: Batch, order: torch.Tensor, batch_size: int, device: torch.device
) -> Iterator[Batch]:
    for i in range(0, len(order), batch_size):
        idx = order[i : i + batch_size]
        yield tuple(t[idx.to(t.device)].to(device) for t in data)


def _scalar_loss(loss: object, epoch: int | None) -> torch.Tensor:
    if not isinstance(loss, torch.Tensor):
        raise TypeError(
            "`loss_fn(model, *lote)` debe devolver un tensor escalar; "
            f"devolvió {type(loss).__name__}."
        )
    if loss.numel() != 1:
        raise ValueError(
            "`loss_fn(model, *lote)` debe devolver un tensor escalar; devolvió uno de forma "
            f"{tuple(loss.shape)}. ¿Olvidaste promediar con `.mean()`?"
        )
    if not math.isfinite(loss.item()):
        where = f" en la época {epoch + 1}" if epoch is not None else ""
        raise FloatingPointError(
            f"La pérdida dejó de ser finita ({loss.item()}){where}. Prueba a bajar la tasa de "
            "aprendizaje `lr` o revisa que los datos no contengan valores NaN o infinitos."
        )
    return loss.reshape(())


def _as_batch(data: object, name: str) -> Batch:
    tensors = tuple(data) if isinstance(data, tuple | list) else (data,)
    if not tensors:
        raise ValueError(f"El argumento `{name}` no puede ser una tupla vacía.")
    for t in tensors:
        check_tensor(t, name)
        if t.ndim == 0:
            raise ValueError(
                f"El argumento `{name}` debe contener tensores con al menos una dimensión "
                "(la de los ejemplos); se recibió un escalar."
            )
    sizes = [len(t) for t in tensors]
    if len(set(sizes)) != 1:
        raise ValueError(
            f"Los tensores de `{name}` deben tener la misma primera dimensión (número de "
            f"ejemplos); se recibieron tamaños {sizes}."
        )
    if sizes[0] == 0:
        raise ValueError(f"El argumento `{name}` no contiene ningún ejemplo.")
    return tensors
