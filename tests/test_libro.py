"""El libro se construye en modo estricto: cualquier aviso de Sphinx o de myst-nb es un fallo."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from guiones import cargar_guion

pytestmark = pytest.mark.libro

RAIZ = Path(__file__).resolve().parents[1]


def test_construccion_estricta_sin_avisos(libro) -> None:
    # El aviso de arranque del núcleo de Jupyter («[IPKernelApp] WARNING | Kernel is running over
    # TCP…») no es de Sphinx: sale cada vez que se ejecuta un cuaderno cuya caché se invalidó.
    avisos = [linea for linea in libro.log.splitlines()
              if re.search(r"WARNING|ERROR", linea) and not linea.startswith("[IPKernelApp]")]
    assert libro.returncode == 0, "La construcción falló:\n" + libro.log[-4000:]
    assert not avisos, "Avisos en la construcción:\n" + "\n".join(avisos)


def test_cada_cifra_pegada_sale_de_su_cuaderno(libro) -> None:
    """Cada {glue:text} de la prosa tiene su clave en el cuaderno ejecutado (una sola fuente)."""
    guion = cargar_guion("comprobar_glue")
    fuentes = guion.fuentes()
    assert sum(len(guion.referencias(t)) for _, t in fuentes) > 100, "la prosa pega sus cifras"
    problemas = guion.comprobar(RAIZ / "_build/jupyter_execute/notebooks")
    assert not problemas, "\n".join(problemas)


def test_paginas_principales_existen(libro) -> None:
    for pagina in [
        "index.html",
        "book/intro.html",
        "book/como_usar.html",
        "book/01_conceptos/index.html",
        "notebooks/01_1_maxima_verosimilitud.html",
        "notebooks/01_2_ngramas.html",
        "notebooks/01_3_espacio_latente.html",
        "book/02_gan/index.html",
        "notebooks/02_1_gan_anillo.html",
        "notebooks/02_2_gan_condicional.html",
        "book/03_vae/index.html",
        "notebooks/03_1_autocodificador_vae.html",
        "notebooks/03_2_espacio_latente_vae.html",
        "book/04_difusion/index.html",
        "notebooks/04_1_difusion_2d.html",
        "notebooks/04_2_difusion_digitos.html",
        "notebooks/04_3_flow_matching.html",
        "book/05_transformers/index.html",
        "notebooks/05_1_atencion.html",
        "notebooks/05_2_tokenizacion.html",
        "notebooks/05_3_gpt_pequeno.html",
        "notebooks/05_4_del_base_al_asistente.html",
        "book/06_agentes/index.html",
        "notebooks/06_1_bucle_agente.html",
        "notebooks/06_2_gpt_herramientas.html",
        "notebooks/06_3_rag.html",
        "book/07_desafios/index.html",
        "book/07_desafios/sesgo.html",
        "book/07_desafios/contenido_falso.html",
        "book/07_desafios/alucinaciones.html",
        "book/07_desafios/privacidad_seguridad.html",
        "book/07_desafios/creatividad.html",
        "book/07_desafios/coste.html",
        "book/07_desafios/explicabilidad.html",
        "book/07_desafios/uso_responsable.html",
        "notebooks/07_1_sesgo.html",
        "notebooks/07_2_memorizacion.html",
        "notebooks/07_3_inferencia_pertenencia.html",
        "notebooks/07_4_detector_imagenes.html",
        "notebooks/07_5_marca_de_agua.html",
        "notebooks/07_6_alucinacion_inyeccion.html",
        "notebooks/07_7_coste.html",
        "book/07_desafios/ejercicios.html",
        "book/glosario.html",
        "book/bibliografia.html",
        "search.html",
    ]:
        assert (libro.html / pagina).is_file(), f"Falta la página {pagina}"


def test_html_en_espanol_y_recursos_locales(libro) -> None:
    html = (libro.html / "notebooks/01_2_ngramas.html").read_text(encoding="utf-8")
    assert '<html lang="es"' in html
    assert "Buscar en el libro" in html
    assert "_static/mathjax/es5/tex-mml-chtml.js" in html
    assert "_static/html-manager/embed-amd.js" in html
    assert "cdn.jsdelivr.net" not in html and "cdnjs.cloudflare.com" not in html
    assert (libro.html / "_static/mathjax/es5/tex-mml-chtml.js").is_file()


def test_bibliografia_con_citas(libro) -> None:
    html = (libro.html / "book/bibliografia.html").read_text(encoding="utf-8")
    assert "Goodfellow" in html and "Vaswani" in html


def _cuadernos_con_figuras() -> list[str]:
    """Los cuadernos cuyo código dibuja con matplotlib (``plt.show()``)."""
    nombres = []
    for ruta in sorted((RAIZ / "notebooks").glob("*.ipynb")):
        celdas = json.loads(ruta.read_text(encoding="utf-8"))["cells"]
        if any("plt.show()" in "".join(c["source"]) for c in celdas if c["cell_type"] == "code"):
            nombres.append(ruta.stem)
    return nombres


@pytest.mark.parametrize("cuaderno", _cuadernos_con_figuras(), ids=str)
def test_cada_cuaderno_muestra_sus_figuras(libro, cuaderno: str) -> None:
    """Un cuaderno que llama a ``plt.show()`` debe mostrar sus figuras en la página.

    Si no las muestra, el núcleo no usó el backend «inline»: pasa, por ejemplo, si se ejecuta con
    ``MPLBACKEND=Agg`` en el entorno, y el libro se publicaría sin gráficos.
    """
    html = (libro.html / f"notebooks/{cuaderno}.html").read_text(encoding="utf-8")
    assert re.search(r'<img[^>]*src="\.\./_images/[^"]+\.png"', html), (
        f"La página de {cuaderno} no muestra ninguna figura de sus celdas."
    )
