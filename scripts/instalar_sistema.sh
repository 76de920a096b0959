#!/usr/bin/env bash
# Instala los paquetes del sistema: XeLaTeX para la edición en PDF (make pdf) y, para las pruebas,
# Chromium (prueba en navegador) y hunspell con los diccionarios español e inglés (revisión
# ortográfica). Solo en Debian/Ubuntu.
set -euo pipefail
# La edición en PDF: XeLaTeX y latexmk; texlive-latex-extra trae los paquetes de LaTeX que usa
# Sphinx (titlesec, tabulary, fncychap, polyglossia…) y texlive-fonts-recommended, las letras de
# hyperref (pzdr); texlive-lang-spanish, la partición de
# palabras del español; las letras DejaVu y, de reserva, Symbola (emojis) y Unifont (ideogramas
# y emojis recientes) para los pocos caracteres de los cuadernos que DejaVu no tiene; poppler-utils
# (pdfinfo, pdftotext, pdfimages), para comprobar el PDF.
# Se instalan sin sus paquetes recomendados, que son cientos de MB de documentación y letras.
paquetes_pdf=(texlive-xetex texlive-latex-extra texlive-fonts-recommended texlive-lang-spanish latexmk
              fonts-dejavu-core fonts-dejavu-extra fonts-symbola fonts-unifont poppler-utils)
paquetes=(hunspell hunspell-es hunspell-en-us)
# Si ya hay un Chromium o Chrome indicado en $CHROMIUM (por ejemplo en GitHub Actions), se usa ese.
[[ -n "${CHROMIUM:-}" && -x "${CHROMIUM:-}" ]] || paquetes+=(chromium)
faltan_pdf=()
faltan=()
for p in "${paquetes_pdf[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || faltan_pdf+=("$p")
done
for p in "${paquetes[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || faltan+=("$p")
done
paquetes+=("${paquetes_pdf[@]}")
if [[ ${#faltan[@]} -eq 0 && ${#faltan_pdf[@]} -eq 0 ]]; then
  echo "Paquetes del sistema ya instalados: ${paquetes[*]}."
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "Aviso: instala a mano ${faltan_pdf[*]} ${faltan[*]} (los necesitan el PDF y las pruebas)." >&2
  exit 0
fi
sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
$sudo apt-get update -qq
if [[ ${#faltan_pdf[@]} -gt 0 ]]; then
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${faltan_pdf[@]}"
fi
if [[ ${#faltan[@]} -gt 0 ]]; then
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${faltan[@]}"
fi
