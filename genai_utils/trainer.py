"""El bucle de entrenamiento del libro, por pasos, como el ``trainer.py`` de minGPT.

Cada modelo aporta solo su ``step(lote) -> {nombre: valor}`` (calcula la pérdida) y
:class:`Trainer` pone el resto, igual para todos: el presupuesto de pasos o de segundos, el
calendario de la tasa de aprendizaje (:mod:`genai_utils.schedules`), el paso del optimizador con
recorte del gradiente (:func:`optimizer_step`), la barra de progreso, las medias por tramo, las
evaluaciones periódicas (*callbacks*), los hilos de CPU y la semilla. Todo queda en un
:class:`~genai_utils.history.History`. Lo usan :func:`genai_utils.training.fit` (por épocas),
la GAN, la difusión, el modelo de lenguaje, el GPT de herramientas y la mezcla de gaussianas.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from typing import Any

import torch
from torch import nn
from tqdm.auto import tqdm

from genai_utils.history import History
from genai_utils.report import fmt_num
from genai_utils.runtime import limit_threads
from genai_utils.validation import (
    check_non_negative_int,
    check_positive_float,
    check_positive_int,
    check_stop,
)

__all__ = ["Trainer", "optimizer_step"]

Batch = tuple[torch.Tensor, ...]
Values = Mapping[str, torch.Tensor | float]
StepFn = Callable[[Any], Values]
Schedule = Callable[[int, float], float]
Callback = Callable[["Trainer"], None]
EVENTS = ("on_step_end", "on_log")
# Rótulos de la barra de progreso para las series de siempre; las demás salen con su nombre.
_LABELS = {"loss": "pérdida", "val_loss": "pérdida_val", "d_loss": "pérdida_D",
           "g_loss": "pérdida_G"}


def optimizer_step(
    optimizer: torch.optim.Optimizer, loss: torch.Tensor, *, clip_grad: float | None = None
) -> None:
    """Un paso de descenso: borra gradientes, retropropaga ``loss``, recorta y actualiza.

    Con ``clip_grad`` la norma conjunta del gradiente de los parámetros del optimizador se
    recorta a ese valor (``torch.nn.utils.clip_grad_norm_``).
    """
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    if clip_grad is not None:
        params = [p for group in optimizer.param_groups for p in group["params"]]
        nn.utils.clip_grad_norm_(params, clip_grad)
    optimizer.step()


class Trainer:
    """El bucle de entrenamiento del libro: ``step(lote)`` una y otra vez, y lo demás alrededor.

    ``step`` recibe un lote y devuelve un diccionario ``{nombre: valor}`` (tensores escalares o
    números). Con ``optimizer``, la clave ``"loss"`` es la pérdida que el bucle retropropaga
    (:func:`optimizer_step`, con ``clip_grad``); sin él, ``step`` hace sus propias
    actualizaciones (la GAN da dos, una por red). Antes de cada paso, ``schedule(paso,
    progreso)`` fija la tasa de aprendizaje (``progreso``: fracción del presupuesto ya hecha).
    Cada ``log_every`` pasos (y al final) se guarda en el historial la media de cada valor en
    el tramo y se llaman los *callbacks* ``"on_log"``; los ``"on_step_end"``, tras cada paso.
    Con ``seed``, el estado aleatorio global se siembra dentro y se restaura al terminar; con
    ``threads``, PyTorch usa como mucho esos hilos de CPU.
    """

    def __init__(
        self,
        step: StepFn,
        *,
        optimizer: torch.optim.Optimizer | None = None,
        schedule: Schedule | None = None,
        clip_grad: float | None = None,
        log_every: int = 1,
        seed: int | None = None,
        threads: int | None = None,
        device: torch.device | str | None = None,
        desc: str = "Entrenamiento",
        progress: bool = True,
    ) -> None:
        if not callable(step):
            raise TypeError(f"El argumento `step` debe ser una función; se recibió {step!r}.")
        if optimizer is not None and not isinstance(optimizer, torch.optim.Optimizer):
            raise TypeError(
                "El argumento `optimizer` debe ser un optimizador de `torch.optim`; "
                f"se recibió {type(optimizer).__name__}."
            )
        if (schedule is not None or clip_grad is not None) and optimizer is None:
            raise ValueError("Los argumentos `schedule` y `clip_grad` necesitan `optimizer`.")
        if clip_grad is not None:
            check_positive_float(clip_grad, "clip_grad")
        self.step_fn, self.optimizer = step, optimizer
        self.schedule, self.clip_grad = schedule, clip_grad
        self.log_every = check_positive_int(log_every, "log_every")
        self.seed = None if seed is None else check_non_negative_int(seed, "seed")
        self.threads = None if threads is None else check_positive_int(threads, "threads")
        self.device = torch.device("cpu" if device is None else device)
        self.desc, self.progress = desc, progress
        self.callbacks: dict[str, list[Callback]] = {event: [] for event in EVENTS}
        self.history, self.steps_done, self.last = History(), 0, {}
        self._window: dict[str, list[float]] = {}

    def add_callback(self, event: str, callback: Callback) -> Trainer:
        """Llama a ``callback(trainer)`` en cada ``event`` (``"on_step_end"`` u ``"on_log"``)."""
        if event not in EVENTS:
            raise ValueError(
                f"El argumento `event` debe ser uno de {EVENTS}; se recibió {event!r}."
            )
        self.callbacks[event].append(callback)
        return self

    def run(
        self, next_batch: Callable[[], Any], *, steps: int | None = None,
        max_seconds: float | None = None,
    ) -> History:
        """Entrena ``steps`` pasos o ``max_seconds`` segundos (lo que llegue antes).

        ``next_batch()`` da el lote de cada paso; se llama después de fijar la tasa.
        """
        check_stop(steps, max_seconds)
        with self._context():
            start = time.perf_counter()
            bar = tqdm(total=steps, desc=self.desc, disable=not self.progress, mininterval=0.5)
            while True:
                elapsed = time.perf_counter() - start
                done = _fraction_done(self.steps_done, elapsed, steps, max_seconds)
                if done >= 1.0:
                    break
                self._set_lr(done)
                self._train_on(next_batch())
                bar.update(1)
                if self.steps_done % self.log_every == 0:
                    self._log(bar)
            if self._window:
                self._log(bar)
            bar.close()
            self.history.seconds = time.perf_counter() - start
        return self.history

    def run_epochs(self, epoch_batches: Callable[[int], Iterable[Batch]], epochs: int) -> History:
        """Épocas, como comodidad: recorre los lotes de ``epoch_batches(época)`` ``epochs`` veces.

        Al final de cada época guarda la media de cada valor **por ejemplo** (cada lote pesa
        ``len(lote[0])``) y llama a los *callbacks* ``"on_log"``.
        """
        check_positive_int(epochs, "epochs")
        with self._context():
            start = time.perf_counter()
            bar = tqdm(range(epochs), desc=self.desc, disable=not self.progress)
            for epoch in bar:
                for batch in epoch_batches(epoch):
                    self._set_lr(epoch / epochs)
                    self._train_on(batch, weight=len(batch[0]))
                self._log(bar)
            bar.close()
            self.history.seconds = time.perf_counter() - start
        return self.history

    @contextmanager
    def _context(self) -> Iterator[None]:
        with ExitStack() as stack:
            if self.threads is not None:
                stack.enter_context(limit_threads(self.threads))
            if self.seed is not None:
                forked = [self.device.index or 0] if self.device.type == "cuda" else []
                stack.enter_context(torch.random.fork_rng(devices=forked))
                torch.manual_seed(self.seed)
            stack.enter_context(torch.enable_grad())
            yield

    def _set_lr(self, done: float) -> None:
        if self.schedule is not None:
            for group in self.optimizer.param_groups:
                group["lr"] = self.schedule(self.steps_done, done)

    def _train_on(self, batch: Any, weight: int = 1) -> None:
        out = self.step_fn(batch)
        values = {k: v.item() if isinstance(v, torch.Tensor) else float(v) for k, v in out.items()}
        for name, value in values.items():
            if not math.isfinite(value):
                raise FloatingPointError(
                    f"El valor `{name}` dejó de ser finito ({value}) en el paso "
                    f"{self.steps_done + 1}. Prueba a bajar la tasa de aprendizaje `lr` o "
                    "revisa que los datos no contengan valores NaN o infinitos."
                )
        if self.optimizer is not None:
            loss = out.get("loss")
            if not isinstance(loss, torch.Tensor):
                raise TypeError("Con `optimizer`, `step` debe devolver la pérdida (un tensor) en "
                                'la clave "loss".')
            optimizer_step(self.optimizer, loss, clip_grad=self.clip_grad)
        for name, value in values.items():
            total = self._window.setdefault(name, [0.0, 0])
            total[0] += value * weight
            total[1] += weight
        self.steps_done, self.last = self.steps_done + 1, values
        for callback in self.callbacks["on_step_end"]:
            callback(self)

    def _log(self, bar: tqdm) -> None:
        for name, (total, count) in self._window.items():
            self.history.record(name, total / count, self.steps_done)
        self._window = {}
        for callback in self.callbacks["on_log"]:
            callback(self)
        bar.set_postfix({_LABELS.get(name, name): fmt_num(self.history[name][-1], 4)
                         for name in self.history.names}, refresh=False)


def _fraction_done(
    step: int, elapsed: float, max_steps: int | None, max_seconds: float | None
) -> float:
    fractions = []
    if max_steps is not None:
        fractions.append(step / max_steps)
    if max_seconds is not None:
        fractions.append(elapsed / max_seconds)
    return max(fractions)
