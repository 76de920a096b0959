"""Análisis de componentes principales (PCA) con una SVD: el espacio latente más sencillo.

PCA busca las ``k`` direcciones ortogonales en las que los datos centrados varían más. Con la
descomposición en valores singulares de los datos centrados, ``X − μ = U S Vᵀ``, esas direcciones
son las primeras filas de ``Vᵀ`` y la varianza a lo largo de cada una es ``S² / (N − 1)``.

* ``transform`` lleva un dato a su código latente ``z = (x − μ) Wᵀ`` (``W``: componentes
  ``(k, D)``).
* ``inverse_transform`` lo devuelve al espacio de los datos: ``x̂ = z W + μ``.

El signo de cada componente es arbitrario; aquí se fija para que su coordenada de mayor valor
absoluto sea positiva, así el resultado es reproducible.
"""

from __future__ import annotations

import torch
from torch import Tensor

from genai_utils.validation import check_positive_int
from genai_utils.validation_tensors import check_tensor

__all__ = ["PCA"]


class PCA:
    """PCA con ``n_components`` componentes (``None``: tantas como permitan los datos).

    Atributos tras ``fit``: ``mean`` ``(D,)``, ``components`` ``(k, D)`` (filas ortonormales),
    ``explained_variance`` ``(k,)`` y ``explained_variance_ratio`` ``(k,)``.
    """

    def __init__(self, n_components: int | None = None) -> None:
        if n_components is not None:
            check_positive_int(n_components, "n_components")
        self.n_components = None if n_components is None else int(n_components)
        self.mean: Tensor | None = None
        self.components: Tensor | None = None
        self.explained_variance: Tensor | None = None
        self.explained_variance_ratio: Tensor | None = None

    def fit(self, x: Tensor) -> PCA:
        """Calcula la media y las componentes principales de ``x`` ``(N, D)``. Devuelve ``self``."""
        check_tensor(x, "x", ndim=2, floating=True, finite=True)
        n, d = x.shape
        if n < 2:
            raise ValueError("`x` necesita al menos 2 filas (datos) para estimar varianzas.")
        k = min(n, d) if self.n_components is None else self.n_components
        if k > min(n, d):
            raise ValueError(
                f"`n_components` ({k}) no puede superar min(N, D) = {min(n, d)} para estos datos."
            )
        self.mean = x.mean(dim=0)
        centred = x - self.mean
        _, s, vt = torch.linalg.svd(centred, full_matrices=False)
        signs = torch.sign(vt.gather(1, vt.abs().argmax(dim=1, keepdim=True)))
        vt = vt * signs
        variance = s.pow(2) / (n - 1)
        self.components = vt[:k]
        self.explained_variance = variance[:k]
        self.explained_variance_ratio = variance[:k] / variance.sum()
        return self

    def _require_fit(self) -> tuple[Tensor, Tensor]:
        if self.components is None or self.mean is None:
            raise RuntimeError("El PCA no está ajustado: llama antes a `fit(x)`.")
        return self.mean, self.components

    def transform(self, x: Tensor) -> Tensor:
        """Código latente ``(N, k)`` de los datos ``x`` ``(N, D)``."""
        mean, comps = self._require_fit()
        check_tensor(x, "x", ndim=2, last_dims=(comps.shape[1],), floating=True)
        return (x - mean) @ comps.T

    def inverse_transform(self, z: Tensor) -> Tensor:
        """Reconstrucción ``(N, D)`` a partir de códigos latentes ``z`` ``(N, k)``."""
        mean, comps = self._require_fit()
        check_tensor(z, "z", ndim=2, last_dims=(comps.shape[0],), floating=True)
        return z @ comps + mean

    def reconstruct(self, x: Tensor) -> Tensor:
        """Proyecta ``x`` en las componentes y vuelve: ``inverse_transform(transform(x))``."""
        return self.inverse_transform(self.transform(x))
