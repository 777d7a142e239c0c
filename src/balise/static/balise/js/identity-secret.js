// The device-secret page: keeps the network secret in this browser's localStorage only. Two
// ways in: unlock the organisation's wrapped copy with its unlock code (network-secret.js), or
// a secret file (`balise secret new`) chosen or pasted. Nothing here sends the secret or the
// code: there is no form and the inputs have no name. Texts come translated from the page
// (#device-secret-messages, #network-unlock).

const root = document.getElementById("device-secret");
const messages = JSON.parse(document.getElementById("device-secret-messages").textContent);
const unlockData = JSON.parse(document.getElementById("network-unlock").textContent);
const storageKey = root.dataset.storageKey;
const networkKeyId = root.dataset.networkKeyId;
const encodingUrl = document.getElementById("balise-encoding-module").href;
const secretModuleUrl = document.getElementById("balise-network-secret-module").href;

const $ = (id) => document.getElementById(id);
const stateText = $("secret-state");
const details = $("secret-details");
const keyIdOut = $("secret-key-id");
const versionOut = $("secret-version");
const removeButton = $("secret-remove");
const textArea = $("secret-text");
const fileInput = $("secret-file");
const saveButton = $("secret-save");
const errorText = $("secret-error");

const format = (text, values) => text.replace(/%\((\w+)\)s/g, (_, name) => values[name] ?? "");

function readStored() {
  try {
    return window.localStorage.getItem(storageKey);
  } catch {
    return null; // storage disabled: behave as "missing"
  }
}

// Checks a secret file's text with the encoder itself; resolves to its key id and version.
async function describe(text) {
  const { encodeIdentity } = await import(encodingUrl);
  const columns = await encodeIdentity(text, {});
  return { keyId: columns.balise_key_id, version: columns.balise_version };
}

function reasonOf(error) {
  const text = String(error && error.message);
  if (/key_id does not match|64 hexadecimal/.test(text)) return messages.damaged;
  if (/unsupported secret file version/.test(text)) return messages.unsupported;
  return messages.not_a_secret;
}

function showError(message, field) {
  errorText.textContent = message;
  for (const element of [textArea, fileInput]) {
    if (element === field) element.setAttribute("aria-invalid", "true");
    else element.removeAttribute("aria-invalid");
  }
  if (field) field.focus();
}

function clearError() {
  errorText.textContent = "";
  textArea.removeAttribute("aria-invalid");
  fileInput.removeAttribute("aria-invalid");
}

async function render(announce) {
  const stored = readStored();
  if (!stored) {
    details.hidden = true;
    removeButton.hidden = true; // nothing to remove
    root.dataset.state = "missing";
    stateText.textContent = announce || messages.missing;
    return;
  }
  try {
    const { keyId, version } = await describe(stored);
    keyIdOut.textContent = keyId;
    versionOut.textContent = version;
    details.hidden = false;
    removeButton.hidden = false;
    if (networkKeyId && keyId !== networkKeyId) {
      root.dataset.state = "wrong-network";
      stateText.textContent = format(messages.wrong_network, { device: keyId, network: networkKeyId });
      return;
    }
    root.dataset.state = "set";
    stateText.textContent = announce || format(messages.set, { key: keyId, version });
  } catch {
    details.hidden = true;
    removeButton.hidden = false;
    root.dataset.state = "damaged";
    stateText.textContent = messages.stored_damaged;
  }
}

// A chosen file is read and checked at once, but kept only when the person presses "Keep".
let pendingFile = null;

async function keep(text, field) {
  clearError();
  const trimmed = text.trim();
  if (!trimmed) {
    showError(messages.empty, field);
    return;
  }
  let described;
  try {
    described = await describe(trimmed);
  } catch (error) {
    showError(reasonOf(error), field);
    return;
  }
  try {
    window.localStorage.setItem(storageKey, trimmed);
  } catch {
    showError(messages.storage_unavailable, field);
    return;
  }
  textArea.value = "";
  fileInput.value = "";
  pendingFile = null;
  await render(format(messages.saved, { key: described.keyId, version: described.version }));
  stateText.focus();
}

saveButton.addEventListener("click", () => {
  if (pendingFile !== null && !textArea.value.trim()) keep(pendingFile, fileInput);
  else keep(textArea.value, textArea);
});

fileInput.addEventListener("change", async () => {
  clearError();
  pendingFile = null;
  const file = fileInput.files && fileInput.files[0];
  if (!file) return;
  if (file.size > 4096) {
    showError(messages.not_a_secret, fileInput);
    fileInput.value = "";
    return;
  }
  const text = await file.text();
  try {
    const { keyId } = await describe(text.trim());
    pendingFile = text;
    errorText.textContent = "";
    stateText.textContent = format(messages.file_ready, { key: keyId });
  } catch (error) {
    fileInput.value = "";
    showError(reasonOf(error), fileInput);
  }
});

removeButton.addEventListener("click", async () => {
  try {
    window.localStorage.removeItem(storageKey);
  } catch {
    // nothing stored then
  }
  clearError();
  await render(messages.removed);
  stateText.focus();
});

async function bindUnlockStep() {
  const input = $("unlock-code");
  if (!input) return;
  const { bindUnlock } = await import(secretModuleUrl);
  bindUnlock({
    input,
    button: $("unlock-button"),
    error: $("unlock-error"),
    status: $("unlock-status"),
    data: unlockData,
    describe: async (text) => (await describe(text)).keyId,
    onUnlocked: async () => {
      await render("");
    },
  });
}

root.hidden = false;
render("");
bindUnlockStep();
