// The identity step of the recording form: first name, last name, birth date and sex are typed
// into inputs WITHOUT a name attribute (the browser never submits them), encoded here with
// encoding.js and the network secret kept on this device, and only the encoding, its version and
// the key identifier go into the form's hidden fields. The plain inputs are emptied before the
// form is sent. Texts come translated from the page (#identity-messages).
// A birth date that cannot exist (or lies after today) is an error that offers, explicitly, to
// keep its plausible part (docs/encoding.md §5.4): "Keep the plausible part (1955-11)".

const root = document.getElementById("identity-step");
const messages = JSON.parse(document.getElementById("identity-messages").textContent);
const encodingUrl = document.getElementById("balise-encoding-module").href;
const form = root.closest("form");

const $ = (id) => document.getElementById(id);
const inputs = {
  first_name: $("identity-first-name"),
  last_name: $("identity-last-name"),
  birth_date: $("identity-birth-date"),
  sex: $("identity-sex"),
};
const hidden = {
  encoding: $("identity_encoding"),
  version: $("identity_version"),
  keyId: $("identity_key_id"),
};
const statusText = $("identity-status");
const missingNotice = $("identity-missing");
const birthDateError = $("identity-birth-date-error");
const keepButton = $("identity-birth-date-keep");
const stepError = $("identity-error");

const format = (text, values) => text.replace(/%\((\w+)\)s/g, (_, name) => values[name] ?? "");
const shortKey = (keyId) => `${keyId.slice(0, 4)}…`;

function readSecret() {
  try {
    return window.localStorage.getItem(root.dataset.storageKey);
  } catch {
    return null;
  }
}

let encodeIdentity = null;
let plausibleDate = null;
let parseBirthDate = null;
let isAfter = null;
let keptFor = null; // the birth date (ISO text) whose plausible part the recorder chose to keep
let deviceKeyId = "";
let generation = 0; // ignores the results of encodings overtaken by a later change

const plainValues = () => ({
  first_name: inputs.first_name.value,
  last_name: inputs.last_name.value,
  birth_date: inputs.birth_date.value,
  sex: inputs.sex.value,
});
const hasPlainInput = () => Object.values(plainValues()).some((value) => value.trim() !== "");

// Accepts YYYY-MM-DD, YYYY-MM, YYYY, --MM-DD and the Belgian DD/MM/YYYY, MM/YYYY (also with
// - or .) and DD/MM (also with ., no year).
export function isoBirthDate(text) {
  const value = text.trim();
  if (!value || /^([0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?|--[0-9]{2}-[0-9]{2})$/.test(value)) return value;
  const pad = (n) => n.padStart(2, "0");
  let match = /^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})$/.exec(value);
  if (match) return `${match[3]}-${pad(match[2])}-${pad(match[1])}`;
  match = /^([0-9]{1,2})[/.-]([0-9]{4})$/.exec(value);
  if (match) return `${match[2]}-${pad(match[1])}`;
  match = /^([0-9]{1,2})[/.]([0-9]{1,2})$/.exec(value);
  if (match) return `--${pad(match[2])}-${pad(match[1])}`;
  return null;
}

// The words for what keep-plausible keeps: "1955-11", "2010, with 03 and 25 as day and month…".
function describeKept(kept) {
  if (kept.dayAndMonth) {
    const [low, high] = kept.dayAndMonth.map((n) => String(n).padStart(2, "0"));
    if (kept.text) return format(messages.kept_year_pair, { year: kept.text, low, high });
    return format(messages.kept_pair, { low, high });
  }
  return kept.text;
}

function hideKeep() {
  keepButton.hidden = true;
  keepButton.textContent = "";
}

function offerKeep(kept, birthDate) {
  const described = describeKept(kept);
  keepButton.textContent = described
    ? format(messages.keep_plausible, { kept: described })
    : messages.keep_nothing;
  keepButton.dataset.birthDate = birthDate;
  keepButton.hidden = false;
}

// Whether a birth date that reads as a date lies after today (UTC, as `balise encode`).
function isFuture(birthDate) {
  try {
    return isAfter(parseBirthDate(birthDate), undefined);
  } catch {
    return false;
  }
}

function setBirthDateError(message) {
  birthDateError.textContent = message;
  hideKeep();
  if (message) inputs.birth_date.setAttribute("aria-invalid", "true");
  else inputs.birth_date.removeAttribute("aria-invalid");
}

function clearHidden() {
  hidden.encoding.value = "";
  hidden.version.value = "";
  hidden.keyId.value = "";
}

function showIdle() {
  if (hidden.encoding.value) {
    statusText.textContent = format(messages.encoded, {
      key: shortKey(hidden.keyId.value),
      version: hidden.version.value,
    });
  } else if (root.dataset.storedKeyId) {
    statusText.textContent = format(messages.stored, {
      key: shortKey(root.dataset.storedKeyId),
      version: root.dataset.storedVersion,
    });
  } else {
    statusText.textContent = format(messages.ready, { key: shortKey(deviceKeyId) });
  }
}

// Encodes the plain inputs into the hidden fields; resolves to true when the form may be sent.
async function encodeNow() {
  const mine = ++generation;
  stepError.textContent = "";
  if (!hasPlainInput()) {
    setBirthDateError("");
    clearHidden();
    showIdle();
    return true;
  }
  const birthDate = isoBirthDate(inputs.birth_date.value);
  if (birthDate === null) {
    clearHidden();
    setBirthDateError(messages.birth_date_format);
    return false;
  }
  // null for a valid date, and for one of which nothing can be kept (then refused below)
  const kept = birthDate ? plausibleDate(birthDate) : null;
  if (kept && keptFor !== birthDate) {
    clearHidden();
    setBirthDateError(isFuture(birthDate) ? messages.birth_date_future : messages.birth_date_invalid);
    offerKeep(kept, birthDate);
    return false;
  }
  if (!kept && isFuture(birthDate)) {
    clearHidden();
    setBirthDateError(messages.birth_date_future);
    return false;
  }
  const options = kept ? { damagedDates: "keep-plausible" } : {};
  let columns;
  try {
    columns = await encodeIdentity(readSecret(), { ...plainValues(), birth_date: birthDate }, options);
  } catch (error) {
    if (mine !== generation) return false;
    clearHidden();
    if (error && error.field === "birth_date") setBirthDateError(messages.birth_date_invalid);
    else stepError.textContent = messages.failed;
    return false;
  }
  if (mine !== generation) return false;
  setBirthDateError("");
  hidden.encoding.value = columns.balise_encoding;
  hidden.version.value = columns.balise_version;
  hidden.keyId.value = columns.balise_key_id;
  statusText.textContent = format(messages.encoded, {
    key: shortKey(columns.balise_key_id),
    version: columns.balise_version,
  });
  if (kept) {
    const described = describeKept(kept);
    statusText.textContent += ` ${described ? format(messages.kept_note, { kept: described }) : messages.kept_nothing_note}`;
  }
  return true;
}

function clearPlain() {
  for (const input of Object.values(inputs)) input.value = "";
}

function firstInvalid() {
  return inputs.birth_date.getAttribute("aria-invalid") === "true" ? inputs.birth_date : null;
}

let sending = false;
let bound = false;
const unlockData = JSON.parse(document.getElementById("network-unlock").textContent);
const secretModuleUrl = document.getElementById("balise-network-secret-module").href;
const missingText = $("identity-missing-text");
const missingTextDefault = missingText.textContent;

function setInputsEnabled(enabled) {
  for (const input of Object.values(inputs)) input.disabled = !enabled;
}

// The unlock step inside the form: the half-filled form stays as it is while the secret is
// unlocked; the identity inputs open as soon as it is kept on this device.
async function offerUnlock(state, message) {
  root.dataset.state = state;
  setInputsEnabled(false);
  missingText.textContent = message || missingTextDefault;
  missingNotice.hidden = false;
  const codeInput = $("unlock-code");
  if (!codeInput || codeInput.dataset.bound) return;
  codeInput.dataset.bound = "1";
  const { bindUnlock } = await import(secretModuleUrl);
  ({ encodeIdentity } = await import(encodingUrl));
  bindUnlock({
    input: codeInput,
    button: $("unlock-button"),
    error: $("unlock-error"),
    status: $("unlock-status"),
    data: unlockData,
    describe: async (text) => (await encodeIdentity(text, {})).balise_key_id,
    onUnlocked: async () => {
      await start();
      if (root.dataset.state === "ready") inputs.first_name.focus();
    },
  });
}

async function start() {
  const secret = readSecret();
  stepError.textContent = "";
  if (!secret) {
    await offerUnlock("missing", "");
    return; // inputs stay disabled: without the secret no identity can be encoded
  }
  try {
    ({ encodeIdentity, plausibleDate, parseBirthDate, isAfter } = await import(encodingUrl));
    deviceKeyId = (await encodeIdentity(secret, {})).balise_key_id;
  } catch {
    await offerUnlock("damaged", messages.secret_damaged);
    return;
  }
  const networkKeyId = unlockData.network_key_id;
  if (networkKeyId && networkKeyId !== deviceKeyId) {
    await offerUnlock(
      "wrong-network",
      format(messages.wrong_network, { device: shortKey(deviceKeyId), network: shortKey(networkKeyId) }),
    );
    return;
  }
  missingNotice.hidden = true;
  if (root.dataset.storedKeyId && root.dataset.storedKeyId !== deviceKeyId) {
    stepError.textContent = format(messages.other_key, {
      stored: shortKey(root.dataset.storedKeyId),
      device: shortKey(deviceKeyId),
    });
  }
  setInputsEnabled(true);
  root.dataset.state = "ready";
  showIdle();
  if (bound) return;
  bound = true;
  for (const input of Object.values(inputs)) input.addEventListener("change", () => encodeNow());
  keepButton.addEventListener("click", async () => {
    keptFor = keepButton.dataset.birthDate;
    if (await encodeNow()) inputs.birth_date.focus();
  });

  form.addEventListener("submit", async (event) => {
    if (sending || !hasPlainInput()) return;
    event.preventDefault();
    const submitter = event.submitter;
    if (await encodeNow()) {
      clearPlain();
      sending = true;
      // Outside the submit event's dispatch (its promise may settle within it), where a
      // nested requestSubmit() would be ignored.
      setTimeout(() => form.requestSubmit(submitter), 0);
    } else {
      (firstInvalid() || inputs.first_name).focus();
    }
  });
  // Leaving the page (or the back-forward cache keeping it) never keeps the names in the inputs.
  window.addEventListener("pagehide", clearPlain);
}

// The secret set in another tab (the device-secret page opened from here) opens this form's
// identity step without reloading it, so nothing typed here is lost.
window.addEventListener("storage", (event) => {
  if (event.key === root.dataset.storageKey && root.dataset.state !== "ready") start();
});

start();
