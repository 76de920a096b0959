"""Entrenar por épocas: :func:`fit` y :func:`evaluate`, sobre el bucle único del libro.

``fit`` no esconde nada que el lector no pueda escribir: baraja los datos en minilotes, llama a
``loss_fn(model, *lote)``, retropropaga y da un paso del optimizador, época tras época, con una
barra de progreso. Por debajo usa :class:`~genai_utils.trainer.Trainer`, el bucle por pasos de
todos los modelos del libro, y devuelve un :class:`~genai_utils.history.History` con la pérdida
media de cada época. Este módulo reexporta también el bucle y las utilidades del entorno
(:func:`set_seed`, :func:`get_device`, :func:`limit_threads`, :func:`count_parameters`, de
:mod:`genai_utils.runtime`), para importarlo todo de un sitio."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

import torch
from torch import nn

from genai_utils.history import History
from genai_utils.runtime import count_parameters, get_device, limit_threads, set_seed
from genai_utils.trainer import Trainer, optimizer_step
from genai_utils.validation import check_non_negative_int, check_positive_float, check_positive_int
from genai_utils.validation_tensors import check_model, check_tensor

__all__ = ["History", "Trainer", "count_parameters", "evaluate", "fit", "get_device",
           "limit_threads", "optimizer_step", "set_seed"]

Batch = tuple[torch.Tensor, ...]
LossFn = Callable[..., torch.Tensor]


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
    restaura al terminar. Devuelve un ``History`` con ``"loss"`` (media por ejemplo de cada
    época) y, con ``val_data``, ``"val_loss"``.
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
    order_rng = torch.Generator().manual_seed(seed)

    def epoch_batches(epoch: int) -> Iterator[Batch]:
        order = torch.randperm(len(train[0]), generator=order_rng)
        return _batches(train, order, batch_size, device)

    def step(batch: Batch) -> dict[str, torch.Tensor]:
        return {"loss": _trainable_loss(loss_fn(model, *batch))}

    trainer = Trainer(step, optimizer=optimizer, seed=seed, device=device, desc=desc,
                      progress=progress)
    if val is not None:
        trainer.add_callback("on_log", lambda t: t.history.record(
            "val_loss", evaluate(model, loss_fn, val, batch_size=batch_size, device=device),
            t.steps_done))
    model.train()
    return trainer.run_epochs(epoch_batches, epochs)


def _trainable_loss(loss: object) -> torch.Tensor:
    loss = _scalar_loss(loss)
    if not loss.requires_grad:
        raise RuntimeError(
            "La pérdida que devuelve `loss_fn` no depende de ningún parámetro entrenable: "
            "¿se calcula con `.detach()`, con `.item()` o con los parámetros congelados?"
        )
    return loss


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
        total += _scalar_loss(loss_fn(model, *batch)).item() * len(batch[0])
        count += len(batch[0])
    model.train(was_training)
    return total / count


def _batches(
    data: Batch, order: torch.Tensor, batch_size: int, device: torch.device
) -> Iterator[Batch]:
    for i in range(0, len(order), batch_size):
        idx = order[i : i + batch_size]
        yield tuple(t[idx.to(t.device)].to(device) for t in data)


def _scalar_loss(loss: object) -> torch.Tensor:
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
        raise FloatingPointError(
            f"La pérdida dejó de ser finita ({loss.item()}). Prueba a bajar la tasa de "
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
