// The options page: when downloads are caught.
"use strict";

const MIB = 1048576;

async function main() {
  localizePage();
  const settings = await loadSettings();
  const fields = {
    enabled: document.getElementById("enabled"),
    minSize: document.getElementById("min-size"),
    types: document.getElementById("types"),
    modifier: document.getElementById("modifier"),
  };
  for (const option of fields.modifier.options) option.textContent = t(`key_${option.value}`);
  fields.enabled.checked = settings.enabled;
  fields.minSize.value = String(Math.round((settings.minSize / MIB) * 100) / 100);
  fields.types.value = settings.types;
  fields.modifier.value = settings.modifier;
  document.getElementById("save").addEventListener("click", async () => {
    const megabytes = Number(fields.minSize.value);
    const saved = document.getElementById("saved");
    if (!Number.isFinite(megabytes) || megabytes < 0) {
      saved.textContent = t("badSize");
      return;
    }
    await saveSettings({ enabled: fields.enabled.checked, minSize: Math.round(megabytes * MIB),
                         types: fields.types.value.trim(), modifier: fields.modifier.value });
    saved.textContent = t("saved");
  });
}

main();
