// Percentiles by the nearest-rank method: every reported value is one that was measured.

/**
 * @typedef {object} Summary
 * @property {number} n
 * @property {number | null} p50
 * @property {number | null} p95
 * @property {number | null} max
 * @property {number | null} min
 */

/**
 * @param {readonly number[]} sorted ascending
 * @param {number} p in (0, 100]
 * @returns {number | null}
 */
export function percentile(sorted, p) {
  if (sorted.length === 0) return null
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length))
  return sorted[rank - 1] ?? null
}

/**
 * @param {readonly number[]} values
 * @returns {Summary}
 */
export function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b)
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted.at(-1) ?? null,
    min: sorted[0] ?? null,
  }
}
