// Bulk encoding in the browser: a table of identities (CSV or XLSX read on this device) becomes
// the table `balise encode` writes — record_id, balise_encoding, balise_version, balise_key_id,
// then the other columns unchanged — without a name or a birth date. Pure functions: the import
// page (bulk-import.js) and benchmarks/browser_encode.py both use them.

export const IDENTITY_COLUMNS = ["record_id", "first_name", "last_name", "birth_date", "sex"];
export const ENCODING_COLUMNS = ["balise_encoding", "balise_version", "balise_key_id"];
const BATCH = 200;

/** The CSV's delimiter: ";", "," or a tab, whichever splits the header line most outside quotes. */
export function sniffDelimiter(firstLine) {
  const counts = { ";": 0, ",": 0, "\t": 0 };
  let quoted = false;
  for (const char of firstLine) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && char in counts) counts[char] += 1;
  }
  const best = Object.keys(counts).reduce((a, b) => (counts[b] > counts[a] ? b : a));
  return counts[best] ? best : ",";
}

/** RFC 4180 CSV (quotes doubled inside quoted fields; LF, CRLF or CR lines) into rows of text. */
export function parseCsv(text) {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const delimiter = sniffDelimiter(text.split(/\r\n|\n|\r/, 1)[0]);
  const rows = [];
  let row = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += char;
    } else if (char === '"') quoted = true;
    else if (char === delimiter) {
      row.push(field);
      field = "";
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += char;
  }
  if (field !== "" || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

const pad = (n) => String(n).padStart(2, "0");

/** Belgian DD/MM/YYYY and MM/YYYY (also with - or .) and DD/MM (also with ., no year) as the
 * spec's YYYY-MM-DD / YYYY-MM / --MM-DD, as the recording form reads them; anything else is left
 * for the encoder to accept or refuse. */
export function isoBirthDate(text) {
  const value = text.trim();
  let match = /^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})$/.exec(value);
  if (match) return `${match[3]}-${pad(match[2])}-${pad(match[1])}`;
  match = /^([0-9]{1,2})[/.-]([0-9]{4})$/.exec(value);
  if (match) return `${match[2]}-${pad(match[1])}`;
  match = /^([0-9]{1,2})[/.]([0-9]{1,2})$/.exec(value);
  if (match) return `--${pad(match[2])}-${pad(match[1])}`;
  return text;
}

/** A spreadsheet cell as text: dates as YYYY-MM-DD (as the server's XLSX reader writes them). */
export function cellText(value) {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) {
    return `${value.getUTCFullYear()}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`;
  }
  return String(value);
}

/** CSV text (comma, CRLF) with the fields quoted where needed. */
export function toCsv(rows) {
  const quote = (text) => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  return rows.map((row) => row.map((cell) => quote(String(cell))).join(",")).join("\r\n") + "\r\n";
}

/**
 * Encodes a table (header first) with the network secret. Resolves to {rows, count, kept} (the
 * table to upload) or {refusals, count, damaged}: every refused row at once, as `balise encode`
 * does, with {row (as a spreadsheet numbers it), record_id, field, value, reason}; reason is a
 * code: missing_columns, reserved_column, duplicate_column, no_rows, cells, empty, twice,
 * birth_date, birth_date_future, sex.
 *
 * `damagedDates` is `balise encode --damaged-dates`: "refuse" (default) refuses a birth date that
 * cannot exist or lies after today, and `damaged` counts those of them that keep-plausible would
 * encode (with `plausibleDate` from encoding.js); "keep-plausible" encodes their plausible parts
 * (docs/encoding.md §5.4) and `kept` counts them by kind ({YEAR_MONTH: 2, ...}).
 */
export async function encodeTable(
  secret,
  table,
  { encodeIdentity, plausibleDate, damagedDates = "refuse", today, onProgress } = {},
) {
  const header = (table[0] || []).map((name) => String(name).trim());
  while (header.length && !header[header.length - 1]) header.pop();
  const refusals = [];
  const fileRefusal = (reason, value) => ({ refusals: [{ row: 1, record_id: "", field: "", value, reason }], count: 0 });
  const duplicate = header.find((name, i) => name && header.indexOf(name) !== i);
  if (duplicate) return fileRefusal("duplicate_column", duplicate);
  const missing = IDENTITY_COLUMNS.filter((name) => !header.includes(name));
  if (missing.length) return fileRefusal("missing_columns", missing.join(", "));
  const reserved = ENCODING_COLUMNS.find((name) => header.includes(name));
  if (reserved) return fileRefusal("reserved_column", reserved);
  const index = Object.fromEntries(IDENTITY_COLUMNS.map((name) => [name, header.indexOf(name)]));
  const others = header.map((_, i) => i).filter((i) => !IDENTITY_COLUMNS.includes(header[i]));
  const output = [["record_id", ...ENCODING_COLUMNS, ...others.map((i) => header[i])]];
  const seen = new Set();
  const todayText = today || new Date().toISOString().slice(0, 10);
  const keepPlausible = damagedDates === "keep-plausible";
  const kept = {};
  let damaged = 0;
  // what keep-plausible keeps of a birth date (null: valid, or nothing can be kept)
  const keepable = (text) => (plausibleDate ? plausibleDate(isoBirthDate(text), { today: todayText }) : null);
  let count = 0;
  // Rows are encoded in batches whose WebCrypto calls run concurrently (the browser spreads them
  // over its threads); results are taken in row order.
  let batch = [];
  const flush = async () => {
    const results = await Promise.all(
      batch.map(({ cells }) =>
        encodeIdentity(secret, {
          first_name: cells[index.first_name],
          last_name: cells[index.last_name],
          birth_date: isoBirthDate(cells[index.birth_date]),
          sex: cells[index.sex],
        }, { damagedDates, today: todayText }).then(
          (columns) => ({ columns }),
          (error) => ({ error }),
        ),
      ),
    );
    results.forEach(({ columns, error }, i) => {
      const { row, cells, recordId } = batch[i];
      const birthText = cells[index.birth_date];
      if (error) {
        if (!error.field) throw error; // not a refused value: a broken secret or page
        const field = error.field === "sex" ? "sex" : "birth_date";
        const value = field === "sex" ? cells[index.sex] : birthText;
        refusals.push({ row, record_id: recordId, field, value, reason: field });
        if (field === "birth_date" && !keepPlausible && keepable(birthText)) damaged += 1;
      } else if (!keepPlausible && isoBirthDate(birthText).trim().slice(0, 10) > todayText) {
        refusals.push({ row, record_id: recordId, field: "birth_date", value: birthText, reason: "birth_date_future" });
        if (keepable(birthText)) damaged += 1;
      } else if (!refusals.length) {
        const part = keepPlausible ? keepable(birthText) : null;
        if (part) kept[part.part] = (kept[part.part] || 0) + 1;
        output.push([recordId, columns.balise_encoding, columns.balise_version, columns.balise_key_id, ...others.map((c) => cells[c])]);
      }
    });
    batch = [];
    if (onProgress) await onProgress(count);
  };
  for (let r = 1; r < table.length; r++) {
    const cells = table[r].map(cellText);
    if (cells.every((cell) => !cell.trim())) continue; // a blank line
    const row = r + 1;
    count += 1;
    while (cells.length < header.length) cells.push(""); // spreadsheets drop empty trailing cells
    if (cells.length > header.length && cells.slice(header.length).some((cell) => cell.trim())) {
      refusals.push({ row, record_id: "", field: "", value: String(cells.length), reason: "cells" });
      continue;
    }
    const recordId = cells[index.record_id].trim();
    if (!recordId) refusals.push({ row, record_id: "", field: "record_id", value: "", reason: "empty" });
    else if (seen.has(recordId)) {
      refusals.push({ row, record_id: recordId, field: "record_id", value: recordId, reason: "twice" });
    }
    seen.add(recordId);
    batch.push({ row, cells, recordId });
    if (batch.length === BATCH) await flush();
  }
  if (batch.length) await flush();
  refusals.sort((a, b) => a.row - b.row);
  if (refusals.length) return { refusals, count, damaged };
  if (!count) return fileRefusal("no_rows", "");
  return { rows: output, count, kept };
}
