/*
 * Demo viva del capítulo 7: el detector de la marca de agua del cuaderno 7.5 sobre el texto que
 * escribe el lector.
 *
 * La marca parte, tras cada carácter, el vocabulario en una lista verde (γ = 25 %) y una roja,
 * con una clave secreta (genai_utils.risks.watermark). marca.json trae esas listas; el n-grama
 * del capítulo 1 (tablas.json, orden 5) escribe un texto sumando δ a los logits verdes, y el
 * detector cuenta los verdes y calcula z = (verdes − γT) / √(T γ (1 − γ)).
 */
(function () {
  "use strict";
  const D = window.DemoViva;

  /** Complemento de la función de error (Abramowitz y Stegun 7.1.26, error < 1,5·10⁻⁷). */
  function erfc(x) {
    const t = 1 / (1 + 0.3275911 * Math.abs(x));
    const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
    const value = poly * Math.exp(-x * x);
    return x >= 0 ? value : 2 - value;
  }

  /** Distribución del n-grama (suavizado aditivo con retroceso), como ngramas.js. */
  function distribution(tables, history, order) {
    const m = Math.min(order - 1, history.length);
    let ctx = history.slice(history.length - m);
    while (ctx.length && !(ctx.join("") in tables.counts[ctx.length])) ctx = ctx.slice(1);
    const key = ctx.join("");
    const values = new Float64Array(tables.vocabList.length).fill(tables.alpha);
    const entry = tables.counts[ctx.length][key];
    if (entry) Array.from(entry[0]).forEach((c, i) => (values[tables.index.get(c)] += entry[1][i]));
    const sum = values.reduce((a, b) => a + b, 0);
    return values.map((v) => Math.log(v / sum));
  }

  /** Detecta la marca: verdes, tokens puntuados, z y valor p (los caracteres desconocidos se omiten). */
  function detect(mark, text) {
    const ids = Array.from(text).map((c) => mark.index.get(c)).filter((i) => i !== undefined);
    const colors = [];
    let green = 0;
    for (let i = 1; i < ids.length; i++) {
      const isGreen = mark.greenSets[ids[i - 1]].has(ids[i]);
      colors.push(isGreen);
      green += isGreen;
    }
    const T = ids.length - 1;
    if (T < 1) return { green: 0, tokens: 0, z: NaN, p: NaN, colors };
    const g = mark.effective_gamma;
    const z = (green - g * T) / Math.sqrt(T * g * (1 - g));
    return { green, tokens: T, z, p: 0.5 * erfc(z / Math.SQRT2), colors };
  }

  D.register("marca", async (root) => {
    const $ = (sel) => root.querySelector(sel);
    const [mark, tables] = await Promise.all([
      D.fetchJson(D.modelUrl("marca", "marca.json")),
      D.fetchJson(D.modelUrl("ngramas", "tablas.json")),
    ]);
    mark.index = new Map(Array.from(mark.vocab).map((c, i) => [c, i]));
    mark.greenSets = mark.green.map((ids) => new Set(ids));
    tables.vocabList = Array.from(tables.vocab);
    tables.index = new Map(tables.vocabList.map((c, i) => [c, i]));
    if (tables.vocab !== mark.vocab) throw new Error("El n-grama y la marca no comparten caracteres.");
    const box = $("[name=texto]");

    /** Escribe 300 caracteres con el n-grama, con sesgo δ hacia la lista verde. */
    const write = () => {
      const delta = Number($("[name=delta]").value);
      $(".valor-delta").textContent = delta.toFixed(1).replace(".", ",");
      const random = D.rng(Number($("[name=semilla]").value));
      const text = Array.from("El modelo ");
      for (let t = 0; t < 300; t++) {
        const logits = distribution(tables, text, mark.order);
        const prev = mark.index.get(text[text.length - 1]);
        if (prev !== undefined) for (const j of mark.green[prev]) logits[j] += delta;
        text.push(tables.vocabList[D.sampleIndex(D.softmax(logits), random)]); // temperatura 1
      }
      box.value = text.join("");
      analyse();
    };
    /** Puntúa el texto del cuadro y colorea cada carácter (verde o rojo según su anterior). */
    const analyse = () => {
      const r = detect(mark, box.value);
      const fmt = (v, n) => v.toFixed(n).replace(".", ",");
      $(".demo-salida").textContent = r.tokens
        ? `${r.green} verdes de ${r.tokens} caracteres puntuados (${fmt((100 * r.green) / r.tokens, 0)} %; ` +
          `sin marca se esperan ${fmt(100 * mark.effective_gamma, 0)} %): z = ${fmt(r.z, 2)}, ` +
          `valor p = ${r.p.toExponential(1).replace(".", ",")}. ` +
          (r.z > 4 ? "Veredicto: lleva la marca." : "Veredicto: no hay pruebas de marca.")
        : "Escribe al menos dos caracteres.";
      const view = $(".demo-colores");
      view.replaceChildren();
      const chars = Array.from(box.value).filter((c) => mark.index.has(c));
      chars.slice(1, 400).forEach((c, i) => {
        const span = document.createElement("span");
        span.textContent = c;
        span.className = r.colors[i] ? "verde" : "rojo";
        view.appendChild(span);
      });
      D.markOutput("marca", root);
    };
    $("[name=delta]").addEventListener("input", write);
    $("[name=semilla]").addEventListener("input", write);
    $("[name=escribir]").addEventListener("click", write);
    box.addEventListener("input", analyse);
    window.demosVivas.marca = Object.assign(window.demosVivas.marca || { salidas: 0 }, {
      api: { detect: (text) => { const r = detect(mark, text); return [r.green, r.tokens, r.z, r.p]; } },
    });
    write();
  });
})();
