"""Marca de agua estadística para texto generado: la «lista verde» de Kirchenbauer et al. (2023).

La idea cabe en tres líneas:

1. Antes de elegir cada token, el token **anterior** y una **clave** secreta deciden, con un
   generador pseudoaleatorio, qué fracción ``gamma`` del vocabulario es «verde» en ese paso.
2. Al generar se suma ``delta`` a los *logits* de los tokens verdes: el modelo sigue eligiendo
   lo que le parece probable, pero, cuando duda entre opciones parecidas, se inclina por las
   verdes.
3. Quien conoce la clave cuenta cuántos tokens del texto son verdes. Sin marca, cada token es
   verde con probabilidad ``gamma`` y la cuenta ``|s|_G`` de ``T`` tokens sigue una binomial;
   el estadístico

       z = (|s|_G − γT) / √(T γ (1 − γ))

   es aproximadamente normal estándar. Un texto marcado tiene muchos más verdes y un ``z`` alto.

El detector no necesita el modelo, solo la clave y el tokenizador. La lista verde tiene
exactamente ``round(gamma · V)`` tokens; el detector usa la fracción efectiva ``|verde| / V`` para
que ``z`` quede bien calibrado aunque ``gamma · V`` no sea entero.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from numbers import Real
from statistics import NormalDist

import torch
from torch import Tensor, nn

from genai_utils.generation import LogitsProcessor, generate_tokens
from genai_utils.validation import (
    check_fraction,
    check_instance,
    check_non_negative_float,
    check_non_negative_int,
    check_positive_int,
    check_text,
)
from genai_utils.validation_tensors import check_tensor

__all__ = [
    "WatermarkConfig",
    "WatermarkScore",
    "delete_tokens",
    "detect",
    "detect_text",
    "detection_rate",
    "generate",
    "green_list",
    "green_mask",
    "p_value",
    "substitute_tokens",
    "watermark_logits",
    "watermark_processor",
    "z_score",
    "z_threshold",
]


@dataclass(frozen=True)
class WatermarkConfig:
    """Parámetros de la marca: tamaño del vocabulario, fracción verde, sesgo y clave.

    ``gamma`` ∈ (0, 1) es la fracción del vocabulario que es verde en cada paso; ``delta`` ≥ 0
    es lo que se suma a los *logits* verdes (``delta = 0`` genera sin marca); ``key`` es la
    clave secreta (un entero) que comparten quien genera y quien detecta.
    """

    vocab_size: int
    gamma: float = 0.25
    delta: float = 2.0
    key: int = 0
    _cache: dict[int, Tensor] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_positive_int(self.vocab_size, "vocab_size")
        check_fraction(self.gamma, "gamma")
        check_non_negative_float(self.delta, "delta")
        check_non_negative_int(self.key, "key")
        if self.green_size in (0, self.vocab_size):
            raise ValueError(
                f"Con `gamma`={self.gamma} y `vocab_size`={self.vocab_size} la lista verde "
                f"tendría {self.green_size} tokens: elige una `gamma` que deje verdes y rojos."
            )

    @property
    def green_size(self) -> int:
        """Número de tokens verdes en cada paso: ``round(gamma · vocab_size)``."""
        return round(self.gamma * self.vocab_size)

    @property
    def effective_gamma(self) -> float:
        """Fracción verde real, ``green_size / vocab_size``: la que usa el detector."""
        return self.green_size / self.vocab_size


def _seed(key: int, previous: int) -> int:
    """Semilla de 63 bits que depende de la clave y del token anterior (SHA-256, portable)."""
    digest = hashlib.sha256(f"{key}:{previous}".encode()).digest()
    return int.from_bytes(digest[:8], "little") >> 1


def green_list(previous: int, config: WatermarkConfig) -> Tensor:
    """Identificadores (ordenados) de los tokens verdes tras el token ``previous``."""
    mask = green_mask(previous, config)
    return mask.nonzero().flatten()


def _check_config(config: object) -> WatermarkConfig:
    return check_instance(config, "config", WatermarkConfig)


def green_mask(previous: int, config: WatermarkConfig) -> Tensor:
    """Máscara booleana (V,) de la lista verde tras ``previous``; se calcula una vez y se guarda."""
    _check_config(config)
    check_non_negative_int(previous, "previous")
    if previous >= config.vocab_size:
        raise ValueError(
            f"El argumento `previous` ({previous}) está fuera del vocabulario "
            f"[0, {config.vocab_size})."
        )
    if previous not in config._cache:
        generator = torch.Generator().manual_seed(_seed(config.key, previous))
        order = torch.randperm(config.vocab_size, generator=generator)
        mask = torch.zeros(config.vocab_size, dtype=torch.bool)
        mask[order[: config.green_size]] = True
        config._cache[previous] = mask
    return config._cache[previous]


def watermark_logits(logits: Tensor, previous: Tensor, config: WatermarkConfig) -> Tensor:
    """Suma ``delta`` a los *logits* (B, V) de los tokens verdes según el token anterior (B,)."""
    _check_config(config)
    check_tensor(logits, "logits", ndim=2, floating=True, finite=True)
    check_tensor(previous, "previous", ndim=1, floating=False)
    if logits.shape[1] != config.vocab_size:
        raise ValueError(
            f"El argumento `logits` debe tener {config.vocab_size} columnas (`vocab_size`); "
            f"se recibió un tensor de forma {tuple(logits.shape)}."
        )
    if len(previous) != len(logits):
        raise ValueError(
            f"El argumento `previous` debe tener un token por fila de `logits` ({len(logits)}); "
            f"se recibieron {len(previous)}."
        )
    if len(previous) and (int(previous.min()) < 0 or int(previous.max()) >= config.vocab_size):
        raise ValueError(
            "El argumento `previous` contiene tokens fuera del vocabulario "
            f"[0, {config.vocab_size})."
        )
    return _watermark_logits(logits, previous, config)


def _watermark_logits(logits: Tensor, previous: Tensor, config: WatermarkConfig) -> Tensor:
    # Sin comprobaciones: ``generate`` valida una vez, antes del bucle.
    masks = torch.stack([green_mask(int(p), config) for p in previous]).to(logits.device)
    return logits + config.delta * masks.to(logits.dtype)


LogitsFn = Callable[[Tensor], Tensor]


@torch.no_grad()
def generate(
    model: nn.Module | LogitsFn,
    idx: Tensor,
    max_new_tokens: int,
    config: WatermarkConfig | None = None,
    *,
    temperature: float = 1.0,
    context: int | None = None,
    seed: int | None = None,
) -> Tensor:
    """Genera ``max_new_tokens`` tokens tras ``idx`` (B, T), con marca si se da ``config``.

    ``model`` es cualquier modelo de lenguaje que reciba ``ids`` (B, T) y devuelva *logits*
    (B, T, V) o una tupla que empiece por ellos (el GPT del capítulo 5, por ejemplo). En cada
    paso se toman los *logits* de la última posición, se les suma ``delta`` en la lista verde
    del token anterior y se sortea con ``temperature``. ``context`` recorta la ventana (por
    defecto, ``model.config.context`` si existe).
    """
    check_tensor(idx, "idx", ndim=2, floating=False)
    if idx.shape[1] == 0:
        raise ValueError("El argumento `idx` debe tener al menos un token: el primero no se marca.")
    if len(idx) == 0:
        raise ValueError("El argumento `idx` debe tener al menos una fila (una secuencia).")
    if not callable(model):
        raise TypeError(
            "El argumento `model` debe ser un modelo o una función ids → logits; "
            f"se recibió {type(model).__name__}."
        )
    if config is not None:
        _check_config(config)
        if int(idx.min()) < 0 or int(idx.max()) >= config.vocab_size:
            raise ValueError(
                "El argumento `idx` contiene tokens fuera del vocabulario "
                f"[0, {config.vocab_size})."
            )
    if context is None:
        context = getattr(getattr(model, "config", None), "context", None)
    processors = [] if config is None else [watermark_processor(config)]
    was_training = getattr(model, "training", False)
    if isinstance(model, nn.Module):
        model.eval()
    try:
        return generate_tokens(
            lambda window: _last_logits(model, window), idx, max_new_tokens,
            temperature=temperature, processors=processors, context=context, seed=seed,
        )
    finally:
        if isinstance(model, nn.Module):
            model.train(was_training)


def _last_logits(model: nn.Module | LogitsFn, window: Tensor) -> Tensor:
    out = model(window)
    return (out[0] if isinstance(out, tuple) else out)[:, -1, :].float()


def watermark_processor(config: WatermarkConfig) -> LogitsProcessor:
    """Procesador de logits que suma ``config.delta`` a la lista verde del token anterior.

    Se enchufa en cualquier bucle de generación del libro, p. ej.
    ``gpt.generate(ids, 50, processors=[watermark_processor(config)])``.
    """
    _check_config(config)

    def process(ids: Tensor, logits: Tensor) -> Tensor:
        if logits.shape[-1] != config.vocab_size:
            raise ValueError(
                f"El modelo da {logits.shape[-1]} *logits* por token y `config.vocab_size` "
                f"es {config.vocab_size}: deben coincidir."
            )
        return _watermark_logits(logits, ids[:, -1], config)

    return process


@dataclass(frozen=True)
class WatermarkScore:
    """Resultado de la detección: verdes, tokens puntuados, ``z`` y valor p (unilateral)."""

    green: int
    tokens: int
    z: float
    p_value: float


def z_score(green: int, tokens: int, gamma: float) -> float:
    """z = (verdes − γT) / √(T γ (1 − γ))."""
    check_non_negative_int(green, "green")
    check_positive_int(tokens, "tokens")
    check_fraction(gamma, "gamma")
    if green > tokens:
        raise ValueError(f"`green` ({green}) no puede superar `tokens` ({tokens}).")
    return (green - gamma * tokens) / math.sqrt(tokens * gamma * (1 - gamma))


def p_value(z: float) -> float:
    """Probabilidad de un ``z`` igual o mayor sin marca de agua: 1 − Φ(z)."""
    if isinstance(z, bool) or not isinstance(z, Real):
        raise TypeError(f"El argumento `z` debe ser un número real; se recibió {z!r}.")
    if math.isnan(z):
        raise ValueError("El argumento `z` no puede ser NaN.")
    return 0.5 * math.erfc(z / math.sqrt(2))


def detect(
    tokens: Sequence[int] | Tensor, config: WatermarkConfig, *, unique: bool = False
) -> WatermarkScore:
    """Cuenta los tokens verdes de ``tokens`` (1-D) y calcula ``z`` y el valor p.

    Se puntúan los ``T = len(tokens) − 1`` tokens que tienen un anterior; el primero solo sirve
    de semilla para el segundo. Con ``unique=True`` cada pareja (anterior, token) cuenta una sola
    vez: en un texto humano las parejas frecuentes («de», «la») se repiten y tienen siempre el
    mismo color, lo que desvía ``z``; contarlas una vez lo corrige.
    """
    _check_config(config)
    ids = _as_ids(tokens, "tokens")
    if len(ids) < 2:
        raise ValueError(
            "El argumento `tokens` debe tener al menos 2 tokens (el primero solo decide la "
            f"lista verde del segundo); se recibieron {len(ids)}."
        )
    if min(ids) < 0 or max(ids) >= config.vocab_size:
        raise ValueError(
            f"`tokens` contiene identificadores fuera del vocabulario [0, {config.vocab_size})."
        )
    pairs = torch.tensor(list(zip(ids, ids[1:], strict=False)), dtype=torch.long)
    if unique:
        pairs = pairs.unique(dim=0)
    previous, inverse = pairs[:, 0].unique(return_inverse=True)
    masks = torch.stack([green_mask(int(p), config) for p in previous])  # una fila por anterior
    green = int(masks[inverse, pairs[:, 1]].sum())
    T = len(pairs)
    z = z_score(green, T, config.effective_gamma)
    return WatermarkScore(green, T, z, p_value(z))


def detect_text(
    text: str, encode: Callable[[str], Sequence[int] | Tensor], config: WatermarkConfig
) -> WatermarkScore:
    """Como :func:`detect`, pero a partir de un texto y de la función ``encode`` del tokenizador."""
    check_text(text, "text")
    if not callable(encode):
        raise TypeError("El argumento `encode` debe ser una función texto → identificadores.")
    return detect(encode(text), config)


def _as_ids(tokens: object, name: str) -> list[int]:
    if isinstance(tokens, Tensor):
        check_tensor(tokens, name, ndim=1, floating=False)
        return tokens.tolist()
    if isinstance(tokens, str) or not isinstance(tokens, Sequence):
        raise TypeError(
            f"El argumento `{name}` debe ser una lista o un tensor 1-D de identificadores de "
            f"token; se recibió {type(tokens).__name__}."
        )
    if not all(isinstance(t, int) and not isinstance(t, bool) for t in tokens):
        raise TypeError(f"El argumento `{name}` debe contener solo enteros.")
    return list(tokens)


def z_threshold(fpr: float) -> float:
    """Umbral de ``z`` que da una tasa de falsos positivos ``fpr`` con la normal estándar."""
    check_fraction(fpr, "fpr")
    return NormalDist().inv_cdf(1 - fpr)


def detection_rate(z_scores: Sequence[float] | Tensor, fpr: float) -> float:
    """Fracción de ``z_scores`` que superan el umbral de ``fpr``.

    Con textos marcados es la tasa de detección; con textos sin marca (humanos), la tasa de
    falsos positivos empírica, que debería quedar cerca de ``fpr``.
    """
    if isinstance(z_scores, Tensor):
        check_tensor(z_scores, "z_scores", ndim=1)
        z_scores = z_scores.tolist()
    elif getattr(z_scores, "ndim", None) == 1 and hasattr(z_scores, "tolist"):  # NumPy
        z_scores = z_scores.tolist()
    if isinstance(z_scores, str) or not isinstance(z_scores, Sequence):
        raise TypeError(
            "El argumento `z_scores` debe ser una lista, un tensor o un array 1-D de números; "
            f"se recibió {type(z_scores).__name__}."
        )
    if not all(isinstance(z, Real) and not isinstance(z, bool) for z in z_scores):
        raise TypeError("El argumento `z_scores` debe contener solo números reales.")
    values = [float(z) for z in z_scores]
    if not values:
        raise ValueError("El argumento `z_scores` no puede estar vacío.")
    if any(math.isnan(z) for z in values):
        raise ValueError("El argumento `z_scores` contiene valores NaN.")
    threshold = z_threshold(fpr)
    return sum(z > threshold for z in values) / len(values)


def substitute_tokens(
    tokens: Tensor, fraction: float, vocab_size: int, *, seed: int = 0
) -> Tensor:
    """Cambia al azar una fracción ``fraction`` de ``tokens`` (1-D) por tokens uniformes.

    Imita una paráfrasis burda: cada cambio estropea el color de su token y la lista verde del
    siguiente.
    """
    ids = check_tensor(tokens, "tokens", ndim=1, floating=False)
    check_fraction(fraction, "fraction", open_interval=False)
    check_positive_int(vocab_size, "vocab_size")
    generator = torch.Generator().manual_seed(check_non_negative_int(seed, "seed"))
    chosen = torch.rand(len(ids), generator=generator) < fraction
    replacement = torch.randint(0, vocab_size, (len(ids),), generator=generator)
    return torch.where(chosen, replacement, ids)


def delete_tokens(tokens: Tensor, fraction: float, *, seed: int = 0) -> Tensor:
    """Borra al azar una fracción ``fraction`` de ``tokens`` (1-D); siempre deja dos."""
    ids = check_tensor(tokens, "tokens", ndim=1, floating=False)
    check_fraction(fraction, "fraction", open_interval=False)
    generator = torch.Generator().manual_seed(check_non_negative_int(seed, "seed"))
    keep = torch.rand(len(ids), generator=generator) >= fraction
    if int(keep.sum()) < 2:
        keep[:2] = True
    return ids[keep]
