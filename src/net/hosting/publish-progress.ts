/**
 * The one progress shape of a publication, from the hashing worker to the page: hashing
 * reports its part of it (`HashProgress`), `publishSite` adds the stages after, and the peer's
 * `progress` event and the publish page show the same object.
 * @module
 */

/** Phases of a publication, in order. */
export type PublishPhase = 'hashing' | 'storing' | 'announcing' | 'mirroring' | 'done'

/** A progress report of `publishSite`. */
export interface PublishProgress {
  /** Canonical site name. */
  site: string
  phase: PublishPhase
  /** Bytes hashed so far. */
  bytesHashed: number
  /** Bytes stored so far. */
  bytesStored: number
  /** Bytes of all files; undefined when a file is a stream of unknown length. */
  bytesTotal?: number
  /** Files hashed so far. */
  filesDone: number
  /** Files in the site. */
  filesTotal: number
  /** The file being hashed (`hashing` only). */
  path?: string
  /** DHT servers that accepted the record (`done` only). */
  accepted?: number
  /** Mirrors holding the site completely so far (`mirroring`, `done`). */
  mirrorsDone?: number
  /** Mirrors wanted (`mirroring`, `done`). */
  mirrorsWanted?: number
  /** Bytes of blocks sent to the connected relays so far (`mirroring`, when uploading). */
  bytesUploaded?: number
}

/** What hashing reports after every chunk: its part of `PublishProgress`. */
export type HashProgress = Pick<PublishProgress, 'path' | 'bytesHashed' | 'filesDone'>
