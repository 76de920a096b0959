"""Detección de imágenes generadas: un clasificador pequeño de «real» frente a «generado».

* :class:`DigitDetector`: un perceptrón 64 → hidden → hidden → 1 que da un *logit* por imagen de
  8×8 (positivo = «generada»).
* :func:`train_detector`: lo entrena con imágenes reales (etiqueta 0) y generadas (etiqueta 1),
  con entropía cruzada binaria y el bucle ``fit`` del libro.
* :func:`evaluate_detector`: exactitud sobre imágenes reales y generadas **que no vio al
  entrenar**, por separado y en conjunto.
* :func:`quantize_grey_levels`: redondea los píxeles a los 17 niveles de gris de los dígitos
  reales, para quitarle al detector una pista trivial.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F

from genai_utils.data import IMAGE_SIZE
from genai_utils.report import fmt_num
from genai_utils.training import fit, limit_threads
from genai_utils.validation import check_non_negative_int, check_positive_float, check_positive_int
from genai_utils.validation_tensors import check_digit_images, check_tensor

__all__ = [
    "DetectionResult",
    "DigitDetector",
    "evaluate_detector",
    "quantize_grey_levels",
    "train_detector",
]

_PIXELS = IMAGE_SIZE * IMAGE_SIZE


class DigitDetector(nn.Module):
    """Perceptrón que da un *logit* (N,) por imagen de 8×8: positivo = «generada»."""

    def __init__(self, hidden: int = 64) -> None:
        super().__init__()
        check_positive_int(hidden, "hidden")
        self.net = nn.Sequential(
            nn.Linear(_PIXELS, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
            nn.Linear(hidden, 1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """*Logits* (N,) de imágenes (N, 1, 8, 8) o (N, 64)."""
        return self.net(x.reshape(len(x), -1)).squeeze(1)


def _check_images(x: object, name: str) -> torch.Tensor:
    flat = check_digit_images(x, name, min_count=1)
    return flat.detach().to("cpu", torch.float32)


def _bce(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return F.binary_cross_entropy_with_logits(model(x), y)


def train_detector(
    real: torch.Tensor,
    generated: torch.Tensor,
    *,
    epochs: int = 100,
    hidden: int = 64,
    lr: float = 3e-3,
    batch_size: int = 256,
    seed: int = 0,
    progress: bool = False,
) -> DigitDetector:
    """Entrena un :class:`DigitDetector` con ``real`` (clase 0) y ``generated`` (clase 1).

    Adam con tasa ``lr`` durante ``epochs`` épocas, siempre en la CPU y con un hilo (la red es
    diminuta). Devuelve el detector en modo evaluación.
    """
    x_real, x_fake = _check_images(real, "real"), _check_images(generated, "generated")
    check_positive_int(epochs, "epochs")
    check_positive_float(lr, "lr")
    check_non_negative_int(seed, "seed")
    x = torch.cat([x_real, x_fake])
    y = torch.cat([torch.zeros(len(x_real)), torch.ones(len(x_fake))])
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        detector = DigitDetector(hidden)
    with limit_threads(1):
        fit(detector, _bce, (x, y), epochs=epochs, batch_size=batch_size, lr=lr, device="cpu",
            seed=seed, desc="Detector", progress=progress)
    return detector.eval()


@dataclass(frozen=True)
class DetectionResult:
    """Exactitud del detector en imágenes reales, en generadas y en el conjunto (media de ambas)."""

    real_accuracy: float
    generated_accuracy: float

    @property
    def accuracy(self) -> float:
        """Exactitud equilibrada: la media de las dos (0,5 = no distingue nada)."""
        return (self.real_accuracy + self.generated_accuracy) / 2

    def __str__(self) -> str:
        return (f"exactitud {fmt_num(self.accuracy, 3)} (reales {fmt_num(self.real_accuracy, 3)}, "
                f"generadas {fmt_num(self.generated_accuracy, 3)})")


@torch.no_grad()
def evaluate_detector(
    detector: nn.Module, real: torch.Tensor, generated: torch.Tensor
) -> DetectionResult:
    """Exactitud de ``detector`` en imágenes reales y generadas que no vio al entrenar."""
    if not isinstance(detector, nn.Module):
        raise TypeError(
            "El argumento `detector` debe ser un `torch.nn.Module`; "
            f"se recibió {type(detector).__name__}."
        )
    x_real, x_fake = _check_images(real, "real"), _check_images(generated, "generated")
    device = next(detector.parameters()).device
    real_ok = (detector(x_real.to(device)) <= 0).double().mean().item()
    fake_ok = (detector(x_fake.to(device)) > 0).double().mean().item()
    return DetectionResult(real_accuracy=real_ok, generated_accuracy=fake_ok)


def quantize_grey_levels(images: torch.Tensor, levels: int = 16) -> torch.Tensor:
    """Redondea los píxeles en [0, 1] al múltiplo de ``1/levels`` más cercano, como los reales."""
    check_tensor(images, "images", floating=True, finite=True, non_empty=True)
    check_positive_int(levels, "levels")
    return torch.round(images.clamp(0, 1) * levels) / levels
