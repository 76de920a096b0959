"""Calendarios de la tasa de aprendizaje que usan los entrenamientos del libro.

Todos parten de la misma curva, medio periodo de coseno que baja de 1 a 0 a lo largo del
entrenamiento (:func:`cosine_factor`), y difieren solo en cómo arrancan:

* :func:`warmup_then_cosine`: sube en línea recta durante ``warmup`` pasos (calentamiento) y
  después baja en coseno hasta ``floor · lr``. Lo usan el GPT del capítulo 5
  (:func:`genai_utils.lm.train_lm`, con ``floor = 0,1``) y la difusión del capítulo 4 (sin
  calentamiento y hasta 0).
* :func:`warmup_times_cosine`: el coseno multiplicado por una rampa de ``warmup`` pasos; lo usa
  el GPT de herramientas del capítulo 6.

``progress`` es la fracción del entrenamiento ya hecha, en [0, 1]: ``step / steps`` cuando el
presupuesto es de pasos, o la fracción del tiempo cuando es de segundos. Son funciones puras
(paso → tasa): el bucle del libro (:class:`genai_utils.trainer.Trainer`) las recibe con la tasa
fijada, p. ej. ``schedule=partial(warmup_then_cosine, lr=3e-3, warmup=50, floor=0.1)``, y las
llama con ``(paso, progreso)`` antes de cada paso del optimizador.
"""

from __future__ import annotations

import math

__all__ = ["cosine_factor", "warmup_then_cosine", "warmup_times_cosine"]


def cosine_factor(progress: float) -> float:
    """``½ (1 + cos(π · progress))``: 1 al empezar, 0 al terminar (``progress`` se recorta a 1)."""
    return 0.5 * (1 + math.cos(math.pi * min(progress, 1.0)))


def warmup_then_cosine(
    step: int, progress: float, lr: float, *, warmup: int = 0, floor: float = 0.0
) -> float:
    """Tasa del paso ``step``: rampa lineal los ``warmup`` primeros pasos y luego coseno.

    Durante el calentamiento vale ``lr · (step + 1) / warmup``; después,
    ``lr · (floor + (1 − floor) · ½ (1 + cos(π · progress)))``, que baja de ``lr`` a ``floor · lr``.
    """
    if step < warmup:
        return lr * (step + 1) / warmup
    return lr * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * min(progress, 1.0))))


def warmup_times_cosine(step: int, progress: float, lr: float, *, warmup: int) -> float:
    """``lr · min(1, (step + 1) / warmup) · ½ (1 + cos(π · progress))``."""
    ramp = min(1.0, (step + 1) / warmup)
    return lr * ramp * 0.5 * (1 + math.cos(math.pi * progress))
