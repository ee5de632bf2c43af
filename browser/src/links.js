// "Download all links with Greenget": the links of a tab, to tick and send.
// The context menu opens this page as links.html?tab=<id>.
"use strict";

// Runs inside the page: its http(s) links with their text, each once.
function collectLinks() {
  const seen = new Set();
  const links = [];
  for (const anchor of document.querySelectorAll("a[href]")) {
    const url = anchor.href;
    if (!/^https?:/i.test(url) || seen.has(url)) continue;
    seen.add(url);
    links.push({ url, text: (anchor.textContent || "").trim().slice(0, 200) });
  }
  return links;
}

async function linksOf(tabId) {
  if (api.scripting) {
    const [frame] = await api.scripting.executeScript({ target: { tabId }, func: collectLinks });
    return frame.result;
  }
  const [result] = await api.tabs.executeScript(tabId, { code: `(${collectLinks})()` });
  return result;
}

function render(links, settings) {
  const list = document.getElementById("links");
  list.replaceChildren();
  for (const link of links) {
    const item = document.createElement("li");
    const label = document.createElement("label");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.value = link.url;
    box.checked = settings.types !== "" && typeWanted(new URL(link.url).pathname, settings.types);
    const text = document.createElement("span");
    text.textContent = ` ${link.text || baseName(new URL(link.url).pathname) || link.url} `;
    const url = document.createElement("span");
    url.className = "url";
    url.textContent = link.url;
    label.append(box, text, url);
    item.append(label);
    list.append(item);
  }
}

function boxes() {
  return [...document.querySelectorAll("#links input[type=checkbox]")]
    .filter((box) => !box.closest("li").hidden);
}

async function main() {
  localizePage();
  const tabId = Number(new URLSearchParams(location.search).get("tab"));
  const tab = await api.tabs.get(tabId);
  document.getElementById("source").textContent = tab.url;
  const settings = await loadSettings();
  render(await linksOf(tabId), settings);
  document.getElementById("filter").addEventListener("input", (event) => {
    const needle = event.target.value.toLowerCase();
    for (const item of document.querySelectorAll("#links li")) {
      item.hidden = needle !== "" && !item.textContent.toLowerCase().includes(needle);
    }
  });
  document.getElementById("tick-all").addEventListener("click", () => {
    for (const box of boxes()) box.checked = true;
  });
  document.getElementById("tick-none").addEventListener("click", () => {
    for (const box of boxes()) box.checked = false;
  });
  document.getElementById("send").addEventListener("click", async () => {
    const result = document.getElementById("result");
    const ticked = boxes().filter((box) => box.checked).map((box) => box.value);
    let sent = 0;
    try {
      for (const url of ticked) {
        await sendToGreenget({ url, referrer: tab.url });
        sent += 1;
      }
      result.textContent = t("sentCount", String(sent));
      result.dataset.state = "sent";
    } catch (error) {
      result.textContent = `${t("sentCount", String(sent))} ${error.message}`;
      result.dataset.state = "failed";
    }
  });
  document.body.dataset.ready = "true";
}

main();
