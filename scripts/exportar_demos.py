"""Entrena con sus recetas los modelos de las demos vivas y los exporta para el navegador.

Cada demo deja sus archivos en ``book/_static/demos/modelos/<demo>/`` (carpeta ignorada por git;
Sphinx la copia a ``_static/demos/modelos/`` del sitio):

* los datos del modelo (JSON) o la red (ONNX);
* ``referencia.json``: una entrada fija y lo que PyTorch calcula con ella, para que las pruebas
  del navegador comparen sus números con los de PyTorch;
* ``huella.json``: la huella de la receta, del código y de los datos. Si al volver a ejecutar el
  guion la huella no ha cambiado, la demo no se reentrena.

Uso::

    python scripts/exportar_demos.py              # todas las demos
    python scripts/exportar_demos.py ngramas gpt  # solo algunas
    python scripts/exportar_demos.py --forzar     # reentrena aunque la huella coincida
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
from torch import nn

RAIZ = Path(__file__).resolve().parents[1]
DESTINO = RAIZ / "book/_static/demos/modelos"
sys.path.insert(0, str(RAIZ))

from genai_utils.export import (  # noqa: E402
    bm25_index,
    bpe_tables,
    export_onnx,
    fingerprint,
    green_lists,
    ngram_tables,
    source_digest,
    text_digest,
)
from genai_utils.recipes import get_recipe  # noqa: E402

# Los módulos del bucle de entrenamiento común, que intervienen en todo lo que se entrena.
_BUCLE = ("training.py", "trainer.py", "history.py", "runtime.py", "schedules.py")


def _codigo(*modulos: str) -> str:
    """Huella del código que interviene: los módulos dados, export.py y este guion.

    Un módulo puede ser un archivo (``"vae.py"``) o un paquete (``"gan"``): de un paquete cuentan
    todos sus archivos ``.py``, en orden alfabético.
    """
    rutas: list[Path] = []
    for m in modulos:
        ruta = RAIZ / "genai_utils" / m
        rutas.extend(sorted(ruta.glob("*.py")) if ruta.is_dir() else [ruta])
    return source_digest([*rutas, RAIZ / "genai_utils/export.py", Path(__file__)])


def _escribir_json(ruta: Path, datos: Any) -> None:
    """JSON compacto en UTF-8 (los archivos viajan al navegador: cuanto menos ocupen, mejor)."""
    ruta.parent.mkdir(parents=True, exist_ok=True)
    ruta.write_text(json.dumps(datos, ensure_ascii=False, separators=(",", ":")),
                    encoding="utf-8")


def _al_dia(demo: str, huella: str) -> bool:
    """¿Ya hay una exportación de ``demo`` con esta huella?"""
    ruta = DESTINO / demo / "huella.json"
    return ruta.exists() and json.loads(ruta.read_text(encoding="utf-8")).get("huella") == huella


def _sellar(demo: str, huella: str, segundos: float) -> None:
    """Escribe la huella al final: una exportación interrumpida no queda marcada como válida."""
    _escribir_json(DESTINO / demo / "huella.json",
                   {"huella": huella, "segundos": round(segundos, 1)})


def _lista(tensor: torch.Tensor) -> list[float]:
    """Tensor → lista de floats (coma flotante de 32 bits, como en el navegador)."""
    return [float(v) for v in tensor.detach().float().flatten()]


# ------------------------------------------------------------------ capítulo 1: n-gramas
def _ngrama_libro() -> tuple[Any, int]:
    """El n-grama aditivo de la receta ``ngramas_libro``, con el orden elegido en desarrollo."""
    import math

    from genai_utils.corpus import book_splits
    from genai_utils.ngram import CharNGram

    receta = get_recipe("ngramas_libro")
    partes = book_splits(dev_fraction=receta.training["dev_fraction"],
                         test_fraction=receta.training["test_fraction"], seed=receta.seed)
    alpha, mayor = receta.model["alpha"], max(receta.model["orders"])
    modelo = CharNGram(order=mayor, alpha=alpha).fit(partes.train)
    bits = {}
    for n in receta.model["orders"]:  # los recuentos de órdenes menores son los mismos
        bits[n] = math.log2(CharNGram(order=n, alpha=alpha).fit(partes.train)
                            .perplexity(partes.dev, on_unknown="skip"))
    return modelo, min(bits, key=bits.get)


def huella_ngramas() -> str:
    """Receta, código y texto de entrenamiento del n-grama."""
    from genai_utils.corpus import book_corpus

    return fingerprint(receta=repr(get_recipe("ngramas_libro")),
                       codigo=_codigo("ngram.py", "corpus.py"),
                       datos=text_digest(book_corpus()))


def exportar_ngramas(carpeta: Path) -> None:
    """Recuentos del n-grama (todos los órdenes de la receta) y distribuciones de referencia."""
    modelo, elegido = _ngrama_libro()
    tablas = ngram_tables(modelo) | {"chosen_order": elegido}
    _escribir_json(carpeta / "tablas.json", tablas)
    referencia = []
    for orden in (1, 3, elegido):
        sub = _truncado(modelo, orden)
        for contexto in ("", "La distribuci", "zzq el modelo"):
            referencia.append({"order": orden, "context": contexto,
                               "probs": _lista(sub.next_char_distribution(contexto))})
    _escribir_json(carpeta / "referencia.json", referencia)


def _truncado(modelo: Any, orden: int) -> Any:
    """El mismo n-grama con un orden menor: sus recuentos son los primeros ``orden`` niveles."""
    from genai_utils.ngram import CharNGram

    sub = CharNGram(order=orden, alpha=modelo.alpha)
    sub.vocab, sub._index = modelo.vocab, modelo._index
    sub._counts, sub._totals = modelo._counts[:orden], modelo._totals[:orden]
    return sub


# ------------------------------------------------------------------ capítulo 5: GPT
class _UltimoLogit(nn.Module):
    """El GPT del libro con una ventana fija de ``context`` tokens.

    Recibe ``idx`` (1, context) —el texto alineado a la izquierda y relleno con ceros por la
    derecha: la máscara causal impide que el relleno influya— y ``last`` (1,), la posición del
    último token real; devuelve los logits (1, V) del token siguiente.
    """

    def __init__(self, gpt: nn.Module) -> None:
        super().__init__()
        self.gpt = gpt

    def forward(self, idx: torch.Tensor, last: torch.Tensor) -> torch.Tensor:
        g = self.gpt
        posiciones = torch.arange(idx.shape[1])
        x = g.tok_emb(idx) + g.pos_emb(posiciones)
        for bloque in g.blocks:
            x, _ = bloque(x)
        logits = g.head(g.ln_f(x))[0]
        return logits.index_select(0, last)


def _gpt_libro() -> tuple[nn.Module, Any]:
    """Entrena el GPT del cuaderno 5.3 con la receta ``gpt_libro`` (como el cuaderno)."""
    from genai_utils.bpe import BPETokenizer
    from genai_utils.corpus import book_splits
    from genai_utils.gpt import GPT, GPTConfig
    from genai_utils.lm import train_lm
    from genai_utils.training import set_seed

    receta = get_recipe("gpt_libro")
    set_seed(receta.seed)
    partes = book_splits()
    tokenizador = BPETokenizer().train(partes.train, receta.model["merges"])
    m = receta.model
    config = GPTConfig(vocab_size=tokenizador.vocab_size, context=m["context"],
                       n_layer=m["n_layer"], n_head=m["n_head"], n_embd=m["n_embd"],
                       dropout=m["dropout"])
    set_seed(receta.seed)
    modelo = GPT(config)
    t = receta.training
    train_lm(modelo, torch.tensor(tokenizador.encode(partes.train)), context=m["context"],
             batch_size=t["batch_size"], lr=t["lr"], max_steps=t["steps"], warmup=t["warmup"],
             seed=receta.seed, device="cpu", progress=False)
    return modelo.eval(), tokenizador


def huella_gpt() -> str:
    """Receta, código y texto de entrenamiento del GPT."""
    from genai_utils.corpus import book_corpus

    return fingerprint(receta=repr(get_recipe("gpt_libro")),
                       codigo=_codigo("gpt.py", "bpe.py", "lm.py", "corpus.py", *_BUCLE),
                       datos=text_digest(book_corpus()), torch=torch.__version__)


def _voraz(modelo: nn.Module, ids: list[int], n: int) -> list[int]:
    """Decodificación voraz (el token más probable en cada paso) con la ventana del modelo."""
    ids = list(ids)
    contexto = modelo.config.context
    with torch.no_grad():
        for _ in range(n):
            logits, _ = modelo(torch.tensor([ids[-contexto:]]))
            ids.append(int(logits[0, -1].argmax()))
    return ids


def exportar_gpt(carpeta: Path) -> None:
    """La red en ONNX, las fusiones del BPE y una referencia (logits y decodificación voraz)."""
    modelo, tokenizador = _gpt_libro()
    contexto = modelo.config.context
    envoltorio = _UltimoLogit(modelo).eval()
    ejemplo = (torch.zeros(1, contexto, dtype=torch.long), torch.tensor([0]))
    export_onnx(envoltorio, ejemplo, carpeta / "gpt.onnx", input_names=["idx", "last"],
                output_names=["logits"])
    _escribir_json(carpeta / "bpe.json", bpe_tables(tokenizador) | {"context": contexto})
    inicio = "Un modelo generativo"
    ids = tokenizador.encode(inicio)
    with torch.no_grad():
        logits, _ = modelo(torch.tensor([ids]))
    voraz = _voraz(modelo, ids, 40)
    _escribir_json(carpeta / "referencia.json", {
        "prompt": inicio, "ids": ids, "logits": _lista(logits[0, -1]),
        "greedy": voraz, "greedy_text": tokenizador.decode(voraz),
        "encode_samples": {t: tokenizador.encode(t) for t in (
            "La distribución de los datos.", "¿Qué es un «token»? Año 2026, 3,14…",
            "  dos  espacios\ny salto", "emoji 🙂 y ñandú")},
    })


# ------------------------------------------------------------------ capítulo 3: VAE
def _vae_plano() -> tuple[nn.Module, Any]:
    """El VAE de dos dimensiones latentes (receta ``beta_vae_plano``, β = 1), como en el 3.2."""
    from genai_utils.data import load_digits
    from genai_utils.training import fit, limit_threads
    from genai_utils.vae import VAE, init_decoder_bias, vae_loss

    receta = get_recipe("beta_vae_plano")
    digitos = load_digits()
    torch.manual_seed(receta.seed)
    modelo = VAE(latent_dim=receta.model["latent_dim"], hidden=receta.model["hidden"])
    init_decoder_bias(modelo, digitos.x_train)
    t = receta.training
    with limit_threads(1):
        fit(modelo, vae_loss, digitos.x_train, epochs=t["epochs"], batch_size=t["batch_size"],
            lr=t["lr"], seed=receta.seed, device="cpu", progress=False)
    return modelo.eval(), digitos


class _Decodificador(nn.Module):
    """Imagen media (N, 64) en [0, 1] a partir de códigos ``z`` (N, 2)."""

    def __init__(self, vae: nn.Module) -> None:
        super().__init__()
        self.decoder = vae.decoder

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.decoder(z))


def huella_vae() -> str:
    """Receta y código del VAE (los dígitos vienen con scikit-learn)."""
    return fingerprint(receta=repr(get_recipe("beta_vae_plano")),
                       codigo=_codigo("vae.py", "data.py", *_BUCLE), torch=torch.__version__)


def exportar_vae(carpeta: Path) -> None:
    """El decodificador en ONNX, los códigos μ de los dígitos de prueba y una referencia."""
    modelo, digitos = _vae_plano()
    decodificador = _Decodificador(modelo).eval()
    export_onnx(decodificador, (torch.zeros(1, 2),), carpeta / "decodificador.onnx",
                input_names=["z"], output_names=["image"])
    with torch.no_grad():
        mu = modelo.encode(digitos.x_test)[0]
        z = torch.tensor([[0.5, -1.25]])
        imagen = decodificador(z)
    _escribir_json(carpeta / "codigos.json", {
        "mu": [[round(float(a), 3), round(float(b), 3)] for a, b in mu],
        "labels": [int(y) for y in digitos.y_test]})
    _escribir_json(carpeta / "referencia.json", {"z": _lista(z), "image": _lista(imagen)})


# ------------------------------------------------------------------ capítulo 2: GAN
N_MARCOS = 9  # fotogramas de la interpolación latente


class _GeneradorGAN(nn.Module):
    """Generador condicional de la GAN de dígitos con la etiqueta ya en *one-hot*."""

    def __init__(self, generator: nn.Module) -> None:
        super().__init__()
        self.body, self.head = generator.body, generator.head

    def forward(self, z: torch.Tensor, one_hot: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.head(self.body(torch.cat([z, one_hot], dim=1))))


def huella_gan() -> str:
    """Receta y código de la GAN condicional de los dígitos."""
    return fingerprint(receta=repr(get_recipe("gan_digitos")),
                       codigo=_codigo("gan", "data.py", *_BUCLE), torch=torch.__version__)


def exportar_gan(carpeta: Path) -> None:
    """El generador de ``train_digit_gan`` en ONNX (lotes de 9) y una referencia."""
    from genai_utils.gan import train_digit_gan

    generador, _ = train_digit_gan(seed=get_recipe("gan_digitos").seed, device="cpu",
                                   progress=False)
    envoltorio = _GeneradorGAN(generador.eval()).eval()
    latente = generador.latent_dim
    export_onnx(envoltorio, (torch.zeros(N_MARCOS, latente), torch.zeros(N_MARCOS, 10)),
                carpeta / "generador.onnx", input_names=["z", "one_hot"], output_names=["image"])
    z = torch.randn(N_MARCOS, latente, generator=torch.Generator().manual_seed(0))
    etiquetas = torch.arange(N_MARCOS) % 10
    one_hot = torch.nn.functional.one_hot(etiquetas, 10).float()
    with torch.no_grad():
        imagenes = envoltorio(z, one_hot)
        directas = generador(z, etiquetas).reshape(N_MARCOS, -1)
    assert torch.allclose(imagenes, directas, atol=1e-6), "el envoltorio debe dar lo mismo"
    _escribir_json(carpeta / "info.json", {"latent_dim": latente, "frames": N_MARCOS})
    _escribir_json(carpeta / "referencia.json", {"z": _lista(z), "labels": etiquetas.tolist(),
                                                 "image": _lista(imagenes)})


# ------------------------------------------------------------------ capítulo 4: difusión
class _RedDeRuido(nn.Module):
    """La red de ruido de los dígitos con entradas planas: x (2, 64), t (2,), etiquetas (2,)."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, x: torch.Tensor, t: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        m = self.model
        steps = t.float() * (1000.0 / m.n_steps)
        # La codificación sinusoidal de genai_utils.diffusion, sin sus comprobaciones (que
        # miran los valores y no se pueden exportar); exportar_difusion compara ambas redes.
        half = m.emb_dim // 2
        freqs = torch.exp(-math.log(1000.0) * torch.arange(half) / half)
        angles = steps[:, None] * freqs[None]
        sinusoidal = torch.cat([torch.sin(angles), torch.cos(angles)], dim=1)
        emb = m.time_mlp(sinusoidal) + m.class_emb(labels)
        h = m.inp(x)
        for bloque in m.blocks:
            h = bloque(h, emb)
        return m.out(h)


def huella_difusion() -> str:
    """Receta y código de la difusión de los dígitos."""
    return fingerprint(receta=repr(get_recipe("difusion_digitos")),
                       codigo=_codigo("diffusion", "data.py", *_BUCLE),
                       torch=torch.__version__)


def exportar_difusion(carpeta: Path) -> None:
    """La red de ruido en ONNX, el calendario, los pasos de DDIM y una muestra de referencia."""
    from genai_utils.diffusion import ddim_sample, timestep_sequence, train_digit_denoiser

    receta = get_recipe("difusion_digitos")
    modelo, calendario, _ = train_digit_denoiser(seed=receta.seed, device="cpu", progress=False)
    modelo = modelo.eval().cpu()
    red = _RedDeRuido(modelo).eval()
    ejemplo = (torch.zeros(2, 64), torch.zeros(2, dtype=torch.long),
               torch.zeros(2, dtype=torch.long))
    export_onnx(red, ejemplo, carpeta / "red_de_ruido.onnx", input_names=["x", "t", "labels"],
                output_names=["eps"])
    pasos = timestep_sequence(receta.training["sample_steps"], calendario)
    _escribir_json(carpeta / "calendario.json", {
        "alpha_bars": _lista(calendario.alpha_bars), "steps": pasos.tolist(),
        "null_label": modelo.num_classes, "guidance": receta.training["guidance"], "clip": 1.0})
    x = torch.randn(2, 64, generator=torch.Generator().manual_seed(0))
    t, etiquetas = torch.tensor([150, 150]), torch.tensor([3, modelo.num_classes])
    with torch.no_grad():
        eps = red(x, t, etiquetas)
        assert torch.allclose(eps, modelo(x, t, etiquetas), atol=1e-6)
    # Una muestra completa con DDIM (η = 0) y guía: el ruido inicial sale del generador sembrado.
    generador = torch.Generator().manual_seed(1)
    muestra = ddim_sample(modelo, calendario, (1, 1, 8, 8), n_steps=len(pasos), eta=0.0,
                          labels=torch.tensor([7]), guidance=receta.training["guidance"],
                          clip=1.0, generator=generador)
    inicial = torch.randn((1, 1, 8, 8), generator=torch.Generator().manual_seed(1))
    _escribir_json(carpeta / "referencia.json", {
        "x": _lista(x), "t": t.tolist(), "labels": etiquetas.tolist(), "eps": _lista(eps),
        "sample": {"x_T": _lista(inicial), "label": 7, "guidance": receta.training["guidance"],
                   "x_0": _lista(muestra)}})


# ------------------------------------------------------------------ capítulo 6: BM25
def huella_bm25() -> str:
    """Código del recuperador y texto de los fragmentos del libro."""
    from genai_utils.agents.retrieval import chunk_pages, load_pages

    textos = "\n".join(f"{c.id}\t{c.title}\t{c.text}" for c in chunk_pages(load_pages()))
    return fingerprint(codigo=_codigo("agents/retrieval.py", "corpus.py"),
                       datos=text_digest(textos))


PREGUNTAS_BM25 = ("¿Qué es la temperatura al muestrear?", "colapso de modos en una GAN",
                  "guía sin clasificador", "marca de agua lista verde")


def exportar_bm25(carpeta: Path) -> None:
    """El índice BM25 de los fragmentos del libro y las puntuaciones de unas preguntas fijas."""
    from genai_utils.agents.retrieval import BM25Retriever, chunk_pages, load_pages

    fragmentos = chunk_pages(load_pages())
    _escribir_json(carpeta / "indice.json", bm25_index(fragmentos))
    recuperador = BM25Retriever(fragmentos)
    _escribir_json(carpeta / "referencia.json", [
        {"query": q, "top": [[c.id, s] for c, s in recuperador.search(q, k=5)]}
        for q in PREGUNTAS_BM25])


# ------------------------------------------------------------------ capítulo 7: marca de agua
def huella_marca() -> str:
    """Receta del n-grama, código de la marca de agua y texto de entrenamiento."""
    return fingerprint(base=huella_ngramas(), codigo=_codigo("risks/watermark.py", "lm.py"))


def exportar_marca(carpeta: Path) -> None:
    """Listas verdes de la marca del cuaderno 7.5 (γ = 0,25, clave 0) sobre los caracteres del
    n-grama, y la puntuación de PyTorch para unos textos fijos."""
    from genai_utils.corpus import book_splits
    from genai_utils.lm import CharVocab
    from genai_utils.risks import watermark as wm

    vocab = CharVocab(book_splits().train)
    config = wm.WatermarkConfig(vocab_size=len(vocab), gamma=0.25, delta=2.0, key=0)
    _escribir_json(carpeta / "marca.json", {
        "vocab": "".join(vocab.chars), "gamma": config.gamma, "delta": config.delta,
        "effective_gamma": config.effective_gamma, "order": 5, "green": green_lists(config)})
    textos = ("El modelo aprende la distribución de los datos.",
              "Un texto escrito por una persona, sin marca de agua alguna, para comparar.")
    referencia = []
    for texto in textos:
        puntuacion = wm.detect(vocab.encode(texto, unknown="skip"), config)
        referencia.append({"text": texto, "green": puntuacion.green, "tokens": puntuacion.tokens,
                           "z": puntuacion.z, "p_value": puntuacion.p_value})
    _escribir_json(carpeta / "referencia.json", referencia)


# ------------------------------------------------------------------ registro
DEMOS: dict[str, tuple[Callable[[], str], Callable[[Path], None]]] = {
    "ngramas": (huella_ngramas, exportar_ngramas),
    "gpt": (huella_gpt, exportar_gpt),
    "vae": (huella_vae, exportar_vae),
    "gan": (huella_gan, exportar_gan),
    "difusion": (huella_difusion, exportar_difusion),
    "bm25": (huella_bm25, exportar_bm25),
    "marca": (huella_marca, exportar_marca),
}


def exportar(nombres: list[str], *, forzar: bool = False) -> dict[str, float]:
    """Exporta las demos pedidas que no estén al día; devuelve los segundos de cada una."""
    tiempos = {}
    for nombre in nombres:
        calcular_huella, exportar_demo = DEMOS[nombre]
        huella = calcular_huella()
        if not forzar and _al_dia(nombre, huella):
            print(f"{nombre}: al día (huella {huella[:12]}), no se reentrena.")
            tiempos[nombre] = 0.0
            continue
        inicio = time.perf_counter()
        exportar_demo(DESTINO / nombre)
        tiempos[nombre] = time.perf_counter() - inicio
        _sellar(nombre, huella, tiempos[nombre])
        print(f"{nombre}: exportada en {tiempos[nombre]:.1f} s (huella {huella[:12]}).")
    return tiempos


def main() -> None:
    """Punto de entrada de la línea de órdenes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("demos", nargs="*", help=f"demos que exportar: {', '.join(DEMOS)}")
    parser.add_argument("--forzar", action="store_true", help="reentrena aunque esté al día")
    args = parser.parse_args()
    desconocidas = sorted(set(args.demos) - set(DEMOS))
    if desconocidas:
        parser.error(f"no hay demos llamadas {desconocidas}; las disponibles: {list(DEMOS)}")
    torch.set_num_threads(min(2, torch.get_num_threads()))
    # torch.onnx avisa de que falta torchvision (el libro no lo usa): sin ese ruido en el registro.
    logging.getLogger("torch.onnx").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", category=FutureWarning)
    inicio = time.perf_counter()
    exportar(args.demos or list(DEMOS), forzar=args.forzar)
    print(f"Demos exportadas en {time.perf_counter() - inicio:.1f} s en total.")


if __name__ == "__main__":
    main()
