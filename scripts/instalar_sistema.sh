#!/usr/bin/env bash
# Instala los paquetes del sistema que usan las pruebas: Chromium (prueba en navegador) y
# hunspell con los diccionarios español e inglés (revisión ortográfica). Solo en Debian/Ubuntu.
set -euo pipefail
paquetes=(hunspell hunspell-es hunspell-en-us)
# Si ya hay un Chromium o Chrome indicado en $CHROMIUM (por ejemplo en GitHub Actions), se usa ese.
[[ -n "${CHROMIUM:-}" && -x "${CHROMIUM:-}" ]] || paquetes+=(chromium)
faltan=()
for p in "${paquetes[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || faltan+=("$p")
done
if [[ ${#faltan[@]} -eq 0 ]]; then
  echo "Paquetes del sistema ya instalados: ${paquetes[*]}."
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "Aviso: instala a mano ${faltan[*]} (solo los necesitan las pruebas)." >&2
  exit 0
fi
sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${faltan[@]}"
