// On Greenget's pairing page (http://127.0.0.1:<port>/pair?code=...): ask
// the background to redeem the code, then say how it went on the page.
"use strict";

(() => {
  const ext = globalThis.browser ?? globalThis.chrome;
  const line = document.getElementById("greenget-pairing");
  if (!line) return;
  line.textContent = ext.i18n.getMessage("pairing");
  const show = (ok, text) => {
    line.textContent = text;
    line.dataset.state = ok ? "paired" : "failed";
    const help = document.getElementById("greenget-help");
    if (help) help.hidden = true;
  };
  ext.runtime.sendMessage({ type: "pair" })
    .then((answer) => show(answer.ok, answer.text), (error) => show(false, error.message));
})();
