// On Greenget's pairing page (http://127.0.0.1:<port>/pair?code=...): ask
// the background to redeem the code, then say how it went on the page.
"use strict";

(() => {
  const ext = globalThis.browser ?? globalThis.chrome;
  const line = document.getElementById("greenget-pairing");
  if (!line) return;
  line.textContent = ext.i18n.getMessage("pairing");
  ext.runtime.sendMessage({ type: "pair" }).then((answer) => {
    line.textContent = answer.text;
    line.dataset.state = answer.ok ? "paired" : "failed";
    const help = document.getElementById("greenget-help");
    if (help) help.hidden = true;
  });
})();
