/**
 * Live updates over GossipSub: the service every node runs (`liveGossip`), its validator
 * (`liveValidator`, `judgeEveryTopic`) and a peer's subscriptions (`LiveUpdates`).
 * See docs/PROTOCOL.md#live-updates.
 * @module
 */
export * from './constants.ts'
export { liveGossip, penalizeOverRate, type LiveGossipInit } from './live-gossip.ts'
export {
  judgeEveryTopic,
  liveValidator,
  type LiveJudge,
  type LiveJudgement,
  type LiveValidatorInit,
  type LiveVerdict,
} from './live-validator.ts'
export {
  judgedError,
  LiveUpdates,
  type LiveRecord,
  type LiveRevocation,
  type LiveUpdatesInit,
} from './live-updates.ts'
export { RecentVersions, type RecentVersionsInit } from './recent-versions.ts'
export { PeerRate, type PeerRateInit } from './peer-rate.ts'
export { peerLive, type PeerLiveInit } from './peer-live.ts'
