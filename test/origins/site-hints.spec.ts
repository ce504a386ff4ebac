/**
 * What the shell takes from a site's reports (`src/origins/shell/site-hints.ts`): a scroll report
 * is a direction and nothing else; a document report keeps only a well-formed path, status, date
 * and error name.
 */
import { describe, it } from '../support/spec.ts'
import { deepEqual, equal } from '../support/assert.ts'
import { BRIDGE_PROTOCOL_VERSION } from '../../src/origins/shared/constants.ts'
import type { DocumentServed, SiteScrolled } from '../../src/origins/shared/protocol.ts'
import { documentDetail, scrollDetail } from '../../src/origins/shell/site-hints.ts'

const v = BRIDGE_PROTOCOL_VERSION

describe('site hints', () => {
  it('takes a scroll report as its direction only, for the bridge’s own site', () => {
    const extra = { type: 'an-scrolled', v, direction: 'down', site: 'other:site', y: 1200 }
    deepEqual(scrollDetail('my:site', extra as SiteScrolled), {
      site: 'my:site',
      direction: 'down',
    })
    deepEqual(scrollDetail('my:site', { type: 'an-scrolled', v, direction: 'up' }), {
      site: 'my:site',
      direction: 'up',
    })
  })

  it('drops a scroll report with no known direction', () => {
    for (const direction of ['left', '', 'UP', 1, null, undefined, { toString: () => 'up' }])
      equal(
        scrollDetail('my:site', { type: 'an-scrolled', v, direction } as unknown as SiteScrolled),
        undefined,
        `direction ${String(direction)}`,
      )
  })

  it('keeps a document report’s path on the bound site and drops malformed parts', () => {
    const report = {
      type: 'an-document',
      v,
      path: '/a.html?x=1',
      status: 200,
      offlineCopy: 'yesterday',
      error: 'Not <b>an</b> error name',
    } as DocumentServed
    deepEqual(documentDetail('my:site', report), {
      site: 'my:site',
      path: '/a.html?x=1',
      address: 'an://my:site/a.html?x=1',
      status: 200,
    })
    for (const broken of [{ path: 'a.html' }, { path: `/${'a'.repeat(5000)}` }, { status: '200' }])
      equal(documentDetail('my:site', { ...report, ...broken } as DocumentServed), undefined)
  })
})
