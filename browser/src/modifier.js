// On every page: a link clicked with the chosen modifier key held is left to
// the browser (Alt+click saves a link in Chromium), so tell the background.
"use strict";

(() => {
  const ext = globalThis.browser ?? globalThis.chrome;
  const held = { alt: "altKey", shift: "shiftKey", ctrl: "ctrlKey" };
  let modifier = "alt";
  ext.storage.local.get("modifier").then((stored) => { modifier = stored.modifier || "alt"; });
  ext.storage.onChanged.addListener((changes) => {
    if (changes.modifier) modifier = changes.modifier.newValue || "alt";
  });
  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
    if (link && event[held[modifier]]) {
      ext.runtime.sendMessage({ type: "bypass", url: link.href });
    }
  }, true);
})();
