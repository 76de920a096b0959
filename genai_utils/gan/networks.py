"""Las redes de la GAN: generador y discriminador, perceptrones con o sin condición.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn
from torch.nn import functional as F

from genai_utils.gan.config import DIGIT_LATENT_DIM
from genai_utils.validation import (
    check_choice,
    check_non_negative_int,
    check_positive_int,
)
from genai_utils.validation_tensors import check_labels, check_tensor


# ---------------------------------------------------------------- las redes
def _as_shape(shape: int | Sequence[int], name: str) -> tuple[int, ...]:
    if isinstance(shape, str | bytes) or not isinstance(shape, int | Sequence):
        raise TypeError(
            f"El argumento `{name}` debe ser un entero o una tupla de enteros; se recibió "
            f"{shape!r}."
        )
    dims = (shape,) if isinstance(shape, int) else tuple(shape)
    if not dims:
        raise ValueError(f"El argumento `{name}` no puede estar vacío.")
    for d in dims:
        check_positive_int(d, name)
    return dims


def _mlp(sizes: Sequence[int], slope: float, spectral: bool) -> list[nn.Module]:
    layers: list[nn.Module] = []
    for a, b in zip(sizes[:-1], sizes[1:], strict=True):
        linear = nn.Linear(a, b)
        layers += [nn.utils.parametrizations.spectral_norm(linear) if spectral else linear]
        layers += [nn.LeakyReLU(slope)]
    return layers


class Generator(nn.Module):
    """Perceptrón que transforma ruido ``z`` (N, latent_dim) en muestras (N, *out_shape).

    Con ``n_classes > 0`` es condicional: recibe además etiquetas enteras (N,) que entran como
    vectores *one-hot* concatenados con ``z``. ``out_activation="sigmoid"`` lleva la salida a
    (0, 1), como los píxeles de los dígitos; ``None`` la deja libre, como los puntos en 2-D.
    """

    def __init__(
        self,
        latent_dim: int = 2,
        out_shape: int | Sequence[int] = 2,
        *,
        hidden: int = 128,
        n_hidden: int = 2,
        n_classes: int = 0,
        out_activation: str | None = None,
    ) -> None:
        super().__init__()
        self.latent_dim = check_positive_int(latent_dim, "latent_dim")
        self.out_shape = _as_shape(out_shape, "out_shape")
        check_positive_int(hidden, "hidden")
        check_positive_int(n_hidden, "n_hidden")
        self.n_classes = check_non_negative_int(n_classes, "n_classes")
        if out_activation is not None:
            check_choice(out_activation, "out_activation", ("sigmoid", "tanh"))
        self.out_activation = out_activation
        sizes = [latent_dim + n_classes] + [hidden] * n_hidden
        self.body = nn.Sequential(*_mlp(sizes, 0.2, spectral=False))
        self.head = nn.Linear(hidden, math.prod(self.out_shape))

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """Muestras (N, *out_shape) a partir del ruido ``z`` y, si es condicional, ``labels``."""
        check_tensor(z, "z", ndim=2, last_dims=(self.latent_dim,), floating=True)
        x = self.head(self.body(_with_labels(z, labels, self.n_classes, "z")))
        if self.out_activation == "sigmoid":
            x = torch.sigmoid(x)
        elif self.out_activation == "tanh":
            x = torch.tanh(x)
        return x.reshape(len(z), *self.out_shape)


class Discriminator(nn.Module):
    """Perceptrón que da un *logit* (N,) por muestra: positivo = «parece real».

    ``D(x) = sigmoid(logit)`` es la probabilidad de que ``x`` sea real. Con ``n_classes > 0``
    recibe también la etiqueta (*one-hot*) y juzga si el par (muestra, etiqueta) es real.
    ``spectral_norm=True`` aplica la normalización espectral (Miyato et al., 2018) a cada capa
    lineal, lo que limita cuánto puede cambiar la salida y estabiliza el entrenamiento.
    """

    def __init__(
        self,
        in_shape: int | Sequence[int] = 2,
        *,
        hidden: int = 128,
        n_hidden: int = 2,
        n_classes: int = 0,
        spectral_norm: bool = False,
    ) -> None:
        super().__init__()
        self.in_shape = _as_shape(in_shape, "in_shape")
        check_positive_int(hidden, "hidden")
        check_positive_int(n_hidden, "n_hidden")
        self.n_classes = check_non_negative_int(n_classes, "n_classes")
        sizes = [math.prod(self.in_shape) + n_classes] + [hidden] * n_hidden
        self.body = nn.Sequential(*_mlp(sizes, 0.2, spectral=bool(spectral_norm)))
        head = nn.Linear(hidden, 1)
        self.head = nn.utils.parametrizations.spectral_norm(head) if spectral_norm else head

    def forward(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """*Logits* (N,) de las muestras ``x`` (N, *in_shape)."""
        check_tensor(x, "x", floating=True)
        if tuple(x.shape[1:]) != self.in_shape:
            raise ValueError(
                f"El argumento `x` debe tener forma (N, {', '.join(map(str, self.in_shape))}); "
                f"se recibió un tensor de forma {tuple(x.shape)}."
            )
        flat = _with_labels(x.reshape(len(x), -1), labels, self.n_classes, "x")
        return self.head(self.body(flat)).squeeze(1)


def _with_labels(
    x: torch.Tensor, labels: torch.Tensor | None, n_classes: int, name: str
) -> torch.Tensor:
    if n_classes == 0:
        if labels is not None:
            raise ValueError(
                "Este modelo no es condicional (`n_classes=0`): no le pases `labels`."
            )
        return x
    if labels is None:
        raise ValueError(
            f"Este modelo es condicional (`n_classes={n_classes}`): pásale también `labels`, "
            "un tensor de enteros (N,)."
        )
    labels = check_labels(labels, "labels", n=len(x), n_classes=n_classes, rows_of=name)
    one_hot = F.one_hot(labels.to(x.device), n_classes).to(x.dtype)
    return torch.cat([x, one_hot], dim=1)


def digit_generator(latent_dim: int = DIGIT_LATENT_DIM, *, conditional: bool = True) -> Generator:
    """Generador de dígitos de 8×8: ruido (N, latent_dim) [+ etiqueta] → imágenes (N, 1, 8, 8)."""
    return Generator(latent_dim, (1, 8, 8), hidden=256, n_hidden=2,
                     n_classes=10 if conditional else 0, out_activation="sigmoid")


def digit_discriminator(*, conditional: bool = True, spectral_norm: bool = False) -> Discriminator:
    """Discriminador de dígitos de 8×8 (con etiqueta si ``conditional``)."""
    return Discriminator((1, 8, 8), hidden=256, n_hidden=2,
                         n_classes=10 if conditional else 0, spectral_norm=spectral_norm)
