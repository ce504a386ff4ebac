/**
 * `npm run vectors`: writes every file of test/vectors/ (names, records, content) from the
 * reference implementation. Deterministic: run it again and nothing changes. Review the diff by
 * hand before committing, and run `node --test test/conformance/` to check the files against
 * the rules of docs/PROTOCOL.md independently of src/.
 * @module
 */
import './make-name-vectors.ts'
import './make-record-vectors.ts'
import './make-content-vectors.ts'
