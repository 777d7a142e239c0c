// The steward's import page: a file of names (CSV, or XLSX through the vendored read-excel-file)
// is read and encoded IN THIS BROWSER with encoding.js and the network secret kept on this
// device; only the encoded table (record_id, balise_* columns and the situation columns) is
// uploaded to the usual import check. The file input has no name and sits in no form, so the
// browser never sends the file itself. Texts come translated from the page (#bulk-messages).

const root = document.getElementById("bulk-encode");
const messages = JSON.parse(document.getElementById("bulk-messages").textContent);
const encodingUrl = document.getElementById("balise-encoding-module").href;
const bulkUrl = document.getElementById("balise-bulk-module").href;
const $ = (id) => document.getElementById(id);
const fileInput = $("bulk-file");
const runButton = $("bulk-run");
const progress = $("bulk-progress");
const errorBox = $("bulk-errors");
const errorBody = $("bulk-error-rows");
const errorSummary = $("bulk-error-summary");
const keepButton = $("bulk-keep");
let keepPlausible = false; // set by the recorder, for the file chosen when it was set
const format = (text, values) => text.replace(/%\((\w+)\)s/g, (_, name) => values[name] ?? "");

function readSecret() {
  try {
    return window.localStorage.getItem(root.dataset.storageKey);
  } catch {
    return null;
  }
}

function csrfToken() {
  try {
    return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
  } catch {
    return "";
  }
}

function fail(message) {
  progress.textContent = "";
  errorSummary.textContent = message;
  errorBox.hidden = false;
  errorBody.replaceChildren();
  keepButton.hidden = true;
  runButton.disabled = false;
  errorSummary.focus();
}

function showRefusals(refusals, damaged) {
  keepButton.hidden = !damaged;
  keepButton.textContent = damaged ? format(messages.keep_plausible, { count: damaged }) : "";
  errorBody.replaceChildren();
  for (const refusal of refusals) {
    const tr = document.createElement("tr");
    const reason = format(messages.reasons[refusal.reason] || refusal.reason, { value: refusal.value });
    for (const text of [String(refusal.row), refusal.record_id, refusal.field, refusal.value, reason]) {
      const td = document.createElement("td");
      td.textContent = text;
      tr.append(td);
    }
    errorBody.append(tr);
  }
  errorSummary.textContent = format(messages.refused, { count: refusals.length });
  progress.textContent = "";
  errorBox.hidden = false;
  runButton.disabled = false;
  errorSummary.focus();
}

async function readTable(file, bulk) {
  const head = new Uint8Array(await file.slice(0, 2).arrayBuffer());
  const isZip = head[0] === 0x50 && head[1] === 0x4b; // "PK": an XLSX archive
  if (isZip || /\.xlsx$/i.test(file.name)) {
    if (typeof window.readXlsxFile !== "function") throw new Error(messages.unreadable);
    const sheets = await window.readXlsxFile(file);
    const first = Array.isArray(sheets) && sheets[0] && sheets[0].data ? sheets[0].data : sheets;
    return first;
  }
  return bulk.parseCsv(await file.text());
}

async function upload(rows) {
  // The multipart body is written out as bytes rather than a FormData with a Blob, so that what
  // leaves the page is plain, inspectable data (the browser test reads every request's body).
  const boundary = `balise-${crypto.randomUUID()}`;
  const body = new TextEncoder().encode(
    `--${boundary}\r\n` +
      'Content-Disposition: form-data; name="file"; filename="encoded-in-this-browser.csv"\r\n' +
      "Content-Type: text/csv\r\n\r\n" +
      rows +
      `\r\n--${boundary}--\r\n`,
  );
  const response = await fetch(root.dataset.uploadUrl, {
    method: "POST",
    body,
    credentials: "same-origin",
    headers: { "X-CSRFToken": csrfToken(), "Content-Type": `multipart/form-data; boundary=${boundary}` },
  });
  if (response.redirected && response.ok) {
    window.location.assign(response.url);
    return;
  }
  // The upload page came back with the server's reason (file too large, too many rows…).
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  const reasons = [...page.querySelectorAll(".error-summary li")].map((li) => li.textContent.trim());
  fail(reasons.join(" ") || messages.failed);
}

async function run() {
  errorBox.hidden = true;
  const secret = readSecret();
  if (!secret) return fail(messages.no_secret);
  const file = fileInput.files && fileInput.files[0];
  if (!file) return fail(messages.no_file);
  runButton.disabled = true;
  progress.textContent = messages.reading;
  try {
    const [{ encodeIdentity, plausibleDate }, bulk] = await Promise.all([
      import(encodingUrl),
      import(bulkUrl),
    ]);
    const table = await readTable(file, bulk);
    const result = await bulk.encodeTable(secret, table, {
      encodeIdentity,
      plausibleDate,
      damagedDates: keepPlausible ? "keep-plausible" : "refuse",
      onProgress: async (count) => {
        progress.textContent = format(messages.progress, { count });
        await new Promise((resolve) => setTimeout(resolve, 0)); // let the page repaint
      },
    });
    if (result.refusals) return showRefusals(result.refusals, result.damaged);
    const kept = Object.values(result.kept).reduce((a, b) => a + b, 0);
    progress.textContent = kept
      ? format(messages.uploading_kept, { count: result.count, kept })
      : format(messages.uploading, { count: result.count });
    fileInput.value = ""; // the names leave the page's memory as soon as possible
    await upload(bulk.toCsv(result.rows));
  } catch (error) {
    fail(messages.unreadable);
  }
}

runButton.addEventListener("click", () => run());
// Only on request, for this file: encode the plausible parts of its damaged birth dates.
keepButton.addEventListener("click", () => {
  keepPlausible = true;
  run();
});
fileInput.addEventListener("change", () => {
  keepPlausible = false;
});

root.hidden = false;
if (!readSecret()) $("bulk-no-secret").hidden = false;
