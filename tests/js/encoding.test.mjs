// Checks encoding.js against every test vector of docs/encoding.md (spec/vectors-v2.json).
// Run: node --test tests/js/
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import {
  DATE_PARTS,
  dateTokens,
  encodeIdentity,
  firstNameForms,
  lastNameForms,
  nameTokens,
  parseBirthDate,
  parseSex,
  plausibleParts,
} from "../../src/balise/static/balise/js/encoding.js";

const vectorsUrl = new URL("../../src/balise/linkage/spec/vectors-v2.json", import.meta.url);
const vectors = JSON.parse(readFileSync(vectorsUrl, "utf-8"));

for (const [index, vector] of vectors.vectors.entries()) {
  const label = `vector ${index}: ${JSON.stringify(vector.input)}`;

  test(`${label} normalises as in Python`, () => {
    assert.deepEqual(firstNameForms(vector.input.first_name).words, vector.first_name_words);
    assert.deepEqual(nameTokens(firstNameForms(vector.input.first_name)), vector.first_name_tokens);
    assert.deepEqual(lastNameForms(vector.input.last_name).words, vector.last_name_words);
    assert.deepEqual(nameTokens(lastNameForms(vector.input.last_name)), vector.last_name_tokens);
    if (!vector.expected.error) {
      const tokens = dateTokens(parseBirthDate(vector.input.birth_date), "");
      assert.deepEqual(tokens, vector.date_tokens);
    }
  });

  test(`${label} encodes bit for bit`, async () => {
    if (vector.expected.error) {
      await assert.rejects(encodeIdentity(vectors.secret_file, vector.input), (error) => {
        assert.equal(error.field, vector.expected.error);
        return true;
      });
    } else {
      assert.deepEqual(await encodeIdentity(vectors.secret_file, vector.input), vector.expected);
    }
  });
}

// §5.4: damaged dates encoded with {damagedDates: "keep-plausible", today}.
for (const [index, vector] of vectors.damaged_dates.entries()) {
  const label = `damaged date ${index}: ${JSON.stringify(vector.input.birth_date)}`;

  test(`${label} keeps the plausible parts as in Python`, async () => {
    const options = { damagedDates: vector.options.damagedDates, today: vector.options.today };
    if (vector.expected.error) {
      assert.throws(() => plausibleParts(vector.input.birth_date, { today: options.today }), {
        field: vector.expected.error,
      });
      await assert.rejects(encodeIdentity(vectors.secret_file, vector.input, options), (error) => {
        assert.equal(error.field, vector.expected.error);
        return true;
      });
      return;
    }
    const kept = plausibleParts(vector.input.birth_date, { today: options.today });
    assert.equal(kept.part, vector.part);
    assert.deepEqual(dateTokens(kept.date, ""), vector.date_tokens);
    assert.deepEqual(await encodeIdentity(vectors.secret_file, vector.input, options), vector.expected);
  });
}

test("the vectors hold every kind of damaged date", () => {
  const parts = new Set(vectors.damaged_dates.map((vector) => vector.part));
  for (const part of [...DATE_PARTS, null]) {
    assert.ok(parts.has(part), part);
  }
});

test("a damaged secret file is refused", async () => {
  const damaged = vectors.secret_file.replace(vectors.key_id, "0000000000000000");
  await assert.rejects(encodeIdentity(damaged, { first_name: "Emma" }), /key_id does not match/);
});
