/**
 * Writes test/vectors/names.json from the inputs below by running the implementation.
 * Review the diff by hand before committing: the vectors are the specification's examples.
 * Run: node scripts/make-name-vectors.ts
 * @module
 */

import { writeFileSync } from 'node:fs'
import {
  fromOriginLabel,
  InvalidNameError,
  parseAddress,
  toOriginLabel,
} from '../src/core/names/index.ts'

const a = (n: number): string => 'a'.repeat(n)
const b = (n: number): string => 'b'.repeat(n)

/** Each input with why it is here; the comment is for reviewers, the JSON keeps the exact shape. */
const INPUTS: Array<[input: string, why: string]> = [
  // Valid: the plain forms
  ['an://mysite:code', 'the shortest canonical form; path becomes /'],
  ['an://api.mysite:code/path?q=1#top', 'subdomain, path, query, fragment'],
  ['an://a.b.mysite:code/', 'two subdomains'],
  ['mysite:code', 'bare site name'],
  ['mysite:code/path?x#y', 'bare site name with path, query and fragment'],
  ['MYSITE:CODE', 'uppercase is lowercased'],
  [
    'AN://MySite:Code/Path/To?Q=A#F',
    'scheme and site are case-insensitive; path, query and fragment keep their case',
  ],
  ['web+an://mysite:code/x', 'web+an with //'],
  ['WEB+AN://mysite:code', 'web+an scheme in uppercase'],
  ['web+an:mysite:code/docs', 'web+an without //: the form browsers accept as a URL'],
  [
    'web+an%3A%2F%2Fmysite%3Acode',
    'the whole address percent-encoded once, as a protocol handler may receive it',
  ],
  [
    'web%2Ban%3Amysite%3Acode%2Fa%2520b',
    "percent-encoded with '+' encoded too; the inner %20 survives",
  ],
  ['an%3A%2F%2Fapi.mysite%3Acode%2Fdocs', 'an:// percent-encoded once'],
  ['an:code', "'an:' without // is a bare site name whose name is 'an'"],
  ['mailto:x', 'a bare site name that looks like a URI scheme'],
  ['an://mysite:8080', 'a numeric topic is a topic, not a port'],
  ['0:0', 'digits only'],
  // Valid: hyphens
  ['my-site:code', 'a name with a hyphen'],
  ['mysite:my-topic', 'a topic with a hyphen'],
  ['my-api.my-site:my-topic', 'hyphens everywhere'],
  ['a--b:c', "'--' inside a label is allowed (not at the start)"],
  ['ab--cd:code', "'--' at positions 3-4 of a non-xn label is allowed"],
  // Valid: paths, queries, fragments
  ['a:b?', 'an empty query is dropped'],
  ['a:b#', 'an empty fragment is dropped'],
  ['a:b?q', 'a query with no path gets path /'],
  ['a:b#frag', 'a fragment with no path gets path /'],
  ['a:b/a%20b', 'percent-escapes in the path are kept as they are'],
  ['a:b/é?é#é', 'non-ASCII in path, query and fragment is percent-encoded as UTF-8'],
  ['a:b/"<>`{}?\'"<>#"<>`', 'URL-standard percent-encode sets for path, query and fragment'],
  ['a:b/x/../y', "'..' in the path is left to the content layer"],
  ['a:b/path?a=1&b=%zz#x#y', 'the query and fragment keep stray % and a second #'],
  // Valid: Unicode
  ['bücher:code', 'Unicode name, Punycode-encoded'],
  ['xn--bcher-kva:code', 'the same name given in Punycode'],
  ['XN--BCHER-KVA:code', 'Punycode in uppercase is lowercased'],
  ['BÜCHER:code', 'Unicode uppercase is lowercased before encoding'],
  ['bu\u0308cher:code', 'decomposed u + combining diaeresis is NFC-normalised'],
  ['straße:code', "'ß' stays 'ß' (no mapping to 'ss')"],
  ['пример:код', 'Cyrillic name and topic'],
  ['pаypal:code', "mixed Latin and Cyrillic 'а' is allowed; showing it is the UI's problem"],
  ['中文:code', 'Chinese'],
  ['עברית:code', 'Hebrew, right to left'],
  ['مثال:code', 'Arabic, right to left'],
  ['नमस्ते:code', 'Devanagari with combining marks'],
  ['ΣΑΣ:code', 'Greek: full lowercase mapping makes the final sigma ς'],
  ['İstanbul:code', "U+0130 lowercases to 'i' + U+0307 (locale-independent)"],
  ['\u212Aelvin:code', 'the Kelvin sign lowercases to ASCII k'],
  ['api.bücher:código', 'Unicode in the name and topic under an ASCII subdomain'],
  // Valid: limits and origin labels
  ['a.b.c.d.e.f.g.h.mysite:code', '8 subdomains, the most allowed'],
  [`${a(57)}:code`, 'origin label of exactly 63 characters, the longest'],
  [`${'a-'.repeat(14)}a:code`, "each '-' takes 3 characters of the origin label: 63 exactly"],
  [`${a(28)}.${a(28)}:code`, "a subdomain: '.' takes 1 character of the origin label, 63 in all"],
  ['xn:' + a(55), "the 'xn--' flag counts too: 59 + 4 = 63"],
  ['xn:code', "origin label would start 'xn--': flagged"],
  ['xn-a:b', "origin label would start 'xn---': flagged"],
  ['xn.a:b', "origin label 'xn-a--b' needs no flag"],
  ['bücher.mysite:code', 'a Punycode subdomain first: origin label flagged'],
  ['api.bücher:code', 'a Punycode name after a subdomain: no flag needed'],
  ['x-n:code', 'a literal hyphen after x'],
  // Invalid: structure
  ['', 'empty'],
  ['an://', 'only a scheme'],
  ['web+an:', 'only the web scheme'],
  ['an:///mysite:code', 'a third slash leaves no site'],
  ['//mysite:code', 'scheme-relative form is not accepted'],
  ['an:/mysite:code', "one slash: read as the bare name 'an' with an empty topic"],
  ['an://:code', 'no name'],
  ['an://a:', 'no topic after the colon'],
  ['mysite', 'no topic'],
  ['an://mysite/path', 'no topic before the path'],
  ['an://a:b:c', 'a second colon'],
  ['an://mysite:code:8080', 'a port'],
  ['an://a..b:c', 'an empty label between dots'],
  ['an://.a:b', 'a leading dot'],
  ['an://..:code', "a '..' subdomain"],
  ['an://mysite.:code', 'a trailing dot on the name'],
  ['an://mysite:code.', 'a trailing dot on the topic'],
  ['an://u@a:b', 'userinfo'],
  ['an://user:pass@mysite:code', 'userinfo with a password'],
  ['http://mysite:code', 'another scheme'],
  ['ftp://a:b', 'another scheme'],
  ['a.b.c.d.e.f.g.h.i.mysite:code', '9 subdomains'],
  // Invalid: characters
  ['an://my site:code', 'a space'],
  [' mysite:code', 'a leading space (callers trim user input first)'],
  ['mysite:code ', 'a trailing space'],
  ['an://my\tsite:code', 'a tab'],
  ['an://mysite:code\n', 'a newline at the end of the topic'],
  ['an://my\u0000site:code', 'NUL'],
  ['an://mysite:code\u3000', 'ideographic space'],
  ['an://a_b:code', 'an underscore'],
  ['an://my%73ite:code', 'a percent-encoded character in the name'],
  ['an://mysite%3Acode', 'a percent-encoded colon'],
  ['an://😀:code', 'emoji are not letters'],
  ['an://ｍｙｓｉｔｅ:code', 'fullwidth letters are compatibility characters: refused, not mapped'],
  ['an://a\u200Db:code', 'zero-width joiner'],
  ['an://\u202Eedoc:etisym', 'right-to-left override'],
  ['an://\u0301a:code', 'a label may not start with a combining mark'],
  ['an://a\u00B2:code', 'superscript two is a compatibility character'],
  // Invalid: hyphens and lengths
  ['an://-abc:code', 'a leading hyphen in the name'],
  ['an://abc-:code', 'a trailing hyphen in the name'],
  ['an://abc:-code', 'a leading hyphen in the topic'],
  ['an://abc:code-', 'a trailing hyphen in the topic'],
  ['an://-api.abc:code', 'a leading hyphen in a subdomain'],
  ['an://-bücher:code', 'a leading hyphen in a Unicode label'],
  [`an://${a(64)}:code`, 'a 64-character label'],
  [`an://mysite:${a(64)}`, 'a 64-character topic'],
  [`an://${a(300)}:code`, 'a 300-character name'],
  [`an://${a(63)}.${a(63)}.${a(63)}.${a(60)}:b`, 'a site name of 254 characters'],
  // Invalid: too long to be served from one origin label (docs/PROTOCOL.md, "Origin label")
  [`${a(58)}:code`, 'origin label would be 64 characters'],
  [`${a(63)}:code`, 'a 63-character label is not too long, but the site is (69)'],
  [`${a(63)}.${a(63)}.${a(63)}.${a(59)}:b`, 'a site name of 253 characters: too long to serve'],
  [`${'a-'.repeat(14)}ab:code`, "34 characters, but each '-' takes 3: origin label of 64"],
  [`${a(28)}.${a(29)}:code`, 'a subdomain: origin label of 64'],
  ['xn:' + a(56), "the 'xn--' flag makes it 64"],
  ['bücher.bücher.bücher:code', '20 characters typed, 69 once encoded'],
  [`an://${'ü'.repeat(60)}:code`, 'a Unicode label whose Punycode is longer than 63'],
  [`mysite:code/${b(2040)}`, 'an address longer than 2048 bytes'],
  // Invalid: Punycode
  ['an://xn--abc:code', 'xn-- that decodes to control characters'],
  ['an://xn--:code', 'xn-- with nothing after it: the trailing-hyphen rule comes first'],
  [
    'an://xn--abc-:code',
    'xn-- that would decode to plain ASCII: the trailing-hyphen rule comes first',
  ],
  ['an://xn--bucher-xyd:code', 'xn-- of a decomposed ü: not NFC, so not canonical'],
  ['an://xn--qi7chalyg1a:code', 'xn-- of fullwidth letters'],
  ['an://xn--ab-m1t:code', 'xn-- of a zero-width joiner'],
  ['an://xn--wca:code', 'xn-- of an uppercase letter (Ü)'],
  ['an://xn--ls8h:code', 'xn-- of an emoji'],
  ['an://xn--99999999999:code', 'xn-- that overflows'],
  ['an://xn--bcher-kv:code', 'xn-- that ends in the middle of a number'],
  // Invalid: paths
  ['an://mysite:code/a b', 'a space in the path'],
  ['an://mysite:code/\n', 'a newline in the path'],
  ['an://mysite:code?\u0000', 'NUL in the query'],
  ['an://a:b/path#\u0007', 'a control character in the fragment'],
  ['an://mysite:code/\u00A0', 'no-break space in the path'],
  ['an://mysite:code/a\\b', 'a backslash in the path'],
  ['an://mysite:code/%zz', 'a stray % in the path'],
  // Invalid: percent-encoded forms
  ['web+an%3A%2F%2Fmysite%3Acode%ZZ', 'a bad escape in the encoded form'],
  [
    'web+an%3A%2F%2Fmy%2573ite%3Acode',
    'encoded twice: the site is still percent-encoded after one decoding',
  ],
]

interface Vector {
  input: string
  valid: boolean
  error: string | null
  reason: string | null
  canonical: string | null
  name: string | null
  topic: string | null
  subdomains: string[] | null
  path: string | null
  /** The site's origin label; null only for invalid inputs. */
  originLabel: string | null
}

function vector(input: string): Vector {
  try {
    const parsed = parseAddress(input)
    // Every valid site has an origin label: the grammar refuses the ones that would not fit.
    const originLabel = toOriginLabel(parsed.site)
    if (fromOriginLabel(originLabel) !== parsed.site) throw new Error(`round trip: ${input}`)
    return {
      input,
      valid: true,
      error: null,
      reason: null,
      canonical: parsed.href,
      name: parsed.name,
      topic: parsed.topic,
      subdomains: parsed.subdomains,
      path: parsed.path,
      originLabel,
    }
  } catch (error) {
    if (!(error instanceof InvalidNameError)) throw error
    return {
      input,
      valid: false,
      error: error.name,
      reason: error.reason,
      canonical: null,
      name: null,
      topic: null,
      subdomains: null,
      path: null,
      originLabel: null,
    }
  }
}

const seen = new Set<string>()
for (const [input] of INPUTS) {
  if (seen.has(input)) throw new Error(`duplicate input: ${JSON.stringify(input)}`)
  seen.add(input)
}
const vectors = INPUTS.map(([input]) => vector(input))
const out = new URL('../test/vectors/names.json', import.meta.url)
writeFileSync(out, JSON.stringify({ vectors }, null, 2) + '\n')
if (process.argv.includes('--show')) {
  for (const [i, [input, why]] of INPUTS.entries()) {
    const v = vectors[i]
    console.log(
      JSON.stringify(input).slice(0, 70).padEnd(48),
      v.valid ? `${v.canonical?.slice(0, 60)}  ${v.originLabel}` : `ERR ${v.reason}`,
      ` // ${why}`,
    )
  }
}
console.log(`${vectors.length} vectors written to ${out.pathname}`)
