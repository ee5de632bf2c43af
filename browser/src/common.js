// Shared by the background, the popup and the extension's pages: the
// settings, the JSON-RPC client and pairing. One home for each of them.
"use strict";

const api = globalThis.browser ?? globalThis.chrome;

const DEFAULTS = Object.freeze({
  port: 6800,        // Greenget's JSON-RPC port (set by pairing)
  secret: "",        // the RPC secret (set by pairing; never typed)
  enabled: true,     // the toolbar toggle: catch the browser's downloads
  minSize: 1048576,  // bytes; smaller downloads stay with the browser
  types: "",         // file name endings to catch, e.g. "zip iso mp4"; empty: all
  modifier: "alt",   // held while clicking a link: the browser downloads it
});
const RPC_TIMEOUT_MS = 4000;
const LOCAL_HOSTS = ["127.0.0.1", "localhost"];

function t(name, ...substitutions) {
  return api.i18n.getMessage(name, substitutions) || name;
}

async function loadSettings() {
  return { ...DEFAULTS, ...(await api.storage.local.get(Object.keys(DEFAULTS))) };
}

async function saveSettings(changes) {
  await api.storage.local.set(changes);
}

class GreengetUnreachable extends Error {}
class GreengetRefused extends Error {}

function endpoint(port) {
  return `http://127.0.0.1:${port}`;
}

async function post(url, body) {
  let response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "omit",
      signal: AbortSignal.timeout(RPC_TIMEOUT_MS),
    });
  } catch (error) {
    throw new GreengetUnreachable(t("notRunning"));
  }
  let answer = null;
  try {
    answer = await response.json();
  } catch (error) {
    throw new GreengetRefused(t("badAnswer", String(response.status)));
  }
  return { status: response.status, answer };
}

// One aria2 JSON-RPC call with the paired secret; resolves to its result.
async function rpc(method, ...params) {
  const settings = await loadSettings();
  if (!settings.secret) throw new GreengetRefused(t("notPaired"));
  const call = { jsonrpc: "2.0", id: crypto.randomUUID(), method,
                 params: [`token:${settings.secret}`, ...params] };
  const { answer } = await post(`${endpoint(settings.port)}/jsonrpc`, call);
  if (answer && answer.error) {
    // aria2's word for a wrong secret: Greenget's secret changed since pairing.
    const unpaired = answer.error.message === "Unauthorized";
    throw new GreengetRefused(unpaired ? t("secretChanged") : answer.error.message);
  }
  if (!answer || !("result" in answer)) throw new GreengetRefused(t("badAnswer", "?"));
  return answer.result;
}

// "Connected", "not running" or "not paired", for the popup.
async function connectionStatus() {
  const settings = await loadSettings();
  if (!settings.secret) return { state: "unpaired", text: t("notPaired"), port: settings.port };
  try {
    const version = await rpc("aria2.getVersion");
    return { state: "connected", port: settings.port,
             text: t("connected", `127.0.0.1:${settings.port}`, version.version) };
  } catch (error) {
    const state = error instanceof GreengetUnreachable ? "unreachable" : "refused";
    return { state, text: error.message, port: settings.port };
  }
}

// The Cookie header the browser would send to `url` (every cookie store).
async function cookieHeader(url) {
  const cookies = await api.cookies.getAll({ url });
  return cookies.map((c) => `${c.name}=${c.value}`).join("; ");
}

// Hand one URL to Greenget, with what the site needs to serve it again.
async function sendToGreenget({ url, referrer, filename }) {
  const header = [`User-Agent: ${navigator.userAgent}`];
  const cookies = await cookieHeader(url);
  if (cookies) header.push(`Cookie: ${cookies}`);
  const options = { header };
  if (referrer) options.referer = referrer;
  if (filename) options.out = filename;
  return rpc("aria2.addUri", [url], options);
}

// A pairing link (http://127.0.0.1:<port>/pair?code=...) from Greenget's
// Settings: its code, redeemed from the extension's origin, gives the secret.
function parsePairingLink(text) {
  let link;
  try {
    link = new URL(String(text).trim());
  } catch (error) {
    return null;
  }
  const code = link.searchParams.get("code");
  if (link.protocol !== "http:" || !LOCAL_HOSTS.includes(link.hostname)
      || link.pathname !== "/pair" || !code) return null;
  return { port: Number(link.port || 80), code };
}

async function pair(text) {
  const parsed = parsePairingLink(text);
  if (!parsed) throw new GreengetRefused(t("notAPairingLink"));
  const { status, answer } = await post(`${endpoint(parsed.port)}/pair`, { code: parsed.code });
  if (status !== 200 || !answer || typeof answer.secret !== "string") {
    throw new GreengetRefused((answer && answer.error) || t("badAnswer", String(status)));
  }
  await saveSettings({ port: parsed.port, secret: answer.secret });
  return parsed.port;
}

// The last part of a path, for a download's name.
function baseName(path) {
  return String(path || "").split(/[\\/]/).pop();
}

// Whether the file name's ending is one the user listed (all when none is).
function typeWanted(filename, types) {
  const wanted = String(types).toLowerCase().split(/[\s,;]+/)
    .map((ending) => ending.replace(/^\*?\./, "")).filter(Boolean);
  if (wanted.length === 0) return true;
  const name = baseName(filename).toLowerCase();
  return wanted.some((ending) => name.endsWith(`.${ending}`));
}

// Fill every element carrying data-i18n with its string.
function localizePage() {
  document.documentElement.lang = api.i18n.getUILanguage();
  for (const element of document.querySelectorAll("[data-i18n]")) {
    element.textContent = t(element.dataset.i18n);
  }
}
