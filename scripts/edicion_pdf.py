"""Extensión de Sphinx para la edición en PDF del libro (``make pdf``, constructor LaTeX).

Solo actúa cuando el formato de salida es LaTeX: en la construcción HTML no cambia nada. Hace tres
cosas que un PDF necesita y el sitio no:

- **Controles interactivos.** Una salida de cuaderno que es un *widget* no se puede dibujar en
  papel. Si es una barra de progreso de ``tqdm`` se escribe su estado final como texto (la
  descripción, la barra y los tiempos que guardó la ejecución); cualquier otro control (los de
  ``interact``) se cambia por una frase que dice dónde usarlo.
- **Demos vivas.** El bloque HTML de cada demo (``book/_demos``, ``class="demo-viva"``) se cambia
  por una frase que remite al sitio web.
- **Numeración.** Como en el sitio, solo se numeran los capítulos de las partes del índice con
  ``numbered: true`` (los de «Capítulos»): «Cómo usar este libro», las demos y los apéndices van
  sin número, y el capítulo de conceptos es el 1 también en el PDF.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

VISTA_WIDGET = "application/vnd.jupyter.widget-view+json"
PROFUNDIDAD_NUMERADA = 2  # capítulo, sección y subsección, como el índice del sitio

FRASE_CONTROL = (
    "[Aquí el cuaderno muestra controles interactivos. En papel no se pueden mover: abre el "
    "cuaderno en JupyterLab, Binder o Colab para usarlos.]"
)
FRASE_DEMO = (
    "[En el sitio web del libro, aquí hay una demo viva que se ejecuta en el navegador. "
    "La edición en PDF no puede ejecutarla: ábrela en el sitio.]"
)


def _sin_etiquetas(texto: str) -> str:
    """El texto de un fragmento HTML, sin etiquetas ni entidades."""
    return html.unescape(re.sub(r"<[^>]+>", "", texto)).replace("\xa0", " ").strip()


def estado_widgets(env: Any, docname: str) -> dict[str, dict]:
    """``model_id → modelo`` del estado de widgets que myst-nb guardó para ``docname``."""
    archivos = getattr(env, "nb_metadata", {}).get(docname, {}).get("js_files", {})
    _, opciones = archivos.get("ipywidgets_state", (None, {}))
    cuerpo = (opciones or {}).get("body")
    if not cuerpo:
        return {}
    return json.loads(cuerpo.replace(r"<\/script>", "</script>")).get("state", {})


def texto_barra_progreso(model_id: str, estado: dict[str, dict]) -> str | None:
    """El texto final de una barra de ``tqdm`` (``HBox`` de HTML, progreso y HTML), o ``None``."""
    modelo = estado.get(model_id, {})
    if modelo.get("model_name") != "HBoxModel":
        return None
    hijos = [estado.get(h.removeprefix("IPY_MODEL_"), {})
             for h in modelo.get("state", {}).get("children", [])]
    nombres = [h.get("model_name") for h in hijos]
    if nombres != ["HTMLModel", "FloatProgressModel", "HTMLModel"]:
        return None
    izquierda, progreso, derecha = (h.get("state", {}) for h in hijos)
    maximo = progreso.get("max") or 1
    llenos = max(0, min(10, round(10 * (progreso.get("value") or 0) / maximo)))
    barra = "█" * llenos + " " * (10 - llenos)
    return (f"{_sin_etiquetas(izquierda.get('value', ''))}|{barra}|"
            f"{_sin_etiquetas(derecha.get('value', ''))}")


def _model_id(paquete: nodes.Element) -> str | None:
    for hijo in paquete.children:
        if hijo.get("mime_type") == VISTA_WIDGET:
            # myst-nb guarda la vista como texto JSON dentro de otro JSON: comillas escapadas.
            encontrado = re.search(r'model_id\\*"\s*:\s*\\*"([0-9a-f]+)', hijo.astext())
            return encontrado.group(1) if encontrado else None
    return None


def paginas_de(arbol: nodes.Node, nodos: list[nodes.Element]) -> dict[int, str]:
    """``id(nodo) → página de origen`` en el árbol del PDF, que reúne todas las páginas.

    Cada página va dentro de un ``start_of_file``; como Sphinx le pasa los hijos sin actualizar
    su ``parent``, se recorre de arriba abajo (la página más interior gana).
    """
    buscados = {id(n) for n in nodos}
    paginas: dict[int, str] = {}
    for inicio in arbol.findall(addnodes.start_of_file):
        for nodo in inicio.findall(nodes.container):
            if id(nodo) in buscados:
                paginas[id(nodo)] = inicio["docname"]
    return paginas


def _parrafo(texto: str) -> nodes.paragraph:
    return nodes.paragraph("", "", nodes.emphasis(texto, texto))


class WidgetsEnPapel(SphinxPostTransform):
    """Cambia cada salida con un widget por su texto (``tqdm``) o por una frase."""

    default_priority = 3  # antes de que myst-nb elija el tipo MIME (prioridad 4)
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        """Recorre los paquetes MIME de las salidas de los cuadernos."""
        paquetes = [n for n in self.document.findall(nodes.container)
                    if n.get("nb_element") == "mime_bundle"
                    and any(h.get("mime_type") == VISTA_WIDGET for h in n.children)]
        paginas = paginas_de(self.document, paquetes)
        estados: dict[str, dict[str, dict]] = {}
        for paquete in paquetes:
            # El estado de los widgets es el de la página que contiene la salida.
            docname = paginas.get(id(paquete), self.env.docname)
            if docname not in estados:
                estados[docname] = estado_widgets(self.env, docname)
            estado = estados[docname]
            model_id = _model_id(paquete)
            texto = texto_barra_progreso(model_id, estado) if model_id else None
            if texto is not None:
                bloque = nodes.literal_block(texto, texto, language="none",
                                             classes=["output", "text_plain"])
                paquete.replace_self(bloque)
            else:
                paquete.replace_self(_parrafo(FRASE_CONTROL))


class DemosEnPapel(SphinxPostTransform):
    """Cambia el HTML de cada demo viva por una frase."""

    default_priority = 3
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        """Busca los bloques HTML sin procesar de las demos."""
        for bruto in list(self.document.findall(nodes.raw)):
            if "html" in bruto.get("format", "").split() and "demo-viva" in bruto.astext():
                bruto.replace_self(_parrafo(FRASE_DEMO))


class NumeracionComoElSitio(SphinxPostTransform):
    """Solo numera los capítulos de las partes con ``numbered: true`` en ``_toc.yml``."""

    default_priority = 800  # después de que sphinx-jupyterbook-latex arme las partes (700)
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        """Pone ``secnumdepth`` antes de cada parte según la tiene numerada el índice."""
        mapa = getattr(self.config, "external_site_map", None)
        if mapa is None:
            return
        numeradas = {arbol.caption: bool(arbol.numbered)
                     for arbol in mapa.root.subtrees if arbol.caption}
        for inicio in list(self.document.findall(addnodes.start_of_file)):
            titulo = inicio.get("docname")
            if titulo not in numeradas or inicio.parent is None:
                continue
            profundidad = PROFUNDIDAD_NUMERADA if numeradas[titulo] else -1
            orden = f"\\setcounter{{secnumdepth}}{{{profundidad}}}\n"
            inicio.parent.insert(inicio.parent.index(inicio),
                                 nodes.raw(orden, orden, format="latex"))


def setup(app: Sphinx) -> dict[str, Any]:
    """Registra las transformaciones (solo actúan en la salida LaTeX)."""
    app.add_post_transform(WidgetsEnPapel)
    app.add_post_transform(DemosEnPapel)
    app.add_post_transform(NumeracionComoElSitio)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
