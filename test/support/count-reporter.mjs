// @ts-check
/**
 * A node:test reporter that counts leaf tests (not suites) and writes
 * `{ passed, failed, skipped }` as JSON, so scripts/test.mjs can sum every suite.
 * @param {AsyncIterable<{ type: string, data: any }>} source
 */
export default async function* countReporter(source) {
  const counts = { passed: 0, failed: 0, skipped: 0 }
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue
    const { data } = event
    if (data.details?.type === 'suite') {
      // A suite that failed outside its tests (a hook, a load error) counts as one failure.
      if (event.type === 'test:fail' && data.details?.error?.failureType !== 'subtestsFailed')
        counts.failed++
      continue
    }
    if (data.skip || data.todo) counts.skipped++
    else if (event.type === 'test:pass') counts.passed++
    else counts.failed++
  }
  yield JSON.stringify(counts)
}
