"""Métricas para los dígitos: un clasificador de referencia y la distancia de Fréchet «FD-dígitos».

La FD-dígitos es la idea del FID llevada a los dígitos de 8×8: se describen las imágenes con
las activaciones de la penúltima capa de un clasificador entrenado, se ajusta una gaussiana a
cada conjunto de rasgos y se mide la distancia de Fréchet entre las dos gaussianas. Cuanto más
baja, más se parecen las imágenes generadas a las reales.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch
from scipy import linalg
from torch import nn
from torch.nn import functional as F

from genai_utils.data import IMAGE_SIZE, load_digits
from genai_utils.report import fmt_num
from genai_utils.training import fit, limit_threads
from genai_utils.validation import check_non_negative_int, check_positive_int
from genai_utils.validation_tensors import check_digit_images, check_tensor

FEATURE_DIM = 64
_PIXELS = IMAGE_SIZE * IMAGE_SIZE


class DigitClassifier(nn.Module):
    """Perceptrón 64 → 128 → 64 → 10 con ReLU; ``features`` da la penúltima capa (64 rasgos)."""

    def __init__(self) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(_PIXELS, 128), nn.ReLU(), nn.Linear(128, FEATURE_DIM), nn.ReLU()
        )
        self.head = nn.Linear(FEATURE_DIM, 10)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """Rasgos (N, 64) de imágenes aplanadas (N, 64)."""
        return self.body(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits (N, 10) de imágenes aplanadas (N, 64)."""
        return self.head(self.features(x))


def _cross_entropy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(model(x), y)


def digit_classifier(seed: int = 0) -> nn.Module:
    """Clasificador de dígitos de referencia, entrenado una sola vez por proceso (en CPU).

    Se entrena con los dígitos de entrenamiento de ``load_digits()`` y se devuelve en modo
    evaluación y sin gradientes. Acierta en torno al 97 % de los dígitos de prueba.
    """
    return _trained_classifier(check_non_negative_int(seed, "seed"))


@lru_cache(maxsize=4)
def _trained_classifier(seed: int) -> nn.Module:
    split = load_digits()
    x_train = split.x_train.reshape(-1, _PIXELS)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = DigitClassifier()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)
    with limit_threads(1):  # un hilo es más rápido para un perceptrón tan pequeño
        fit(model, _cross_entropy, (x_train, split.y_train), epochs=60, batch_size=64,
            optimizer=optimizer, device="cpu", seed=seed, progress=False)
    model.eval()
    model.requires_grad_(False)
    return model


def _flat_digits(images: object, name: str) -> torch.Tensor:
    flat = check_digit_images(images, name, allow_hw=True)
    return flat.detach().to("cpu", torch.float32)


@torch.no_grad()
def classifier_accuracy(images: torch.Tensor, labels: torch.Tensor) -> float:
    """Fracción de ``images`` (N, 1, 8, 8) o (N, 64) bien clasificadas según ``labels``."""
    x = _flat_digits(images, "images")
    check_tensor(labels, "labels", ndim=1, floating=False)
    if len(labels) != len(x):
        raise ValueError(
            f"El argumento `labels` debe tener una etiqueta por imagen ({len(x)}); "
            f"se recibieron {len(labels)}."
        )
    predictions = digit_classifier()(x).argmax(dim=1)
    return (predictions == labels.cpu()).float().mean().item()


@torch.no_grad()
def digit_features(images: torch.Tensor) -> torch.Tensor:
    """Rasgos (N, 64) de la penúltima capa del clasificador para imágenes en [0, 1]."""
    return digit_classifier().features(_flat_digits(images, "images"))


def frechet_distance(
    features_a: torch.Tensor | np.ndarray, features_b: torch.Tensor | np.ndarray
) -> float:
    """Distancia de Fréchet entre las gaussianas ajustadas a dos conjuntos de rasgos (N, D).

    ‖μa − μb‖² + Tr(Σa + Σb − 2 (Σa Σb)^½). Cada conjunto necesita al menos 2 filas.
    """
    a = _as_features(features_a, "features_a")
    b = _as_features(features_b, "features_b")
    _check_same_width(a, b, ("features_a", "features_b"), "el mismo número de rasgos")
    mu_a, mu_b = a.mean(axis=0), b.mean(axis=0)
    cov_a, cov_b = np.cov(a, rowvar=False, ddof=1), np.cov(b, rowvar=False, ddof=1)
    cov_a, cov_b = np.atleast_2d(cov_a), np.atleast_2d(cov_b)
    cross = _sqrtm_product(cov_a, cov_b)
    value = np.sum((mu_a - mu_b) ** 2) + np.trace(cov_a) + np.trace(cov_b) - 2 * np.trace(cross)
    return float(max(value, 0.0))


def _sqrtm_product(cov_a: np.ndarray, cov_b: np.ndarray) -> np.ndarray:
    """Raíz cuadrada real de Σa Σb; si sale mal, se repite con ε sumado a la diagonal."""
    root = _quiet_sqrtm(cov_a @ cov_b)
    scale = max(np.trace(cov_a), np.trace(cov_b), 1e-12)
    if not np.isfinite(root).all() or np.abs(np.imag(root)).max() > 1e-3 * scale:
        eps = 1e-6 * scale * np.eye(len(cov_a))
        root = _quiet_sqrtm((cov_a + eps) @ (cov_b + eps))
    return np.real(root)


def _quiet_sqrtm(matrix: np.ndarray) -> np.ndarray:
    # Las covarianzas de rasgos ReLU suelen ser singulares (unidades siempre a cero): scipy
    # avisa, pero la raíz sigue siendo correcta; se comprueba después que sea finita.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", linalg.LinAlgWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.asarray(linalg.sqrtm(matrix))


def _check_same_width(
    a: np.ndarray | torch.Tensor, b: np.ndarray | torch.Tensor, names: tuple[str, str], what: str
) -> None:
    """Dos conjuntos (N, D) y (M, D) deben tener el mismo D; ``what`` dice qué es D."""
    if a.shape[1] != b.shape[1]:
        raise ValueError(
            f"Los argumentos `{names[0]}` y `{names[1]}` deben tener {what}; "
            f"se recibieron formas {tuple(a.shape)} y {tuple(b.shape)}."
        )


def _as_features(x: object, name: str) -> np.ndarray:
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu().double().numpy()
    if not isinstance(x, np.ndarray):
        raise TypeError(
            f"El argumento `{name}` debe ser un tensor o un array de NumPy; "
            f"se recibió {type(x).__name__}."
        )
    if x.ndim != 2 or x.shape[0] < 2 or x.shape[1] < 1:
        raise ValueError(
            f"El argumento `{name}` debe tener forma (N, D) con N ≥ 2 muestras; "
            f"se recibió forma {x.shape}."
        )
    x = x.astype(np.float64)
    if not np.isfinite(x).all():
        raise ValueError(f"El argumento `{name}` contiene valores NaN o infinitos.")
    return x


def fd_digits(images: torch.Tensor, reference: torch.Tensor | None = None) -> float:
    """FD-dígitos entre ``images`` y ``reference`` (por defecto, los dígitos de prueba reales).

    La FD depende del tamaño de las muestras: compara siempre con el mismo número de imágenes
    (por ejemplo, 360, el tamaño del conjunto de prueba) y con ``fd_digits_baseline``.
    """
    if reference is None:
        reference = load_digits().x_test
    features_a = digit_features(_check_samples(images, "images"))
    features_b = digit_features(_check_samples(reference, "reference"))
    return frechet_distance(features_a, features_b)


def _check_samples(images: object, name: str) -> torch.Tensor:
    x = _flat_digits(images, name)
    if len(x) < 2:
        raise ValueError(
            f"El argumento `{name}` necesita al menos 2 imágenes; se recibieron {len(x)}."
        )
    if not torch.isfinite(x).all():
        raise ValueError(f"El argumento `{name}` contiene valores NaN o infinitos.")
    return x


def fd_digits_baseline(n: int | None = None, seed: int = 0) -> float:
    """FD-dígitos de referencia entre ``n`` dígitos reales de entrenamiento y los de prueba.

    Es el suelo con el que se compara cualquier generador: ni siquiera datos reales llegan a 0.
    La FD depende del tamaño de la muestra (baja al crecer ``n``) y varía con la muestra elegida
    (``seed``), así que compara siempre con el mismo ``n``: por defecto, el tamaño del conjunto
    de prueba, 360, con el que sale en torno a 2.
    """
    split = load_digits()
    n_train = len(split.x_train)
    n = len(split.x_test) if n is None else check_positive_int(n, "n")
    check_non_negative_int(seed, "seed")
    if not 2 <= n <= n_train:
        raise ValueError(f"El argumento `n` debe estar entre 2 y {n_train}; se recibió {n}.")
    rng = np.random.default_rng(seed)
    idx = torch.from_numpy(rng.choice(n_train, size=n, replace=False))
    return fd_digits(split.x_train[idx], split.x_test)


def energy_distance(a: torch.Tensor, b: torch.Tensor) -> float:
    """Distancia de energía entre dos nubes de puntos (N, D) y (M, D).

    2·E‖X − Y‖ − E‖X − X'‖ − E‖Y − Y'‖, con las medias sobre todos los pares (incluidos los de
    un punto consigo mismo, así que nunca es negativa). Vale 0 solo si las dos muestras coinciden
    y, como la FD, depende del tamaño de la muestra: compárala con la de dos muestras reales del
    mismo tamaño.
    """
    x = _check_cloud(a, "a")
    y = _check_cloud(b, "b")
    _check_same_width(x, y, ("a", "b"), "la misma dimensión")
    cross = torch.cdist(x, y).mean()
    value = 2 * cross - torch.cdist(x, x).mean() - torch.cdist(y, y).mean()
    return max(float(value), 0.0)


@torch.no_grad()
def intra_class_spread(images: torch.Tensor, labels: torch.Tensor) -> float:
    """Diversidad dentro de cada clase: la distancia euclídea media entre dos imágenes distintas
    de la misma clase, en píxeles de [0, 1], promediada sobre las clases presentes.

    Sirve para ver si un generador da muestras variadas de cada dígito o casi copias: cuanto más
    baja, más parecidas son entre sí las imágenes de cada clase. Cada clase presente en
    ``labels`` necesita al menos dos imágenes.
    """
    x = _flat_digits(images, "images").double()
    check_tensor(labels, "labels", ndim=1, floating=False)
    if len(labels) != len(x):
        raise ValueError(
            f"El argumento `labels` debe tener una etiqueta por imagen ({len(x)}); "
            f"se recibieron {len(labels)}."
        )
    labels = labels.cpu()
    spreads = []
    for c in torch.unique(labels).tolist():
        group = x[labels == c]
        n = len(group)
        if n < 2:
            raise ValueError(
                f"Cada clase necesita al menos dos imágenes; la clase {c} tiene {n}."
            )
        spreads.append(torch.cdist(group, group).sum().item() / (n * (n - 1)))
    return float(np.mean(spreads))


def _check_cloud(x: object, name: str) -> torch.Tensor:
    check_tensor(x, name, ndim=2, floating=True)
    if len(x) < 1 or x.shape[1] < 1:
        raise ValueError(
            f"El argumento `{name}` debe tener forma (N, D) con N ≥ 1; se recibió {tuple(x.shape)}."
        )
    if not torch.isfinite(x).all():
        raise ValueError(f"El argumento `{name}` contiene valores NaN o infinitos.")
    return x.detach().to("cpu", torch.float64)


@dataclass(frozen=True)
class GeneratorScore:
    """Resultado de un generador de dígitos: FD-dígitos, exactitud y segundos de muestreo."""

    name: str
    fd: float
    accuracy: float
    seconds: float


def compare_digit_generators(
    generators: Mapping[str, Callable[[torch.Tensor], torch.Tensor]],
    *,
    per_class: int = 36,
) -> list[GeneratorScore]:
    """Mide varios generadores condicionales de dígitos con las mismas etiquetas.

    ``generators`` asocia un nombre a una función ``generate(labels) -> imágenes (N, 1, 8, 8)``
    en [0, 1] (el protocolo de ``train_digit_generator`` de los capítulos 2 a 4). Cada uno
    genera ``per_class`` imágenes de cada dígito (360 por defecto, el tamaño del conjunto de
    prueba) y se mide su FD-dígitos, la exactitud del clasificador y el tiempo de muestreo.
    """
    if not isinstance(generators, Mapping) or not generators:
        raise ValueError(
            "El argumento `generators` debe ser un diccionario no vacío {nombre: generate}."
        )
    check_positive_int(per_class, "per_class")
    labels = torch.arange(10).repeat_interleave(per_class)
    scores = []
    for name, generate in generators.items():
        if not callable(generate):
            raise TypeError(
                f"El generador {name!r} de `generators` debe ser una función; "
                f"se recibió {type(generate).__name__}."
            )
        start = time.perf_counter()
        images = generate(labels.clone())
        seconds = time.perf_counter() - start
        _check_generated(images, name, len(labels))
        scores.append(GeneratorScore(name, fd_digits(images), classifier_accuracy(images, labels),
                                     seconds))
    return scores


def _check_generated(images: object, name: str, n: int) -> None:
    expected = (n, 1, IMAGE_SIZE, IMAGE_SIZE)
    if not isinstance(images, torch.Tensor) or tuple(images.shape) != expected:
        shape = tuple(images.shape) if isinstance(images, torch.Tensor) else type(images).__name__
        raise ValueError(
            f"El generador {name!r} debe devolver un tensor de forma ({n}, 1, 8, 8); "
            f"devolvió {shape}."
        )


def format_comparison(scores: Sequence[GeneratorScore], baseline: float | None = None) -> str:
    """Tabla de texto con una fila por generador: FD-dígitos, exactitud y segundos.

    Los segundos van al final de cada fila, sin relleno, para que un sanitizador de salidas
    (como el de nbval) pueda sustituirlos sin descuadrar la tabla.
    """
    lines = [f"{'modelo':<24}{'FD-dígitos':>11}{'exactitud':>11}   tiempo de muestreo"]
    if baseline is not None:
        lines.append(f"{'dígitos reales':<24}{fmt_num(baseline, 2):>11}{'—':>11}   —")
    for s in scores:
        lines.append(f"{s.name:<24}{fmt_num(s.fd, 2):>11}{fmt_num(s.accuracy, 3):>11}   "
                     f"{fmt_num(s.seconds, 2)} s")
    return "\n".join(lines)
