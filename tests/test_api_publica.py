"""Propiedad de la API pública: una entrada mala da un error claro en español, nunca basura.

Para cada función pública (barata: ninguna entrena un modelo) se parte de una llamada válida y
se cambia **un solo argumento** por un valor malo que genera ``hypothesis``: tipo equivocado,
``None``, NaN, infinitos, tamaños cero, negativos o enormes, tensores de forma o tipo
equivocados, vacíos o con NaN, textos vacíos… La propiedad: la llamada lanza ``TypeError`` o
``ValueError`` desde el código de ``genai_utils`` (no un error crudo de PyTorch o NumPy) con un
mensaje que nombra el argumento entre comillas invertidas. Devolver un resultado (un NaN, un
tensor vacío) también es un fallo: es el «resultado sin sentido silencioso» que se quiere evitar.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from genai_utils import (
    bpe,
    corpus,
    data,
    diffusion,
    gan,
    gpt,
    lm,
    metrics,
    mixture,
    ngram,
    pca,
    sampling,
    stats,
    training,
    vae,
)
from genai_utils.risks import bias, cost, detection, membership, memorization, watermark

NAN, INF = math.nan, math.inf
BIG = 10**18  # un tamaño absurdo: debe rechazarse antes de pedir memoria

# ----------------------------------------------------------------- valores malos por tipo
_NOT_NUMBERS = [None, "1", b"1", [1], 1j]


def _ints(*, minimum: int, big: bool) -> st.SearchStrategy[Any]:
    fixed = [*_NOT_NUMBERS, 1.5, 2.0, True, NAN, INF]
    if big:
        fixed.append(BIG)
    return st.one_of(st.sampled_from(fixed), st.integers(max_value=minimum - 1))


def _floats_outside(lo: float | None, hi: float | None, *, lo_open: bool, hi_open: bool):
    fixed: list[Any] = [*_NOT_NUMBERS, True, NAN]
    parts = []
    if lo is not None:
        fixed.append(-INF)
        parts.append(st.floats(max_value=lo, exclude_max=not lo_open, allow_nan=False))
    if hi is not None:
        fixed.append(INF)
        parts.append(st.floats(min_value=hi, exclude_min=not hi_open, allow_nan=False))
    return st.one_of(st.sampled_from(fixed), *parts)


KINDS: dict[str, st.SearchStrategy[Any]] = {
    "int>0": _ints(minimum=1, big=False),
    "size": _ints(minimum=1, big=True),  # tamaño: además, acotado por arriba
    "int>=0": _ints(minimum=0, big=False),
    "float>0": _floats_outside(0, None, lo_open=True, hi_open=False)
    | st.sampled_from([INF]),
    "float>=0": _floats_outside(0, None, lo_open=False, hi_open=False)
    | st.sampled_from([INF]),
    "(0,1)": _floats_outside(0, 1, lo_open=True, hi_open=True),
    "[0,1]": _floats_outside(0, 1, lo_open=False, hi_open=False),
    "(0,1]": _floats_outside(0, 1, lo_open=True, hi_open=False),
    "real": st.sampled_from([*_NOT_NUMBERS, True, NAN]),
    "text": st.sampled_from([None, 3, b"texto", ["a"], 1.5]),
    "text!": st.sampled_from([None, 3, b"texto", ["a"], ""]),
    "bool": st.sampled_from([None, 1, 0, "True", 1.0]),
    "choice": st.sampled_from([None, 3, "no_existe", "", b"linear"]),
    "model": st.sampled_from([None, "modelo", 3, torch.zeros(2)]),
}


def _float_tensor(valid: torch.Tensor, *, ndim_bad: bool = True, empty: bool = True,
                  nan: bool = True) -> list[Any]:
    """Variantes malas de un tensor de coma flotante válido ``valid``."""
    bad: list[Any] = [None, "tensor", valid.tolist(), valid.long(), valid.to(torch.complex64)]
    if ndim_bad:
        bad += [valid.reshape(-1)[0], valid.reshape(1, 1, 1, 1, -1)]
    if empty:
        bad.append(valid[:0])
    if nan:
        bad.append(torch.full_like(valid, NAN))
    return bad


def _int_tensor(valid: torch.Tensor, *, ndim_bad: bool = True, empty: bool = True) -> list[Any]:
    bad: list[Any] = [None, "tensor", valid.tolist(), valid.float()]
    if ndim_bad:
        bad += [valid.reshape(-1)[0], valid.reshape(1, 1, 1, 1, -1)]
    if empty:
        bad.append(valid[:0])
    return bad


@dataclass
class Spec:
    """Una llamada válida ``fn(**kwargs)`` y, por argumento, qué valores malos probar."""

    name: str
    fn: Callable[..., Any]
    kwargs: Callable[[], dict[str, Any]]
    params: dict[str, str | Callable[[], list[Any]]] = field(default_factory=dict)


# ----------------------------------------------------------------- objetos válidos baratos
@cache
def _schedule() -> diffusion.NoiseSchedule:
    return diffusion.make_schedule(10)


@cache
def _vae() -> vae.VAE:
    torch.manual_seed(0)
    return vae.VAE(latent_dim=2, hidden=8)


@cache
def _toy_denoiser() -> diffusion.ToyDenoiser:
    torch.manual_seed(0)
    return diffusion.ToyDenoiser(10, width=8, depth=1)


@cache
def _gpt() -> gpt.GPT:
    torch.manual_seed(0)
    return gpt.GPT(gpt.GPTConfig(vocab_size=10, context=8, n_layer=1, n_head=2, n_embd=8))


@cache
def _ngram() -> ngram.CharNGram:
    return ngram.CharNGram(2).fit("hola mundo")


@cache
def _wm() -> watermark.WatermarkConfig:
    return watermark.WatermarkConfig(vocab_size=10)


def _logits() -> torch.Tensor:
    return torch.tensor([[0.5, -1.0, 2.0, 0.0], [1.0, 1.0, 0.0, -2.0]])


def _probs() -> torch.Tensor:
    return torch.tensor([0.1, 0.2, 0.7])


def _images(n: int = 4) -> torch.Tensor:
    return torch.rand(n, 1, 8, 8, generator=torch.Generator().manual_seed(0))


def _dist() -> torch.Tensor:
    return torch.full((10,), 0.1)


def _losses() -> torch.Tensor:
    return torch.tensor([0.1, 0.5, 0.2, 0.9])


def _bad_logits(**kw: bool) -> Callable[[], list[Any]]:
    return lambda: _float_tensor(_logits(), **kw)


SPECS: list[Spec] = [
    # sampling
    Spec("apply_temperature", sampling.apply_temperature,
         lambda: {"logits": _logits(), "temperature": 1.0},
         {"logits": _bad_logits(ndim_bad=False), "temperature": "float>0"}),
    Spec("next_token_probs", sampling.next_token_probs,
         lambda: {"logits": _logits(), "temperature": 0.8, "top_k": 2, "top_p": 0.9},
         {"logits": _bad_logits(ndim_bad=False), "temperature": "float>0", "top_k": "int>0?",
          "top_p": "(0,1]?"}),
    Spec("top_k_filter", sampling.top_k_filter, lambda: {"logits": _logits(), "k": 2},
         {"logits": _bad_logits(ndim_bad=False), "k": "int>0"}),
    Spec("top_p_filter", sampling.top_p_filter, lambda: {"logits": _logits(), "p": 0.9},
         {"logits": _bad_logits(ndim_bad=False), "p": "(0,1]"}),
    Spec("sample_categorical", sampling.sample_categorical, lambda: {"probs": _probs()},
         {"probs": lambda: [*_float_tensor(_probs(), ndim_bad=False),
                            torch.tensor([INF, INF]), torch.tensor([-0.5, 1.5]),
                            torch.zeros(3), torch.zeros(0)]}),
    # gpt
    Spec("GPTConfig", gpt.GPTConfig,
         lambda: {"vocab_size": 10, "context": 8, "n_layer": 1, "n_head": 2, "n_embd": 8,
                  "dropout": 0.1},
         {"vocab_size": "int>0", "context": "int>0", "n_layer": "int>0", "n_head": "int>0",
          "n_embd": "int>0", "dropout": lambda: [None, "0.1", NAN, -0.1, 1.0, True, INF]}),
    Spec("causal_mask", gpt.causal_mask, lambda: {"size": 4}, {"size": "size"}),
    Spec("GPT", gpt.GPT, lambda: {"config": gpt.GPTConfig(vocab_size=5, n_layer=1, n_embd=8,
                                                          n_head=2)},
         {"config": lambda: [None, {"vocab_size": 5}, 5]}),
    Spec("GPT.generate", lambda **kw: _gpt().generate(**kw),
         lambda: {"idx": torch.tensor([[1, 2]]), "max_new_tokens": 2, "temperature": 1.0,
                  "top_k": 3, "top_p": 0.9, "seed": 0},
         {"idx": lambda: [*_int_tensor(torch.tensor([[1, 2]])), torch.tensor([[1, 99]]),
                          torch.tensor([[-1, 2]])],
          "max_new_tokens": "int>=0", "temperature": "float>0", "top_k": "int>0?",
          "top_p": "(0,1]?", "seed": "int>=0?"}),
    # lm
    Spec("CharVocab", lm.CharVocab, lambda: {"text": "hola"}, {"text": "text!"}),
    Spec("bits_per_char", lm.bits_per_char, lambda: {"total_nats": 10.0, "n_chars": 5},
         {"total_nats": "float>=0", "n_chars": "int>0"}),
    Spec("random_windows", lm.random_windows,
         lambda: {"data": torch.arange(50), "context": 8, "batch_size": 4},
         {"data": lambda: _int_tensor(torch.arange(50)), "context": "int>0",
          "batch_size": "size"}),
    # vae
    Spec("bits_per_dim", vae.bits_per_dim, lambda: {"nll_nats": 100.0, "dims": 64},
         {"nll_nats": "real", "dims": "int>0"}),
    Spec("gaussian_kl", vae.gaussian_kl,
         lambda: {"mu": torch.zeros(3, 2), "logvar": torch.zeros(3, 2)},
         {"mu": lambda: _float_tensor(torch.zeros(3, 2), ndim_bad=False, empty=False),
          "logvar": lambda: _float_tensor(torch.zeros(3, 2), ndim_bad=False, empty=False)}),
    Spec("binomial_log_likelihood", vae.binomial_log_likelihood,
         lambda: {"logits": torch.zeros(2, 64), "x": _images(2)},
         {"logits": lambda: _float_tensor(torch.zeros(2, 64), empty=False),
          "x": lambda: _float_tensor(_images(2), empty=False)}),
    Spec("vae_loss", vae.vae_loss, lambda: {"model": _vae(), "x": _images(), "beta": 1.0},
         {"model": "model", "x": lambda: _float_tensor(_images()), "beta": "float>=0"}),
    Spec("sample_images", vae.sample_images, lambda: {"model": _vae(), "n": 2, "seed": 0},
         {"model": "model", "n": "size", "seed": "int>=0"}),
    Spec("VAE", vae.VAE, lambda: {"latent_dim": 2, "hidden": 8},
         {"latent_dim": "int>0", "hidden": "int>0"}),
    # diffusion
    Spec("make_schedule", diffusion.make_schedule,
         lambda: {"n_steps": 10, "kind": "linear", "beta_start": 1e-3, "beta_end": 0.02},
         {"n_steps": "size", "kind": "choice", "beta_start": "(0,1)?", "beta_end": "(0,1)?"}),
    Spec("sinusoidal_embedding", diffusion.sinusoidal_embedding,
         lambda: {"t": torch.arange(4), "dim": 8, "max_period": 1000.0},
         {"t": lambda: [None, [1, 2], "t", torch.arange(4).reshape(2, 2), torch.tensor([-1, 2]),
                        torch.tensor([NAN, 1.0]), torch.zeros(0, dtype=torch.long)],
          "dim": "int>0", "max_period": "float>0"}),
    Spec("q_sample", diffusion.q_sample,
         lambda: {"x0": torch.zeros(4, 2), "t": 3, "schedule": _schedule()},
         {"x0": lambda: _float_tensor(torch.zeros(4, 2), ndim_bad=False),
          "t": lambda: [None, -1, 10, 1.5, "3", torch.tensor([1, 2, 3])],
          "schedule": lambda: [None, "lineal", 10]}),
    Spec("timestep_sequence", diffusion.timestep_sequence,
         lambda: {"n_steps": 5, "schedule": _schedule()},
         {"n_steps": "int>0", "schedule": lambda: [None, 5]}),
    Spec("ToyDenoiser", diffusion.ToyDenoiser, lambda: {"n_steps": 10, "width": 8, "depth": 1},
         {"n_steps": "int>0", "width": "int>0", "depth": "int>0"}),
    # gan
    Spec("discriminator_loss", gan.discriminator_loss,
         lambda: {"real_logits": torch.zeros(4), "fake_logits": torch.zeros(4)},
         {"real_logits": lambda: _float_tensor(torch.zeros(4)),
          "fake_logits": lambda: _float_tensor(torch.zeros(4))}),
    Spec("generator_loss", gan.generator_loss,
         lambda: {"fake_logits": torch.zeros(4), "kind": "minimax"},
         {"fake_logits": lambda: _float_tensor(torch.zeros(4)), "kind": "choice"}),
    Spec("ring_centers", gan.ring_centers, lambda: {"n_modes": 8, "radius": 3.0},
         {"n_modes": "size", "radius": "float>0"}),
    Spec("sample_ring", gan.sample_ring,
         lambda: {"n": 10, "n_modes": 8, "radius": 3.0, "std": 0.2, "seed": 0},
         {"n": "size", "n_modes": "size", "radius": "float>0", "std": "float>0",
          "seed": "int>=0"}),
    Spec("mode_coverage", gan.mode_coverage,
         lambda: {"samples": gan.sample_ring(20), "std": 0.2, "threshold": 0.05},
         {"samples": lambda: _float_tensor(gan.sample_ring(20)), "std": "float>0",
          "threshold": "(0,1)"}),
    Spec("optimal_discriminator", gan.optimal_discriminator,
         lambda: {"p_data": _probs(), "p_model": _probs()},
         {"p_data": lambda: _float_tensor(_probs(), ndim_bad=False),
          "p_model": lambda: _float_tensor(_probs(), ndim_bad=False)}),
    # data
    Spec("toy_2d", data.toy_2d, lambda: {"name": "moons", "n": 10, "seed": 0, "noise": 0.1},
         {"name": "choice", "n": "size", "seed": "int>=0", "noise": "float>=0?"}),
    Spec("flatten_images", data.flatten_images, lambda: {"x": _images()},
         {"x": lambda: [None, "x", torch.zeros(3), torch.zeros(2, 3, 8, 8)]}),
    Spec("unflatten_images", data.unflatten_images,
         lambda: {"x": torch.zeros(2, 64), "size": 8},
         {"x": lambda: [None, torch.zeros(2, 63), torch.zeros(64)], "size": "int>0"}),
    # metrics (sin el clasificador de referencia, que se entrena)
    Spec("energy_distance", metrics.energy_distance,
         lambda: {"a": torch.randn(5, 2), "b": torch.randn(6, 2)},
         {"a": lambda: _float_tensor(torch.randn(5, 2), ndim_bad=False),
          "b": lambda: _float_tensor(torch.randn(6, 2), ndim_bad=False)}),
    Spec("frechet_distance", metrics.frechet_distance,
         lambda: {"features_a": torch.randn(5, 2), "features_b": torch.randn(6, 2)},
         {"features_a": lambda: [None, "x", torch.zeros(0, 2), torch.full((5, 2), NAN)],
          "features_b": lambda: [None, "x", torch.zeros(0, 2), torch.full((6, 2), NAN)]}),
    # mixture, pca, stats, training
    Spec("GaussianMixture", mixture.GaussianMixture, lambda: {"n_components": 2, "dim": 2},
         {"n_components": "int>0", "dim": "int>0"}),
    Spec("PCA", pca.PCA, lambda: {"n_components": 2}, {"n_components": "int>0?"}),
    Spec("PCA.fit", lambda **kw: pca.PCA(2).fit(**kw), lambda: {"x": torch.randn(6, 3)},
         {"x": lambda: _float_tensor(torch.randn(6, 3), ndim_bad=False)}),
    Spec("wilson_interval", stats.wilson_interval,
         lambda: {"successes": 3, "n": 10, "confidence": 0.95},
         {"successes": "int>=0", "n": "int>0", "confidence": "(0,1)"}),
    Spec("count_parameters", training.count_parameters,
         lambda: {"model": torch.nn.Linear(2, 2)}, {"model": "model"}),
    Spec("set_seed", training.set_seed, lambda: {"seed": 0}, {"seed": "int>=0"}),
    # texto
    Spec("merge_pair", bpe.merge_pair, lambda: {"ids": [1, 2, 3], "pair": (1, 2), "new_id": 9},
         {"ids": lambda: [None, "ab", [1, None], [1.5], (b"x",), [-1, 2]],
          "pair": lambda: [None, (1,), (1, 2, 3), "ab", (1.5, 2), (-1, 2), 12],
          "new_id": "int>=0"}),
    Spec("split_chunks", bpe.split_chunks, lambda: {"text": "hola"}, {"text": "text"}),
    Spec("BPETokenizer.train", lambda **kw: bpe.BPETokenizer().train(**kw),
         lambda: {"text": "hola hola", "num_merges": 2},
         {"text": "text!", "num_merges": "int>=0"}),
    Spec("split_text", corpus.split_text, lambda: {"text": "hola mundo", "val_fraction": 0.2},
         {"text": "text!", "val_fraction": "(0,1)"}),
    Spec("strip_markup", corpus.strip_markup, lambda: {"markdown": "# Hola"},
         {"markdown": "text"}),
    Spec("CharNGram", ngram.CharNGram,
         lambda: {"order": 2, "alpha": 0.1, "backoff": True, "smoothing": "add_alpha"},
         {"order": "int>0", "alpha": "float>0", "backoff": "bool", "smoothing": "choice"}),
    Spec("CharNGram.sample", lambda **kw: _ngram().sample(**kw),
         lambda: {"n_chars": 3, "prompt": "ho", "temperature": 1.0, "seed": 0},
         {"n_chars": "int>=0", "prompt": "text", "temperature": "float>0", "seed": "int>=0"}),
    # riesgos
    Spec("class_distribution", bias.class_distribution,
         lambda: {"labels": torch.tensor([0, 1, 1]), "n_classes": 3},
         {"labels": lambda: _int_tensor(torch.tensor([0, 1, 1])), "n_classes": "size"}),
    Spec("group_share", bias.group_share, lambda: {"p": _dist(), "group": [0, 1]},
         {"p": lambda: _float_tensor(_dist()), "group": lambda: [None, [], [0, 0], [10], 3]}),
    Spec("amplification_factor", bias.amplification_factor,
         lambda: {"p_data": _dist(), "p_samples": _dist(), "group": [0]},
         {"p_data": lambda: _float_tensor(_dist()),
          "p_samples": lambda: [*_float_tensor(_dist()), torch.full((5,), 0.2)],
          "group": lambda: [None, [], [10]]}),
    Spec("bias_report", bias.bias_report,
         lambda: {"p_data": _dist(), "p_samples": _dist(), "group": [0]},
         {"p_data": lambda: _float_tensor(_dist()),
          "p_samples": lambda: [*_float_tensor(_dist()), torch.full((5,), 0.2)],
          "group": lambda: [None, [], [10]]}),
    Spec("total_variation", bias.total_variation, lambda: {"p": _dist(), "q": _dist()},
         {"p": lambda: _float_tensor(_dist()), "q": lambda: _float_tensor(_dist())}),
    Spec("skewed_subset", bias.skewed_subset,
         lambda: {"x": torch.zeros(4, 2), "y": torch.tensor([0, 1, 0, 1]), "keep": [1.0, 0.5],
                  "seed": 0},
         {"x": lambda: [None, "x", torch.tensor(1.0), torch.zeros(3, 2)],
          "y": lambda: _int_tensor(torch.tensor([0, 1, 0, 1])),
          "keep": lambda: [None, [1.0], [NAN, 1.0], [1.0, 2.0], "ab", [1.0, None]],
          "seed": "int>=0"}),
    Spec("quantize_grey_levels", detection.quantize_grey_levels,
         lambda: {"images": _images(), "levels": 16},
         {"images": lambda: _float_tensor(_images(), ndim_bad=False), "levels": "int>0"}),
    Spec("training_flops", cost.training_flops, lambda: {"n_params": 1e6, "n_tokens": 1e7},
         {"n_params": "float>0", "n_tokens": "float>0"}),
    Spec("membership_advantage", membership.membership_advantage,
         lambda: {"member_losses": _losses(), "nonmember_losses": _losses(), "threshold": 0.3},
         {"member_losses": lambda: _float_tensor(_losses())[:3] + _float_tensor(_losses())[4:],
          "nonmember_losses": lambda: _float_tensor(_losses())[:3] + _float_tensor(_losses())[4:],
          "threshold": lambda: ["0.3", NAN, INF, True, 1j]}),
    Spec("roc_auc", membership.roc_auc,
         lambda: {"labels": torch.tensor([0, 1, 0, 1]), "scores": _losses()},
         {"labels": lambda: [None, [0, 1], torch.tensor([0, 1]), torch.tensor([0, 2, 0, 1]),
                             torch.tensor([1, 1, 1, 1]), torch.zeros(0, dtype=torch.long)],
          "scores": lambda: [None, [0.1], _losses()[:0], torch.full((4,), NAN), _losses()[:2]]}),
    Spec("tpr_at_fpr", membership.tpr_at_fpr,
         lambda: {"labels": torch.tensor([0, 1, 0, 1]), "scores": _losses(), "fpr": 0.1},
         {"fpr": "(0,1)"}),
    Spec("char_ngrams", memorization.char_ngrams, lambda: {"text": "hola", "n": 2},
         {"text": "text", "n": "int>0"}),
    Spec("ngram_overlap", memorization.ngram_overlap,
         lambda: {"generated": "hola", "training": "hola mundo", "n": 2},
         {"generated": "text", "training": lambda: [None, 3, ["ho"], {"hol"}], "n": "int>0"}),
    Spec("nearest_neighbor_distances", memorization.nearest_neighbor_distances,
         lambda: {"queries": torch.zeros(2, 3), "reference": torch.ones(4, 3), "batch_size": 2},
         {"queries": lambda: _float_tensor(torch.zeros(2, 3), ndim_bad=False),
          "reference": lambda: _float_tensor(torch.ones(4, 3), ndim_bad=False),
          "batch_size": "int>0"}),
    Spec("WatermarkConfig", watermark.WatermarkConfig,
         lambda: {"vocab_size": 10, "gamma": 0.25, "delta": 2.0, "key": 0},
         {"vocab_size": "int>0", "gamma": "(0,1)", "delta": "float>=0", "key": "int>=0"}),
    Spec("z_score", watermark.z_score, lambda: {"green": 3, "tokens": 10, "gamma": 0.25},
         {"green": "int>=0", "tokens": "int>0", "gamma": "(0,1)"}),
    Spec("p_value", watermark.p_value, lambda: {"z": 1.0}, {"z": "real"}),
    Spec("z_threshold", watermark.z_threshold, lambda: {"fpr": 0.01}, {"fpr": "(0,1)"}),
    Spec("detection_rate", watermark.detection_rate,
         lambda: {"z_scores": [1.0, 5.0], "fpr": 0.01},
         {"z_scores": lambda: [None, [], [NAN], ["a"], "ab", torch.zeros(2, 2)],
          "fpr": "(0,1)"}),
    Spec("detect", watermark.detect, lambda: {"tokens": [1, 2, 3], "config": _wm()},
         {"tokens": lambda: [None, [1], "abc", [1, 99], [1.5, 2.0], torch.zeros(3)],
          "config": lambda: [None, 10, {"vocab_size": 10}]}),
    Spec("green_mask", watermark.green_mask, lambda: {"previous": 3, "config": _wm()},
         {"previous": lambda: [None, -1, 10, 1.5, "3"], "config": lambda: [None, 10]}),
    Spec("watermark_logits", watermark.watermark_logits,
         lambda: {"logits": torch.zeros(2, 10), "previous": torch.tensor([1, 2]),
                  "config": _wm()},
         {"logits": lambda: _float_tensor(torch.zeros(2, 10), empty=False),
          "previous": lambda: [*_int_tensor(torch.tensor([1, 2])), torch.tensor([1, 2, 3]),
                               torch.tensor([1, 10])],
          "config": lambda: [None, 10]}),
    Spec("watermark.generate", watermark.generate,
         lambda: {"model": lambda ids: torch.zeros(ids.shape[0], ids.shape[1], 10),
                  "idx": torch.tensor([[1, 2]]), "max_new_tokens": 2, "config": _wm(),
                  "temperature": 1.0, "seed": 0},
         {"model": lambda: [None, 3], "idx": lambda: _int_tensor(torch.tensor([[1, 2]])),
          "max_new_tokens": "int>=0", "config": lambda: [10, "config"],
          "temperature": "float>0", "seed": "int>=0?"}),
    Spec("substitute_tokens", watermark.substitute_tokens,
         lambda: {"tokens": torch.tensor([1, 2, 3]), "fraction": 0.5, "vocab_size": 10},
         {"tokens": lambda: _int_tensor(torch.tensor([1, 2, 3]), empty=False),
          "fraction": "[0,1]", "vocab_size": "int>0"}),
    # más funciones: muestreo de difusión, evaluación, riesgos
    Spec("ddpm_sample", diffusion.ddpm_sample,
         lambda: {"model": _toy_denoiser(), "schedule": _schedule(), "shape": (3, 2),
                  "clip": 3.0, "generator": torch.Generator().manual_seed(0)},
         {"model": "model", "schedule": lambda: [None, 10],
          "shape": lambda: [None, (), (0, 2), (-1, 2), (3, 3), "32", (3.0, 2), (BIG, 2)],
          "clip": "float>0?"}),
    Spec("ddim_sample", diffusion.ddim_sample,
         lambda: {"model": _toy_denoiser(), "schedule": _schedule(), "shape": (3, 2),
                  "n_steps": 5, "eta": 0.5, "generator": torch.Generator().manual_seed(0)},
         {"model": "model", "shape": lambda: [None, (), (0, 2), (3, 3)],
          "n_steps": lambda: [0, -1, 11, 1.5, "5", BIG], "eta": "float>=0"}),
    Spec("evaluate_lm", lm.evaluate_lm,
         lambda: {"model": _gpt(), "ids": torch.arange(20) % 10, "context": 4,
                  "batch_size": 2},
         {"model": "model", "ids": lambda: _int_tensor(torch.arange(20) % 10),
          "context": lambda: [0, -1, 1.5, None, 9, BIG], "batch_size": "int>0",
          "stride": "int>0?"}),
    Spec("gan.sample", gan.sample, lambda: {"generator": gan.Generator(hidden=8), "n": 3},
         {"generator": "model", "n": "size", "seed": "int>=0"}),
    Spec("gan.Generator", gan.Generator, lambda: {"latent_dim": 2, "out_shape": 2, "hidden": 8},
         {"latent_dim": "int>0", "out_shape": lambda: [0, -1, None, "2", (), (2, 0), 1.5],
          "hidden": "int>0", "n_hidden": "int>=0"}),
    Spec("gan.Discriminator", gan.Discriminator, lambda: {"in_shape": 2, "hidden": 8},
         {"in_shape": lambda: [0, -1, None, "2", (), 1.5], "hidden": "int>0"}),
    Spec("training.evaluate", training.evaluate,
         lambda: {"model": torch.nn.Linear(2, 1),
                  "loss_fn": lambda m, x: m(x).pow(2).mean(), "data": torch.zeros(4, 2),
                  "batch_size": 2},
         {"model": "model", "data": lambda: [None, "x", torch.zeros(0, 2), [1.0]],
          "batch_size": "int>0"}),
    Spec("delete_tokens", watermark.delete_tokens,
         lambda: {"tokens": torch.tensor([1, 2, 3, 4]), "fraction": 0.5, "seed": 0},
         {"tokens": lambda: _int_tensor(torch.tensor([1, 2, 3, 4]), empty=False),
          "fraction": "[0,1]", "seed": "int>=0"}),
    Spec("attack_summary", membership.attack_summary,
         lambda: {"member_losses": _losses(), "nonmember_losses": _losses() + 0.1},
         {"member_losses": lambda: _float_tensor(_losses())[:3] + _float_tensor(_losses())[4:],
          "nonmember_losses": lambda: [None, _losses()[:0], torch.full((4,), NAN)]}),
    Spec("bootstrap_tpr_at_fpr", membership.bootstrap_tpr_at_fpr,
         lambda: {"member_losses": _losses(), "nonmember_losses": _losses() + 0.1,
                  "fpr": 0.1, "n_boot": 5, "level": 0.9, "seed": 0},
         {"fpr": "(0,1)", "n_boot": "int>0", "level": "(0,1)", "seed": "int>=0"}),
    Spec("longest_copied_substring", memorization.longest_copied_substring,
         lambda: {"generated": "hola", "training": "hola mundo"},
         {"generated": "text", "training": "text"}),
    Spec("gpt_parameter_count", cost.gpt_parameter_count,
         lambda: {"config": gpt.GPTConfig(vocab_size=10)}, {"config": lambda: [None, 10, {}]}),
    Spec("training_seconds", cost.training_seconds,
         lambda: {"flops": 1e12, "flops_per_second": 1e9},
         {"flops": "float>0", "flops_per_second": "float>0"}),
    Spec("mlp_forward_flops", cost.mlp_forward_flops, lambda: {"sizes": [4, 8, 2], "batch": 2},
         {"sizes": lambda: [None, [4], "48", [4, 0], [4, -1], [4, 1.5]], "batch": "int>0"}),
]

CASES = [(spec, param) for spec in SPECS for param in spec.params]


def _strategy(kind: str | Callable[[], list[Any]]) -> st.SearchStrategy[Any]:
    if isinstance(kind, str) and kind.endswith("?"):  # argumento opcional: None es válido
        return KINDS[kind[:-1]].filter(lambda value: value is not None)
    if isinstance(kind, str):
        return KINDS[kind]
    return st.sampled_from(kind())


def _check_rejected(spec: Spec, param: str, bad: object) -> None:
    kwargs = spec.kwargs()
    kwargs[param] = bad
    try:
        result = spec.fn(**kwargs)
    except (TypeError, ValueError) as error:
        message = str(error)
        frames = [f for f in _frames(error.__traceback__)]
        assert "genai_utils" in frames[-1], (
            f"{spec.name}({param}={bad!r}): error crudo desde {frames[-1]}: {message}"
        )
        assert f"`{param}`" in message, (
            f"{spec.name}({param}={bad!r}): el mensaje no nombra `{param}`: {message}"
        )
    except Exception as error:  # noqa: BLE001 - se quiere ver qué se escapó
        pytest.fail(f"{spec.name}({param}={bad!r}): {type(error).__name__}: {error}")
    else:
        pytest.fail(f"{spec.name}({param}={bad!r}) se aceptó y devolvió {result!r:.80}")


def _frames(tb: Any) -> list[str]:
    names = []
    while tb is not None:
        names.append(tb.tb_frame.f_code.co_filename)
        tb = tb.tb_next
    return names


@pytest.mark.parametrize(("spec", "param"), CASES, ids=[f"{s.name}-{p}" for s, p in CASES])
@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_entrada_mala_da_error_claro(spec: Spec, param: str, data: st.DataObject) -> None:
    bad = data.draw(_strategy(spec.params[param]), label=param)
    _check_rejected(spec, param, bad)


@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_la_llamada_de_partida_es_valida(spec: Spec) -> None:
    spec.fn(**spec.kwargs())  # si no, la prueba de arriba no probaría nada
