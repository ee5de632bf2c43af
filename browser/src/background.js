// The background (a service worker in Chromium, background scripts in
// Firefox): catches downloads, runs the context menu, answers pairing.
"use strict";

if (typeof importScripts === "function") importScripts("common.js");

const BYPASS_MS = 10000;     // a modifier-click lets the next download of that URL through
const bypassed = new Map();  // url -> time of the modifier-click
const LINKS_PAGE = "links.html";

// ------------------------------------------------------------------ downloads

function shouldCatch(item, settings) {
  if (!settings.enabled || !settings.secret) return false;
  const url = item.finalUrl || item.url;
  if (!/^https?:/i.test(url)) return false;  // blob:, data:, file: stay with the browser
  const clickedAt = bypassed.get(item.url) ?? bypassed.get(url);
  if (clickedAt !== undefined && Date.now() - clickedAt < BYPASS_MS) {
    bypassed.delete(item.url);
    bypassed.delete(url);
    return false;
  }
  const size = item.fileSize > 0 ? item.fileSize : item.totalBytes;
  if (size > 0 && size < settings.minSize) return false;  // unknown size: caught
  return typeWanted(item.filename || url, settings.types);
}

async function badge(text, color) {
  await api.action.setBadgeText({ text });
  if (color) await api.action.setBadgeBackgroundColor({ color });
}

// Cancels the browser's copy of download `id`, deletes whatever of it is on
// disk (Firefox may have finished a small file already) and drops it from
// the browser's list.
async function discard(id) {
  await api.downloads.cancel(id).catch(() => {});  // finished: nothing to cancel
  const [item] = await api.downloads.search({ id });
  if (item && item.state === "complete" && item.exists) {
    await api.downloads.removeFile(id).catch(() => {});
  }
  await api.downloads.erase({ id });
}

// Hands `item` to Greenget; true when Greenget took it (the browser's copy
// is then discarded), false to let the browser go on.
async function handOver(item) {
  try {
    await sendToGreenget({ url: item.finalUrl || item.url, referrer: item.referrer,
                           filename: baseName(item.filename) });
  } catch (error) {
    console.warn("Greenget did not take", item.url, error.message);
    await api.storage.local.set({ lastProblem: error.message });
    await badge("!", "#c62828");
    return false;
  }
  await api.storage.local.set({ lastProblem: "" });
  await badge("", null);
  await discard(item.id);
  return true;
}

async function wanted(item) {
  return shouldCatch(item, await loadSettings());
}

if (api.downloads.onDeterminingFilename) {
  // Chromium: called once the response's headers are in (name, size, type
  // known); the browser waits for suggest() before it names the file.
  api.downloads.onDeterminingFilename.addListener((item, suggest) => {
    (async () => (await wanted(item)) && handOver(item))()
      .then((taken) => { if (!taken) suggest(); }, () => suggest());
    return true;
  });
} else {
  // Firefox has no onDeterminingFilename: onCreated carries the same facts,
  // but the download runs on while Greenget is asked (pausing it is no
  // good: a download from a server without ranges never resumes).
  api.downloads.onCreated.addListener(async (item) => {
    if (await wanted(item)) await handOver(item);
  });
}

// ------------------------------------------------------------------ menus

function createMenus() {
  api.contextMenus.removeAll(() => {
    api.contextMenus.create({ id: "greenget-link", title: t("menuDownloadLink"),
                              contexts: ["link"] });
    api.contextMenus.create({ id: "greenget-all", title: t("menuDownloadAll"),
                              contexts: ["page", "selection"] });
  });
}

api.runtime.onInstalled.addListener(createMenus);
api.runtime.onStartup.addListener(createMenus);

api.contextMenus.onClicked.addListener(async (info, tab) => {
  if (info.menuItemId === "greenget-link" && info.linkUrl) {
    try {
      await sendToGreenget({ url: info.linkUrl, referrer: info.pageUrl });
      await badge("", null);
    } catch (error) {
      await api.storage.local.set({ lastProblem: error.message });
      await badge("!", "#c62828");
    }
  } else if (info.menuItemId === "greenget-all" && tab) {
    await api.tabs.create({ url: api.runtime.getURL(`${LINKS_PAGE}?tab=${tab.id}`),
                           index: tab.index + 1 });
  }
});

// ------------------------------------------------------------------ messages

api.runtime.onMessage.addListener((message, sender, reply) => {
  if (message.type === "bypass" && typeof message.url === "string") {
    bypassed.set(message.url, Date.now());
    return false;
  }
  if (message.type === "pair" && sender.tab && parsePairingLink(sender.url)) {
    pair(sender.url).then((port) => reply({ ok: true, text: t("paired", String(port)) }),
                          (error) => reply({ ok: false, text: error.message }));
    return true;
  }
  return false;
});
