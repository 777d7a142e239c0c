// The network secret on this device, and its wrapped copy on the server (docs/privacy.md,
// "Handing out the network secret"). Everything here runs in the browser with WebCrypto:
// - the key custodian creates the secret (the same JSON file `balise secret new` writes);
// - it is wrapped for an organisation under a random unlock code: AES-256-GCM with a key
//   derived from the code by PBKDF2-SHA256 (600,000 iterations, 16-byte random salt);
// - a member unlocks it with the code and it is kept in this browser's localStorage.
// Neither the secret nor the code is ever sent: only the wrapped document (ciphertext) is.

export const STORAGE_KEY = "balise.network-secret";
export const ITERATIONS = 600000;
const WRAPPED_FORMAT = "balise-wrapped-secret";
// Crockford's base32: no I, L, O, U, so a code read aloud or copied by hand has no look-alikes.
const CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const CODE_LENGTH = 20; // 20 × 5 bits = 100 bits of entropy

const encoder = new TextEncoder();
const toHex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
const toBase64 = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)));
const fromBase64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

export class WrongCode extends Error {}

async function hmacSha256(keyBytes, label) {
  const key = await crypto.subtle.importKey("raw", keyBytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(label)));
}

/** A new network secret file (docs/encoding.md §1), made with the browser's CSPRNG. */
export async function createSecretFile() {
  const secret = crypto.getRandomValues(new Uint8Array(32));
  const keyId = toHex(await hmacSha256(secret, "balise:key-id")).slice(0, 16);
  const document = { format: "balise-network-secret", version: 1, key_id: keyId, secret: toHex(secret) };
  return { text: JSON.stringify(document, null, 2) + "\n", keyId };
}

/** A new unlock code: 20 random Crockford base32 characters, shown in groups of five. */
export function newUnlockCode() {
  const values = crypto.getRandomValues(new Uint8Array(CODE_LENGTH));
  const chars = Array.from(values, (v) => CODE_ALPHABET[v & 31]); // 256 is a multiple of 32: uniform
  return chars.join("").replace(/(.{5})(?=.)/g, "$1-");
}

/** The code as typed (any case, spaces or dashes, O for 0, I or L for 1), or null. */
export function normaliseCode(text) {
  const code = String(text).toUpperCase().replace(/[\s-]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
  if (code.length !== CODE_LENGTH) return null;
  for (const char of code) if (!CODE_ALPHABET.includes(char)) return null;
  return code;
}

async function wrappingKey(code, salt, iterations) {
  const material = await crypto.subtle.importKey("raw", encoder.encode(code), "PBKDF2", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

// The key identifier is authenticated with the ciphertext: a server cannot relabel a wrap.
const additionalData = (keyId) => encoder.encode(`${WRAPPED_FORMAT}:v1:${keyId}`);

/** Wraps a secret file's text under a code (as typed or as made by newUnlockCode). */
export async function wrapSecret(secretText, keyId, code) {
  const normalised = normaliseCode(code);
  if (!normalised) throw new WrongCode("not an unlock code");
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await wrappingKey(normalised, salt, ITERATIONS);
  const ciphertext = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: additionalData(keyId) }, key, encoder.encode(secretText),
  );
  return {
    format: WRAPPED_FORMAT, version: 1, key_id: keyId,
    kdf: "PBKDF2-SHA256", iterations: ITERATIONS, salt: toBase64(salt),
    cipher: "AES-256-GCM", iv: toBase64(iv), ciphertext: toBase64(ciphertext),
  };
}

/** The secret file's text from a wrapped document; throws WrongCode when the code does not fit. */
export async function unwrapSecret(wrapped, code) {
  const normalised = normaliseCode(code);
  if (!normalised || !wrapped || wrapped.format !== WRAPPED_FORMAT) throw new WrongCode("no code");
  const iterations = Math.max(ITERATIONS, Math.min(Number(wrapped.iterations) || 0, 10000000));
  const key = await wrappingKey(normalised, fromBase64(wrapped.salt), iterations);
  try {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: fromBase64(wrapped.iv), additionalData: additionalData(wrapped.key_id) },
      key,
      fromBase64(wrapped.ciphertext),
    );
    return new TextDecoder().decode(plain);
  } catch {
    throw new WrongCode("the code does not open this secret");
  }
}

export function readStored() {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage disabled: behave as "missing"
  }
}

export function store(text) {
  window.localStorage.setItem(STORAGE_KEY, text);
}

export function removeStored() {
  try {
    window.localStorage.removeItem(STORAGE_KEY);
  } catch {
    // nothing stored then
  }
}

/** The CSRF token Django put on the page (htmx sends it the same way). */
export function csrfToken() {
  try {
    return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
  } catch {
    return "";
  }
}

/** POSTs form fields (never a secret or a code) and returns [ok, json]. */
export async function post(url, fields) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "X-CSRFToken": csrfToken() },
    body: new URLSearchParams(fields),
  });
  let body = {};
  try {
    body = await response.json();
  } catch {
    // an error page: no message to show
  }
  return [response.ok, body];
}

export const format = (text, values) => text.replace(/%\((\w+)\)s/g, (_, name) => values[name] ?? "");

/**
 * Binds the unlock step (the code input, its button, an error line and a status line) of a
 * page. `data` is the page's #network-unlock block ({wrapped, network_key_id, messages});
 * `describe(text)` resolves to the key id of a secret file's text (encoding.js checks it);
 * `onUnlocked(keyId)` runs once the secret is kept on this device.
 */
export function bindUnlock({ input, button, error, status, data, describe, onUnlocked }) {
  const m = data.messages;
  let busy = false;
  const fail = (message) => {
    busy = false;
    button.disabled = false;
    status.textContent = "";
    error.textContent = message;
    input.setAttribute("aria-invalid", "true");
    input.focus();
  };
  async function run() {
    if (busy) return;
    error.textContent = "";
    input.removeAttribute("aria-invalid");
    if (!input.value.trim()) return fail(m.code_empty);
    if (!normaliseCode(input.value)) return fail(m.code_format);
    busy = true;
    button.disabled = true;
    status.textContent = m.unlocking;
    let text;
    let keyId;
    try {
      text = await unwrapSecret(data.wrapped, input.value);
      keyId = await describe(text);
    } catch {
      return fail(m.code_wrong);
    }
    try {
      store(text);
    } catch {
      return fail(m.storage_unavailable);
    }
    input.value = "";
    busy = false;
    button.disabled = false;
    status.textContent = format(m.unlocked, { key: keyId });
    await onUnlocked(keyId);
  }
  button.addEventListener("click", run);
  // Enter in the code field unlocks; inside the recording form it must not submit the form.
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      run();
    }
  });
}
