// Checks, in the browser and without trusting the server, that each ledger entry shown is included in the
// signed checkpoint shown: leaf = SHA-256(0x00 || entry), nodes = SHA-256(0x01 || left || right), and the
// inclusion-proof fold of RFC 9162 §2.1.3.2. (The checkpoint's signature is checked with `sealkeeper ledger`
// tools or any C2SP note verifier; this page checks the Merkle inclusion.)
"use strict";
const sha256 = async (bytes) => new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
};
const fromHex = (hex) => new Uint8Array(hex.match(/../g).map((h) => parseInt(h, 16)));
const fromB64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
const same = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);

async function rootFromInclusion(index, size, leaf, proof) {
  if (index >= size) throw new Error("index outside the tree");
  let fn = index, sn = size - 1, r = leaf;
  for (const p of proof) {
    if (sn === 0) throw new Error("proof too long");
    if ((fn & 1) === 1 || fn === sn) {
      r = await sha256(concat([1], p, r));
      if ((fn & 1) === 0) { while ((fn & 1) === 0 && fn !== 0) { fn >>= 1; sn >>= 1; } }
    } else {
      r = await sha256(concat([1], r, p));
    }
    fn >>= 1; sn >>= 1;
  }
  if (sn !== 0) throw new Error("proof too short");
  return r;
}

async function check(row, root, size) {
  const entry = fromB64(row.dataset.entry);
  const proof = JSON.parse(row.dataset.proof);
  const leaf = await sha256(concat([0], entry));
  if (!same(leaf, fromHex(proof.leaf_hash)) || proof.tree_size !== size) return false;
  const computed = await rootFromInclusion(proof.index, proof.tree_size, leaf, proof.hashes.map(fromHex));
  return same(computed, root);
}

document.addEventListener("DOMContentLoaded", async () => {
  const note = document.getElementById("checkpoint");
  if (!note) return;
  const lines = note.textContent.split("\n");
  const size = parseInt(lines[1], 10);
  const root = fromB64(lines[2]);
  for (const row of document.querySelectorAll("[data-entry]")) {
    const cell = row.querySelector(".verdict");
    let ok = false;
    try { ok = await check(row, root, size); } catch (e) { ok = false; }
    cell.textContent = ok ? cell.dataset.ok : cell.dataset.bad;
    cell.classList.add(ok ? "ok" : "error");
  }
});
