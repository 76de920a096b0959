"""Las recetas de entrenamiento del libro, como datos: una sola fuente para cada modelo.

Una receta dice con qué datos, qué tamaños, cuántos pasos, qué tasa de aprendizaje y qué semilla
se entrena un modelo del libro. El cuaderno que lo entrena la lee de aquí, y también cualquier
otro cuaderno, guion o página que lo reutilice o lo describa (por ejemplo, el 7.7 cuenta las
operaciones del GPT del 5.3 con esta receta). Cambiar una receta en este archivo cambia todas sus
menciones; la prosa pega sus valores con ``glue`` desde el cuaderno (ver :mod:`genai_utils.report`).

Uso::

    from genai_utils.recipes import get_recipe
    receta = get_recipe("gpt_libro")
    receta.model["n_embd"], receta.training["steps"]
    receta.with_training(steps=100)   # una variante (nueva receta; la original no cambia)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

__all__ = ["RECIPES", "Recipe", "get_recipe"]


@dataclass(frozen=True)
class Recipe:
    """Receta de un modelo del libro.

    ``model`` reúne los tamaños de la arquitectura (y del tokenizador, si lo hay) y ``training``
    los del entrenamiento (pasos o épocas, lotes, tasa de aprendizaje…). Ambos son de solo
    lectura: para una variante, usa :meth:`with_model` o :meth:`with_training`.
    """

    name: str
    notebook: str
    description: str
    data: str
    model: Mapping[str, Any] = field(default_factory=dict)
    training: Mapping[str, Any] = field(default_factory=dict)
    seed: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "model", MappingProxyType(dict(self.model)))
        object.__setattr__(self, "training", MappingProxyType(dict(self.training)))

    def with_model(self, **changes: Any) -> Recipe:
        """Una copia con los tamaños de ``model`` cambiados (las claves deben existir)."""
        return replace(self, model=_updated(self.model, changes, "model"))

    def with_training(self, **changes: Any) -> Recipe:
        """Una copia con los valores de ``training`` cambiados (las claves deben existir)."""
        return replace(self, training=_updated(self.training, changes, "training"))


def _updated(base: Mapping[str, Any], changes: dict[str, Any], name: str) -> dict[str, Any]:
    unknown = sorted(set(changes) - set(base))
    if unknown:
        raise KeyError(
            f"La receta no tiene {unknown} en `{name}`; claves disponibles: {sorted(base)}."
        )
    return {**base, **changes}


def _register(*recipes: Recipe) -> dict[str, Recipe]:
    names = [recipe.name for recipe in recipes]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"Hay recetas con el mismo nombre: {repeated}.")
    return {recipe.name: recipe for recipe in recipes}


_VAE_DIGITOS = Recipe(
    name="vae_digitos",
    notebook="notebooks/03_1_autocodificador_vae.ipynb",
    description="VAE no condicional de los dígitos (verosimilitud binomial, a priori N(0, I))",
    data="dígitos 8×8 de entrenamiento (sin etiquetas)",
    model={"latent_dim": 16, "hidden": 128},
    training={"epochs": 120, "batch_size": 128, "lr": 3e-3},
    seed=0,
)

# Cada capítulo añade sus recetas en su apartado. Los nombres son en español, como los verá el
# lector en los cuadernos.
RECIPES: dict[str, Recipe] = _register(
    # ---------------------------------------------------------------- capítulo 1
    Recipe(
        name="mezcla_gaussianas",
        notebook="notebooks/01_1_maxima_verosimilitud.ipynb",
        description="mezcla de gaussianas diagonales ajustada por máxima verosimilitud (Adam)",
        data="2000 puntos de toy_2d('gaussian_mixture', noise=0,5, semilla 0): 1500 de "
             "entrenamiento y 500 de prueba",
        model={"n_components": 8},
        training={"n_points": 2000, "n_train": 1500, "noise": 0.5, "steps": 500, "lr": 0.05,
                  "class_steps": 300},
        seed=0,
    ),
    Recipe(
        name="clasificador_mezcla",
        notebook="notebooks/01_1_maxima_verosimilitud.ipynb",
        description="clasificador discriminativo (perceptrón 2 → 64 → 64 → 8, entropía cruzada)",
        data="los puntos de entrenamiento de la receta mezcla_gaussianas, con su grupo",
        model={"hidden": 64, "n_classes": 8},
        training={"epochs": 30, "batch_size": 128, "lr": 1e-2},
        seed=0,
    ),
    Recipe(
        name="ngramas_libro",
        notebook="notebooks/01_2_ngramas.ipynb",
        description="n-gramas de caracteres con suavizado aditivo y retroceso, órdenes 1 a 6",
        data="prosa del libro repartida por páginas (book_splits): se cuenta en entrenamiento y "
             "el orden se elige en desarrollo",
        model={"orders": (1, 2, 3, 4, 5, 6), "alpha": 0.01},
        training={"dev_fraction": 0.1, "test_fraction": 0.1},
        seed=0,
    ),
    Recipe(
        name="pca_digitos",
        notebook="notebooks/01_3_espacio_latente.ipynb",
        description="PCA de los dígitos y una gaussiana por clase en su espacio latente",
        data="dígitos 8×8 de entrenamiento (aplanados a 64 valores) con sus etiquetas",
        model={"reconstruction_ks": (2, 5, 10, 20), "walk_k": 10,
               "generation_ks": (2, 5, 10, 20, 40), "jitter": 1e-6},
        training={"samples_per_class": 36},
        seed=0,
    ),
    # ---------------------------------------------------------------- capítulo 2
    Recipe(
        name="gan_anillo",
        notebook="notebooks/02_1_gan_anillo.ipynb",
        description="GAN de perceptrones sobre el anillo de 8 gaussianas (pérdida no saturante)",
        data="20 000 puntos de sample_ring (semilla 0)",
        model={"latent_dim": 2, "hidden": 128, "n_hidden": 2},
        training={"n_points": 20_000, "steps": 1600, "batch_size": 256, "lr": 1e-3,
                  "beta1_naive": 0.9, "beta1_remedy": 0.5, "beta2": 0.999,
                  "snapshot_every": 100, "study_seeds": 5},
        seed=0,
    ),
    Recipe(
        name="wgan_gp_anillo",
        notebook="notebooks/02_3_wgan_gp.ipynb",
        description="WGAN-GP de perceptrones sobre el anillo de 8 gaussianas (crítico sin "
                    "sigmoide, penalización del gradiente; Adam con β = (0; 0,9))",
        data="los 20 000 puntos de la receta gan_anillo",
        model={"latent_dim": 2, "hidden": 128, "n_hidden": 2},
        training={"n_points": 20_000, "steps": 600, "batch_size": 256, "lr": 1e-3,
                  "n_critic": 5, "gp_weight": 10.0, "beta1": 0.0, "beta2": 0.9,
                  "snapshot_every": 50, "study_seeds": 5},
        seed=0,
    ),
    Recipe(
        name="gan_digitos",
        notebook="notebooks/02_2_gan_condicional.ipynb",
        description="GAN condicional de los dígitos (perceptrones, pérdida no saturante)",
        data="dígitos 8×8 de entrenamiento con sus etiquetas",
        model={"latent_dim": 32},
        training={"steps": 1500, "batch_size": 128, "lr": 1e-3, "betas": (0.5, 0.999)},
        seed=0,
    ),
    # ---------------------------------------------------------------- capítulo 3
    _VAE_DIGITOS,
    # El autocodificador se compara con el VAE en igualdad de condiciones: es su misma receta.
    replace(_VAE_DIGITOS, name="autocodificador_digitos",
            description="autocodificador determinista de los dígitos (la receta del VAE)"),
    Recipe(
        name="beta_vae_plano",
        notebook="notebooks/03_2_espacio_latente_vae.ipynb",
        description="VAE de los dígitos con dos dimensiones latentes, para varios β (β-VAE)",
        data="dígitos 8×8 de entrenamiento (sin etiquetas)",
        model={"latent_dim": 2, "hidden": 128},
        training={"epochs": 60, "batch_size": 256, "lr": 5e-3,
                  "betas": (0.25, 0.5, 1.0, 2.0, 4.0)},
        seed=0,
    ),
    Recipe(
        name="cvae_digitos",
        notebook="notebooks/03_2_espacio_latente_vae.ipynb",
        description="VAE condicional de los dígitos (verosimilitud binomial)",
        data="dígitos 8×8 de entrenamiento con sus etiquetas",
        model={"latent_dim": 8, "n_classes": 10},
        training={"epochs": 60, "batch_size": 256, "lr": 5e-3},
        seed=0,
    ),
    # ---------------------------------------------------------------- capítulo 4
    Recipe(
        name="difusion_rollo",
        notebook="notebooks/04_1_difusion_2d.ipynb",
        description="red de ruido de los puntos 2-D del rollo suizo (DDPM, sin condición)",
        data="4000 puntos del rollo suizo (toy_2d, semilla 0)",
        model={"schedule_steps": 200, "schedule": "linear", "width": 64, "depth": 3},
        training={"n_points": 4000, "steps": 2000, "batch_size": 256, "lr": 3e-3,
                  "ema_decay": 0.995},
        seed=0,
    ),
    Recipe(
        name="difusion_digitos",
        notebook="notebooks/04_2_difusion_digitos.ipynb",
        description="red condicional de ruido para los dígitos, con guía sin clasificador",
        data="dígitos 8×8 de entrenamiento con sus etiquetas, llevados a [−1, 1]",
        model={"schedule_steps": 200, "schedule": "cosine", "hidden": 128, "blocks": 2},
        training={"steps": 1000, "batch_size": 128, "lr": 3e-3, "ema_decay": 0.99,
                  "p_uncond": 0.1, "sample_steps": 50, "guidance": 2.0},
        seed=0,
    ),
    # El flujo se compara con la difusión en igualdad de condiciones: la misma red, los mismos
    # datos y el mismo presupuesto; ``time_steps`` solo fija la escala del tiempo de la red.
    Recipe(
        name="flujo_2d",
        notebook="notebooks/04_3_flow_matching.ipynb",
        description="flujo rectificado de los puntos 2-D del rollo suizo (red de difusion_rollo)",
        data="4000 puntos del rollo suizo (toy_2d, semilla 0)",
        model={"time_steps": 200, "width": 64, "depth": 3},
        training={"n_points": 4000, "steps": 2000, "batch_size": 256, "lr": 3e-3,
                  "ema_decay": 0.995},
        seed=0,
    ),
    Recipe(
        name="flujo_digitos",
        notebook="notebooks/04_3_flow_matching.ipynb",
        description="flujo rectificado condicional de los dígitos (la red de difusion_digitos)",
        data="dígitos 8×8 de entrenamiento con sus etiquetas, llevados a [−1, 1]",
        model={"time_steps": 200, "hidden": 128, "blocks": 2},
        training={"steps": 1000, "batch_size": 128, "lr": 3e-3, "ema_decay": 0.99,
                  "p_uncond": 0.1, "guidance": 2.0},
        seed=0,
    ),
    # ---------------------------------------------------------------- capítulo 5
    Recipe(
        name="gpt_atencion",
        notebook="notebooks/05_1_atencion.ipynb",
        description="GPT de caracteres diminuto para mirar sus mapas de atención",
        data="caracteres de las páginas de entrenamiento del libro",
        model={"context": 32, "n_layer": 2, "n_head": 4, "n_embd": 48, "dropout": 0.0},
        training={"steps": 300, "batch_size": 64, "lr": 1e-2},
        seed=0,
    ),
    Recipe(
        name="bpe_tokenizacion",
        notebook="notebooks/05_2_tokenizacion.ipynb",
        description="Tokenizador BPE que se entrena paso a paso para ver sus fusiones",
        data="prosa de las páginas de entrenamiento del libro (book_splits)",
        model={"merges": 600},
    ),
    Recipe(
        name="gpt_libro",
        notebook="notebooks/05_3_gpt_pequeno.ipynb",
        description="GPT pequeño con tokens BPE entrenado con la prosa del libro",
        data="prosa del libro repartida por páginas: entrenamiento, desarrollo y prueba",
        model={"merges": 1200, "context": 32, "n_layer": 2, "n_head": 4, "n_embd": 48,
               "dropout": 0.0},
        training={"steps": 1800, "batch_size": 32, "lr": 2e-2, "warmup": 50},
        seed=0,
    ),
    Recipe(
        name="gpt_asistente",
        notebook="notebooks/05_4_del_base_al_asistente.ipynb",
        description="el GPT del 5.3 convertido en asistente: SFT, DPO y adaptadores LoRA",
        data="instrucciones generadas con plantillas (make_instructions) sobre las palabras de "
             "un token del libro; prueba con otras formas de pedir y, aparte, otras palabras",
        model={"base": "gpt_libro", "special_like": ["\n", ":", "."], "min_count": 5,
               "min_length": 5, "test_share": 0.25},
        training={"tasks": ["repetir", "primera", "última", "revés"], "new_task": "segunda",
                  "n_train": 3000, "n_eval": 200, "sft_steps": 600, "sft_lr": 1e-2,
                  "batch_size": 32, "warmup": 20, "mistake_rate": 0.25, "pair_prompts": 1000,
                  "pair_samples": 4, "dpo_beta": 0.1, "dpo_steps": 150, "dpo_lr": 1e-3,
                  "dpo_nll": 1.0, "adapt_examples": 1000, "adapt_steps": 300,
                  "full_lr": 1e-2, "lora_lr": 3e-2, "lora_ranks": [1, 4, 16]},
        seed=0,
    ),
    # ---------------------------------------------------------------- capítulo 6
    Recipe(
        name="gpt_herramientas",
        notebook="notebooks/06_2_gpt_herramientas.ipynb",
        description="GPT del capítulo 5 entrenado desde cero para elegir y llamar herramientas",
        data="preguntas de plantillas (make_examples): entrenamiento split='train', seed=0; "
             "desarrollo split='test', seed=0; prueba final split='test', seed=1",
        model={"context": 48, "n_layer": 2, "n_head": 4, "n_embd": 48,
               "word_min_count": 3, "word_dropout": 0.15},
        training={"n_train": 3000, "n_dev": 90, "n_test": 90, "dev_seed": 0, "test_seed": 1,
                  "steps": 1500, "batch_size": 32, "lr": 3e-3},
        seed=0,
    ),
    # ---------------------------------------------------------------- capítulo 7
    Recipe(
        name="gpt_memorizacion",
        notebook="notebooks/07_2_memorizacion.ipynb",
        description="GPT de caracteres de una capa, entrenado de más con un trozo corto del libro",
        data="los primeros caracteres de las páginas de entrenamiento del libro (book_splits)",
        model={"context": 32, "n_layer": 1, "n_head": 4, "n_embd": 64, "dropout": 0.0},
        training={"train_chars": 2000, "steps": 800, "eval_every": 100, "batch_size": 32,
                  "lr": 5e-3, "weight_decay": 0.0},
        seed=0,
    ),
    Recipe(
        name="detector_digitos",
        notebook="notebooks/07_4_detector_imagenes.ipynb",
        description="detector de dígitos generados (perceptrón 64 → 64 → 64 → 1, entropía cruzada)",
        data="dígitos 8×8 reales de entrenamiento frente a los de un generador del libro",
        model={"hidden": 64},
        training={"epochs": 60, "batch_size": 256, "lr": 3e-3},
        seed=0,
    ),
)


def get_recipe(name: str) -> Recipe:
    """La receta llamada ``name``; si no existe, un error que lista las disponibles."""
    if not isinstance(name, str):
        raise TypeError(f"`name` debe ser un texto (str); se recibió {type(name).__name__}.")
    try:
        return RECIPES[name]
    except KeyError:
        raise KeyError(
            f"No hay ninguna receta llamada {name!r}; las disponibles son: {sorted(RECIPES)}."
        ) from None
