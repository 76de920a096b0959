"""El historial de un entrenamiento: series con nombre, cada valor con el paso en que se midió.

Todos los entrenamientos del libro devuelven un :class:`History`. El bucle
(:class:`genai_utils.training.Trainer`) guarda en él lo que devuelve cada paso del modelo
(``history["loss"]``, ``history["d_loss"]``…), las evaluaciones periódicas
(``history["val_loss"]``) y la duración. Los nombres de antes siguen valiendo como atajos:
``losses`` y ``train_losses`` son ``history["loss"]``, ``val_losses`` es ``history["val_loss"]``,
``d_losses`` y ``g_losses`` son las pérdidas del discriminador y del generador de una GAN.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import torch

from genai_utils.report import fmt_num

__all__ = ["History"]


class History:
    """Series de valores por nombre, los pasos en que se midieron, instantáneas y duración (s).

    ``History({"loss": [3.0, 2.0]})`` crea un historial con esos valores en los pasos 1, 2…
    """

    def __init__(
        self,
        series: Mapping[str, Sequence[float]] | None = None,
        *,
        snapshots: Mapping[int, torch.Tensor] | None = None,
        seconds: float = 0.0,
        tokens_seen: int = 0,
    ) -> None:
        self._values: dict[str, list[float]] = {}
        self._steps: dict[str, list[int]] = {}
        for name, values in (series or {}).items():
            for step, value in enumerate(values, start=1):
                self.record(name, value, step)
        self.snapshots: dict[int, torch.Tensor] = dict(snapshots or {})
        self.seconds = float(seconds)
        self.tokens_seen = int(tokens_seen)

    def record(self, name: str, value: float, step: int) -> None:
        """Añade ``value`` a la serie ``name``, medido en el paso ``step``."""
        self._values.setdefault(name, []).append(float(value))
        self._steps.setdefault(name, []).append(int(step))

    def __getitem__(self, name: str) -> list[float]:
        if name not in self._values:
            raise KeyError(
                f"El historial no tiene la serie {name!r}; tiene {sorted(self._values)}."
            )
        return self._values[name]

    def __contains__(self, name: object) -> bool:
        return name in self._values

    @property
    def names(self) -> list[str]:
        """Nombres de las series, en el orden en que se registraron por primera vez."""
        return list(self._values)

    def get(self, name: str) -> list[float]:
        """La serie ``name``, o una lista vacía si no se ha registrado nunca."""
        return self._values.get(name, [])

    def steps_of(self, name: str) -> list[int]:
        """Los pasos en que se midió cada valor de la serie ``name`` (vacía si no existe)."""
        return self._steps.get(name, [])

    # Atajos con los nombres de siempre.
    @property
    def losses(self) -> list[float]:
        """Pérdida de entrenamiento (por época en ``fit``, por tramo de pasos en otros bucles)."""
        return self.get("loss")

    @property
    def train_losses(self) -> list[float]:
        """Lo mismo que :attr:`losses` (el nombre que usa el modelo de lenguaje)."""
        return self.get("loss")

    @property
    def val_losses(self) -> list[float]:
        """Pérdida de validación de cada evaluación periódica."""
        return self.get("val_loss")

    @property
    def d_losses(self) -> list[float]:
        """Pérdida del discriminador de una GAN en cada paso."""
        return self.get("d_loss")

    @property
    def g_losses(self) -> list[float]:
        """Pérdida del generador de una GAN en cada paso."""
        return self.get("g_loss")

    @property
    def steps(self) -> list[int]:
        """Pasos en que se registró la pérdida de entrenamiento."""
        return self.steps_of("loss")

    @property
    def val_steps(self) -> list[int]:
        """Pasos en que se evaluó la pérdida de validación."""
        return self.steps_of("val_loss")

    @property
    def final_loss(self) -> float:
        """Último valor de la pérdida de entrenamiento."""
        if not self.losses:
            raise ValueError("El historial está vacío: todavía no se ha entrenado ninguna época.")
        return self.losses[-1]

    def __repr__(self) -> str:
        sizes = ", ".join(f"{name}: {len(values)}" for name, values in self._values.items())
        return f"History({sizes}; {fmt_num(self.seconds, 1)} s)"
