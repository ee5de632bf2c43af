// The toolbar popup: whether Greenget answers, the catch toggle, pairing.
"use strict";

async function showStatus() {
  const box = document.getElementById("status");
  const status = await connectionStatus();
  box.dataset.state = status.state;
  box.textContent = status.text;
  document.getElementById("pairing").hidden = status.state === "connected";
}

async function main() {
  localizePage();
  const field = document.getElementById("pair-link");
  field.placeholder = t("pairPlaceholder");
  const settings = await loadSettings();
  const enabled = document.getElementById("enabled");
  enabled.checked = settings.enabled;
  enabled.addEventListener("change", () => saveSettings({ enabled: enabled.checked }));
  document.getElementById("modifier-hint").textContent =
    t("modifierHint", t(`key_${settings.modifier}`));
  const { lastProblem } = await api.storage.local.get("lastProblem");
  document.getElementById("last-problem").textContent = lastProblem || "";
  document.getElementById("pair").addEventListener("click", async () => {
    const problem = document.getElementById("pair-problem");
    problem.textContent = "";
    try {
      await pair(field.value);
      field.value = "";
    } catch (error) {
      problem.textContent = error.message;
    }
    await showStatus();
  });
  await showStatus();
}

main();
