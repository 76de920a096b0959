"""Dibuja la línea de tiempo del capítulo 1 y la guarda en ``book/figuras/linea_tiempo.svg``.

También la guarda en PDF (``linea_tiempo.pdf``, la que usa la edición en PDF del libro: XeLaTeX no
lee SVG; la página pide ``linea_tiempo.*`` y cada constructor de Sphinx elige su formato).

Uso: ``python scripts/figura_linea_tiempo.py [--salida RUTA]`` (con ``--salida``, un solo archivo,
en el formato de su extensión).

La línea es vertical, para que se lea bien en la columna estrecha de una página del libro. El eje
del tiempo está partido en dos tramos: los antecedentes (1945–2010), comprimidos, y la década
larga de los modelos generativos profundos (2012–2024), ampliada. A la izquierda van los modelos
de imágenes y de variables latentes; a la derecha, los de secuencias y lenguaje y los agentes.
Cada hito lleva su año, un nombre breve y el color de su familia. El texto se guarda como trazos
(la opción por defecto de matplotlib), así la figura se ve igual en cualquier equipo, y el SVG y el
PDF son reproducibles byte a byte.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

RAIZ = Path(__file__).resolve().parents[1]
SALIDA = RAIZ / "book" / "figuras" / "linea_tiempo.svg"

FAMILIAS = {
    "clasico": ("Modelos probabilísticos clásicos y primeras redes", "#4C72B0"),
    "imagen": ("Modelos generativos profundos de imágenes", "#DD8452"),
    "lenguaje": ("Redes de secuencias y modelos de lenguaje", "#55A868"),
    "agentes": ("Asistentes y agentes", "#C44E52"),
}

# (fecha en años, texto del rótulo, familia, lado: -1 izquierda, +1 derecha)
HITOS = [
    (1948.5, "1948 · Shannon: cadenas de\nMarkov y n-gramas de texto", "clasico", +1),
    (1985.0, "1985 · Máquinas de Boltzmann", "clasico", -1),
    (1997.9, "1997 · LSTM (Hochreiter\ny Schmidhuber)", "lenguaje", +1),
    (2003.2, "2003 · Modelo de lenguaje\nneuronal (Bengio et al.)", "lenguaje", +1),
    (2006.5, "2006 · Redes de creencia\nprofundas (Hinton et al.)", "clasico", -1),
    (2013.9, "2013 · VAE (Kingma y Welling)", "imagen", -1),
    (2014.5, "2014 · GAN (Goodfellow et al.)", "imagen", -1),
    (2015.5, "2015 · Idea de la difusión\n(Sohl-Dickstein et al.)", "imagen", -1),
    (2017.5, "2017 · Transformer\n(Vaswani et al.)", "lenguaje", +1),
    (2019.1, "2019 · GPT-2", "lenguaje", +1),
    (2020.4, "2020 · GPT-3", "lenguaje", +1),
    (2020.5, "2020 · DDPM (Ho et al.)", "imagen", -1),
    (2022.3, "2022 · DALL·E 2", "imagen", -1),
    (2022.6, "2022 · Stable Diffusion", "imagen", -1),
    (2022.8, "2022 · Agentes ReAct", "agentes", +1),
    (2022.9, "2022 · ChatGPT", "lenguaje", +1),
    (2023.3, "2023 · Agentes que usan\nherramientas", "agentes", +1),
]

# Tramos del eje: (año inicial, año final, posición inicial, unidades por año).
TRAMO_ANTIGUO = (1945.0, 2010.0, 0.0, 0.072)
TRAMO_RECIENTE = (2012.5, 2024.0, 5.45, 0.78)
MEDIA_LINEA = 0.2  # media altura de una línea de rótulo, en unidades del eje
HOLGURA = 0.22  # espacio mínimo entre dos rótulos del mismo lado


def posicion(anio: float) -> float:
    """Convierte una fecha en la posición vertical (hacia abajo) sobre el eje partido."""
    for inicio, fin, origen, escala in (TRAMO_ANTIGUO, TRAMO_RECIENTE):
        if inicio <= anio <= fin:
            return origen + (anio - inicio) * escala
    raise ValueError(f"La fecha {anio} cae fuera de los tramos del eje.")


def posiciones_de_rotulos(ys: list[float], lineas: list[int]) -> list[float]:
    """Separa hacia abajo los rótulos que se solaparían (``ys`` ordenadas de menor a mayor).

    Cada rótulo ocupa ``2 · MEDIA_LINEA`` por línea de texto; entre dos rótulos consecutivos se
    deja al menos ``HOLGURA``.
    """
    colocadas: list[float] = []
    for i, y in enumerate(ys):
        if colocadas:
            minima = colocadas[-1] + MEDIA_LINEA * (lineas[i - 1] + lineas[i]) + HOLGURA
            y = max(y, minima)
        colocadas.append(y)
    return colocadas


def dibuja(salida: Path) -> None:
    """Dibuja la figura en ``salida``: SVG con el texto en trazos o PDF con la letra incrustada."""
    plt.rcParams.update(
        {"svg.fonttype": "path", "svg.hashsalt": "linea-tiempo", "font.family": "DejaVu Sans",
         "pdf.fonttype": 42}
    )
    fig, ax = plt.subplots(figsize=(7.6, 10.2))
    fin_antiguo = posicion(TRAMO_ANTIGUO[1])
    inicio_reciente = posicion(TRAMO_RECIENTE[0])
    fin_reciente = posicion(TRAMO_RECIENTE[1]) + 0.4
    for y0, y1 in ((-0.2, fin_antiguo), (inicio_reciente, fin_reciente)):
        ax.plot([0, 0], [y0, y1], color="#333333", lw=2.0, zorder=1, solid_capstyle="butt")
    for y in (fin_antiguo + 0.12, inicio_reciente - 0.12):
        ax.plot([-0.18, 0.18], [y - 0.06, y + 0.06], color="#333333", lw=1.4)

    for lado in (-1, +1):
        hitos = sorted((h for h in HITOS if h[3] == lado), key=lambda h: h[0])
        ys = [posicion(h[0]) for h in hitos]
        lineas = [h[1].count("\n") + 1 for h in hitos]
        for (_, texto, familia, _), y, y_rotulo in zip(
            hitos, ys, posiciones_de_rotulos(ys, lineas), strict=True
        ):
            color = FAMILIAS[familia][1]
            x_codo, x_texto = 0.55 * lado, 0.75 * lado
            ax.plot(
                [0, x_codo, x_texto - 0.05 * lado],
                [y, y_rotulo, y_rotulo],
                color=color,
                lw=1.0,
                zorder=2,
            )
            ax.scatter([0], [y], s=48, color=color, zorder=3, edgecolor="white", linewidth=0.9)
            ax.text(
                x_texto,
                y_rotulo,
                texto,
                ha="left" if lado > 0 else "right",
                va="center",
                fontsize=10,
                linespacing=1.2,
                color="#222222",
                bbox={"boxstyle": "round,pad=0.3", "fc": "white", "ec": color, "lw": 1.0},
                zorder=4,
            )

    ax.text(
        -0.75,
        -0.75,
        "Imágenes y variables latentes",
        ha="right",
        fontsize=11,
        weight="bold",
        color="#444444",
    )
    ax.text(
        0.75,
        -0.75,
        "Secuencias, lenguaje y agentes",
        ha="left",
        fontsize=11,
        weight="bold",
        color="#444444",
    )
    ax.set_xlim(-5.0, 5.0)
    ax.set_ylim(fin_reciente + 1.1, -1.2)
    ax.axis("off")
    manijas = [
        plt.Line2D([], [], marker="o", ls="", markersize=8, color=color, label=nombre)
        for nombre, color in FAMILIAS.values()
    ]
    fig.legend(handles=manijas, loc="lower center", ncol=2, fontsize=9, frameon=False)
    fig.subplots_adjust(left=0.01, right=0.99, top=0.99, bottom=0.07)
    salida.parent.mkdir(parents=True, exist_ok=True)
    formato = salida.suffix.lstrip(".") or "svg"
    # Sin fecha en los metadatos: el archivo no cambia si la figura no cambia.
    metadatos = {"CreationDate": None} if formato == "pdf" else {"Date": None}
    fig.savefig(salida, format=formato, metadata=metadatos)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--salida", type=Path, default=None,
                        help="archivo de salida (.svg o .pdf); sin él, los dos del libro")
    args = parser.parse_args()
    for salida in [args.salida] if args.salida else [SALIDA, SALIDA.with_suffix(".pdf")]:
        dibuja(salida)
        print(f"Figura guardada en {salida}")


if __name__ == "__main__":
    main()
