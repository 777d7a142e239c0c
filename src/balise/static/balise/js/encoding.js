// Balise identity encoding, spec v2 (docs/encoding.md): the JavaScript twin of
// balise.linkage (normalise.py, encode.py, secret.py). One ES module, no build step; runs in
// browsers and Node 20 through globalThis.crypto.subtle. It must agree with `balise encode`
// bit for bit: every rule below mirrors the Python one in the same order.

const SPEC_VERSION = 2;
const SECRET_FORMAT = "balise-network-secret";
// §2: each segment is made of parts; a part is voted on by the tokens of its kinds only.
const ALL_KINDS = ["b", "s", "y", "yy", "m", "ym", "d", "md", "dm", "ymd"];
const SEGMENTS = {
  first_name: { key: "name", functions: 2, parts: [{ kinds: ALL_KINDS, bits: 768 }] },
  last_name: { key: "name", functions: 2, parts: [{ kinds: ALL_KINDS, bits: 768 }] },
  birth_date: {
    key: "date",
    functions: 1,
    parts: [
      { kinds: ["y", "yy"], bits: 128 },
      { kinds: ["m", "ym"], bits: 128 },
      { kinds: ["d", "md", "dm", "ymd"], bits: 256 },
    ],
  },
};
// §6: the weight of a token of each kind in every vote
const TOKEN_WEIGHTS = { b: 6, s: 8, y: 6, yy: 4, m: 3, ym: 3, d: 3, md: 4, dm: 5, ymd: 6 };
const TIE_LABEL = "tie";

const SPECIAL_LETTERS = [
  ["ß", "ss"], ["æ", "ae"], ["œ", "oe"], ["ø", "o"], ["đ", "d"], ["ð", "d"], ["ł", "l"],
  ["þ", "th"], ["ı", "i"],
];
const APOSTROPHES = "'`´’‘ʼʻ";
const FOLD_RULES = [
  ["sch", "s"], ["ch", "s"], ["sh", "s"], ["ph", "f"], ["kh", "h"], ["gh", "g"], ["dh", "d"],
  ["th", "t"], ["dj", "j"], ["ck", "k"], ["ij", "i"], ["q", "k"], ["x", "ks"], ["ce", "se"],
  ["ci", "si"], ["cy", "sy"], ["c", "k"], ["y", "i"], ["oua", "wa"], ["oue", "we"],
  ["oui", "wi"], ["ouo", "wo"], ["ouu", "wu"], ["ou", "u"], ["oo", "u"], ["ee", "i"],
  ["oe", "u"],
];
const VOWELS = "aeiou";
const PARTICLES = new Set([
  "van", "von", "vanden", "vander", "vande", "de", "den", "der", "del", "della", "di", "da",
  "du", "des", "la", "le", "l", "d", "t", "ten", "ter", "te", "op", "el", "al", "ben", "bin",
  "ibn", "abu", "ait", "ould",
]);
const PREFIXES = [
  "vanden", "vander", "vande", "van", "della", "dela", "del", "den", "der", "de", "du", "la",
  "le", "el", "al", "ben", "ait",
];
const MIN_CORE_AFTER_PREFIX = 3;
const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export class InvalidField extends Error {
  constructor(field, reason) {
    super(`${field}: ${reason}`);
    this.field = field;
    this.reason = reason;
  }
}

// --- §3-§4 names ---------------------------------------------------------------------------

export function clean(text) {
  let s = text.toLowerCase().normalize("NFKD").replace(/\p{Mn}/gu, "");
  for (const [source, target] of SPECIAL_LETTERS) s = s.replaceAll(source, target);
  for (const apostrophe of APOSTROPHES) s = s.replaceAll(apostrophe, "");
  return s.replace(/[^a-z]+/g, " ").split(" ").filter((part) => part.length > 0);
}

const collapseRepeats = (part) => part.replace(/([a-z])\1+/g, "$1");

export function fold(part) {
  for (;;) {
    let folded = part;
    for (const [source, target] of FOLD_RULES) folded = folded.replaceAll(source, target);
    folded = collapseRepeats(folded);
    if (folded === part) return folded;
    part = folded;
  }
}

export function skeleton(folded) {
  if (!folded) return "";
  const head = VOWELS.includes(folded[0]) ? "a" : folded[0];
  const tail = [...folded.slice(1)].filter((ch) => !VOWELS.includes(ch)).join("");
  return collapseRepeats(head + tail);
}

function stripPrefix(word) {
  for (const prefix of PREFIXES) {
    if (word.startsWith(prefix) && word.length - prefix.length >= MIN_CORE_AFTER_PREFIX) {
      return word.slice(prefix.length);
    }
  }
  return word;
}

const unique = (items) => [...new Set(items)];

export function firstNameForms(text) {
  const words = unique(clean(text).map(fold).filter((w) => w));
  return { words, skeletons: unique(words.map(skeleton)) };
}

export function lastNameForms(text) {
  const parts = clean(text);
  if (parts.length === 0) return { words: [], skeletons: [] };
  const full = parts.join("");
  const core = [...parts];
  while (core.length > 1 && PARTICLES.has(core[0])) core.shift();
  const coreWord = stripPrefix(core.join(""));
  const words = unique([fold(full), fold(coreWord)].filter((w) => w));
  const coreSkeleton = skeleton(fold(coreWord));
  return { words, skeletons: coreSkeleton ? [coreSkeleton] : [] };
}

function bigrams(word) {
  const padded = `_${word}_`;
  const grams = [];
  for (let i = 0; i < padded.length - 1; i++) grams.push(padded.slice(i, i + 2));
  return grams;
}

export function nameTokens(forms) {
  const tokens = [];
  for (const word of forms.words) for (const gram of bigrams(word)) tokens.push(`b:${gram}`);
  for (const sk of forms.skeletons) tokens.push(`s:${sk}`);
  return unique(tokens);
}

// --- §5 birth date and sex -----------------------------------------------------------------

const trimBlanks = (text) => text.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, "");
const pad = (n, width) => String(n).padStart(width, "0");
const isLeap = (y) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);

// §5.1 the year-less form `--MM-DD` (ISO 8601) is read from this spec version on; v1 refuses it.
const YEARLESS_SINCE_VERSION = 2;
const daysIn = (month, year) => (month === 2 && year !== undefined && !isLeap(year) ? 28 : DAYS[month - 1]);

function dateFields(value, version) {
  let match = /^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$/.exec(value);
  if (match) {
    const number = (group) => (group === undefined ? undefined : Number(group));
    return [Number(match[1]), number(match[2]), number(match[3])];
  }
  match = /^--([0-9]{2})-([0-9]{2})$/.exec(value);
  if (!match) {
    const forms =
      version >= YEARLESS_SINCE_VERSION
        ? "YYYY-MM-DD, YYYY-MM, YYYY or --MM-DD"
        : "YYYY-MM-DD, YYYY-MM or YYYY";
    throw new InvalidField("birth_date", `'${value}' is not ${forms}`);
  }
  if (version < YEARLESS_SINCE_VERSION) {
    throw new InvalidField(
      "birth_date",
      `'${value}' is a date without a year (--MM-DD), which encoding version ${version} ` +
        `cannot encode (from version ${YEARLESS_SINCE_VERSION} on)`,
    );
  }
  return [undefined, Number(match[1]), Number(match[2])];
}

/**
 * §5.1: `YYYY-MM-DD`, `YYYY-MM`, `YYYY`, `--MM-DD` (from v2) or empty, spaces around ignored.
 * Returns {year, month, day} with the unknown parts undefined.
 */
export function parseBirthDate(text, { version = SPEC_VERSION } = {}) {
  const value = trimBlanks(text ?? "");
  if (!value) return {};
  const [year, month, day] = dateFields(value, version);
  if (year !== undefined && (year < 1900 || year > 2199)) {
    throw new InvalidField("birth_date", `year ${year} is outside 1900-2199`);
  }
  if (month === undefined) return { year };
  if (month < 1 || month > 12) throw new InvalidField("birth_date", `month ${month} does not exist`);
  if (day === undefined) return year === undefined ? { month } : { year, month };
  if (day < 1 || day > daysIn(month, year)) {
    const where = year !== undefined ? `${pad(year, 4)}-${pad(month, 2)}` : `month ${pad(month, 2)}`;
    throw new InvalidField("birth_date", `day ${day} does not exist in ${where}`);
  }
  return year === undefined ? { month, day } : { year, month, day };
}

const asToday = (today) => {
  if (today === undefined) today = new Date().toISOString().slice(0, 10); // UTC, as balise encode
  if (today instanceof Date) today = today.toISOString().slice(0, 10);
  const [year, month, day] = today.split("-").map(Number);
  return { year, month, day };
};

/** Whether a date, as far as it is known, lies after `today` (a year-less one never). */
export function isAfter(date, today) {
  const t = asToday(today);
  if (date.year === undefined || date.year !== t.year) return date.year !== undefined && date.year > t.year;
  if (date.month === undefined || date.month !== t.month) return date.month !== undefined && date.month > t.month;
  return date.day !== undefined && date.day > t.day;
}

/** What keep-plausible kept of a damaged date (§5.4); the names of Python's `DatePart`. */
export const DATE_PARTS = Object.freeze([
  "YEAR_MONTH", "YEAR", "YEAR_DAY_AND_MONTH", "MONTH_DAY", "DAY_AND_MONTH", "NOTHING",
]);

function keepPlausible(year, month, day, today) {
  const monthOk = month !== undefined && month >= 1 && month <= 12;
  const dayOk = (inYear) => monthOk && day !== undefined && day >= 1 && day <= daysIn(month, inYear);
  const swapped = (inYear) => {
    // the month cannot exist; read as the day, with the day as the month, can it?
    if (monthOk || month === undefined || day === undefined || day < 1 || day > 12) return null;
    return month >= 1 && month <= daysIn(day, inYear) ? [day, month] : null;
  };
  if (year !== undefined && year >= 1900 && year <= 2199) {
    let kept;
    let part;
    let pair;
    if (monthOk && dayOk(year)) [kept, part] = [{ year, month, day }, null];
    else if (monthOk) [kept, part] = [{ year, month }, "YEAR_MONTH"];
    else if ((pair = swapped(year)) !== null) [kept, part] = [{ year, dayAndMonth: pair }, "YEAR_DAY_AND_MONTH"];
    else [kept, part] = [{ year }, "YEAR"];
    if (!isAfter(kept, today) && part !== null) return { date: kept, part };
  }
  // no plausible year: outside the spec's range, or the date lies after today
  if (monthOk && dayOk(undefined)) return { date: { month, day }, part: "MONTH_DAY" };
  const pair = swapped(undefined);
  if (pair !== null) return { date: { dayAndMonth: pair }, part: "DAY_AND_MONTH" };
  return { date: {}, part: "NOTHING" };
}

/**
 * §5.4: the date, or its plausible parts when it cannot exist or lies after `today`
 * ("YYYY-MM-DD" or a Date; default: today in UTC). Returns {date, part}: part is null for a
 * valid date, else one of DATE_PARTS. A text in none of the §5.1 forms is still refused, and so
 * is a year-less result under a spec version without the year-less form.
 */
export function plausibleParts(text, { today, version = SPEC_VERSION } = {}) {
  const value = trimBlanks(text ?? "");
  if (!value) return { date: {}, part: null };
  const [year, month, day] = dateFields(value, version);
  let refused = null;
  try {
    const date = parseBirthDate(value, { version });
    if (!isAfter(date, today)) return { date, part: null };
  } catch (error) {
    if (!(error instanceof InvalidField)) throw error;
    refused = error;
  }
  const kept = keepPlausible(year, month, day, today);
  const empty = Object.keys(kept.date).length === 0;
  if (kept.date.year === undefined && !empty && version < YEARLESS_SINCE_VERSION) {
    const why = refused !== null ? refused.reason : "the date lies after today";
    throw new InvalidField(
      "birth_date",
      `${why}; keeping its month and day needs a date without a year (--MM-DD), which ` +
        `encoding version ${version} cannot encode`,
    );
  }
  return kept;
}

/** The §5.1 text of a date; a kept day-and-month pair has none (it is left out). */
export function dateText(date) {
  const parts = [];
  if (date.month !== undefined) parts.push(pad(date.month, 2));
  if (date.day !== undefined) parts.push(pad(date.day, 2));
  if (date.year === undefined) return parts.length ? `--${parts.join("-")}` : "";
  return [pad(date.year, 4), ...parts].join("-");
}

/**
 * For a form: what keep-plausible would encode of a birth date typed as `text` (§5.1 form),
 * or null when the date is valid and not after today, or cannot be kept at all (another form,
 * or a year-less part under spec v1). `{part, date, text, dayAndMonth}`: `text` is the kept
 * date as it would be written ("1955-11", "--05-12", "2010", or "" when nothing is kept);
 * `dayAndMonth` the [smaller, larger] pair kept in either order, or null.
 */
export function plausibleDate(text, { today, version = SPEC_VERSION } = {}) {
  let kept;
  try {
    kept = plausibleParts(text, { today, version });
  } catch (error) {
    if (error instanceof InvalidField) return null;
    throw error;
  }
  if (kept.part === null) return null;
  return {
    part: kept.part,
    date: kept.date,
    text: dateText(kept.date),
    dayAndMonth: kept.date.dayAndMonth ?? null,
  };
}

export function parseSex(text) {
  const value = trimBlanks(text ?? "").toUpperCase();
  if (value && !["M", "F", "X"].includes(value)) {
    throw new InvalidField("sex", `'${text}' is not M, F, X or empty`);
  }
  return value;
}

export function dateTokens(date, sex) {
  const tokens = [];
  const { year: y, month: m, day: d } = date;
  if (y !== undefined) {
    tokens.push(`y:${pad(y, 4)}`, `yy:${pad(y - 1, 4)}:${pad(y, 4)}`, `yy:${pad(y, 4)}:${pad(y + 1, 4)}`);
  }
  if (m !== undefined) {
    tokens.push(`m:${pad(m, 2)}`);
    if (y !== undefined) tokens.push(`ym:${pad(y, 4)}-${pad(m, 2)}`);
    if (d !== undefined) {
      const low = Math.min(m, d);
      const high = Math.max(m, d);
      tokens.push(`d:${pad(d, 2)}`, `md:${pad(m, 2)}-${pad(d, 2)}`, `dm:${pad(low, 2)}-${pad(high, 2)}`);
      if (y !== undefined) tokens.push(`ymd:${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`);
    }
  } else if (date.dayAndMonth) {
    const [low, high] = date.dayAndMonth;
    tokens.push(`dm:${pad(low, 2)}-${pad(high, 2)}`);
  }
  if (sex) tokens.push(`sex:${sex}`);
  return tokens;
}

// --- §1, §6 keys and bits ------------------------------------------------------------------

const encoder = new TextEncoder();
const subtle = () => globalThis.crypto.subtle;

async function hmac(keyBytes, message) {
  const key = await subtle().importKey("raw", keyBytes, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  return new Uint8Array(await subtle().sign("HMAC", key, encoder.encode(message)));
}

const toHex = (bytes) => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");

export async function parseSecret(text) {
  let document;
  try {
    document = JSON.parse(text);
  } catch {
    throw new Error("not a Balise secret file (not JSON)");
  }
  if (!document || typeof document !== "object" || document.format !== SECRET_FORMAT) {
    throw new Error("not a Balise secret file (format field missing)");
  }
  if (document.version !== 1) throw new Error(`unsupported secret file version ${document.version}`);
  if (typeof document.secret !== "string" || !/^[0-9a-fA-F]{64}$/.test(document.secret)) {
    throw new Error("the secret field must hold 64 hexadecimal digits");
  }
  const secret = new Uint8Array(32);
  for (let i = 0; i < 32; i++) secret[i] = parseInt(document.secret.slice(2 * i, 2 * i + 2), 16);
  const keyId = toHex(await hmac(secret, "balise:key-id")).slice(0, 16);
  if (document.key_id !== keyId) {
    throw new Error("the key_id does not match the secret (damaged or edited file)");
  }
  return {
    keyId,
    nameKey: await hmac(secret, `balise:v${SPEC_VERSION}:field:name`),
    dateKey: await hmac(secret, `balise:v${SPEC_VERSION}:field:date`),
  };
}

// §6.2: `bits` keyed pseudo-random bits: HMAC(key, "<function>.<block>.<label>"), blocks 0, 1...
async function stream(keyBytes, fn, label, bits) {
  const out = new Uint8Array(bits / 8);
  for (let block = 0; block * 32 < out.length; block++) {
    const digest = await hmac(keyBytes, `${fn}.${block}.${label}`);
    out.set(digest.subarray(0, Math.min(32, out.length - block * 32)), block * 32);
  }
  return out;
}

const bitAt = (bytes, j) => (bytes[j >> 3] >> (7 - (j & 7))) & 1;
const voteCache = new Map();

async function votes(keyBytes, fn, token, bits) {
  const cacheKey = `${toHex(keyBytes)}|${fn}|${bits}|${token}`;
  let found = voteCache.get(cacheKey);
  if (!found) {
    if (voteCache.size > 200000) voteCache.clear();
    found = await stream(keyBytes, fn, token, bits);
    voteCache.set(cacheKey, found);
  }
  return found;
}

// §6.3: every bit of a part is the XOR over the segment's functions of the keyed weighted
// majority of its tokens' votes (a zero sum takes the tie-breaker's bit).
async function majoritySegment(keyBytes, segment, tokens) {
  const chunks = [];
  for (const part of segment.parts) {
    const mine = tokens.filter((t) => part.kinds.includes(t.split(":", 1)[0]));
    const out = new Uint8Array(part.bits / 8);
    if (mine.length) {
      for (let fn = 0; fn < segment.functions; fn++) {
        const sums = new Int32Array(part.bits);
        for (const token of mine) {
          const weight = TOKEN_WEIGHTS[token.split(":", 1)[0]];
          const bits = await votes(keyBytes, fn, token, part.bits);
          for (let j = 0; j < part.bits; j++) sums[j] += bitAt(bits, j) ? weight : -weight;
        }
        const ties = await votes(keyBytes, fn, TIE_LABEL, part.bits);
        for (let j = 0; j < part.bits; j++) {
          const bit = sums[j] > 0 ? 1 : sums[j] < 0 ? 0 : bitAt(ties, j);
          if (bit) out[j >> 3] ^= 0x80 >> (j & 7);
        }
      }
    }
    chunks.push(out);
  }
  return chunks;
}

function toBase64(bytes) {
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text);
}

const parsedSecrets = new Map();

/**
 * Encode one identity as `balise encode` does for a CSV row.
 * @param {string} secret the text of the file written by `balise secret new`
 * @param {{first_name?: string, last_name?: string, birth_date?: string, sex?: string}} identity
 * @param {{damagedDates?: "refuse" | "keep-plausible", today?: string | Date}} options as
 *   `balise encode --damaged-dates`: refuse a birth date that cannot exist (the default), or
 *   encode its plausible parts (§5.4; `today` judges dates after today, default today in UTC)
 * @returns {Promise<{balise_encoding: string, balise_version: string, balise_key_id: string}>}
 */
export async function encodeIdentity(secret, identity, { damagedDates = "refuse", today } = {}) {
  if (damagedDates !== "refuse" && damagedDates !== "keep-plausible") {
    throw new Error(`damagedDates must be "refuse" or "keep-plausible", not ${damagedDates}`);
  }
  let keys = parsedSecrets.get(secret);
  if (!keys) {
    keys = await parseSecret(secret);
    parsedSecrets.set(secret, keys);
  }
  const date =
    damagedDates === "keep-plausible"
      ? plausibleParts(identity.birth_date ?? "", { today }).date
      : parseBirthDate(identity.birth_date ?? "");
  parseSex(identity.sex ?? ""); // validated, not encoded in spec v2
  const chunks = [
    ...(await majoritySegment(keys.nameKey, SEGMENTS.first_name, nameTokens(firstNameForms(identity.first_name ?? "")))),
    ...(await majoritySegment(keys.nameKey, SEGMENTS.last_name, nameTokens(lastNameForms(identity.last_name ?? "")))),
    ...(await majoritySegment(keys.dateKey, SEGMENTS.birth_date, dateTokens(date, ""))),
  ];
  const bits = new Uint8Array(chunks.reduce((total, c) => total + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    bits.set(chunk, at);
    at += chunk.length;
  }
  return {
    balise_encoding: toBase64(bits),
    balise_version: String(SPEC_VERSION),
    balise_key_id: keys.keyId,
  };
}
