"""Coste de cálculo: parámetros, operaciones (FLOP) y tiempo de entrenamiento de los modelos.

Se cuentan **operaciones de coma flotante** (FLOP): un producto de matrices ``(m × k) · (k × n)``
hace ``m·k·n`` multiplicaciones y otras tantas sumas, es decir, ``2·m·k·n`` operaciones. Las
normalizaciones, activaciones y *softmax* cuestan mucho menos y no se cuentan (como hace
``torch.utils.flop_counter``).

* :func:`gpt_parameter_count` y :func:`gpt_forward_flops` dan la cuenta exacta, a mano, del GPT
  del capítulo 5: ``12·C²`` pesos por bloque, ``2`` operaciones por peso y token, más la atención,
  que crece con la longitud ``T`` de la secuencia.
* :func:`forward_flops_rule` (``2N`` por token) y :func:`training_flops` (``6·N·D``) son las reglas
  aproximadas de las leyes de escala (Kaplan et al., 2020).
* :func:`count_flops` mide las operaciones de cualquier función con ``FlopCounterMode`` de PyTorch
  (añadiendo la atención optimizada de la CPU, que el contador no conoce).
* :func:`measure_throughput` cronometra unos pasos y da los FLOP/s conseguidos; con ellos,
  :func:`training_seconds` y :func:`format_duration` extrapolan a modelos publicados
  (:data:`PUBLISHED_MODELS`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import torch
from torch.utils import flop_counter

from genai_utils.gpt import GPTConfig
from genai_utils.report import fmt_sig
from genai_utils.validation import check_positive_float, check_positive_int

__all__ = [
    "EU_AI_ACT_THRESHOLD",
    "PUBLISHED_MODELS",
    "PublishedModel",
    "Throughput",
    "count_flops",
    "forward_flops_rule",
    "format_duration",
    "gpt_forward_flops",
    "gpt_parameter_count",
    "gpt_training_flops",
    "measure_throughput",
    "mlp_forward_flops",
    "training_flops",
    "training_seconds",
]

#: Umbral de cálculo de entrenamiento (operaciones) a partir del cual el Reglamento europeo de IA
#: (Reglamento (UE) 2024/1689, art. 51) presume que un modelo de uso general tiene riesgo sistémico.
EU_AI_ACT_THRESHOLD = 1e25


def _check_config(config: object) -> GPTConfig:
    if not isinstance(config, GPTConfig):
        raise TypeError(
            f"El argumento `config` debe ser un GPTConfig; se recibió {type(config).__name__}."
        )
    return config


def gpt_parameter_count(config: GPTConfig) -> int:
    """Parámetros del GPT del capítulo 5, contados a mano.

    Incrustaciones (*embeddings*) de token ``V·C`` y de posición ``T·C``; por bloque,
    ``12·C² + 13·C`` (atención ``4·C² + 4·C``, perceptrón ``8·C² + 5·C``, dos normalizaciones
    ``4·C``); la normalización final ``2·C``. La capa de salida comparte pesos con las
    incrustaciones.
    """
    c = _check_config(config)
    C = c.n_embd
    return c.vocab_size * C + c.context * C + c.n_layer * (12 * C * C + 13 * C) + 2 * C


def gpt_forward_flops(config: GPTConfig, seq_len: int | None = None, batch: int = 1) -> int:
    """Operaciones de una pasada hacia delante del GPT con ``batch`` secuencias de ``seq_len``.

    Por token y bloque: ``2·12·C²`` en las capas lineales; por secuencia y bloque, ``4·T²·C`` en la
    atención (``q·kᵀ`` y ``pesos·v``, la matriz ``T × T`` completa, sin descontar la máscara); por
    token, ``2·V·C`` en la capa de salida. Es lo mismo que cuenta ``FlopCounterMode``.
    """
    c = _check_config(config)
    T = c.context if seq_len is None else check_positive_int(seq_len, "seq_len")
    check_positive_int(batch, "batch")
    if T > c.context:
        raise ValueError(f"`seq_len` ({T}) no puede superar el contexto del modelo ({c.context}).")
    C, L, V = c.n_embd, c.n_layer, c.vocab_size
    per_token = 2 * 12 * L * C * C + 2 * V * C
    attention = 4 * L * T * T * C
    return batch * (T * per_token + attention)


def gpt_training_flops(config: GPTConfig, seq_len: int | None = None, batch: int = 1) -> int:
    """Operaciones de un paso de entrenamiento: hacia delante más hacia atrás ≈ 3 × adelante.

    Hacia atrás, cada producto de matrices se hace dos veces (gradiente respecto de la entrada y
    respecto de los pesos): el doble que hacia delante.
    """
    return 3 * gpt_forward_flops(config, seq_len, batch)


def forward_flops_rule(n_params: int) -> int:
    """Regla aproximada: ``2·N`` operaciones por token hacia delante (una suma y un producto por
    parámetro)."""
    return 2 * check_positive_int(n_params, "n_params")


def training_flops(n_params: float, n_tokens: float) -> float:
    """Regla ``6·N·D``: operaciones para entrenar ``N`` parámetros con ``D`` tokens (2 hacia
    delante y 4 hacia atrás por parámetro y token)."""
    check_positive_float(n_params, "n_params")
    check_positive_float(n_tokens, "n_tokens")
    return 6.0 * n_params * n_tokens


def mlp_forward_flops(sizes: Sequence[int], batch: int = 1) -> int:
    """Operaciones de un perceptrón con capas de tamaños ``sizes`` (p. ej. ``[3, 4, 2]``): cada
    capa lineal de ``a`` a ``b`` hace ``2·a·b`` por ejemplo (los sesgos y activaciones no se
    cuentan)."""
    if isinstance(sizes, str) or not isinstance(sizes, Sequence) or len(sizes) < 2:
        raise ValueError(
            "El argumento `sizes` debe ser una lista de al menos dos tamaños de capa; "
            f"se recibió {sizes!r}."
        )
    dims = [check_positive_int(s, "sizes") for s in sizes]
    check_positive_int(batch, "batch")
    return batch * sum(2 * a * b for a, b in zip(dims, dims[1:], strict=False))


def _attention_forward(q: Any, k: Any, v: Any, *args: Any, out_shape: Any = None,
                       **kwargs: Any) -> int:
    return flop_counter.sdpa_flop_count(q, k, v)


def _attention_backward(g: Any, q: Any, k: Any, v: Any, *args: Any, out_shape: Any = None,
                        **kwargs: Any) -> int:
    return flop_counter.sdpa_backward_flop_count(g, q, k, v)


def _custom_mapping() -> dict[Any, Any]:
    """Fórmulas para la atención optimizada de la CPU, que ``FlopCounterMode`` no trae."""
    aten = torch.ops.aten
    mapping: dict[Any, Any] = {}
    if hasattr(aten, "_scaled_dot_product_flash_attention_for_cpu"):
        mapping[aten._scaled_dot_product_flash_attention_for_cpu] = _attention_forward
        mapping[aten._scaled_dot_product_flash_attention_for_cpu_backward] = _attention_backward
    return mapping


def count_flops(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> int:
    """Ejecuta ``fn(*args, **kwargs)`` bajo ``FlopCounterMode`` y devuelve las operaciones."""
    if not callable(fn):
        raise TypeError(f"El argumento `fn` debe ser una función; se recibió {fn!r}.")
    with flop_counter.FlopCounterMode(display=False, custom_mapping=_custom_mapping()) as counter:
        fn(*args, **kwargs)
    return int(counter.get_total_flops())


@dataclass(frozen=True)
class Throughput:
    """Un entrenamiento cronometrado: pasos, operaciones totales, segundos y FLOP/s."""

    steps: int
    flops: int
    seconds: float

    @property
    def flops_per_second(self) -> float:
        """Operaciones por segundo conseguidas."""
        return self.flops / self.seconds


def measure_throughput(step: Callable[[], Any], steps: int, *, warmup: int = 1) -> Throughput:
    """Cuenta las operaciones de un paso y cronometra ``steps`` pasos más.

    ``step`` es una función sin argumentos que hace un paso completo (p. ej. hacia delante, hacia
    atrás y actualización). Se supone que todos los pasos cuestan lo mismo. ``warmup`` pasos
    previos (sin cronometrar) evitan medir la primera llamada, que es más lenta.
    """
    if not callable(step):
        raise TypeError(f"El argumento `step` debe ser una función; se recibió {step!r}.")
    check_positive_int(steps, "steps")
    if not isinstance(warmup, int) or warmup < 0:
        raise ValueError(f"El argumento `warmup` debe ser un entero ≥ 0; se recibió {warmup!r}.")
    per_step = count_flops(step)
    for _ in range(warmup):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    seconds = time.perf_counter() - start
    return Throughput(steps, per_step * steps, seconds)


def training_seconds(flops: float, flops_per_second: float) -> float:
    """Segundos que tardaría una máquina de ``flops_per_second`` en hacer ``flops`` operaciones."""
    check_positive_float(flops, "flops")
    check_positive_float(flops_per_second, "flops_per_second")
    return flops / flops_per_second


_UNITS = [
    (365.25 * 86400, "años"),
    (86400, "días"),
    (3600, "horas"),
    (60, "minutos"),
    (1, "segundos"),
]


_LARGE = [(1e9, "mil millones de"), (1e6, "millones de"), (1e3, "mil")]


def format_duration(seconds: float) -> str:
    """Duración legible en español: ``"3,2 días"``, ``"4,6 millones de años"``…"""
    check_positive_float(seconds, "seconds")
    for size, name in _UNITS:
        if seconds >= size or size == 1:
            value = seconds / size
            prefix = ""
            if name == "años":
                for scale, word in _LARGE:
                    if value >= scale:
                        value, prefix = value / scale, f"{word} "
                        break
            return f"{fmt_sig(value, 3)} {prefix}{name}"
    raise AssertionError  # pragma: no cover


@dataclass(frozen=True)
class PublishedModel:
    """Un modelo publicado: parámetros, tokens de entrenamiento, cálculo declarado (si lo hay)
    y la clave de la referencia bibliográfica del libro."""

    name: str
    params: float
    tokens: float
    reported_flops: float | None
    source: str

    @property
    def flops_6nd(self) -> float:
        """Cálculo estimado con la regla ``6·N·D``."""
        return training_flops(self.params, self.tokens)


PUBLISHED_MODELS: list[PublishedModel] = [
    PublishedModel("GPT-3", 175e9, 300e9, 3.14e23, "brown2020"),
    PublishedModel("Chinchilla", 70e9, 1.4e12, None, "hoffmann2022"),
    PublishedModel("Llama 3 405B", 405e9, 15.6e12, 3.8e25, "dubey2024"),
]
