// Damaged dates in encoding.js (docs/encoding.md §5.4): the plausibleDate helper of the
// recording form, and encodeIdentity's damagedDates option. Run: node --test tests/js/
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import {
  encodeIdentity,
  isAfter,
  parseBirthDate,
  plausibleDate,
} from "../../src/balise/static/balise/js/encoding.js";

const secret = JSON.parse(
  readFileSync(new URL("../../src/balise/linkage/spec/vectors-v1.json", import.meta.url), "utf-8"),
).secret_file;
const today = "2026-06-01";

test("plausibleDate says what keep-plausible would keep", () => {
  const cases = [
    ["1955-11-92", "YEAR_MONTH", "1955-11", null],
    ["2010-02-30", "YEAR_MONTH", "2010-02", null],
    ["2010-31-02", "YEAR", "2010", null],
    ["2010-25-03", "YEAR_DAY_AND_MONTH", "2010", [3, 25]],
    ["2010-13-05", "YEAR_DAY_AND_MONTH", "2010", [5, 13]],
    ["2204-05-12", "MONTH_DAY", "--05-12", null],
    ["2026-12-25", "MONTH_DAY", "--12-25", null],
    ["2204-25-03", "DAY_AND_MONTH", "", [3, 25]],
    ["2204-13-45", "NOTHING", "", null],
    ["2030", "NOTHING", "", null],
  ];
  for (const [text, part, kept, pair] of cases) {
    const found = plausibleDate(text, { today, version: 2 });
    assert.deepEqual([found.part, found.text, found.dayAndMonth], [part, kept, pair], text);
  }
  for (const valid of ["", "2010", "2010-02", "2012-02-29", "--02-29", "2026-06-01"]) {
    assert.equal(plausibleDate(valid, { today, version: 2 }), null, valid);
  }
  // another form, or a year-less part under spec v1: nothing can be kept
  assert.equal(plausibleDate("10/02/2010", { today, version: 2 }), null);
  assert.equal(plausibleDate("2204-05-12", { today, version: 1 }), null);
  assert.equal(plausibleDate("1955-11-92", { today, version: 1 }).text, "1955-11");
});

test("year-less dates are read from spec v2 on", () => {
  assert.deepEqual(parseBirthDate(" --05-12 ", { version: 2 }), { month: 5, day: 12 });
  assert.deepEqual(parseBirthDate("--02-29", { version: 2 }), { month: 2, day: 29 });
  assert.throws(() => parseBirthDate("--02-30", { version: 2 }), { field: "birth_date" });
  assert.throws(() => parseBirthDate("--05-12", { version: 1 }), /--MM-DD/);
});

test("a date after today is judged on what it says", () => {
  assert.equal(isAfter({ year: 2026, month: 6 }, today), false);
  assert.equal(isAfter({ year: 2026, month: 6, day: 2 }, today), true);
  assert.equal(isAfter({ month: 12, day: 31 }, today), false);
  assert.equal(isAfter({ year: 2027 }, new Date(Date.UTC(2026, 11, 31))), true);
});

test("encodeIdentity refuses damaged dates unless asked to keep their plausible parts", async () => {
  const identity = { first_name: "Emma", last_name: "Peeters", birth_date: "1955-11-92", sex: "F" };
  await assert.rejects(encodeIdentity(secret, identity), { field: "birth_date" });
  const kept = await encodeIdentity(secret, identity, { damagedDates: "keep-plausible", today });
  assert.deepEqual(kept, await encodeIdentity(secret, { ...identity, birth_date: "1955-11" }));
  const valid = { ...identity, birth_date: "2010-03-05" };
  assert.deepEqual(
    await encodeIdentity(secret, valid, { damagedDates: "keep-plausible", today }),
    await encodeIdentity(secret, valid),
  );
  await assert.rejects(encodeIdentity(secret, valid, { damagedDates: "guess" }), /damagedDates/);
});
