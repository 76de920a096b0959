"""Mezcla de gaussianas ajustada por máxima verosimilitud con descenso de gradiente.

Es el primer modelo generativo del libro (capítulo 1): una densidad explícita ``p(x)`` que se puede
evaluar (``log_prob``) y de la que se puede muestrear (``sample``). Cada componente ``k`` tiene un
peso ``π_k`` (a través de un *logit*), una media ``μ_k`` y desviaciones típicas diagonales ``σ_k``:

    p(x) = Σ_k π_k · N(x; μ_k, diag(σ_k²))

El logaritmo de la suma se calcula con ``logsumexp`` para que sea numéricamente estable.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn

from genai_utils.trainer import Trainer
from genai_utils.validation import check_non_negative_int, check_positive_float, check_positive_int
from genai_utils.validation_tensors import check_tensor

__all__ = ["GaussianMixture", "fit_mixture"]


class GaussianMixture(nn.Module):
    """Mezcla de ``n_components`` gaussianas diagonales en dimensión ``dim``.

    Parámetros aprendibles: ``logits`` ``(K,)`` (los pesos son ``softmax(logits)``), ``means``
    ``(K, D)`` y ``log_stds`` ``(K, D)`` (se aprende el logaritmo para que ``σ`` sea siempre
    positiva).
    """

    def __init__(self, n_components: int, dim: int) -> None:
        super().__init__()
        check_positive_int(n_components, "n_components")
        check_positive_int(dim, "dim")
        self.n_components = int(n_components)
        self.dim = int(dim)
        self.logits = nn.Parameter(torch.zeros(self.n_components))
        self.means = nn.Parameter(torch.zeros(self.n_components, self.dim))
        self.log_stds = nn.Parameter(torch.zeros(self.n_components, self.dim))

    @property
    def weights(self) -> Tensor:
        """Pesos de la mezcla ``π_k`` (suman 1)."""
        return torch.softmax(self.logits, dim=0)

    def component_log_prob(self, x: Tensor) -> Tensor:
        """Logaritmo de ``π_k · N(x; μ_k, σ_k²)`` para cada punto y componente: forma ``(N, K)``."""
        check_tensor(x, "x", ndim=2, last_dims=(self.dim,), floating=True)
        diff = (x[:, None, :] - self.means[None]) / self.log_stds.exp()[None]
        log_norm = (
            -0.5 * diff.pow(2).sum(-1)
            - self.log_stds.sum(-1)
            - 0.5 * self.dim * math.log(2 * math.pi)
        )
        return torch.log_softmax(self.logits, dim=0) + log_norm

    def log_prob(self, x: Tensor) -> Tensor:
        """Log-densidad ``log p(x)`` de cada punto de ``x`` ``(N, D)``: forma ``(N,)``."""
        return torch.logsumexp(self.component_log_prob(x), dim=1)

    def nll(self, x: Tensor) -> Tensor:
        """Log-verosimilitud negativa media de ``x`` (*nats* por punto): la pérdida a minimizar."""
        return -self.log_prob(x).mean()

    @torch.no_grad()
    def sample(self, n: int, *, generator: torch.Generator | None = None) -> Tensor:
        """Genera ``n`` puntos: se sortea una componente y luego un punto de esa gaussiana."""
        check_positive_int(n, "n")
        device = self.means.device
        if generator is not None and generator.device != device:
            raise ValueError("`generator` debe estar en el mismo dispositivo que el modelo.")
        comps = torch.multinomial(self.weights, int(n), replacement=True, generator=generator)
        noise = torch.randn(int(n), self.dim, generator=generator, device=device)
        return self.means[comps] + self.log_stds.exp()[comps] * noise


def _spread_out_points(x: Tensor, k: int, generator: torch.Generator) -> Tensor:
    """Elige ``k`` índices de ``x`` al azar, favoreciendo puntos alejados de los ya elegidos.

    Es la siembra *k-means++* «voraz»: el primer punto es uniforme; para cada uno de los siguientes
    se sortean unos pocos candidatos con probabilidad proporcional al cuadrado de su distancia al
    punto elegido más cercano, y se queda el que más reduce la suma de esas distancias. Así es
    difícil que dos medias empiecen en el mismo grupo de datos, un mínimo local típico de las
    mezclas.
    """
    data = x.detach().cpu()
    n_trials = 2 + int(math.log(k))
    chosen = [int(torch.randint(data.shape[0], (1,), generator=generator))]
    dist2 = (data - data[chosen[0]]).pow(2).sum(1)
    for _ in range(1, k):
        weights = dist2 if dist2.sum() > 0 else torch.ones_like(dist2)
        candidates = torch.multinomial(weights, n_trials, replacement=True, generator=generator)
        new_dist2 = torch.minimum(dist2, torch.cdist(data[candidates], data).pow(2))
        best = int(new_dist2.sum(1).argmin())
        chosen.append(int(candidates[best]))
        dist2 = new_dist2[best]
    return torch.tensor(chosen)


def _init_from_data(model: GaussianMixture, x: Tensor, generator: torch.Generator) -> None:
    """Medias en puntos de ``x`` sorteados (siembra *k-means++*); σ: la mitad de la dispersión."""
    idx = _spread_out_points(x, model.n_components, generator)
    spread = x.std(dim=0).clamp_min(1e-3) if x.shape[0] > 1 else torch.ones_like(x[0])
    with torch.no_grad():
        model.means.copy_(x[idx.to(x.device)])
        model.log_stds.copy_((0.5 * spread).log().expand(model.n_components, -1))
        model.logits.zero_()


def fit_mixture(
    x: Tensor,
    n_components: int,
    *,
    steps: int = 500,
    lr: float = 0.05,
    seed: int = 0,
    progress: bool = True,
) -> tuple[GaussianMixture, list[float]]:
    """Ajusta una mezcla de gaussianas a ``x`` ``(N, D)`` por máxima verosimilitud.

    Descenso de gradiente con Adam sobre el lote completo: en cada paso se minimiza la
    log-verosimilitud negativa media. Las medias empiezan en puntos de ``x`` sorteados con la
    semilla ``seed`` (siembra *k-means++*). El modelo se crea en el dispositivo de ``x``.

    Returns:
        El modelo ajustado y la lista de pérdidas (NLL media, en *nats*) de cada paso.
    """
    check_tensor(x, "x", ndim=2, floating=True)
    if x.shape[0] == 0:
        raise ValueError("`x` no puede estar vacío: hace falta al menos un punto.")
    check_positive_int(steps, "steps")
    check_positive_float(lr, "lr")
    check_non_negative_int(seed, "seed")
    generator = torch.Generator().manual_seed(int(seed))
    model = GaussianMixture(n_components, x.shape[1]).to(x.device)
    _init_from_data(model, x, generator)
    optimizer = torch.optim.Adam(model.parameters(), lr=float(lr))
    trainer = Trainer(lambda batch: {"loss": model.nll(batch)}, optimizer=optimizer,
                      desc="Máxima verosimilitud", progress=progress)
    history = trainer.run(lambda: x, steps=int(steps))  # el lote es siempre todo ``x``
    return model, history["loss"]
