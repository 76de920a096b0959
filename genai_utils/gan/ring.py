"""El anillo de 8 gaussianas y la medida de cobertura de modos y de calidad de las muestras.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from genai_utils.gan.config import (
    RING_MODES,
    RING_RADIUS,
    RING_STD,
)
from genai_utils.report import fmt_pct
from genai_utils.validation import (
    MAX_SIZE,
    check_fraction,
    check_non_negative_int,
    check_positive_float,
    check_positive_int,
)
from genai_utils.validation_tensors import check_tensor


# ---------------------------------------------------------------- el anillo de gaussianas
def ring_centers(n_modes: int = RING_MODES, radius: float = RING_RADIUS) -> torch.Tensor:
    """Centros (n_modes, 2) de ``n_modes`` gaussianas repartidas por igual en una circunferencia."""
    check_positive_int(n_modes, "n_modes", maximum=MAX_SIZE)
    check_positive_float(radius, "radius")
    angles = 2 * math.pi * torch.arange(n_modes, dtype=torch.float64) / n_modes
    return (radius * torch.stack([angles.cos(), angles.sin()], dim=1)).float()


def sample_ring(
    n: int,
    *,
    n_modes: int = RING_MODES,
    radius: float = RING_RADIUS,
    std: float = RING_STD,
    seed: int = 0,
) -> torch.Tensor:
    """``n`` puntos (n, 2) de una mezcla equiprobable de gaussianas isótropas en un anillo.

    Con los valores por defecto es la misma distribución que ``toy_2d("gaussian_mixture")``:
    8 modos en un radio 3 con desviación típica 0,2. Usa su propio generador (``seed``).
    """
    check_positive_int(n, "n", maximum=MAX_SIZE)
    check_positive_float(std, "std")
    check_non_negative_int(seed, "seed")
    centers = ring_centers(n_modes, radius)
    rng = torch.Generator().manual_seed(seed)
    which = torch.randint(0, n_modes, (n,), generator=rng)
    return centers[which] + std * torch.randn(n, 2, generator=rng)


@dataclass(frozen=True)
class ModeCoverage:
    """Cobertura de modos de un conjunto de muestras.

    ``fractions[k]`` es la fracción de muestras a menos de ``3σ`` del modo ``k``;
    ``modes_covered`` cuenta los modos con al menos ``threshold`` de las muestras y
    ``high_quality`` es la fracción de muestras a menos de ``3σ`` de algún modo.
    """

    fractions: tuple[float, ...]
    modes_covered: int
    high_quality: float

    def __str__(self) -> str:
        return (f"modos cubiertos: {self.modes_covered}/{len(self.fractions)}; "
                f"muestras de calidad: {fmt_pct(self.high_quality, 1)}")


def mode_coverage(
    samples: torch.Tensor,
    centers: torch.Tensor | None = None,
    std: float = RING_STD,
    *,
    threshold: float = 0.05,
) -> ModeCoverage:
    """Mide qué modos cubren ``samples`` (n, 2) y qué fracción de ellas es de calidad.

    Una muestra es «de calidad» si está a menos de ``3·std`` de algún centro (por defecto, los
    de :func:`ring_centers`); un modo está «cubierto» si recibe al menos ``threshold`` de las
    muestras. Los centros deben estar a más de ``6·std`` entre sí para que cada muestra caiga
    cerca de un solo modo.
    """
    check_tensor(samples, "samples", ndim=2, last_dims=(2,), floating=True, finite=True)
    if len(samples) == 0:
        raise ValueError("El argumento `samples` no contiene ninguna muestra.")
    centers = ring_centers() if centers is None else centers
    check_tensor(centers, "centers", ndim=2, last_dims=(2,), floating=True)
    check_positive_float(std, "std")
    check_fraction(threshold, "threshold")
    distances = torch.cdist(samples.detach().cpu().double(), centers.cpu().double())
    nearest, which = distances.min(dim=1)
    close = nearest < 3 * std
    counts = torch.bincount(which[close], minlength=len(centers)).double()
    fractions = counts / len(samples)
    return ModeCoverage(
        fractions=tuple(round(f, 6) for f in fractions.tolist()),
        modes_covered=int((fractions >= threshold).sum()),
        high_quality=float(close.double().mean()),
    )
