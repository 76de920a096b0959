#!/usr/bin/env bash
# Instala desde el registro de npm los recursos web de terceros que el sitio sirve desde sí mismo
# (MathJax 3, el gestor de widgets de Jupyter, RequireJS y onnxruntime-web, que ejecuta las redes de
# las demos vivas en el navegador del lector), para que el libro funcione sin red.
# No se guardan en git: se copian a book/_vendor/ (ignorado) en cada instalación.
set -euo pipefail
cd "$(dirname "$0")/.."

MATHJAX=3.2.2
HTML_MANAGER=1.0.15
REQUIREJS=2.3.8
ONNXRUNTIME_WEB=1.31.1

destino=book/_vendor
marca="$destino/.versiones"
quiero="mathjax@$MATHJAX html-manager@$HTML_MANAGER requirejs@$REQUIREJS onnxruntime-web@$ONNXRUNTIME_WEB"
if [[ -f "$marca" && "$(cat "$marca")" == "$quiero" ]]; then
  echo "Recursos web ya instalados ($quiero)."
  exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
npm install --prefix "$tmp" --no-audit --no-fund --no-save --loglevel=error \
  "mathjax@$MATHJAX" "@jupyter-widgets/html-manager@$HTML_MANAGER" "requirejs@$REQUIREJS" \
  "onnxruntime-web@$ONNXRUNTIME_WEB"

rm -rf "$destino"
mkdir -p "$destino/mathjax/es5/output/chtml" "$destino/mathjax/es5/input/tex" "$destino/html-manager"
mj="$tmp/node_modules/mathjax/es5"
cp "$mj/tex-mml-chtml.js" "$destino/mathjax/es5/"
cp -r "$mj/output/chtml/fonts" "$destino/mathjax/es5/output/chtml/"
cp -r "$mj/input/tex/extensions" "$destino/mathjax/es5/input/tex/"
cp -r "$mj/ui" "$mj/a11y" "$destino/mathjax/es5/"
hm="$tmp/node_modules/@jupyter-widgets/html-manager/dist"
cp "$hm/embed-amd.js" "$destino/html-manager/"
find "$hm" -maxdepth 1 -regextype posix-extended -regex '.*/[0-9a-f]{20}\.(woff2?|eot|svg|ttf)' \
  -exec cp {} "$destino/html-manager/" \;
cp "$tmp/node_modules/requirejs/require.js" "$destino/require.min.js"
# onnxruntime-web: solo el motor WebAssembly de un hilo (la API, su cargador y el binario). El binario
# ocupa casi 15 MB; las demos descargan la copia comprimida con gzip (unos 4 MB) y la descomprimen
# en el navegador, así que una página con demo pesa mucho menos de 15 MB.
ort="$tmp/node_modules/onnxruntime-web/dist"
mkdir -p "$destino/onnxruntime-web"
cp "$ort/ort.wasm.min.js" "$ort/ort-wasm-simd-threaded.mjs" "$ort/ort-wasm-simd-threaded.wasm" \
  "$destino/onnxruntime-web/"
gzip -9 -n -c "$ort/ort-wasm-simd-threaded.wasm" > "$destino/onnxruntime-web/ort-wasm-simd-threaded.wasm.gz"
echo "$quiero" > "$marca"
echo "Recursos web instalados en $destino ($quiero)."
